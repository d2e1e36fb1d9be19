// The archive's PostgreSQL store on a real server: batches commit whole, and
// the database itself refuses gaps, reordering, rewrites and a second writer.
#include "archive/ArchiveStore.hpp"
#include "archive/ArchiveVerifier.hpp"
#include "archive/ChainFixture.hpp"
#include "support/Postgres.hpp"

#include <doctest/doctest.h>

using namespace stillroom;
using namespace stillroom::archive;
using namespace stillroom::test;

namespace {

std::vector<StoredEvent> as_batch(const std::vector<record::RecordEvent>& events, std::int64_t chain = 1) {
  std::vector<StoredEvent> batch;
  for (const auto& e : events) batch.push_back({"room-x", chain, e, e.seq == 1});
  return batch;
}

}  // namespace

TEST_CASE("the store appends in order and knows its heads and the database refuses what would break a chain") {
  Postgres pg;
  ArchiveStore store(pg.conninfo());
  store.open();
  const auto chain = make_chain(6);
  store.append(as_batch({chain.begin(), chain.begin() + 3}));
  auto heads = store.heads();
  REQUIRE(heads.count("room-x") == 1);
  CHECK(heads["room-x"].seq == 3);
  CHECK(heads["room-x"].hash == chain[2].hash);
  CHECK(store.holds("room-x", chain[1].hash));
  CHECK_FALSE(store.holds("room-y", chain[1].hash));
  CHECK(store.chain_holding("room-x", 2, chain[1].hash) == std::optional<std::int64_t>(1));

  // A gap, a repeat and a batch with one bad row: nothing of such a batch is stored.
  CHECK_THROWS_AS(store.append(as_batch({chain[4]})), PgError);
  CHECK_THROWS_AS(store.append(as_batch({chain[2]})), PgError);
  CHECK_THROWS_AS(store.append(as_batch({chain[3], chain[5]})), PgError);
  store.close();
  store.open();
  CHECK(store.heads()["room-x"].seq == 3);
  store.append(as_batch({chain[3], chain[4], chain[5]}));
  CHECK(store.heads()["room-x"].seq == 6);

  // Archived events are never changed or deleted, even by plain SQL.
  CHECK_THROWS(pg.query("UPDATE archive_events SET payload = '{}' WHERE seq = 2"));
  CHECK_THROWS(pg.query("DELETE FROM archive_events WHERE seq = 6"));
  CHECK_THROWS(pg.query("TRUNCATE archive_events CASCADE"));
  CHECK(pg.value("SELECT count(*) FROM archive_events") == "6");

  // One writer per database.
  ArchiveStore second(pg.conninfo());
  try {
    second.open();
    FAIL("a second archive could open the database for writing");
  } catch (const PgError& e) {
    CHECK(std::string(e.what()).find("another stillroom-archive") != std::string::npos);
    CHECK_FALSE(e.connection_lost());
  }

  // The verifier recomputes everything from the stored columns.
  {
    PgConnection db(pg.conninfo());
    const auto v = verify_archive(db);
    REQUIRE(v.size() == 1);
    CHECK(v[0].ok());
    CHECK(v[0].events == 6);
    CHECK(v[0].seq == 6);
  }
}

TEST_CASE("a refusal is counted and not stored among the events and a replacement record is chain 2") {
  Postgres pg;
  ArchiveStore store(pg.conninfo());
  store.open();
  const auto chain = make_chain(2);
  store.append(as_batch(chain));
  Judgement j;
  j.arrival = Arrival::Refused;
  j.event = chain_event(3, std::string(64, 'b'));
  j.problem = "chain_broken";
  j.detail = "test";
  CHECK(store.refuse("room-x", 1, j, wire(j.event)));
  CHECK_FALSE(store.refuse("room-x", 1, j, wire(j.event)));  // a repeat only counts
  Judgement garbage;
  garbage.problem = "malformed";
  garbage.detail = "not JSON";
  CHECK(store.refuse("room-x", 1, garbage, std::string("\0\xff raw", 6)));
  CHECK(pg.value("SELECT times FROM archive_refusals WHERE problem = 'chain_broken'") == "2");
  CHECK(pg.value("SELECT count(*) FROM archive_events") == "2");

  const auto replaced = replaced_event(2, chain[1].hash);
  store.append({{"room-x", 2, replaced, true}});
  const auto heads = store.heads();
  CHECK(heads.at("room-x").chain == 2);
  CHECK(heads.at("room-x").seq == 1);
  CHECK(pg.value("SELECT replaced IS NOT NULL FROM archive_chains WHERE chain = 2") == "t");
  PgConnection db(pg.conninfo());
  const auto v = verify_archive(db);
  REQUIRE(v.size() == 1);
  CHECK(v[0].ok());
  CHECK(v[0].chains == 2);
  CHECK(v[0].events == 3);
}

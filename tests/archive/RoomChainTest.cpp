// How the archive judges each arriving event: pure, no broker, no database.
#include "archive/RoomChain.hpp"
#include "archive/ChainFixture.hpp"

#include <doctest/doctest.h>

#include <set>

using namespace stillroom;
using namespace stillroom::archive;
using namespace stillroom::test;

namespace {

struct Held {
  std::set<std::string> hashes;
  ChainHead head;
  HoldsHash holds() const {
    return [this](const std::string& h) { return hashes.count(h) != 0; };
  }
  Judgement take(const record::RecordEvent& e) {
    const Judgement j = judge(head, wire(e), holds());
    if (j.arrival == Arrival::Next || j.arrival == Arrival::NewChain) {
      head = advance(head, j);
      hashes.insert(j.event.hash);
    }
    return j;
  }
};

}  // namespace

TEST_CASE("a chain is taken in order from seq 1 and repeats are recognised by their hash") {
  const auto chain = make_chain(4);
  Held held;
  CHECK(held.take(chain[0]).arrival == Arrival::Next);
  CHECK(held.head.chain == 1);
  CHECK(held.take(chain[1]).arrival == Arrival::Next);
  CHECK(held.take(chain[1]).arrival == Arrival::Duplicate);
  CHECK(held.take(chain[0]).arrival == Arrival::Duplicate);
  CHECK(held.take(chain[3]).arrival == Arrival::Ahead);  // seq 3 is missing: nothing stored
  CHECK(held.head.seq == 2);
  CHECK(held.take(chain[2]).arrival == Arrival::Next);
  CHECK(held.take(chain[3]).arrival == Arrival::Next);
  CHECK(held.head.seq == 4);
  CHECK(held.head.hash == chain[3].hash);
}

TEST_CASE("a changed byte or a broken link or another event at a held seq or garbage is refused") {
  const auto chain = make_chain(3);
  Held held;
  REQUIRE(held.take(chain[0]).arrival == Arrival::Next);

  auto changed = chain[1];
  changed.payload = R"({"db":-60.0})";  // the hash no longer matches
  const auto j1 = held.take(changed);
  CHECK(j1.arrival == Arrival::Refused);
  CHECK(j1.problem == "hash_mismatch");

  auto relinked = chain_event(2, std::string(64, 'a'));  // a valid hash over a wrong prev_hash
  const auto j2 = held.take(relinked);
  CHECK(j2.arrival == Arrival::Refused);
  CHECK(j2.problem == "chain_broken");

  const auto other_first = chain_event(1, std::string(record::kGenesisHash));  // a second seq 1, not a replacement
  const auto j3 = held.take(other_first);
  CHECK(j3.arrival == Arrival::Refused);
  CHECK(j3.problem == "conflict");

  CHECK(held.take(chain[0]).arrival == Arrival::Duplicate);
  for (const char* bad : {"", "not json", "[1,2]", R"({"seq":2})", "\xff\xfe"}) {
    INFO(bad);
    const auto j = judge(held.head, bad, held.holds());
    CHECK(j.arrival == Arrival::Refused);
    CHECK(j.problem == "malformed");
  }
  CHECK(held.head.seq == 1);  // nothing refused moved the head
  CHECK(held.take(chain[1]).arrival == Arrival::Next);
}

TEST_CASE("record_replaced at seq 1 starts the next chain of the room and its repeats stay repeats") {
  const auto chain = make_chain(5);
  Held held;
  for (const auto& e : chain) REQUIRE(held.take(e).arrival == Arrival::Next);
  const auto replaced = replaced_event(3, chain[2].hash);
  const auto j = held.take(replaced);
  CHECK(j.arrival == Arrival::NewChain);
  CHECK(held.head.chain == 2);
  CHECK(held.head.seq == 1);
  CHECK(held.take(replaced).arrival == Arrival::Duplicate);
  CHECK(held.take(chain[4]).arrival == Arrival::Duplicate);  // the old chain's events are still held
  const auto second = chain_event(2, replaced.hash);
  CHECK(held.take(second).arrival == Arrival::Next);
  CHECK(held.head.chain == 2);
  CHECK(held.head.seq == 2);
}

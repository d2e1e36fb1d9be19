// Tampering: every way of editing the file behind the record's back — a changed
// byte in any column, a deleted row, swapped rows, a re-hashed forgery, a
// truncated tail — makes verify fail and name the first broken seq. The file is
// edited with the sqlite3 C API after dropping the triggers, as a tamperer would.
#include "RecordTestFixture.hpp"

#include "record/Record.hpp"
#include "record/RecordHash.hpp"
#include "record/RecordReader.hpp"
#include "support/TempDir.hpp"

#include <doctest/doctest.h>

using namespace std::chrono_literals;
using namespace stillroom::record;
using stillroom::session::ManualClock;
using stillroom::test::RawDb;
using stillroom::test::read_file;
using stillroom::test::sample_event;
using stillroom::test::TempDir;

namespace {

/** A record of `count` events, closed; returns the events as appended. */
std::vector<RecordEvent> make_record(const std::filesystem::path& path, int count = 10) {
  ManualClock clock;
  Record record(path, clock);
  std::vector<RecordEvent> events;
  for (int i = 1; i <= count; ++i) {
    clock.advance(1s);
    events.push_back(record.append(sample_event(i)));
  }
  return events;
}

VerifyResult verify_file(const std::filesystem::path& path, std::optional<Checkpoint> checkpoint = std::nullopt) {
  RecordReader reader(path);
  VerifyOptions options;
  options.checkpoint = std::move(checkpoint);
  options.integrity_check = true;
  return reader.verify(options);
}

/** Re-hashes rows from `from` on, as a careful forger would after an edit. */
void rehash_from(RawDb& raw, const std::filesystem::path& path, std::int64_t from) {
  RecordReader reader(path);
  auto events = reader.events_after(0, 1000);
  std::string prev(kGenesisHash);
  for (auto& e : events) {
    if (e.seq >= from) {
      e.prev_hash = prev;
      e.hash = compute_hash(e);
      raw.must("UPDATE events SET prev_hash = '" + e.prev_hash + "', hash = '" + e.hash +
               "' WHERE seq = " + std::to_string(e.seq));
    }
    prev = e.hash;
  }
}

}  // namespace

TEST_CASE("record: an untouched record verifies") {
  TempDir dir;
  const auto events = make_record(dir / "record.db");
  const auto result = verify_file(dir / "record.db", Checkpoint{10, events.back().hash});
  CHECK(result.ok());
  CHECK(result.checked == 10);
  CHECK(result.last_seq == 10);
  CHECK(result.message().find("intact") != std::string::npos);
}

TEST_CASE("record: a changed byte in any column makes verify name that row") {
  const std::vector<std::string> edits = {
      "event_id = '00000000-0000-4000-8000-000000000000'",
      "session = 's-0002'",
      "utc = replace(utc, '00:00:04', '00:00:05')",
      "monotonic_ns = monotonic_ns + 1",
      "boot_id = 'another-boot'",
      "clock_synced = 0",
      "type = 'resumed'",
      "actor_device = 'tablet-4'",
      "actor_role = 'observer'",
      "payload = replace(payload, ':', ': ')",
      "prev_hash = substr(prev_hash, 1, 63) || CASE substr(prev_hash, 64, 1) WHEN '0' THEN '1' ELSE '0' END",
      "hash = substr(hash, 1, 63) || CASE substr(hash, 64, 1) WHEN '0' THEN '1' ELSE '0' END",
  };
  for (const auto& edit : edits) {
    INFO("edit: " << edit);
    TempDir dir;
    const auto events = make_record(dir / "record.db");
    {
      RawDb raw(dir / "record.db");
      raw.drop_triggers();
      raw.must("UPDATE events SET " + edit + " WHERE seq = 4");
      REQUIRE(raw.text("SELECT count(*) FROM events WHERE seq = 4 AND event_id = '" + events[3].event_id +
                       "' AND session = 's-0001' AND utc = '" + events[3].utc + "' AND monotonic_ns = " +
                       std::to_string(events[3].monotonic_ns) + " AND boot_id = '" + events[3].boot_id +
                       "' AND clock_synced = 1 AND type = '" + events[3].type + "' AND actor_device = '" +
                       events[3].actor_device + "' AND actor_role = '" + events[3].actor_role + "' AND payload = '" +
                       events[3].payload + "' AND prev_hash = '" + events[3].prev_hash + "' AND hash = '" +
                       events[3].hash + "'") == "0");  // the edit really changed the row
    }
    const auto result = verify_file(dir / "record.db");
    CHECK_FALSE(result.ok());
    CHECK(result.broken_seq == 4);
    CHECK(result.problem == VerifyResult::Problem::HashMismatch);
    CHECK(result.last_good_seq == 3);
    CHECK(result.last_good_hash == events[2].hash);
    CHECK(result.message().find("broken at seq 4") != std::string::npos);
  }
}

TEST_CASE("record: a deleted row makes verify name the missing seq") {
  TempDir dir;
  make_record(dir / "record.db");
  {
    RawDb raw(dir / "record.db");
    raw.drop_triggers();
    raw.must("DELETE FROM events WHERE seq = 5");
  }
  const auto result = verify_file(dir / "record.db");
  CHECK(result.problem == VerifyResult::Problem::MissingRows);
  CHECK(result.broken_seq == 5);
  CHECK(result.detail.find("seq 5 missing") != std::string::npos);

  TempDir head;
  make_record(head / "record.db");
  {
    RawDb raw(head / "record.db");
    raw.drop_triggers();
    raw.must("DELETE FROM events WHERE seq IN (1, 2)");
  }
  const auto from_head = verify_file(head / "record.db");
  CHECK(from_head.problem == VerifyResult::Problem::MissingRows);
  CHECK(from_head.broken_seq == 1);
  CHECK(from_head.detail.find("seq 1..2 missing") != std::string::npos);
}

TEST_CASE("record: swapped rows make verify name the first of them") {
  TempDir dir;
  make_record(dir / "record.db");
  {
    RawDb raw(dir / "record.db");
    raw.drop_triggers();
    // Exchange everything but seq between rows 3 and 4.
    raw.must("CREATE TEMP TABLE keep AS SELECT * FROM events WHERE seq IN (3, 4)");
    raw.must("DELETE FROM events WHERE seq IN (3, 4)");
    raw.must("INSERT INTO events SELECT 7 - seq, event_id, session, utc, monotonic_ns, boot_id, clock_synced, type, "
             "actor_device, actor_role, payload, prev_hash, hash FROM keep");
  }
  const auto result = verify_file(dir / "record.db");
  CHECK(result.problem == VerifyResult::Problem::HashMismatch);
  CHECK(result.broken_seq == 3);

  // A tamperer who also re-hashes the swapped rows is caught by the links.
  TempDir careful;
  make_record(careful / "record.db");
  {
    RawDb raw(careful / "record.db");
    raw.drop_triggers();
    raw.must("CREATE TEMP TABLE keep AS SELECT * FROM events WHERE seq IN (3, 4)");
    raw.must("DELETE FROM events WHERE seq IN (3, 4)");
    raw.must("INSERT INTO events SELECT 7 - seq, event_id, session, utc, monotonic_ns, boot_id, clock_synced, type, "
             "actor_device, actor_role, payload, prev_hash, hash FROM keep");
    // Recompute each swapped row's own hash but keep its (now wrong) prev_hash.
    RecordReader reader(careful / "record.db");
    for (auto e : reader.events_after(2, 2)) {
      e.hash = compute_hash(e);
      raw.must("UPDATE events SET hash = '" + e.hash + "' WHERE seq = " + std::to_string(e.seq));
    }
  }
  const auto relinked = verify_file(careful / "record.db");
  CHECK(relinked.problem == VerifyResult::Problem::ChainBroken);
  CHECK(relinked.broken_seq == 3);
}

TEST_CASE("record: a truncated tail is found by the sequence counter, the ack, or an anchored checkpoint") {
  TempDir dir;
  const auto events = make_record(dir / "record.db");
  {
    RawDb raw(dir / "record.db");
    raw.drop_triggers();
    raw.must("DELETE FROM events WHERE seq >= 9");
  }
  auto result = verify_file(dir / "record.db");
  CHECK(result.problem == VerifyResult::Problem::TruncatedTail);
  CHECK(result.broken_seq == 9);
  CHECK(result.detail.find("seq 10 was issued") != std::string::npos);

  // The tamperer also rewinds sqlite_sequence; the consumer's acknowledgement still tells.
  {
    RawDb raw(dir / "record.db");
    raw.must("UPDATE sqlite_sequence SET seq = 8 WHERE name = 'events'");
    raw.must("DROP TRIGGER outbox_forward_only");
    raw.must("UPDATE outbox SET acked_seq = 10");
  }
  result = verify_file(dir / "record.db");
  CHECK(result.problem == VerifyResult::Problem::BehindAcknowledged);
  CHECK(result.broken_seq == 9);

  // With no ack either, only an anchored checkpoint can tell — and does.
  {
    RawDb raw(dir / "record.db");
    raw.must("UPDATE outbox SET acked_seq = 0");
  }
  CHECK(verify_file(dir / "record.db").ok());
  result = verify_file(dir / "record.db", Checkpoint{10, events[9].hash});
  CHECK(result.problem == VerifyResult::Problem::TruncatedTail);
  CHECK(result.broken_seq == 9);
}

TEST_CASE("record: a consistent forgery passes the chain but not an anchored checkpoint") {
  TempDir dir;
  const auto events = make_record(dir / "record.db");
  {
    RawDb raw(dir / "record.db");
    raw.drop_triggers();
    raw.must("UPDATE events SET payload = '{\"db\":-60.0}' WHERE seq = 6");
    rehash_from(raw, dir / "record.db", 6);
  }
  CHECK(verify_file(dir / "record.db").ok());                           // the chain alone cannot tell
  CHECK(verify_file(dir / "record.db", Checkpoint{5, events[4].hash}).ok());  // anchored before the forgery
  const auto result = verify_file(dir / "record.db", Checkpoint{8, events[7].hash});
  CHECK(result.problem == VerifyResult::Problem::CheckpointMismatch);
  CHECK(result.broken_seq == 8);
}

TEST_CASE("record: a row with the wrong column types is reported as malformed") {
  TempDir dir;
  make_record(dir / "record.db");
  {
    RawDb raw(dir / "record.db");
    raw.drop_triggers();
    raw.must("UPDATE events SET monotonic_ns = 'soon' WHERE seq = 7");
  }
  const auto result = verify_file(dir / "record.db");
  CHECK(result.problem == VerifyResult::Problem::MalformedRow);
  CHECK(result.broken_seq == 7);
}

TEST_CASE("record: a row whose text is not UTF-8 is malformed, not a crash (found by the record fuzz target)") {
  TempDir dir;
  make_record(dir / "record.db");
  {
    RawDb raw(dir / "record.db");
    raw.drop_triggers();
    raw.must("UPDATE events SET type = CAST(X'766f6c756d65ff' AS TEXT) WHERE seq = 4");
  }
  const auto result = verify_file(dir / "record.db");
  CHECK(result.problem == VerifyResult::Problem::MalformedRow);
  CHECK(result.broken_seq == 4);
  CHECK(result.detail == "text columns must hold UTF-8 text");
}

TEST_CASE("record: UTF-8 as the canonical form needs it") {
  CHECK(is_valid_utf8("c-1042, Stillroom ☾ 𝄞 é"));
  CHECK(is_valid_utf8(""));
  CHECK_FALSE(is_valid_utf8("\xff"));
  CHECK_FALSE(is_valid_utf8("\xc3"));              // cut short
  CHECK_FALSE(is_valid_utf8("\xc0\xaf"));          // overlong '/'
  CHECK_FALSE(is_valid_utf8("\xe0\x80\xaf"));      // overlong
  CHECK_FALSE(is_valid_utf8("\xed\xa0\x80"));      // a surrogate
  CHECK_FALSE(is_valid_utf8("\xf4\x90\x80\x80"));  // above U+10FFFF
  CHECK_FALSE(is_valid_utf8("\xe2\x98"));          // cut short
  CHECK(is_valid_utf8("\xf4\x8f\xbf\xbf"));        // U+10FFFF
}

TEST_CASE("record: opening a tampered record preserves it, starts a new one and names the last good event") {
  TempDir dir;
  const auto events = make_record(dir / "record.db");
  {
    RawDb raw(dir / "record.db");
    raw.drop_triggers();
    raw.must("UPDATE events SET payload = '{\"db\":0}' WHERE seq = 9");
  }
  const std::string tampered = read_file(dir / "record.db");
  REQUIRE_FALSE(tampered.empty());
  ManualClock clock;
  Record record(dir / "record.db", clock, RecordOptions{"room-1"});
  REQUIRE(record.available());
  const auto& report = record.open_report();
  REQUIRE(report.replaced.has_value());
  CHECK(report.created);
  CHECK(report.replaced->reason.find("hash_mismatch") != std::string::npos);
  CHECK(report.replaced->last_good_seq == 8);
  CHECK(report.replaced->last_good_hash == events[7].hash);
  CHECK(report.replaced->preserved_as.filename().string().rfind("record.db.corrupt-20260101T000000Z", 0) == 0);
  CHECK(read_file(report.replaced->preserved_as) == tampered);  // kept byte for byte

  const auto first = record.events_after(0, 10);
  REQUIRE(first.size() == 1);
  CHECK(first[0].type == "record_replaced");
  CHECK(first[0].actor_role == "system");
  const auto p = first[0].payload_json();
  CHECK(p["old_file"] == report.replaced->preserved_as.string());
  CHECK(p["last_good_seq"] == 8);
  CHECK(p["last_good_hash"] == events[7].hash);
  CHECK(record.verify().ok());
  // The preserved file still shows the tampering to anyone who verifies it.
  CHECK(verify_file(report.replaced->preserved_as).broken_seq == 9);
}

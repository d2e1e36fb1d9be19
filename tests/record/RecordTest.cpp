// The record's core: append and read back, the canonical form and the chain,
// durability settings, private files, append-only triggers, refused drafts,
// sessions and queries.
#include "RecordTestFixture.hpp"

#include "record/Record.hpp"
#include "record/RecordHash.hpp"
#include "record/RecordReader.hpp"
#include "support/TempDir.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <sys/stat.h>

using namespace std::chrono_literals;
using namespace stillroom::record;
using stillroom::session::ManualClock;
using stillroom::test::draft;
using stillroom::test::file_mode;
using stillroom::test::kSystem;
using stillroom::test::kTherapist;
using stillroom::test::RawDb;
using stillroom::test::sample_event;
using stillroom::test::TempDir;

namespace {

void check_same(const RecordEvent& a, const RecordEvent& b) {
  CHECK(a.seq == b.seq);
  CHECK(a.event_id == b.event_id);
  CHECK(a.session == b.session);
  CHECK(a.utc == b.utc);
  CHECK(a.monotonic_ns == b.monotonic_ns);
  CHECK(a.boot_id == b.boot_id);
  CHECK(a.clock_synced == b.clock_synced);
  CHECK(a.type == b.type);
  CHECK(a.actor_device == b.actor_device);
  CHECK(a.actor_role == b.actor_role);
  CHECK(a.payload == b.payload);
  CHECK(a.prev_hash == b.prev_hash);
  CHECK(a.hash == b.hash);
}

}  // namespace

TEST_CASE("record: SHA-256 and UUIDs are what the standards say") {
  CHECK(sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  const std::string a = random_uuid(), b = random_uuid();
  CHECK(is_uuid(a));
  CHECK(a != b);
  CHECK(a[14] == '4');                               // version 4
  CHECK(std::string("89ab").find(a[19]) != std::string::npos);  // RFC 4122 variant
  // RFC 4122 appendix B style check of version 5: DNS namespace, "www.example.com".
  CHECK(name_uuid("6ba7b810-9dad-11d1-80b4-00c04fd430c8", "www.example.com") ==
        "2ed6657d-e927-568b-95e1-2665a8aea6a2");
}

TEST_CASE("record: the canonical form is the documented byte string and its hash recomputes externally") {
  RecordEvent e;
  e.seq = 1;
  e.event_id = "0b7c6f4e-2d1a-4c3b-9a8f-7e6d5c4b3a21";
  e.session = "s-0001";
  e.utc = "2026-01-01T00:00:00.000Z";
  e.monotonic_ns = 1'000'000'000;
  e.boot_id = "00000000-0000-4000-8000-000000000001";
  e.clock_synced = true;
  e.type = "volume";
  e.actor_device = "tablet-3";
  e.actor_role = "therapist";
  e.payload = canonical_payload({{"db", -6.0}});
  e.prev_hash = std::string(kGenesisHash);
  CHECK(canonical_form(e) ==
        R"({"actor_device":"tablet-3","actor_role":"therapist","boot_id":"00000000-0000-4000-8000-000000000001",)"
        R"("clock_synced":1,"event_id":"0b7c6f4e-2d1a-4c3b-9a8f-7e6d5c4b3a21","monotonic_ns":1000000000,)"
        R"("payload":"{\"db\":-6.0}","prev_hash":"0000000000000000000000000000000000000000000000000000000000000000",)"
        R"("seq":1,"session":"s-0001","type":"volume","utc":"2026-01-01T00:00:00.000Z"})");
  // Computed with `printf '%s' '<canonical form>' | sha256sum` (docs/record.md shows the recipe).
  CHECK(compute_hash(e) == "fba9d10bc408e622454877232d7f0c1cbb6a93309ec4b0a9ad801516c126f88c");
  // Payload keys come out sorted whatever order they were given in.
  CHECK(canonical_payload({{"z", 1}, {"a", {{"y", true}, {"b", nullptr}}}}) == R"({"a":{"b":null,"y":true},"z":1})");
}

TEST_CASE("record: append returns the stored event, chained, and it reads back identically") {
  TempDir dir;
  ManualClock clock;
  std::vector<RecordEvent> appended;
  {
    Record record(dir / "record.db", clock, RecordOptions{"room-1"});
    REQUIRE(record.available());
    CHECK(record.open_report().created);
    CHECK_FALSE(record.open_report().replaced.has_value());
    appended.push_back(record.append(draft("session_preloaded", {{"clients", {"c-017"}},
                                                                 {"protocol", "im-standard"},
                                                                 {"route", "im"},
                                                                 {"playlist", "calm-1"},
                                                                 {"session_number", 3},
                                                                 {"dose_mg", 50},
                                                                 {"shuffle_seed", 18446744073709551615ULL}})));
    clock.advance(90s);
    clock.set_synced(false);
    appended.push_back(record.append(draft("dose", {{"client", "c-017"},
                                                    {"at", "2026-01-01T00:01:30.000Z"},
                                                    {"dose_mg", 50.5},
                                                    {"route", "im"},
                                                    {"medication", "ketamine"},
                                                    {"booster", false}})));
    clock.advance(250ms);
    appended.push_back(record.append(draft("fault", {{"code", "light_offline"}, {"message", "desk lamp, \"quoted\"\n"}},
                                           "", kSystem)));
  }
  REQUIRE(appended.size() == 3);
  CHECK(appended[0].seq == 1);
  CHECK(appended[1].seq == 2);
  CHECK(appended[2].seq == 3);
  CHECK(appended[0].prev_hash == kGenesisHash);
  CHECK(appended[1].prev_hash == appended[0].hash);
  CHECK(appended[2].prev_hash == appended[1].hash);
  for (const auto& e : appended) {
    CHECK(e.hash == compute_hash(e));
    CHECK(is_uuid(e.event_id));
  }
  CHECK(appended[0].utc == "2026-01-01T00:00:00.000Z");
  CHECK(appended[1].utc == "2026-01-01T00:01:30.000Z");
  CHECK(appended[2].utc == "2026-01-01T00:01:30.250Z");
  CHECK(appended[0].monotonic_ns == 1'000'000'000);
  CHECK(appended[2].monotonic_ns == 91'250'000'000);
  CHECK(appended[0].clock_synced);
  CHECK_FALSE(appended[1].clock_synced);
  CHECK(appended[0].boot_id == "00000000-0000-4000-8000-000000000001");
  CHECK(appended[0].payload_json()["shuffle_seed"] == 18446744073709551615ULL);
  CHECK(appended[2].session.empty());
  CHECK(appended[2].actor_role == "system");

  Record reopened(dir / "record.db", clock);
  REQUIRE(reopened.available());
  CHECK_FALSE(reopened.open_report().created);
  const auto stored = reopened.events_after(0, 100);
  REQUIRE(stored.size() == 3);
  for (std::size_t i = 0; i < stored.size(); ++i) check_same(stored[i], appended[i]);
  const auto result = reopened.verify();
  CHECK(result.ok());
  CHECK(result.checked == 3);
  CHECK(result.last_seq == 3);
  CHECK(result.last_hash == appended[2].hash);
  const auto checkpoint = reopened.checkpoint();
  REQUIRE(checkpoint);
  CHECK(checkpoint->seq == 3);
  CHECK(checkpoint->hash == appended[2].hash);
}

TEST_CASE("record: SQLite's own JSON functions recompute the canonical form of every stored row") {
  TempDir dir;
  ManualClock clock;
  {
    Record record(dir / "record.db", clock);
    record.append(draft("track_changed", {{"title", "Ünïcode — \"Ω\" \\ tab\there"},
                                          {"artist", "line\nbreak, comma"},
                                          {"file", "/music/a b.flac"},
                                          {"phase", "onset"}}));
    record.append(draft("fault", {{"code", "ctl\x01"}, {"message", "bell \x07 and del \x7f"}}, "", kSystem));
    for (int i = 0; i < 5; ++i) record.append(sample_event(i));
  }
  RawDb raw(dir / "record.db");
  // The query docs/record.md gives auditors: keys listed in sorted order, compact output.
  const auto sql_forms = raw.column(
      "SELECT json_object('actor_device', actor_device, 'actor_role', actor_role, 'boot_id', boot_id, "
      "'clock_synced', clock_synced, 'event_id', event_id, 'monotonic_ns', monotonic_ns, 'payload', payload, "
      "'prev_hash', prev_hash, 'seq', seq, 'session', session, 'type', type, 'utc', utc) FROM events ORDER BY seq");
  RecordReader reader(dir / "record.db");
  const auto events = reader.events_after(0, 100);
  REQUIRE(sql_forms.size() == events.size());
  REQUIRE(events.size() == 7);
  for (std::size_t i = 0; i < events.size(); ++i) {
    INFO("seq " << events[i].seq);
    CHECK(sql_forms[i] == canonical_form(events[i]));
    CHECK(sha256_hex(sql_forms[i]) == events[i].hash);
  }
}

TEST_CASE("record: durability settings are really in force") {
  TempDir dir;
  ManualClock clock;
  Record record(dir / "record.db", clock);
  record.append(sample_event(1));
  const RecordDurability d = record.durability();
  CHECK(d.journal_mode == "wal");
  CHECK(d.synchronous == 2);
  CHECK(d.busy_timeout_ms == 5000);
  // WAL is a property of the file: another connection sees it too.
  RawDb raw(dir / "record.db");
  CHECK(raw.text("PRAGMA journal_mode") == "wal");
  CHECK(raw.text("PRAGMA user_version") == "1");

  RecordOptions normal;
  normal.sync = RecordOptions::Sync::Normal;
  Record reference(dir / "normal.db", clock, normal);
  CHECK(reference.durability().synchronous == 1);
}

TEST_CASE("record: the database and its -wal and -shm are readable only by the controller's user") {
  TempDir dir;
  ManualClock clock;
  const mode_t before = ::umask(022);
  {
    Record record(dir / "sub" / "record.db", clock);
    REQUIRE(record.available());
    record.append(sample_event(1));
    CHECK(file_mode(dir / "sub" / "record.db") == 0600);
    CHECK(file_mode(dir / "sub" / "record.db-wal") == 0600);
    CHECK(file_mode(dir / "sub" / "record.db-shm") == 0600);
    CHECK(file_mode(dir / "sub") == 0700);  // a directory the record created
  }
  // The umask is the process's own again.
  CHECK(::umask(022) == 022);

  // A file someone loosened is tightened at the next open.
  REQUIRE(::chmod((dir / "sub" / "record.db").c_str(), 0644) == 0);
  {
    Record record(dir / "sub" / "record.db", clock);
    REQUIRE(record.available());
    CHECK(file_mode(dir / "sub" / "record.db") == 0600);
  }
  ::umask(before);
}

TEST_CASE("record: SQLite triggers refuse UPDATE and DELETE of events and a backward ack") {
  TempDir dir;
  ManualClock clock;
  Record record(dir / "record.db", clock);
  const auto first = record.append(sample_event(1));
  record.append(sample_event(2));
  REQUIRE(record.acknowledge(2));

  RawDb raw(dir / "record.db");
  std::string message;
  CHECK(raw.exec("UPDATE events SET payload = '{\"db\":0}' WHERE seq = 1", &message) == SQLITE_CONSTRAINT);
  CHECK(message.find("append-only") != std::string::npos);
  CHECK(raw.exec("DELETE FROM events WHERE seq = 2", &message) == SQLITE_CONSTRAINT);
  CHECK(message.find("append-only") != std::string::npos);
  CHECK(raw.exec("UPDATE outbox SET acked_seq = 1", &message) == SQLITE_CONSTRAINT);
  CHECK(message.find("forward") != std::string::npos);
  CHECK(raw.text("SELECT payload FROM events WHERE seq = 1") == first.payload);
  CHECK(raw.text("SELECT count(*) FROM events") == "2");
  CHECK(raw.text("SELECT acked_seq FROM outbox") == "2");
  CHECK(record.verify().ok());
}

TEST_CASE("record: malformed events are refused with a specific message and change nothing") {
  TempDir dir;
  ManualClock clock;
  Record record(dir / "record.db", clock);
  record.append(sample_event(1));
  const auto before = record.checkpoint();

  struct Case {
    EventDraft draft;
    std::string message;
  };
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const std::vector<Case> cases = {
      {draft("volumes", {{"db", 1}}), "unknown event type 'volumes'"},
      {draft("volume", nlohmann::json::object()), "payload field 'db' is missing"},
      {draft("volume", {{"db", "loud"}}), "payload field 'db' must be a number"},
      {draft("volume", {{"db", nan}}), "payload.db is not a finite number"},
      {draft("dose", {{"client", "c-1"}, {"at", "yesterday"}, {"route", "im"}, {"medication", "k"}, {"booster", false}}),
       "payload field 'at' must be an RFC 3339 instant"},
      {draft("dose",
             {{"client", "c-1"}, {"at", "2026-01-01T00:00:00Z"}, {"route", "im"}, {"medication", "k"}, {"booster", false}},
             ""),
       "session is empty"},
      {draft("session_ended", {{"reason", "bored"}, {"at_dose_ms", 1}}), "one of stop, protocol_end, emergency"},
      {draft("volume", {{"db", 1}}, "s-1", {"", "therapist"}), "actor device is empty"},
      {draft("volume", {{"db", 1}}, "s-1", {"tablet", ""}), "actor role is empty"},
      {draft("volume", nlohmann::json::array({1})), "payload is not a JSON object"},
      {draft("clock_stepped", {{"step_ms", 5}}), "written by the record itself"},
      {draft("fault", {{"code", "x"}, {"message", std::string("\xff\xfe", 2)}}), "not valid UTF-8"},
      {draft("volume", {{"db", 1}}, "s-1\n"), "session contains a control character"},
  };
  for (const auto& c : cases) {
    INFO("expected: " << c.message);
    try {
      record.append(c.draft);
      FAIL("accepted");
    } catch (const RecordError& error) {
      CHECK(error.kind() == RecordError::Kind::InvalidEvent);
      CHECK(std::string(error.what()).find(c.message) != std::string::npos);
    }
  }
  const auto after = record.checkpoint();
  REQUIRE(after);
  CHECK(after->seq == before->seq);
  CHECK(after->hash == before->hash);
  CHECK(record.available());
  CHECK(record.append(sample_event(2)).seq == 2);
}

TEST_CASE("record: sessions, a session's events and events after a seq") {
  TempDir dir;
  ManualClock clock;
  Record record(dir / "record.db", clock);
  record.append(draft("session_preloaded", {{"clients", {"c-017"}},
                                            {"protocol", "im-standard"},
                                            {"route", "im"},
                                            {"playlist", "calm"},
                                            {"session_number", 1},
                                            {"shuffle_seed", 7}},
                      "s-a"));
  clock.advance(60s);
  record.append(draft("session_started",
                      {{"dose_at", "2026-01-01T00:01:00Z"},
                       {"clients", {{{"client", "c-017"}, {"dose_at", "2026-01-01T00:01:00Z"}}}},
                       {"protocol", "im-standard"},
                       {"route", "im"},
                       {"playlist", "calm"}},
                      "s-a"));
  record.append(draft("fault", {{"code", "broker"}, {"message", "offline"}}, "", kSystem));
  record.append(draft("session_started",
                      {{"dose_at", "2026-01-01T00:01:00Z"},
                       {"clients", {{{"client", "c-020"}}, {{"client", "c-021"}}}},
                       {"protocol", "group-im"},
                       {"route", "im"},
                       {"playlist", "calm"}},
                      "s-b"));
  clock.advance(60min);
  record.append(draft("session_ended", {{"reason", "protocol_end"}, {"at_dose_ms", 3600000}}, "s-a"));
  record.append(draft("paused", {{"at_dose_ms", 3600000}}, "s-b"));

  const auto sessions = record.sessions();
  REQUIRE(sessions.size() == 2);
  CHECK(sessions[0].session == "s-a");
  CHECK(sessions[0].clients == std::vector<std::string>{"c-017"});
  CHECK(sessions[0].protocol == "im-standard");
  CHECK(sessions[0].events == 3);
  CHECK(sessions[0].first_seq == 1);
  CHECK(sessions[0].last_seq == 5);
  CHECK(sessions[0].first_utc == "2026-01-01T00:00:00.000Z");
  CHECK(sessions[0].last_utc == "2026-01-01T01:01:00.000Z");
  CHECK(sessions[0].state == "ended:protocol_end");
  CHECK(sessions[1].session == "s-b");
  CHECK(sessions[1].clients == std::vector<std::string>{"c-020", "c-021"});
  CHECK(sessions[1].protocol == "group-im");
  CHECK(sessions[1].state == "paused");

  const auto b = record.session_events("s-b");
  REQUIRE(b.size() == 2);
  CHECK(b[0].seq == 4);
  CHECK(b[1].seq == 6);
  CHECK(record.session_events("s-none").empty());

  const auto after = record.events_after(2, 2);
  REQUIRE(after.size() == 2);
  CHECK(after[0].seq == 3);
  CHECK(after[1].seq == 4);
  CHECK(record.events_after(6, 10).empty());
}

TEST_CASE("record: two writers on one file keep one unbroken chain") {
  TempDir dir;
  ManualClock clock;
  Record first(dir / "record.db", clock);
  Record second(dir / "record.db", clock);
  REQUIRE(first.available());
  REQUIRE(second.available());
  for (int i = 0; i < 20; ++i) {
    const auto e = (i % 3 == 0 ? second : first).append(sample_event(i));
    CHECK(e.seq == i + 1);
  }
  const auto result = first.verify();
  CHECK(result.ok());
  CHECK(result.checked == 20);
}

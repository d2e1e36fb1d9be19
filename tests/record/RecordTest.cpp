// The record's core: append and read back, the canonical form and the chain,
// durability settings, private files, append-only triggers, refused drafts,
// sessions and queries.
#include "RecordTestFixture.hpp"

#include "config/Duration.hpp"
#include "record/Record.hpp"
#include "record/RecordHappened.hpp"
#include "record/RecordHash.hpp"
#include "record/RecordReader.hpp"
#include "support/TempDir.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <sys/stat.h>

using namespace std::chrono_literals;
using namespace stillroom::record;
namespace session = stillroom::session;
using stillroom::session::ManualClock;
using stillroom::test::draft;
using stillroom::test::file_mode;
using stillroom::test::kSystem;
using stillroom::test::kTherapist;
using stillroom::test::RawDb;
using stillroom::test::sample_event;
using stillroom::test::TempDir;

namespace {

session::Instant instant(const char* iso) { return *stillroom::config::parse_instant(iso); }

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
  constexpr std::int64_t kSeed = std::numeric_limits<std::int64_t>::max();
  TempDir dir;
  ManualClock clock;
  std::vector<RecordEvent> appended;
  {
    Record record(dir / "record.db", clock, RecordOptions{"room-1"});
    REQUIRE(record.available());
    CHECK(record.open_report().created);
    CHECK_FALSE(record.open_report().replaced.has_value());
    // A seed no double can hold: the record keeps 64-bit integers exactly.
    appended.push_back(record.append(draft(session::SessionPreloaded{{"c-017"},
                                                                     "im-standard",
                                                                     "im",
                                                                     "ketamine",
                                                                     "calm-1",
                                                                     3,
                                                                     kSeed,
                                                                     -12.0,
                                                                     {{"/music/a.flac", 312'000}}})));
    clock.advance(90s);
    clock.set_synced(false);
    appended.push_back(record.append(draft(session::DoseGiven{"c-017", "ketamine", "im", 50.5, "mg", "L-2231",
                                                              instant("2026-01-01T00:01:30.000Z"), 0ms, false,
                                                              "tablet-3"})));
    clock.advance(250ms);
    appended.push_back(record.append(
        draft(session::FaultRaised{"light_offline", "desk lamp", "desk lamp, \"quoted\"\n"}, "", kSystem)));
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
  CHECK(appended[0].payload_json()["shuffle_seed"] == kSeed);
  CHECK(appended[0].payload.find("\"shuffle_seed\":9223372036854775807") != std::string::npos);
  CHECK(std::get<session::SessionPreloaded>(to_happened(appended[0]).event).shuffle_seed == kSeed);
  const auto dose = std::get<session::DoseGiven>(to_happened(appended[1]).event);
  CHECK(dose.amount == 50.5);
  CHECK(dose.lot == "L-2231");
  CHECK(stillroom::config::format_instant(dose.given_at) == "2026-01-01T00:01:30.000Z");
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
    record.append(draft(session::TrackChanged{"Ünïcode — \"Ω\" \\ tab\there", "line\nbreak, comma",
                                              "/music/a b.flac", "onset", 1, 95'000ms}));
    record.append(draft(session::FaultRaised{"ctl\x01", "bell", "bell \x07 and del \x7f"}, "", kSystem));
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
  CHECK(raw.text("PRAGMA user_version") == "2");  // the schema with the table of answered commands

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
  const double inf = std::numeric_limits<double>::infinity();
  const session::DoseGiven dose{"c-1", "ketamine", "im", 50, "mg", std::nullopt, instant("2026-01-01T00:00:00Z"), 0ms,
                                false, "tablet-3"};
  const session::SessionStarted started{instant("2026-01-01T00:00:00Z"), {"c-1"}, "im-standard", "im", "calm", 0ms};
  const session::VitalsTaken vitals{"c-1", 41min, 128, 82, 71, 98};
  const session::CommandRefused refused{"skip", "42", "refused", "observer may not skip", {}, {}, {}};
  // A valid typed event's draft with one field replaced (null: removed).
  auto changed = [](const session::Event& event, const char* field, nlohmann::json value) {
    EventDraft d = draft(event);
    if (value.is_null()) d.payload.erase(field);
    else d.payload[field] = std::move(value);
    return d;
  };
  const std::vector<Case> cases = {
      {draft("volumes", {{"db", 1}}), "unknown event type 'volumes'"},
      {draft("volume", nlohmann::json::object()), "volume: payload field 'db' is missing"},
      {draft("volume", {{"db", "loud"}}), "volume: payload field 'db' must be a number"},
      {draft("volume", {{"db", nan}}), "volume: payload field 'db' must be a finite number"},
      {draft("volume", {{"db", 1}, {"trim", {1.0, inf}}}), "volume: payload.trim[1] is not a finite number"},
      {changed(dose, "given_at", "yesterday"), "dose: payload field 'given_at' must be an RFC 3339 instant"},
      {draft(dose, ""), "dose: session is empty"},
      {changed(dose, "amount", 0), "dose: payload field 'amount' must be greater than 0"},
      {changed(dose, "unit", "ml"), "dose: payload field 'unit' must be mg"},
      {changed(dose, "entered_by", nullptr), "dose: payload field 'entered_by' is missing"},
      {draft("dose", {{"client", "c-1"}, {"at", "2026-01-01T00:00:00Z"}, {"dose_mg", 50}, {"route", "im"},
                      {"medication", "ketamine"}, {"booster", false}}),
       "dose: payload field 'amount' is missing"},  // the shape before amount and unit
      {draft("talk", {{"on", true}}), "talk: payload field 'at_dose_ms' is missing"},
      {changed(started, "clients", {{{"client", "c-1"}}}),
       "session_started: payload field 'clients' must be an array of strings"},
      {changed(vitals, "bp_sys", 128.5), "vitals: payload field 'bp_sys' must be an integer"},
      {changed(vitals, "client", nullptr), "vitals: payload field 'client' is missing"},
      {changed(refused, "error", nullptr), "command_refused: payload field 'error' is missing"},
      {draft("fault", {{"code", "broker"}, {"message", "offline"}}, ""), "fault: payload field 'subject' is missing"},
      {draft("session_ended", {{"reason", "bored"}, {"at_dose_ms", 1}}),
       "session_ended: payload field 'reason' must be one of stop, protocol_end, emergency"},
      {draft("volume", {{"db", 1}}, "s-1", {"", "therapist"}), "actor device is empty"},
      {draft("volume", {{"db", 1}}, "s-1", {"tablet", ""}), "actor role is empty"},
      {draft("volume", {{"db", 1}}, "s-1", {"tablet\t3", "therapist"}), "actor device contains a control character"},
      {draft("volume", nlohmann::json::array({1})), "volume: payload is not a JSON object"},
      {draft(session::ClockStepped{5, 1, 1000, "2026-01-01T00:00:01.000Z", "2026-01-01T00:00:01.005Z",
                                   "2026-01-01T00:00:00.000Z", true}),
       "clock_stepped: this type is written by the record itself"},
      {draft(session::PreloadChecking{"7", "s-0001", {"c-1"}, "im-standard", "calm"}, ""),
       "preload_checking: this type is applied live and never recorded"},
      {draft(session::FaultRaised{"x", "lamp", std::string("\xff\xfe", 2)}, "", kSystem), "not valid UTF-8"},
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
  const auto dose_at = instant("2026-01-01T00:01:00Z");
  record.append(
      draft(session::SessionPreloaded{{"c-017"}, "im-standard", "im", "ketamine", "calm", 1, 7, -12.0, {}}, "s-a"));
  clock.advance(60s);
  record.append(draft(session::SessionStarted{dose_at, {"c-017"}, "im-standard", "im", "calm", 0ms}, "s-a"));
  record.append(draft(session::FaultRaised{"broker", "mqtt", "offline"}, "", kSystem));
  // A group: the music follows c-020's dose; c-021 is dosed later, on their own clock.
  record.append(draft(session::SessionPreloaded{{"c-020", "c-021"}, "group-im", "im", "ketamine", "calm", std::nullopt, 8,
                                                -12.0, {}},
                      "s-b"));
  record.append(draft(session::SessionStarted{dose_at, {"c-020"}, "group-im", "im", "calm", 0ms}, "s-b"));
  clock.advance(60min);
  record.append(draft(session::SessionEnded{"protocol_end", 3'600'000ms}, "s-a"));
  record.append(draft(session::Paused{3'600'000ms}, "s-b"));

  const auto sessions = record.sessions();
  REQUIRE(sessions.size() == 2);
  CHECK(sessions[0].session == "s-a");
  CHECK(sessions[0].clients == std::vector<std::string>{"c-017"});
  CHECK(sessions[0].protocol == "im-standard");
  CHECK(sessions[0].events == 3);
  CHECK(sessions[0].first_seq == 1);
  CHECK(sessions[0].last_seq == 6);
  CHECK(sessions[0].first_utc == "2026-01-01T00:00:00.000Z");
  CHECK(sessions[0].last_utc == "2026-01-01T01:01:00.000Z");
  CHECK(sessions[0].state == "ended:protocol_end");
  CHECK(sessions[1].session == "s-b");
  // Every client of the session, not only those dosed at the start.
  CHECK(sessions[1].clients == std::vector<std::string>{"c-020", "c-021"});
  CHECK(sessions[1].protocol == "group-im");
  CHECK(sessions[1].events == 3);
  CHECK(sessions[1].state == "paused");

  const auto b = record.session_events("s-b");
  REQUIRE(b.size() == 3);
  CHECK(b[0].seq == 4);
  CHECK(b[1].seq == 5);
  CHECK(b[2].seq == 7);
  CHECK(record.session_events("s-none").empty());

  const auto after = record.events_after(2, 2);
  REQUIRE(after.size() == 2);
  CHECK(after[0].seq == 3);
  CHECK(after[1].seq == 4);
  CHECK(record.events_after(7, 10).empty());
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

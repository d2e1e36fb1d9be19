// `stillroom record …`: list, show (timeline with dose-clock times), verify
// (with a checkpoint), export in three formats, usage errors and exit codes.
#include "record/RecordTestFixture.hpp"

#include "config/Duration.hpp"
#include "controller/RecordCommand.hpp"
#include "record/Record.hpp"
#include "record/RecordTimeline.hpp"
#include "support/TempDir.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <sstream>

using namespace std::chrono_literals;
using namespace stillroom::record;
using namespace stillroom::controller;
namespace session = stillroom::session;
using stillroom::session::ManualClock;
using stillroom::test::draft;
using stillroom::test::file_mode;
using stillroom::test::kSystem;
using stillroom::test::RawDb;
using stillroom::test::read_file;
using stillroom::test::TempDir;

namespace {

struct Run {
  int code = -1;
  std::string out;
  std::string err;
};

Run run(const std::vector<std::string>& args, const RecordCommandHooks& hooks = {}) {
  std::ostringstream out, err;
  Run r;
  r.code = run_record_command(args, out, err, hooks);
  r.out = out.str();
  r.err = err.str();
  return r;
}

session::Instant at(const char* iso) { return *stillroom::config::parse_instant(iso); }

/** A record with one finished session (a wall-clock step in the middle) and one running session. */
std::vector<RecordEvent> make_record(const std::filesystem::path& path) {
  ManualClock clock;
  Record record(path, clock, RecordOptions{"room-1"});
  std::vector<RecordEvent> events;
  events.push_back(record.append(
      draft(session::SessionPreloaded{{"c-017"}, "im-standard", "im", "ketamine", "calm", 2, 5, -12.0, {}}, "s-1")));
  clock.advance(2min);
  // The dose was given a minute before the start was sent: the music starts at +0:01:00.
  events.push_back(record.append(draft(
      session::SessionStarted{at("2026-01-01T00:01:00Z"), {"c-017"}, "im-standard", "im", "calm", 60'000ms}, "s-1")));
  clock.advance(10min);
  clock.step_wall(1h);  // NTP step: dose-clock times must not jump with it
  events.push_back(record.append(draft(session::TalkChanged{true, 660'000ms}, "s-1")));
  clock.advance(5min);
  // Vitals entered without a dose-clock time: the timeline derives it.
  events.push_back(
      record.append(draft(session::VitalsTaken{"c-017", std::nullopt, 131, 85, std::nullopt, std::nullopt}, "s-1")));
  events.push_back(record.append(draft(session::SessionEnded{"protocol_end", 1'020'000ms}, "s-1", kSystem)));
  events.push_back(record.append(draft(
      session::SessionStarted{at("2026-01-01T01:20:00Z"), {"c-030"}, "sl-standard", "sublingual", "calm", 0ms}, "s-2")));
  return record.events_after(0, 100);
}

}  // namespace

TEST_CASE("record: the timeline shows dose-clock times from the monotonic clock across a wall step") {
  TempDir dir;
  const auto events = make_record(dir / "record.db");
  std::vector<RecordEvent> s1;
  for (const auto& e : events)
    if (e.session == "s-1") s1.push_back(e);
  const auto timeline = make_timeline(s1);
  REQUIRE(timeline.size() == 6);
  // session_started was recorded 1 min after the dose (utc 00:02, dose_at 00:01).
  CHECK(timeline[0].dose_time == stillroom::config::Millis{-60'000});  // preloaded, same boot, before start
  CHECK(timeline[1].dose_time == stillroom::config::Millis{60'000});
  CHECK(timeline[2].type == "clock_stepped");
  CHECK(timeline[2].summary.find("wall clock stepped 3600000 ms") == 0);
  CHECK(timeline[3].dose_time == stillroom::config::Millis{660'000});  // its own at_dose_ms
  CHECK(timeline[4].dose_time == stillroom::config::Millis{960'000});  // from the monotonic clock: not 1h16m
  CHECK(timeline[1].summary == "started c-017: dose at 2026-01-01T00:01:00.000Z, im, protocol im-standard");
  CHECK(timeline[3].summary == "talk on");
  CHECK(timeline[5].dose_time == stillroom::config::Millis{1'020'000});  // its own at_dose_ms
  CHECK(timeline[4].summary == "vitals c-017: BP 131/85 mmHg");
  CHECK(timeline[4].actor == "tablet-3 (therapist)");
  CHECK(timeline[5].summary == "session ended (protocol_end) at +0:17:00");
  const std::string text = format_timeline(timeline);
  CHECK(text.find("+0:11:00") != std::string::npos);
  CHECK(text.find("2026-01-01T01:12:00.000Z") != std::string::npos);  // the wall time is shown as recorded
}

TEST_CASE("record: command line list, show and verify") {
  TempDir dir;
  const auto db = (dir / "record.db").string();
  const auto events = make_record(dir / "record.db");

  auto r = run({"list", "--db", db});
  CHECK(r.code == 0);
  CHECK(r.out.find("s-1") != std::string::npos);
  CHECK(r.out.find("c-017") != std::string::npos);
  CHECK(r.out.find("im-standard") != std::string::npos);
  CHECK(r.out.find("ended:protocol_end") != std::string::npos);
  CHECK(r.out.find("s-2") != std::string::npos);
  CHECK(r.out.find("running") != std::string::npos);

  r = run({"record", "--db", db, "show", "s-1"});  // a leading "record" is accepted
  CHECK(r.code == 0);
  CHECK(r.out.find("session s-1 (6 events)") != std::string::npos);  // includes the clock_stepped event
  CHECK(r.out.find("clock_stepped") != std::string::npos);
  CHECK(r.out.find("wall clock stepped 3600000 ms") != std::string::npos);
  CHECK(r.out.find("+0:11:00") != std::string::npos);

  r = run({"show", "s-404", "--db", db});
  CHECK(r.code == 1);
  CHECK(r.err.find("no session 's-404'") != std::string::npos);

  r = run({"verify", "--db", db});
  CHECK(r.code == 0);
  CHECK(r.out.find("OK intact") != std::string::npos);

  const auto& last = events.back();
  r = run({"verify", "--db", db, "--checkpoint", std::to_string(last.seq) + ":" + last.hash});
  CHECK(r.code == 0);
  CHECK(r.out.find("checkpoint seq " + std::to_string(last.seq) + " matches") != std::string::npos);

  const std::string other(64, 'a');
  r = run({"verify", "--db", db, "--checkpoint", "3:" + other});
  CHECK(r.code == 1);
  CHECK(r.out.find("FAILED broken at seq 3 (checkpoint_mismatch)") != std::string::npos);

  {
    RawDb raw(dir / "record.db");
    raw.drop_triggers();
    raw.must("UPDATE events SET payload = '{\"bp_dia\":80,\"bp_sys\":131,\"client\":\"c-017\"}' WHERE type = 'vitals'");
  }
  r = run({"verify", "--db", db});
  CHECK(r.code == 1);
  CHECK(r.out.find("FAILED broken at seq 5 (hash_mismatch)") != std::string::npos);
}

TEST_CASE("record: command line export in CSV, JSON and FHIR, to stdout and to a private file") {
  TempDir dir;
  const auto db = (dir / "record.db").string();
  make_record(dir / "record.db");

  auto r = run({"export", "s-1", "--format", "csv", "--db", db});
  CHECK(r.code == 0);
  CHECK(r.out.rfind("seq,event_id,session,", 0) == 0);
  CHECK(std::count(r.out.begin(), r.out.end(), '\n') == 7);  // header + 6 events

  const auto out_file = dir / "s-1.json";
  r = run({"export", "s-1", "--format", "json", "--db", db, "--out", out_file.string()});
  CHECK(r.code == 0);
  CHECK(r.out.empty());
  CHECK(r.err.find("wrote 6 events") != std::string::npos);
  CHECK(file_mode(out_file) == 0600);
  const auto json = nlohmann::json::parse(read_file(out_file));
  CHECK(json["events"].size() == 6);
  CHECK(json["checkpoint"]["seq"] == 7);
  CHECK(json["verification"]["ok"] == true);

  r = run({"export", "s-1", "--format", "fhir", "--db", db});
  CHECK(r.code == 0);
  const auto bundle = nlohmann::json::parse(r.out);
  CHECK(bundle["resourceType"] == "Bundle");
  CHECK(bundle["type"] == "transaction");

  // A broken record still exports (the clinic needs its data) but says so and exits 1.
  {
    RawDb raw(dir / "record.db");
    raw.drop_triggers();
    raw.must("DELETE FROM events WHERE seq = 2");
  }
  r = run({"export", "s-1", "--format", "json", "--db", db});
  CHECK(r.code == 1);
  CHECK(r.err.find("WARNING: the record does not verify") != std::string::npos);
  CHECK(nlohmann::json::parse(r.out)["verification"]["ok"] == false);
}

TEST_CASE("record: command line usage errors exit 2 with a specific message") {
  TempDir dir;
  const auto db = (dir / "record.db").string();
  make_record(dir / "record.db");
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{}, "no command given"},
      {{"frobnicate", "--db", db}, "unknown command 'frobnicate'"},
      {{"show", "--db", db}, "show needs a SESSION"},
      {{"list", "extra", "--db", db}, "unexpected argument 'extra'"},
      {{"export", "s-1", "--db", db}, "export needs --format"},
      {{"export", "s-1", "--format", "xml", "--db", db}, "--format must be csv, json or fhir, not 'xml'"},
      {{"verify", "--checkpoint", "12", "--db", db}, "--checkpoint must be SEQ:HASH"},
      {{"verify", "--checkpoint", "0:" + std::string(64, 'a'), "--db", db}, "--checkpoint must be SEQ:HASH"},
      {{"list", "--checkpoint", "1:" + std::string(64, 'a'), "--db", db}, "--checkpoint belongs to verify"},
      {{"list", "--format", "csv", "--db", db}, "--format belongs to export"},
      {{"list", "--bogus", "--db", db}, "unknown option --bogus"},
      {{"list", "--db"}, "--db needs a value"},
      {{"list", "--db", db, "--db", db}, "--db given twice"},
      {{"list"}, "which record? give --db PATH"},
      {{"list", "--config", "room.yaml"}, "--config is not available in this build yet"},
      {{"list", "--config", "room.yaml", "--db", db}, "give --db or --config, not both"},
  };
  for (const auto& [args, message] : cases) {
    INFO("expected: " << message);
    const auto r = run(args);
    CHECK(r.code == 2);
    CHECK(r.err.find(message) != std::string::npos);
    CHECK(r.err.find("usage: stillroom record") != std::string::npos);
    CHECK(r.out.empty());
  }
  const auto help = run({"--help"});
  CHECK(help.code == 0);
  CHECK(help.out.find("export SESSION --format csv|json|fhir") != std::string::npos);
}

TEST_CASE("record: command line errors about the file exit 1 and nothing is created") {
  TempDir dir;
  auto r = run({"list", "--db", (dir / "missing.db").string()});
  CHECK(r.code == 1);
  CHECK(r.err.find("missing.db") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(dir / "missing.db"));

  std::ofstream(dir / "notes.db") << "these are not the droids";
  r = run({"verify", "--db", (dir / "notes.db").string()});
  CHECK(r.code == 1);
  CHECK(read_file(dir / "notes.db") == "these are not the droids");
}

TEST_CASE("record: --config goes through the hook the CLI wires to the configuration loader") {
  TempDir dir;
  make_record(dir / "record.db");
  RecordCommandHooks hooks;
  std::string asked;
  hooks.record_path_from_config = [&](const std::string& room_file,
                                      std::ostream& err) -> std::optional<std::filesystem::path> {
    asked = room_file;
    if (room_file == "broken.yaml") {
      err << "broken.yaml:3:1: record.path is missing\n";
      return std::nullopt;
    }
    return dir / "record.db";
  };
  auto r = run({"list", "--config", "room.yaml"}, hooks);
  CHECK(r.code == 0);
  CHECK(asked == "room.yaml");
  CHECK(r.out.find("s-1") != std::string::npos);
  r = run({"list", "--config", "broken.yaml"}, hooks);
  CHECK(r.code == 1);
  CHECK(r.err.find("record.path is missing") != std::string::npos);
}

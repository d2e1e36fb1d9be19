// JSON export: the events (payloads as objects), the checkpoint and the
// verification verdict; every exported event still hashes to its stored hash.
#include "RecordTestFixture.hpp"

#include "record/ExportJson.hpp"
#include "record/Record.hpp"
#include "support/TempDir.hpp"

#include <doctest/doctest.h>

using namespace std::chrono_literals;
using namespace stillroom::record;
namespace session = stillroom::session;
using stillroom::session::ManualClock;
using stillroom::test::draft;
using stillroom::test::sample_event;
using stillroom::test::TempDir;

TEST_CASE("record: an event survives to_json and back unchanged") {
  TempDir dir;
  ManualClock clock;
  Record record(dir / "record.db", clock);
  // Integers, an absent optional field, and a fraction that must keep its exact digits.
  for (const auto& stored : {record.append(draft(session::VitalsTaken{"c-017", 41min, 128, 84, std::nullopt, 97})),
                             record.append(draft(session::VolumeChanged{-7.3, 42min}))}) {
    INFO(stored.payload);
    const RecordEvent back = event_from_json(nlohmann::json::parse(to_json(stored).dump()));
    CHECK(back.payload == stored.payload);
    CHECK(back.hash == stored.hash);
    CHECK(compute_hash(back) == stored.hash);
    CHECK(back.actor_device == "tablet-3");
  }
  const auto e = record.events_after(0, 1).at(0);
  CHECK(e.payload == R"({"at_dose_ms":2460000,"bp_dia":84,"bp_sys":128,"client":"c-017","spo2":97})");
  CHECK_THROWS_AS(event_from_json(nlohmann::json::object()), std::invalid_argument);
  auto broken = to_json(e);
  broken["seq"] = "one";
  CHECK_THROWS_AS(event_from_json(broken), std::invalid_argument);
}

TEST_CASE("record: the JSON export holds the session's events, the checkpoint and the verdict") {
  TempDir dir;
  ManualClock clock;
  Record record(dir / "record.db", clock);
  for (int i = 0; i < 4; ++i) record.append(sample_event(i, "s-a"));
  record.append(sample_event(9, "s-b"));
  record.append(sample_event(5, "s-a"));
  const auto events = record.session_events("s-a");
  const auto checkpoint = record.checkpoint();
  const auto verification = record.verify();
  const auto json = nlohmann::json::parse(export_json({"s-a", events, checkpoint, verification}).dump(2));

  CHECK(json["format"] == "stillroom-record-export");
  CHECK(json["version"] == 1);
  CHECK(json["session"] == "s-a");
  REQUIRE(json["events"].size() == 5);
  CHECK(json["checkpoint"]["seq"] == 6);
  CHECK(json["checkpoint"]["hash"] == checkpoint->hash);
  CHECK(json["verification"]["ok"] == true);
  CHECK(json["verification"]["problem"] == "none");
  std::int64_t previous = 0;
  for (std::size_t i = 0; i < events.size(); ++i) {
    const auto& exported = json["events"][i];
    CHECK(exported["payload"].is_object());
    const RecordEvent back = event_from_json(exported);
    CHECK(back.seq > previous);
    previous = back.seq;
    CHECK(back.session == "s-a");
    CHECK(compute_hash(back) == events[i].hash);
  }
  // The last s-a event links to the s-b event in between: the chain is the record's, not the session's.
  CHECK(json["events"][4]["seq"] == 6);
  CHECK(json["events"][4]["prev_hash"] != json["events"][3]["hash"]);
}

TEST_CASE("record: a damaged row still exports - its payload as text, bytes that are not UTF-8 replaced") {
  // Found by the record fuzz target: a changed byte made a payload unreadable and the export threw.
  RecordEvent e;
  e.seq = 3;
  e.type = "volume";
  e.session = "s-\xff";
  e.payload = R"({"db":-6)";
  const auto json = to_json(e);
  CHECK(json["payload"] == R"({"db":-6)");
  const std::string text = export_text(export_json({"s-1", {e}, std::nullopt, std::nullopt}));
  CHECK(text.find(R"("payload": "{\"db\":-6")") != std::string::npos);
  CHECK(text.find("\"session\": \"s-\xef\xbf\xbd\"") != std::string::npos);
}

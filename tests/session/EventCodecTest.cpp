// The one definition of each event: every type encodes and decodes to itself,
// a reader sees only the fields it may, and a malformed payload names its field.
#include "session/EventCodec.hpp"

#include <doctest/doctest.h>

#include <set>

using namespace stillroom;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

/** One filled-in example of every event type (each field set, so a lost field shows). */
std::vector<session::Event> examples() {
  const auto at = std::chrono::sys_days{std::chrono::year{2026} / 11 / 22} + 9h + 30min;
  return {
      session::SessionPreloaded{{"c-1", "c-2"}, "im", "im", "ketamine", "calm", 3, 42, -4.5, {{"/m/a.flac", 180000}}},
      session::DoseEntered{"c-1", "ketamine", "im", 50, "mg", "L-1"},
      session::SessionStarted{at, {"c-1"}, "im", "im", "calm", 1500ms},
      session::DoseGiven{"c-1", "ketamine", "im", 50, "mg", "L-1", at, 0ms, false, "tablet-1"},
      session::BoosterGiven{"c-1", 17min, "extend", true, 70min, 100min},
      session::PhaseChanged{"peak", 2, 5min, 25min},
      session::TrackChanged{"Drift", "demo", "/m/a.flac", "peak", 77, 5min},
      session::Paused{6min},
      session::Resumed{7min},
      session::TalkChanged{true, 8min},
      session::VolumeChanged{-6, 9min},
      session::Skipped{"a", "b", 10min, "audio file failed: x"},
      session::Alternated{"a", "b", 11min},
      session::ReminderDue{"bp-40", "c-1", "Blood pressure", 40min},
      session::ReminderAcked{"bp-40", "c-1", 1min},
      session::VitalsTaken{"c-1", 41min, 128, 82, 71, 98},
      session::Observed{"c-1", 20min, 3, "present", std::vector<std::string>{"derealization"}, 12, "snoring", "nurse-7"},
      session::ReadyToLeave{"c-1", at + 80min, 80min, "nurse-7"},
      session::Discharged{"c-1", at + 95min, 95min, "nurse-7"},
      session::Signed{"reviewed and approved", "dr-3", at + 100min, std::string(64, 'c'), 120, std::string(64, 'd')},
      session::Addendum{"Lot was L-2.", "dose", "c-1", "dr-3"},
      session::EmergencyRaised{42min},
      session::SessionEnded{"stop", 43min},
      session::MonitoringEnded{"c-1", 90min},
      session::Cleared{"replaced by a new preload"},
      session::FaultRaised{"audio_device", "default", "lost"},
      session::FaultCleared{"audio_device", "default"},
      session::CommandRefused{"volume", "7", "refused", "too loud", at, at + 1s, "running"},
      session::Recovered{2200, 600000, "running", "monotonic"},
      session::CheckpointTaken{12, std::string(64, 'a')},
      session::ClockStepped{3600000, 11, 1000, "a", "b", "c", true},
      session::RecordReplaced{"/var/lib/x.corrupt", "damaged", std::string(64, 'b'), 9},
      session::PreloadChecking{"1", "room-1-x", {"c-1"}, "im", "calm"},
      session::PreloadDropped{"1"},
  };
}

}  // namespace

TEST_CASE("every event type encodes and decodes to itself") {
  const auto all = examples();
  std::set<std::string_view> covered;
  for (const auto& event : all) {
    const auto type = session::type_name(event);
    INFO(type);
    covered.insert(type);
    const json payload = session::encode(event);
    const auto back = session::decode(type, payload);
    CHECK(session::encode(back) == payload);
    CHECK(back.index() == event.index());
  }
  CHECK(covered.size() == session::event_types().size());
}

TEST_CASE("a reader sees only what it may: no dose amount, lot or vital sign on the public topic") {
  const auto dose = session::DoseGiven{"c-1", "ketamine", "im", 50, "mg", "L-1", {}, 0ms, false, "tablet-1"};
  const auto public_view = session::encode(dose, session::Visibility::Public);
  CHECK(public_view.contains("client"));
  CHECK(public_view.contains("given_at"));
  for (const char* hidden : {"amount", "unit", "lot"}) CHECK_FALSE(public_view.contains(hidden));
  CHECK(session::encode(dose, session::Visibility::Clinical)["amount"] == 50);

  const auto vitals = session::encode(session::VitalsTaken{"c-1", 41min, 128, 82, 71, 98}, session::Visibility::Public);
  CHECK(vitals == json{{"client", "c-1"}, {"at_dose_ms", 2460000}});
  // Track lengths are for replay only.
  const auto preloaded = session::SessionPreloaded{{"c-1"}, "im", "im", "ketamine", "calm", {}, 1, -2, {{"/a", 1}}};
  CHECK_FALSE(session::encode(preloaded, session::Visibility::Clinical).contains("durations_ms"));
  CHECK(session::encode(preloaded).contains("durations_ms"));

  // The same reduction for a payload as stored (extra fields kept, hidden ones gone).
  json stored = session::encode(session::VitalsTaken{"c-1", 41min, 128, 82, 71, 98});
  stored["command_id"] = "v-1";
  CHECK(session::redact("vitals", stored, session::Visibility::Public) ==
        json{{"client", "c-1"}, {"at_dose_ms", 2460000}, {"command_id", "v-1"}});
}

TEST_CASE("a payload that is not its event is refused, naming the field") {
  CHECK_THROWS_WITH_AS((void)session::decode("paused", json::object()), "paused: payload field 'at_dose_ms' is missing",
                       session::EventError);
  CHECK_THROWS_WITH_AS((void)session::decode("vitals", json{{"client", "c-1"}, {"bp_sys", "high"}, {"bp_dia", 80}}),
                       "vitals: payload field 'bp_sys' must be an integer, got \"high\"", session::EventError);
  CHECK_THROWS_WITH_AS((void)session::decode("session_started", json{{"dose_at", "yesterday"}}),
                       "session_started: payload field 'dose_at' must be an RFC 3339 instant, got \"yesterday\"",
                       session::EventError);
  CHECK_THROWS_WITH_AS((void)session::decode("dosage", json::object()), "unknown event type 'dosage'", session::EventError);
  // A field given as null is absent: fine for optional ones.
  CHECK_NOTHROW((void)session::decode("volume", json{{"db", -6}, {"at_dose_ms", nullptr}}));
  CHECK_FALSE(session::is_recorded_type("preload_checking"));
  CHECK(session::is_recorded_type("dose"));
  CHECK(session::type_needs_session("dose"));
  CHECK_FALSE(session::type_needs_session("fault"));
}

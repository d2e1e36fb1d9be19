// The wall clock stepping mid-session (an NTP step, a hand-set clock): one hour
// forward, then one hour back, through the real `stillroom run` with its wall
// clock stepped by STILLROOM_INJECT_CLOCK's step file. The dose clock and the
// music follow monotonic time and do not jump; the reminders come at their
// dose-clock times; the record marks each step with clock_stepped and its chain
// verifies.
#include "record/RecordReader.hpp"
#include "daemon/DaemonRoom.hpp"

#include <cmath>

using namespace stillroom;
using namespace stillroom::test;

namespace {

using steady = std::chrono::steady_clock;

double seconds_between(steady::time_point from, steady::time_point to) {
  return std::chrono::duration<double>(to - from).count();
}

/** Writes the wall clock's offset (seconds) for the daemon to read: a new file, renamed over the old. */
void step_wall_clock(const std::filesystem::path& file, int seconds) {
  const auto temporary = file.string() + ".new";
  {
    std::ofstream out(temporary);
    out << seconds << "\n";
  }
  std::filesystem::rename(temporary, file);
}

/** The first state after arrival `order` whose dose clock has passed `dose_s`. */
ProbeMessage state_past(DaemonRoom& room, std::uint64_t order, double dose_s) {
  const auto m = room.tablet->wait_for("stillroom/room-1/state", [&](const ProbeMessage& msg) {
    const auto s = msg.json();
    return msg.order > order && s["since_dose_s"].is_number() && s["since_dose_s"].get<double>() > dose_s;
  }, 15s);
  REQUIRE_MESSAGE(m.has_value(), room.log());
  return *m;
}

}  // namespace

TEST_CASE("the wall clock steps +1 h and -1 h mid-session: dose clock, music and reminders hold, the record marks both") {
  DaemonRoom room;  // real audio: the music's position is the engine's own
  const auto step_file = room.capture().parent_path() / "wall-step";
  step_wall_clock(step_file, 0);
  room.start({{"STILLROOM_INJECT_CLOCK", "synced,step-file=" + step_file.string()}});
  const json started = room.begin_session("c-7");
  const std::string session = started["session"];
  const auto started_at = room.tablet->received("stillroom/room-1/events").back().arrived;

  // Dose clock against the test's own steady clock, and the track position against the dose clock (one track,
  // a.wav, from dose 0 to 20 s), before and after each step.
  std::vector<double> dose_offsets, music_offsets;
  const auto measure = [&](const ProbeMessage& m) {
    const auto s = m.json();
    REQUIRE_MESSAGE(s["track"].is_object(), s.dump());
    dose_offsets.push_back(s["since_dose_s"].get<double>() - seconds_between(started_at, m.arrived));
    music_offsets.push_back(s["track"]["position_s"].get<double>() - s["since_dose_s"].get<double>());
    CHECK(s["state"] == "running");
    CHECK(s["phase"] == "onset");
  };
  measure(state_past(room, 0, 2.0));

  step_wall_clock(step_file, 3600);
  // A recorded command after the step: the record compares its clocks with the event before.
  CHECK(room.command("louder", {{"cmd", "volume"}, {"db", -8}})["ok"] == true);
  measure(state_past(room, room.tablet->received("stillroom/room-1/reply/tablet-1").back().order, 4.5));

  step_wall_clock(step_file, 0);
  CHECK(room.command("softer", {{"cmd", "volume"}, {"db", -6}})["ok"] == true);
  measure(state_past(room, room.tablet->received("stillroom/room-1/reply/tablet-1").back().order, 8.0));

  // Reminder bp: due at 12 s, repeated at 22 s of the dose clock — whatever the wall clock said meanwhile.
  const auto first = room.event("reminder_due", 20s);
  REQUIRE_MESSAGE(first.has_value(), room.log());
  const auto second = room.event("reminder_repeat", 20s);  // not acknowledged: it repeats
  REQUIRE_MESSAGE(second.has_value(), room.log());
  std::vector<double> reminders;
  for (const auto& m : room.tablet->received("stillroom/room-1/events"))
    if (m.json()["type"] == "reminder_due" || m.json()["type"] == "reminder_repeat") reminders.push_back(seconds_between(started_at, m.arrived));
  REQUIRE(reminders.size() >= 2);
  MESSAGE("reminders at " << reminders[0] << " s and " << reminders[1] << " s after session_started arrived");
  CHECK(reminders[0] == doctest::Approx(12.0).epsilon(0.05));
  CHECK(reminders[1] == doctest::Approx(22.0).epsilon(0.03));

  for (std::size_t i = 1; i < dose_offsets.size(); ++i) {
    MESSAGE("dose clock offset " << dose_offsets[i] << " s (first " << dose_offsets[0] << "), music offset "
                                 << music_offsets[i] << " s (first " << music_offsets[0] << ")");
    CHECK(std::abs(dose_offsets[i] - dose_offsets[0]) < 0.5);
    CHECK(std::abs(music_offsets[i] - music_offsets[0]) < 0.3);
  }
  CHECK(room.terminate() == 0);

  record::RecordReader reader(room.record());
  CHECK(reader.verify().problem == record::VerifyResult::Problem::None);
  std::vector<std::int64_t> steps;
  for (const auto& e : reader.session_events(session))
    if (e.type == "clock_stepped") steps.push_back(json::parse(e.payload)["step_ms"].get<std::int64_t>());
  REQUIRE(steps.size() == 2);
  MESSAGE("clock_stepped: " << steps[0] << " ms, " << steps[1] << " ms");
  CHECK(std::abs(steps[0] - 3'600'000) < 2000);
  CHECK(std::abs(steps[1] + 3'600'000) < 2000);
}

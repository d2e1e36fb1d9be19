// The session's next due moment, which the daemon's loop sleeps until: walked
// from wake to wake, a session does exactly what it does when ticked every
// second, and nothing of it comes a millisecond before the moment said.
#include "SessionFixture.hpp"

#include <doctest/doctest.h>

#include <algorithm>

using namespace stillroom;
using namespace stillroom::test;

namespace {

std::vector<std::string> sorted(std::vector<std::string> names) {
  std::sort(names.begin(), names.end());
  return names;
}

/** The payloads of the events whose times the schedule fixes (not when a tick found them), in order. */
std::vector<nlohmann::json> scheduled(const SessionFixture& f) {
  std::vector<nlohmann::json> payloads;
  for (const auto& e : f.recorded)
    if (std::holds_alternative<session::PhaseChanged>(e.event) || std::holds_alternative<session::ReminderDue>(e.event) ||
        std::holds_alternative<session::SessionEnded>(e.event) || std::holds_alternative<session::MonitoringEnded>(e.event) ||
        std::holds_alternative<session::TrackChanged>(e.event))
      payloads.push_back(session::encode(e.event));
  return payloads;
}

std::vector<std::string> notice_types(const RecordingOutput& out) {
  std::vector<std::string> names;
  for (const auto& n : out.notices) names.push_back(n.value("type", "") + " " + n.value("reminder", ""));
  return names;
}

std::vector<std::string> scenes(const RecordingOutput& out) {
  std::vector<std::string> names;
  for (const auto& cue : out.light_cues) names.push_back(cue.scene + " at " + std::to_string(cue.at.count()));
  return names;
}

}  // namespace

TEST_CASE("the session's next due moment: nothing comes before it, and waking only then misses nothing") {
  SessionFixture walked, stepped;
  session::Session a(walked.library, walked.clock, walked.out, "stillroom-room-1");
  session::Session b(stepped.library, stepped.clock, stepped.out, "stillroom-room-1");
  walked.begin(a);
  stepped.begin(b);

  int wakes = 0;
  while (const auto due = a.next_due_in()) {
    REQUIRE(*due > Millis{0});
    REQUIRE(++wakes < 10'000);
    const auto events = walked.recorded.size();
    const auto notices = walked.out.notices.size();
    const auto lights = walked.out.light_cues.size();
    walked.clock.advance(*due - 1ms);
    walked.tick(a);
    CHECK_MESSAGE(walked.recorded.size() == events, "an event a millisecond before its due moment, at dose time "
                                                        << a.dose_now()->count() << " ms");
    CHECK(walked.out.notices.size() == notices);
    CHECK(walked.out.light_cues.size() == lights);
    walked.clock.advance(1ms);
    walked.tick(a);
  }
  // Nothing is due once the session has ended and monitoring is over (90 min).
  CHECK(a.status() == session::SessionStatus::Ended);
  CHECK(walked.of_type<session::MonitoringEnded>().size() == 1);

  stepped.run_for(b, 120min);
  CHECK(sorted(walked.types()) == sorted(stepped.types()));
  CHECK(scheduled(walked) == scheduled(stepped));
  CHECK(notice_types(walked.out) == notice_types(stepped.out));
  CHECK(scenes(walked.out) == scenes(stepped.out));
  // Ticking every second would take 5,400 wakes to monitoring's end; this walk wakes at tracks, phases, reminders.
  CHECK(wakes < 200);
  MESSAGE("wakes: " << wakes);
}

TEST_CASE("an acknowledged reminder is no longer due; paused, the session's end still is") {
  SessionFixture f;
  session::Session s(f.library, f.clock, f.out, "stillroom-room-1");
  f.begin(s);
  f.run_for(s, 51min);
  REQUIRE(f.of_type<session::ReminderDue>().size() == 1);
  // Paused, no track begins. Due at 40 min and not acknowledged, the reminder repeats every 5 minutes: next at 55.
  REQUIRE(f.send(s, SessionFixture::command(session::CommandKind::Pause)).ok);
  REQUIRE(s.next_due_in());
  CHECK(*s.dose_now() + *s.next_due_in() == 55min);
  auto ack = SessionFixture::command(session::CommandKind::Ack);
  ack.reminder = "bp-40";
  REQUIRE(f.send(s, ack).ok);
  // Acknowledged, nothing repeats: the music's end at 60 min is what is due.
  REQUIRE(s.next_due_in());
  CHECK(*s.dose_now() + *s.next_due_in() == 60min);
}

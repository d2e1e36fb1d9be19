#include "session/ReminderTracker.hpp"

#include <doctest/doctest.h>

using namespace stillroom;
using namespace std::chrono_literals;
using session::ReminderSignal;

namespace {

std::vector<plan::ReminderCue> cues() {
  return {
      {"bp-0", "Blood pressure before dosing", -5min, std::nullopt},
      {"bp-40", "Blood pressure at 40 minutes", 40min, std::optional<config::Millis>(5min)},
      {"check", "Visual check", 15min, std::optional<config::Millis>(15min)},
  };
}

std::vector<plan::NoticeCue> notices() { return {{70min, 20min}, {80min, 10min}, {85min, 5min}}; }

}  // namespace

TEST_CASE("reminders are announced when due and repeated until acknowledged") {
  session::ReminderTracker tracker(cues(), notices());

  auto at_start = tracker.tick(-5min);
  REQUIRE(at_start.size() == 1);
  CHECK(at_start[0].kind == ReminderSignal::Kind::Due);
  CHECK(at_start[0].id == "bp-0");
  CHECK(at_start[0].count == 1);
  CHECK(tracker.tick(-4min).empty());  // announce-once reminders do not repeat
  CHECK(tracker.next(0min)->id == "bp-0");  // but stay outstanding
  CHECK(tracker.ack("bp-0", 1min) == session::AckResult::Acked);
  CHECK(tracker.next(1min)->id == "check");
  CHECK_FALSE(tracker.next(1min)->outstanding);

  CHECK(tracker.tick(14min).empty());
  auto check = tracker.tick(15min);
  REQUIRE(check.size() == 1);
  CHECK(check[0].id == "check");
  CHECK(tracker.tick(29min).empty());
  auto repeat = tracker.tick(30min);
  REQUIRE(repeat.size() == 1);
  CHECK(repeat[0].kind == ReminderSignal::Kind::Repeat);
  CHECK(repeat[0].count == 2);
  CHECK(repeat[0].due == 15min);
  CHECK(tracker.ack("check", 31min) == session::AckResult::Acked);
  CHECK(tracker.ack("check", 31min) == session::AckResult::AlreadyAcked);
  CHECK(tracker.tick(45min).size() == 1);  // bp-40 (due at 40) only; check stays quiet
  CHECK(tracker.next_wakeup() == 50min);   // bp-40, first announced late at 45, repeats on its grid: 50
}

TEST_CASE("acknowledging an unknown or future reminder is refused") {
  session::ReminderTracker tracker(cues(), {});
  CHECK(tracker.ack("nope", 50min) == session::AckResult::Unknown);
  CHECK(tracker.ack("bp-40", 39min) == session::AckResult::NotYetDue);
  CHECK(std::string(session::to_string(session::AckResult::NotYetDue)) == "not due yet");
}

TEST_CASE("a late tick announces a reminder once - not every repeat it missed") {
  session::ReminderTracker tracker(cues(), {});
  auto signals = tracker.tick(62min);  // restarted at +62: three reminders overdue
  REQUIRE(signals.size() == 3);
  CHECK(signals[0].id == "bp-0");
  CHECK(signals[1].id == "check");
  CHECK(signals[2].id == "bp-40");
  for (const auto& s : signals) CHECK(s.count == 1);
  CHECK(tracker.tick(63min).empty());
  CHECK(tracker.next_wakeup() == 65min);  // bp-40 repeats on its grid: 40, 45, ..., 65
  auto again = tracker.tick(75min);
  REQUIRE(again.size() == 2);
  CHECK(again[0].id == "check");  // 15-minute grid: 75
  CHECK(again[1].id == "bp-40");
  CHECK(again[1].count == 2);

  const auto outstanding = tracker.outstanding(75min);
  REQUIRE(outstanding.size() == 3);
  CHECK(tracker.next(75min)->id == "bp-0");  // the oldest outstanding first
}

TEST_CASE("minutes-left notices: on time - and only the latest after a gap") {
  session::ReminderTracker tracker({}, notices());
  CHECK(tracker.tick(69min).empty());
  auto twenty = tracker.tick(70min);
  REQUIRE(twenty.size() == 1);
  CHECK(twenty[0].kind == ReminderSignal::Kind::Notice);
  CHECK(twenty[0].remaining == 20min);
  auto late = tracker.tick(86min);  // missed 10 and 5: only "4 minutes left" is still true
  REQUIRE(late.size() == 1);
  CHECK(late[0].due == 85min);
  CHECK(late[0].remaining == 4min);
  CHECK(tracker.tick(87min).empty());
  CHECK_FALSE(tracker.next_wakeup().has_value());

  session::ReminderTracker after_end({}, notices());
  CHECK(after_end.tick(95min).empty());  // the session's end has passed: nothing to say
}

TEST_CASE("a replan keeps acknowledgements and re-arms reminders moved into the future") {
  session::ReminderTracker tracker(cues(), notices());
  (void)tracker.tick(41min);
  CHECK(tracker.ack("check", 41min) == session::AckResult::Acked);
  // A booster at +41 moves the session-end reminders; bp-40 (dose-anchored) stays.
  auto moved = cues();
  moved.push_back({"discharge", "Check before discharge", 120min, std::nullopt});
  tracker.replan(moved, {{85min, 20min}, {95min, 10min}}, 41min);
  CHECK(tracker.ack("check", 42min) == session::AckResult::AlreadyAcked);
  CHECK(tracker.tick(44min).empty());
  CHECK(tracker.tick(45min).size() == 1);  // bp-40's repeat grid survives the replan
  auto notice = tracker.tick(85min);
  REQUIRE(notice.size() == 2);  // bp-40 repeat + the moved 20-minute notice
  CHECK(notice[1].remaining == 20min);
  CHECK(tracker.next(86min)->id == "bp-0");
}

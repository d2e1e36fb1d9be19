// Wall-clock steps: detected against the monotonic clock on the same boot,
// recorded as clock_stepped before the event, never reordered or rewritten.
#include "RecordTestFixture.hpp"

#include "config/Duration.hpp"
#include "controller/SystemClock.hpp"
#include "record/Record.hpp"
#include "record/RecordClockStep.hpp"
#include "support/TempDir.hpp"

#include <doctest/doctest.h>

using namespace std::chrono_literals;
using namespace stillroom::record;
using stillroom::session::ManualClock;
using stillroom::session::ClockReading;
using stillroom::controller::SystemClock;
using stillroom::config::format_instant;
using stillroom::test::draft;
using stillroom::test::sample_event;
using stillroom::test::TempDir;

namespace {

ClockReading reading_at(const std::string& iso, std::chrono::nanoseconds monotonic) {
  ClockReading r;
  r.wall = *stillroom::config::parse_instant(iso);
  r.monotonic = monotonic;
  r.synced = true;
  return r;
}

}  // namespace

TEST_CASE("record: detect_clock_step compares wall time with monotonic time on one boot") {
  const StoredReading previous{7, "2026-01-01T10:00:00.000Z", 5'000'000'000, "boot-a"};
  // 60 s passed on both clocks: no step.
  CHECK_FALSE(detect_clock_step(previous, reading_at("2026-01-01T10:01:00.000Z", 65s), "boot-a", 1000ms));
  // Within tolerance (drift, a slewed NTP correction).
  CHECK_FALSE(detect_clock_step(previous, reading_at("2026-01-01T10:01:00.999Z", 65s), "boot-a", 1000ms));
  CHECK_FALSE(detect_clock_step(previous, reading_at("2026-01-01T10:00:59.000Z", 65s), "boot-a", 1000ms));
  // Forward NTP step of three days after 60 s.
  const auto forward = detect_clock_step(previous, reading_at("2026-01-04T10:01:00.000Z", 65s), "boot-a", 1000ms);
  REQUIRE(forward);
  CHECK(forward->step_ms == 3 * 86'400'000LL);
  CHECK(forward->elapsed_ms == 60'000);
  CHECK(format_instant(forward->expected) == "2026-01-01T10:01:00.000Z");
  // Backward step of 1.5 s.
  const auto backward = detect_clock_step(previous, reading_at("2026-01-01T10:00:58.500Z", 65s), "boot-a", 1000ms);
  REQUIRE(backward);
  CHECK(backward->step_ms == -1500);
  // Another boot: monotonic times are not comparable, nothing is claimed.
  CHECK_FALSE(detect_clock_step(previous, reading_at("2030-01-01T00:00:00.000Z", 2s), "boot-b", 1000ms));
  // An unreadable stored time claims nothing either.
  CHECK_FALSE(detect_clock_step({7, "garbage", 0, "boot-a"}, reading_at("2030-01-01T00:00:00.000Z", 2s), "boot-a",
                                1000ms));
}

TEST_CASE("record: a wall clock step is recorded before the event, and nothing is reordered or rewritten") {
  TempDir dir;
  ManualClock clock;
  Record record(dir / "record.db", clock, RecordOptions{"room-1"});
  // Booted without a real-time clock: the wall clock is a day behind and not synced.
  clock.set_synced(false);
  clock.step_wall(-24h);
  const auto before = record.append(draft("volume", {{"db", -6}}, "s-1"));
  CHECK(before.utc == "2025-12-31T00:00:00.000Z");
  CHECK_FALSE(before.clock_synced);

  // 30 s later NTP syncs and steps the clock forward by a day.
  clock.advance(30s);
  clock.step_wall(24h);
  clock.set_synced(true);
  const auto after = record.append(draft("volume", {{"db", -8}}, "s-1"));

  const auto all = record.events_after(0, 100);
  REQUIRE(all.size() == 3);
  CHECK(all[0].seq == before.seq);
  CHECK(all[0].utc == "2025-12-31T00:00:00.000Z");  // never rewritten
  const RecordEvent& stepped = all[1];
  CHECK(stepped.type == "clock_stepped");
  CHECK(stepped.seq == 2);
  CHECK(stepped.session == "s-1");
  CHECK(stepped.actor_device == "room-1");
  CHECK(stepped.actor_role == "system");
  const auto p = stepped.payload_json();
  CHECK(p["step_ms"] == 86'400'000);
  CHECK(p["old_utc"] == "2025-12-31T00:00:30.000Z");
  CHECK(p["new_utc"] == "2026-01-01T00:00:30.000Z");
  CHECK(p["previous_seq"] == 1);
  CHECK(p["elapsed_ms"] == 30'000);
  CHECK(p["synced"] == true);
  CHECK(stepped.utc == "2026-01-01T00:00:30.000Z");
  CHECK(all[2].seq == 3);
  CHECK(all[2].hash == after.hash);
  CHECK(after.utc == "2026-01-01T00:00:30.000Z");
  CHECK(after.clock_synced);

  // A step backwards: the event's wall time is earlier than its predecessor's, its seq is still later.
  clock.advance(10s);
  clock.step_wall(-2h);
  const auto earlier = record.append(draft("talk", {{"on", true}, {"at_dose_ms", 40'000}}, "s-1"));
  const auto tail = record.events_after(3, 10);
  REQUIRE(tail.size() == 2);
  CHECK(tail[0].type == "clock_stepped");
  CHECK(tail[0].payload_json()["step_ms"] == -7'200'000);
  CHECK(earlier.seq == 5);
  CHECK(earlier.utc < after.utc);

  // Drift under a second is not a step.
  clock.advance(60s);
  clock.step_wall(900ms);
  CHECK(record.append(sample_event(1, "s-1")).seq == 6);
  // After a reboot monotonic time restarts: no comparison, no claim.
  clock.reboot("00000000-0000-4000-8000-000000000002");
  clock.step_wall(5min);
  const auto rebooted = record.append(sample_event(2, "s-1"));
  CHECK(rebooted.seq == 7);
  CHECK(rebooted.boot_id == "00000000-0000-4000-8000-000000000002");
  CHECK(record.verify().ok());
}

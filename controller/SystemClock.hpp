// SystemClock: the box's clocks — CLOCK_REALTIME for the wall, CLOCK_MONOTONIC
// for what never jumps, adjtimex() for whether NTP (or an RTC) has synchronised
// the wall clock, and the kernel's boot id. Any thread. Tests (which cannot
// change the kernel's sync state) set STILLROOM_INJECT_CLOCK=synced|unsynced.
#pragma once

#include "session/Clock.hpp"

#include <optional>

namespace stillroom::controller {

/** CLOCK_REALTIME, CLOCK_MONOTONIC, adjtimex() for the sync flag, /proc boot id. */
class SystemClock final : public session::Clock {
 public:
  SystemClock();
  [[nodiscard]] session::ClockReading now() override;
  [[nodiscard]] std::string boot_id() override;

 private:
  std::optional<bool> injected_synced_;
};

}  // namespace stillroom::controller

// SystemClock: the box's clocks — CLOCK_REALTIME for the wall, CLOCK_MONOTONIC
// for what never jumps, adjtimex() for whether NTP (or an RTC) has synchronised
// the wall clock, and the kernel's boot id. Any thread.
#pragma once

#include "session/Clock.hpp"

namespace stillroom::controller {

/** CLOCK_REALTIME, CLOCK_MONOTONIC, adjtimex() for the sync flag, /proc boot id. */
class SystemClock final : public session::Clock {
 public:
  [[nodiscard]] session::ClockReading now() override;
  [[nodiscard]] std::string boot_id() override;
};

}  // namespace stillroom::controller

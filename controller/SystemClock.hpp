// SystemClock: the box's clocks — CLOCK_REALTIME for the wall, CLOCK_MONOTONIC
// for what never jumps, adjtimex() for whether NTP (or an RTC) has synchronised
// the wall clock, and the kernel's boot id. Any thread. Tests (which can change
// neither the kernel's sync state nor its wall clock) set
// STILLROOM_INJECT_CLOCK to a comma-separated list: `synced` or `unsynced`, and
// `step-file=PATH`, a file holding seconds to add to the wall clock (signed,
// read again whenever the file changes): rewriting it steps the wall clock as
// an NTP step or a hand-set clock would, monotonic time untouched.
#pragma once

#include "session/Clock.hpp"

#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <time.h>

namespace stillroom::controller {

/** CLOCK_REALTIME, CLOCK_MONOTONIC, adjtimex() for the sync flag, /proc boot id. */
class SystemClock final : public session::Clock {
 public:
  SystemClock();
  [[nodiscard]] session::ClockReading now() override;
  [[nodiscard]] std::string boot_id() override;

 private:
  /** The injected wall-clock step (zero without a step file). */
  [[nodiscard]] std::chrono::nanoseconds injected_step();

  std::optional<bool> injected_synced_;
  std::string step_file_;
  std::mutex step_mutex_;
  timespec step_file_mtime_{};
  std::chrono::nanoseconds step_{0};
};

}  // namespace stillroom::controller

// RecordClockStep: notices a step of the wall clock between two events of the
// same boot — the monotonic clock says how much time passed, the wall clock
// says something else. A box without a real-time clock starts with a wrong wall
// time and steps when NTP syncs; the record makes every such step explicit (a
// clock_stepped event) and never rewrites times. Pure; any thread.
#pragma once

#include "session/Clock.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace stillroom::record {

/** The previous event's clock readings, as stored. */
struct StoredReading {
  std::int64_t seq = 0;
  /** ISO 8601 wall time as stored. */
  std::string utc;
  std::int64_t monotonic_ns = 0;
  std::string boot_id;
};

struct ClockStep {
  /** How far the wall clock jumped (positive: forward), ms. */
  std::int64_t step_ms = 0;
  /** Monotonic time since the previous event, ms. */
  std::int64_t elapsed_ms = 0;
  /** What the wall clock would read now had it not stepped (previous wall + elapsed). */
  std::chrono::system_clock::time_point expected;
};

/**
 * The step between `previous` and `now` when both belong to `boot_id` and the wall
 * clock moved more than `tolerance` away from the monotonic clock; nullopt otherwise
 * (another boot, an unparseable stored time, or within tolerance).
 */
[[nodiscard]] std::optional<ClockStep> detect_clock_step(const StoredReading& previous, const session::ClockReading& now,
                                                         const std::string& boot_id,
                                                         std::chrono::milliseconds tolerance);

}  // namespace stillroom::record

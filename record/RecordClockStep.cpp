#include "record/RecordClockStep.hpp"

#include "config/Duration.hpp"

namespace stillroom::record {

std::optional<ClockStep> detect_clock_step(const StoredReading& previous, const session::ClockReading& now,
                                           const std::string& boot_id, std::chrono::milliseconds tolerance) {
  using std::chrono::duration_cast;
  using std::chrono::milliseconds;
  if (previous.boot_id != boot_id) return std::nullopt;  // monotonic times of different boots are not comparable
  const auto previous_wall = config::parse_instant(previous.utc);
  if (!previous_wall) return std::nullopt;
  const auto elapsed = now.monotonic - std::chrono::nanoseconds{previous.monotonic_ns};
  const auto expected = *previous_wall + duration_cast<std::chrono::system_clock::duration>(elapsed);
  // The stored wall time is floored to milliseconds; compare at that precision.
  const auto step = duration_cast<milliseconds>(std::chrono::floor<milliseconds>(now.wall) - expected);
  if (step > tolerance || step < -tolerance)
    return ClockStep{step.count(), duration_cast<milliseconds>(elapsed).count(), expected};
  return std::nullopt;
}

}  // namespace stillroom::record

#include "session/DoseClock.hpp"

namespace stillroom::session {

DoseClock::DoseClock(std::chrono::system_clock::time_point dose_at, const ClockReading& anchor_reading,
                     std::string boot_id)
    : dose_at_(dose_at) {
  anchor(anchor_reading, boot_id);
}

void DoseClock::anchor(const ClockReading& reading, const std::string& boot_id) {
  const auto dose_now = boot_id_.empty() ? std::chrono::duration_cast<std::chrono::nanoseconds>(reading.wall - dose_at_)
                                         : std::chrono::nanoseconds{at(reading, boot_id)};
  boot_id_ = boot_id;
  anchor_monotonic_ = reading.monotonic;
  anchor_dose_ = dose_now;
}

config::Millis DoseClock::at(const ClockReading& reading, const std::string& boot_id) const {
  if (boot_id == boot_id_ && !boot_id_.empty())
    return std::chrono::floor<config::Millis>(anchor_dose_ + (reading.monotonic - anchor_monotonic_));
  return std::chrono::floor<config::Millis>(reading.wall - dose_at_);
}

}  // namespace stillroom::session

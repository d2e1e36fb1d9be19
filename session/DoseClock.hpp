// DoseClock: the time since administration, read so that it never jumps.
// Within one boot it counts monotonic time from an anchor (an NTP step of the
// wall clock does not move it); on another boot (after a power cut) it falls
// back to the wall clock, the only link between boots. Pure.
#pragma once

#include "config/Duration.hpp"
#include "session/Clock.hpp"

#include <chrono>
#include <string>

namespace stillroom::session {

class DoseClock {
 public:
  DoseClock() = default;
  /** The dose was given at `dose_at` (wall); `anchor` is a reading taken on boot `boot_id`. */
  DoseClock(std::chrono::system_clock::time_point dose_at, const ClockReading& anchor, std::string boot_id);

  /** Dose time at `reading`, taken on boot `boot_id`. */
  [[nodiscard]] config::Millis at(const ClockReading& reading, const std::string& boot_id) const;
  /** Re-anchors on this boot at `reading` (after a restart), keeping the dose time it gives now. */
  void anchor(const ClockReading& reading, const std::string& boot_id);

  [[nodiscard]] std::chrono::system_clock::time_point dose_at() const noexcept { return dose_at_; }

 private:
  std::chrono::system_clock::time_point dose_at_{};
  std::string boot_id_;
  std::chrono::nanoseconds anchor_monotonic_{0};
  /** Dose time at the anchor. */
  std::chrono::nanoseconds anchor_dose_{0};
};

}  // namespace stillroom::session

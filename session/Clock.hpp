// Clock: where the controller reads time. Injected everywhere so that a
// two-hour session runs in milliseconds in a test (ManualClock) and so that the
// record can tell wall time (may jump: a box without a real-time clock syncs NTP
// late) from monotonic time (never jumps, restarts at boot). The system's
// clock is controller/SystemClock; tests move a ManualClock.
#pragma once

#include <chrono>
#include <string>

namespace stillroom::session {

struct ClockReading {
  /** Wall clock (UTC); may jump when NTP syncs. */
  std::chrono::system_clock::time_point wall;
  /** Monotonic time since boot; never jumps, meaningless across boots. */
  std::chrono::nanoseconds monotonic{0};
  /** The kernel says the wall clock is synchronised (NTP/RTC). */
  bool synced = false;
};

/** When something happened on this box: a reading and the boot it belongs to. */
struct Stamp {
  ClockReading reading;
  std::string boot_id;
};

class Clock {
 public:
  virtual ~Clock() = default;
  [[nodiscard]] virtual ClockReading now() = 0;
  /** Identifies this boot; monotonic times are comparable only within one. */
  [[nodiscard]] virtual std::string boot_id() = 0;
  /** A reading with its boot. */
  [[nodiscard]] Stamp stamp() { return {now(), boot_id()}; }
};


/** A clock tests move by hand. Starts synced at 2026-01-01T00:00:00Z, monotonic 1 s. */
class ManualClock final : public Clock {
 public:
  [[nodiscard]] ClockReading now() override { return reading_; }
  [[nodiscard]] std::string boot_id() override { return boot_id_; }

  /** Moves both clocks forward by d. */
  void advance(std::chrono::nanoseconds d) {
    reading_.monotonic += d;
    reading_.wall += std::chrono::duration_cast<std::chrono::system_clock::duration>(d);
  }
  /** Moves only the wall clock (an NTP step); d may be negative. */
  void step_wall(std::chrono::nanoseconds d) {
    reading_.wall += std::chrono::duration_cast<std::chrono::system_clock::duration>(d);
  }
  void set_synced(bool synced) { reading_.synced = synced; }
  /** A reboot: a new boot id, monotonic restarts near zero, wall kept. */
  void reboot(std::string new_boot_id) {
    boot_id_ = std::move(new_boot_id);
    reading_.monotonic = std::chrono::seconds{1};
  }

 private:
  ClockReading reading_{std::chrono::sys_days{std::chrono::year{2026} / 1 / 1}, std::chrono::seconds{1}, true};
  std::string boot_id_ = "00000000-0000-4000-8000-000000000001";
};

}  // namespace stillroom::session

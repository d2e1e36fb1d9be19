// Heartbeat: when the room was last alive, for the outage a restart reports.
// The main loop rewrites one short line in place at most twice a second, from
// its tick, so `recovered.outage_ms` measures from when the room stopped, not
// from its last recorded event — without a record row per second, and without
// a thread of its own to wake: a loop that hangs stops the heartbeat too, as
// it stops the room. The line is a shared mapping of the file: a beat is a
// store to memory, no system call, and the inode's time changes only when
// the kernel writes the page back (a write() each beat dirtied the inode each
// beat). No fsync: a crash keeps the page cache; a power cut loses at most the
// last seconds.
#pragma once

#include "session/Clock.hpp"

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>

namespace stillroom::controller {

struct LastAlive {
  std::string boot_id;
  std::chrono::nanoseconds monotonic{0};
  std::chrono::system_clock::time_point wall{};
};

class Heartbeat {
 public:
  static constexpr std::chrono::milliseconds kPeriod{500};

  Heartbeat(std::filesystem::path file, session::Clock& clock);
  ~Heartbeat();
  Heartbeat(const Heartbeat&) = delete;
  Heartbeat& operator=(const Heartbeat&) = delete;

  /** What the file says, nullopt when it is missing or unreadable. */
  [[nodiscard]] static std::optional<LastAlive> read(const std::filesystem::path& file);

  /** Opens the file and writes the first beat (no file, no heartbeat: the outage then counts from the last event). */
  void start();
  /** Writes a beat if kPeriod has passed since the last one. Main thread. */
  void beat_if_due();
  void stop();

 private:
  void beat();

  std::filesystem::path file_;
  session::Clock& clock_;
  int fd_ = -1;
  /** The file's line, mapped shared; nullptr where mapping failed (then each beat is a pwrite). */
  char* line_ = nullptr;
  std::chrono::steady_clock::time_point last_beat_{};
};

}  // namespace stillroom::controller

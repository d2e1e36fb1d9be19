// Heartbeat: when the room was last alive, for the outage a restart reports.
// Its own thread rewrites one short line in place twice a second (pwrite, no
// fsync: a crash keeps the page cache; a power cut loses at most the last
// seconds), so `recovered.outage_ms` measures from when the room stopped, not
// from its last recorded event — without a record row per second.
#pragma once

#include "session/Clock.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

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

  void start();
  void stop();

 private:
  void beat();

  std::filesystem::path file_;
  session::Clock& clock_;
  int fd_ = -1;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool quit_ = false;
  std::thread thread_;
};

}  // namespace stillroom::controller

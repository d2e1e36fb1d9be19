#include "controller/Heartbeat.hpp"

#include <cstdio>
#include <fcntl.h>
#include <fstream>
#include <sstream>
#include <unistd.h>

namespace stillroom::controller {

Heartbeat::Heartbeat(std::filesystem::path file, session::Clock& clock) : file_(std::move(file)), clock_(clock) {}

Heartbeat::~Heartbeat() { stop(); }

std::optional<LastAlive> Heartbeat::read(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::string boot;
  long long monotonic = 0, wall_ms = 0;
  if (!(in >> boot >> monotonic >> wall_ms)) return std::nullopt;
  return LastAlive{boot, std::chrono::nanoseconds{monotonic},
                   std::chrono::system_clock::time_point{std::chrono::milliseconds{wall_ms}}};
}

void Heartbeat::start() {
  if (fd_ >= 0) return;
  fd_ = ::open(file_.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
  beat();
}

void Heartbeat::beat_if_due() {
  if (std::chrono::steady_clock::now() - last_beat_ >= kPeriod) beat();
}

void Heartbeat::stop() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

void Heartbeat::beat() {
  if (fd_ < 0) return;
  last_beat_ = std::chrono::steady_clock::now();
  const auto stamp = clock_.stamp();
  char line[128];
  const long long wall_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(stamp.reading.wall.time_since_epoch()).count();
  // Fixed width, rewritten in place: a reader never sees two lines or a short one.
  const int n = std::snprintf(line, sizeof line, "%-40s %20lld %20lld\n", stamp.boot_id.c_str(),
                              static_cast<long long>(stamp.reading.monotonic.count()), wall_ms);
  if (n > 0) (void)::pwrite(fd_, line, static_cast<std::size_t>(n), 0);
}

}  // namespace stillroom::controller

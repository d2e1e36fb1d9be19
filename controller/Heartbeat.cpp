#include "controller/Heartbeat.hpp"

#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <sstream>
#include <sys/mman.h>
#include <unistd.h>

namespace stillroom::controller {

namespace {
/** Boot id (up to 40 characters), monotonic ns and wall ms, fixed width: rewritten in place, never two lines or a short one. */
constexpr std::size_t kLine = 40 + 1 + 20 + 1 + 20 + 1;
}  // namespace

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
  fd_ = ::open(file_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd_ < 0) return;
  beat();
  // Mapped only once the first beat is written and its block is allocated: a store into a mapped page the file
  // system has no room for is a SIGBUS (a full disk), where a write() only fails.
  if (::ftruncate(fd_, kLine) == 0 && ::posix_fallocate(fd_, 0, kLine) == 0) {
    void* map = ::mmap(nullptr, kLine, PROT_READ | PROT_WRITE, MAP_SHARED, fd_, 0);
    if (map != MAP_FAILED) line_ = static_cast<char*>(map);
  }
}

void Heartbeat::beat_if_due() {
  if (std::chrono::steady_clock::now() - last_beat_ >= kPeriod) beat();
}

void Heartbeat::stop() {
  if (line_ != nullptr) ::munmap(line_, kLine);
  line_ = nullptr;
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
  const int n = std::snprintf(line, sizeof line, "%-40s %20lld %20lld\n", stamp.boot_id.c_str(),
                              static_cast<long long>(stamp.reading.monotonic.count()), wall_ms);
  if (n <= 0) return;
  if (line_ != nullptr && static_cast<std::size_t>(n) == kLine) {
    std::memcpy(line_, line, kLine);
  } else {
    (void)::pwrite(fd_, line, static_cast<std::size_t>(n), 0);
  }
}

}  // namespace stillroom::controller

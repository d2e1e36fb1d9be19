#include "controller/SystemClock.hpp"

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string_view>
#include <sys/stat.h>
#include <sys/timex.h>

namespace stillroom::controller {

SystemClock::SystemClock() {
  const char* injected = std::getenv("STILLROOM_INJECT_CLOCK");
  if (injected == nullptr) return;
  std::stringstream list(injected);
  std::string item;
  while (std::getline(list, item, ',')) {
    if (item == "synced") injected_synced_ = true;
    if (item == "unsynced") injected_synced_ = false;
    constexpr std::string_view step_key = "step-file=";
    if (item.starts_with(step_key)) step_file_ = item.substr(step_key.size());
  }
}

std::chrono::nanoseconds SystemClock::injected_step() {
  if (step_file_.empty()) return std::chrono::nanoseconds{0};
  std::lock_guard lock(step_mutex_);
  struct stat info {};
  if (::stat(step_file_.c_str(), &info) != 0) return step_;
  if (info.st_mtim.tv_sec == step_file_mtime_.tv_sec && info.st_mtim.tv_nsec == step_file_mtime_.tv_nsec) return step_;
  std::ifstream in(step_file_);
  double seconds = 0;
  if (in >> seconds && std::isfinite(seconds)) {
    step_ = std::chrono::nanoseconds{std::llround(seconds * 1e9)};
    step_file_mtime_ = info.st_mtim;
  }
  return step_;
}

session::ClockReading SystemClock::now() {
  session::ClockReading r;
  r.wall = std::chrono::system_clock::now() +
           std::chrono::duration_cast<std::chrono::system_clock::duration>(injected_step());
  timespec mono{};
  ::clock_gettime(CLOCK_MONOTONIC, &mono);
  r.monotonic = std::chrono::seconds{mono.tv_sec} + std::chrono::nanoseconds{mono.tv_nsec};
  // adjtimex with modes = 0 only reads; TIME_ERROR (or STA_UNSYNC) means not synchronised.
  timex tx{};
  const int state = ::adjtimex(&tx);
  r.synced = injected_synced_.value_or(state != TIME_ERROR && (tx.status & STA_UNSYNC) == 0);
  return r;
}

std::string SystemClock::boot_id() {
  static const std::string id = [] {
    std::ifstream in("/proc/sys/kernel/random/boot_id");
    std::string text;
    std::getline(in, text);
    return text.empty() ? std::string("unknown-boot") : text;
  }();
  return id;
}

}  // namespace stillroom::controller

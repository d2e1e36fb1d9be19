#include "controller/SystemClock.hpp"

#include <cstdlib>
#include <fstream>
#include <string_view>
#include <sys/timex.h>
#include <time.h>

namespace stillroom::controller {

SystemClock::SystemClock() {
  if (const char* injected = std::getenv("STILLROOM_INJECT_CLOCK")) {
    if (std::string_view(injected) == "synced") injected_synced_ = true;
    if (std::string_view(injected) == "unsynced") injected_synced_ = false;
  }
}

session::ClockReading SystemClock::now() {
  session::ClockReading r;
  r.wall = std::chrono::system_clock::now();
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

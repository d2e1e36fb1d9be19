#include "controller/SystemClock.hpp"

#include <fstream>
#include <sys/timex.h>
#include <time.h>

namespace stillroom::controller {

session::ClockReading SystemClock::now() {
  session::ClockReading r;
  r.wall = std::chrono::system_clock::now();
  timespec mono{};
  ::clock_gettime(CLOCK_MONOTONIC, &mono);
  r.monotonic = std::chrono::seconds{mono.tv_sec} + std::chrono::nanoseconds{mono.tv_nsec};
  // adjtimex with modes = 0 only reads; TIME_ERROR (or STA_UNSYNC) means not synchronised.
  timex tx{};
  const int state = ::adjtimex(&tx);
  r.synced = state != TIME_ERROR && (tx.status & STA_UNSYNC) == 0;
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

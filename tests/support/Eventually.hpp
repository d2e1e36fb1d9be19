// Eventually: waits until a condition that another thread or process makes
// true holds — a clock reading, a counter, a file — checking it every few
// milliseconds up to a deadline. For conditions nothing signals; where there is
// a signal (a condition variable, an MQTT message) tests wait on that instead.
#pragma once

#include <chrono>
#include <thread>

namespace stillroom::test {

/** True as soon as `done()` holds; false when `timeout` passed without it. */
template <typename Condition>
bool eventually(Condition done, std::chrono::milliseconds timeout,
                std::chrono::milliseconds every = std::chrono::milliseconds(5)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (done()) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(every);
  }
}

}  // namespace stillroom::test

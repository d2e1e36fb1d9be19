// SystemClock reads the kernel's sync state as adjtimex() reports it, and
// tests can only override it on purpose (STILLROOM_INJECT_CLOCK).
#include "controller/SystemClock.hpp"

#include <doctest/doctest.h>

#include <cstdlib>
#include <sys/timex.h>

using stillroom::controller::SystemClock;

TEST_CASE("the clock's sync flag is the kernel's, unless a test injects one") {
  const char* before = std::getenv("STILLROOM_INJECT_CLOCK");
  const std::string saved = before ? before : "";

  ::unsetenv("STILLROOM_INJECT_CLOCK");
  timex tx{};
  const int state = ::adjtimex(&tx);
  const bool kernel_synced = state != TIME_ERROR && (tx.status & STA_UNSYNC) == 0;
  CHECK(SystemClock().now().synced == kernel_synced);

  ::setenv("STILLROOM_INJECT_CLOCK", "unsynced", 1);
  CHECK_FALSE(SystemClock().now().synced);
  ::setenv("STILLROOM_INJECT_CLOCK", "synced", 1);
  CHECK(SystemClock().now().synced);
  ::setenv("STILLROOM_INJECT_CLOCK", "perhaps", 1);  // not a value: the kernel's flag stands
  CHECK(SystemClock().now().synced == kernel_synced);

  if (before) ::setenv("STILLROOM_INJECT_CLOCK", saved.c_str(), 1);
  else ::unsetenv("STILLROOM_INJECT_CLOCK");
}

#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <cstdlib>

int main(int argc, char** argv) {
  // Rooms the tests start see a synchronised clock whatever this machine's NTP state is, so a result never
  // depends on it; the tests of an unsynchronised clock set STILLROOM_INJECT_CLOCK=unsynced for their room.
  ::setenv("STILLROOM_INJECT_CLOCK", "synced", 0);
  doctest::Context context(argc, argv);
  return context.run();
}

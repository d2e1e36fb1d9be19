/* A storage that takes its time: every fsync and fdatasync of the process it
 * is preloaded into first sleeps STILLROOM_SLOW_FSYNC_MS milliseconds (an SD
 * card under write load). For bench/emergency only:
 *   LD_PRELOAD=libstillroom_slow_fsync.so STILLROOM_SLOW_FSYNC_MS=200 stillroom run ... */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdlib.h>
#include <time.h>

static void slow(void) {
  const char* text = getenv("STILLROOM_SLOW_FSYNC_MS");
  const long ms = text ? atol(text) : 0;
  if (ms <= 0) return;
  struct timespec pause = {ms / 1000, (ms % 1000) * 1000000L};
  while (nanosleep(&pause, &pause) != 0) {
  }
}

int fsync(int fd) {
  static int (*real)(int) = 0;
  if (!real) real = (int (*)(int))dlsym(RTLD_NEXT, "fsync");
  slow();
  return real(fd);
}

int fdatasync(int fd) {
  static int (*real)(int) = 0;
  if (!real) real = (int (*)(int))dlsym(RTLD_NEXT, "fdatasync");
  slow();
  return real(fd);
}

#include "audio/ThreadSetup.hpp"

#include <cstring>
#include <pthread.h>
#include <sched.h>
#include <sys/resource.h>

#include <algorithm>

namespace stillroom::audio {

void name_this_thread(const char* name) noexcept {
  char kept[16] = {};  // the kernel keeps 15 characters and refuses longer names
  std::strncpy(kept, name, sizeof kept - 1);
  pthread_setname_np(pthread_self(), kept);
}

bool try_realtime(int priority) noexcept {
  rlimit limit{};
  if (getrlimit(RLIMIT_RTPRIO, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY && limit.rlim_cur > 0) {
    priority = std::min(priority, static_cast<int>(limit.rlim_cur));
  }
  sched_param param{};
  param.sched_priority = std::clamp(priority, sched_get_priority_min(SCHED_FIFO), sched_get_priority_max(SCHED_FIFO));
  return pthread_setschedparam(pthread_self(), SCHED_FIFO, &param) == 0;
}

}  // namespace stillroom::audio

#include "controller/AllocatorPolicy.hpp"

#include <malloc.h>

namespace stillroom::controller {

void return_large_blocks_to_the_system() {
#if defined(__GLIBC__)
  // Setting either threshold by hand turns off glibc's dynamic adjustment of both.
  ::mallopt(M_MMAP_THRESHOLD, 256 * 1024);
  ::mallopt(M_TRIM_THRESHOLD, 1024 * 1024);
#endif
}

}  // namespace stillroom::controller

// How the controller's heap treats large blocks, set once at start on the main
// thread before any other thread exists.
#pragma once

namespace stillroom::controller {

/**
 * Blocks of 256 KiB and more (a decoder's stream ring is about 1.3 MiB) are mapped on
 * their own and unmapped when freed, and the heap's free top goes back to the system
 * beyond 1 MiB. glibc's default raises both thresholds after the first large free, so
 * a box that once held three rings keeps their pages for good: fixing them makes the
 * room's memory what it uses. No effect where another allocator is linked (sanitizers).
 */
void return_large_blocks_to_the_system();

}  // namespace stillroom::controller

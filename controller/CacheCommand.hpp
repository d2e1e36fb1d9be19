// CacheCommand: `stillroom cache` — fills the room's loudness cache: every
// audio file the room's playlists name is decoded once, checked and measured
// (the work a preload would do), so that sessions start without it. Files
// already measured and unchanged are skipped. Prints what it did and each
// problem as file:line:column: message. Runs on the main thread plus the
// survey's workers.
#pragma once

#include <iosfwd>
#include <string>

namespace stillroom::controller {

struct CacheOptions {
  std::string room_file;
};

/** 0 every file measured or known, 1 problems (a file that fails, no cache configured, a configuration error). */
int run_cache(const CacheOptions& options, std::ostream& out, std::ostream& err);

}  // namespace stillroom::controller

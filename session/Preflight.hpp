// Preflight: what the session asks to be checked before a room is ready for a
// client (every track decodes, its loudness is known, music in every phase),
// and the answer it gets back. Plain data; the checks themselves do I/O and run
// on the daemon's worker thread (controller/RunPreflight).
#pragma once

#include "config/Library.hpp"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace stillroom::session {

struct PreflightJob {
  const config::Library* library = nullptr;
  const config::Protocol* protocol = nullptr;
  const config::Playlist* playlist = nullptr;
  const config::Client* client = nullptr;
  std::uint64_t shuffle_seed = 0;
};

struct PreflightResult {
  /** Track lengths for the plan (absolute path -> full length). */
  std::map<std::string, config::Millis> durations;
  /** What keeps the room from being ready; empty when it is. */
  std::vector<std::string> problems;
};

}  // namespace stillroom::session

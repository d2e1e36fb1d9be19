// Preflight: what must be true before a room is ready for a client — every
// track of the chosen playlist decodes, its loudness is known (measured into
// the cache now if needed), and the plan puts music in every phase. Runs on a
// worker thread (decoding can take seconds on a slow card) while the
// controller keeps answering; the result goes back to the session.
#pragma once

#include "audio/LoudnessCache.hpp"
#include "config/Library.hpp"
#include "config/Problems.hpp"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace stillroom::controller {

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

/** Runs the checks; `cache` may be null (no loudness measured). Any thread; I/O. */
[[nodiscard]] PreflightResult run_preflight(const PreflightJob& job, audio::LoudnessCache* cache);

}  // namespace stillroom::controller

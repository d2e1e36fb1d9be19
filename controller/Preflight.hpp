// Preflight: what must be true before a room is ready for a client — every
// track of the chosen playlist decodes, its loudness is known (measured into
// the cache now if needed), and the plan puts music in every phase. Runs on a
// worker thread (decoding can take seconds on a slow card) while the
// controller keeps answering; the result goes back to the session.
#pragma once

#include "audio/LoudnessCache.hpp"
#include "config/Library.hpp"
#include "config/Problems.hpp"
#include "session/Preflight.hpp"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace stillroom::controller {

/** Runs the checks; `cache` may be null (no loudness measured). Any thread; I/O. */
[[nodiscard]] session::PreflightResult run_preflight(const session::PreflightJob& job, audio::LoudnessCache* cache);

}  // namespace stillroom::controller

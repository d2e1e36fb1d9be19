// Catalogue: what a clinician chooses from on the tablet, published retained on
// `clinical/catalogue` — the clients (pseudonymous ids, their defaults and their
// course with suggested doses), the protocols (route, medication, dose ranges,
// phases, reminders, boosters), the playlists (how much music each phase has
// and the last preflight's verdict) and the room's volume limits. A series'
// dose is a suggestion a clinician confirms or changes, never a recorded fact.
// Pure.
#pragma once

#include "config/Library.hpp"

#include <nlohmann/json.hpp>

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace stillroom::controller {

struct PreflightVerdict {
  bool ok = false;
  std::string at;
  std::vector<std::string> problems;
};

/** `durations`: track lengths by absolute path (missing ones count as no music). */
[[nodiscard]] nlohmann::json make_catalogue(const config::Library& library,
                                            const std::map<std::string, config::Millis>& durations,
                                            const std::map<std::string, PreflightVerdict>& preflights);

}  // namespace stillroom::controller

// Client: a pseudonymous id and the defaults for that client's sessions. No
// names or other identity are ever stored here (the mapping lives in the EHR).
#pragma once

#include "config/SourceMark.hpp"

#include <map>
#include <optional>
#include <string>

namespace stillroom::config {

struct SeriesStep {
  std::string playlist;
  /** Optional protocol for this session number (else the client's default). */
  std::string protocol;
  /** Planned dose for this session number, mg (for the record; nullopt = not planned). */
  std::optional<double> dose_mg;
  SourceMark where;
};

struct Client {
  /** Pseudonymous id: letters, digits, '-' and '_' only. */
  std::string id;
  std::string protocol;
  std::string playlist;
  /** Session number (1-based) -> what that session uses. */
  std::map<int, SeriesStep> series;
  /** Music level cap for this client, dB, at or below the room's. */
  std::optional<double> max_volume_db;
  /** Upper bound on any scene's brightness for this client, percent. */
  std::optional<double> max_brightness_pct;
  /** Colour temperature this client prefers, K (replaces the scenes'). */
  std::optional<int> color_temp_k;
  SourceMark where;
};

}  // namespace stillroom::config

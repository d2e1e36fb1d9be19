// SessionChoice: which protocol and playlist a client's session uses — what
// the therapist asked for, else the client's series step for this session
// number, else the client's defaults — with a specific reason when a name does
// not exist. Pure; shared by `plan`, `simulate` and the daemon's preload.
#pragma once

#include "config/Library.hpp"

#include <optional>
#include <string>

namespace stillroom::session {

struct SessionChoice {
  const config::Client* client = nullptr;
  const config::Protocol* protocol = nullptr;
  const config::Playlist* playlist = nullptr;
  /** Planned dose from the series step, if any. */
  std::optional<double> dose_mg;
};

/**
 * `protocol`/`playlist` may be empty (use the series or defaults); `session` is
 * the 1-based session number (0 = unknown: defaults). Nullopt with `error` set.
 */
[[nodiscard]] std::optional<SessionChoice> choose_session(const config::Library& library, const std::string& client,
                                                          const std::string& protocol, const std::string& playlist,
                                                          int session, std::string& error);

/** "a, b, c" of a map's keys, for messages naming what exists. */
template <typename Map>
[[nodiscard]] std::string known_names(const Map& map) {
  std::string names;
  for (const auto& [key, value] : map) names += (names.empty() ? "" : ", ") + key;
  return names.empty() ? "none" : names;
}

}  // namespace stillroom::session

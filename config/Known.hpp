// Known: what the files read so far tell the next ones. The room is read
// first, then protocols, playlists and clients, each checked against what came
// before, so that a reference to something missing is caught at the line that
// makes it.
#pragma once

#include "config/Library.hpp"

#include <set>
#include <string>
#include <vector>

namespace stillroom::config {

struct Known {
  /** What has been loaded so far. */
  const Library* library = nullptr;
  /** The room file was parsed: its scenes and caps are checked against. */
  bool room_read = false;
  /** The room's `lights:` section was read: phases' scene names are checked against its scenes. */
  bool scenes_read = false;
  /** Ids (file stems) of protocol files that could not be parsed: references to them are not reported twice. */
  std::set<std::string> unread_protocols;
  std::set<std::string> unread_playlists;

  [[nodiscard]] bool has_protocol(const std::string& id) const;
  [[nodiscard]] bool has_playlist(const std::string& id) const;
  [[nodiscard]] std::vector<std::string> protocol_ids() const;
  [[nodiscard]] std::vector<std::string> playlist_ids() const;
  /** Every phase name of every protocol loaded, sorted. */
  [[nodiscard]] std::vector<std::string> phase_names() const;
  /** False when a protocol file could not be parsed: its phase names are unknown. */
  [[nodiscard]] bool all_protocols_read() const noexcept { return unread_protocols.empty(); }
};

}  // namespace stillroom::config

// Library: a room and everything it refers to, loaded together and
// cross-checked (clients name protocols and playlists that exist, phases name
// scenes that exist, volumes stay under the room's cap).
#pragma once

#include "config/Client.hpp"
#include "config/Playlist.hpp"
#include "config/Problems.hpp"
#include "config/Protocol.hpp"
#include "config/Room.hpp"

#include <map>
#include <string>

namespace stillroom::config {

struct Library {
  Room room;
  std::map<std::string, Protocol> protocols;
  std::map<std::string, Playlist> playlists;
  std::map<std::string, Client> clients;

  [[nodiscard]] const Protocol* protocol(const std::string& id) const noexcept;
  [[nodiscard]] const Playlist* playlist(const std::string& id) const noexcept;
  [[nodiscard]] const Client* client(const std::string& id) const noexcept;
};

/**
 * Reads the room file and every file it points to. Never throws for bad input:
 * every problem in every file goes into `problems` (file:line:column + what was
 * expected), and the returned library holds whatever could be read. Does not
 * open audio files beyond checking they exist (decoding is audio's job).
 */
[[nodiscard]] Library load_library(const std::string& room_file, Problems& problems);

}  // namespace stillroom::config

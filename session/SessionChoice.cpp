#include "session/SessionChoice.hpp"

namespace stillroom::session {

std::optional<SessionChoice> choose_session(const config::Library& library, const std::string& client,
                                            const std::string& protocol, const std::string& playlist, int session,
                                            std::string& error) {
  SessionChoice choice;
  choice.client = library.client(client);
  if (choice.client == nullptr) {
    error = "unknown client '" + client + "' (known: " + known_names(library.clients) + ")";
    return std::nullopt;
  }
  std::string protocol_id = choice.client->protocol;
  std::string playlist_id = choice.client->playlist;
  if (session > 0) {
    if (const auto step = choice.client->series.find(session); step != choice.client->series.end()) {
      if (!step->second.protocol.empty()) protocol_id = step->second.protocol;
      if (!step->second.playlist.empty()) playlist_id = step->second.playlist;
      choice.dose_mg = step->second.dose_mg;
    }
  }
  if (!protocol.empty()) protocol_id = protocol;
  if (!playlist.empty()) playlist_id = playlist;
  choice.protocol = library.protocol(protocol_id);
  if (choice.protocol == nullptr) {
    error = "unknown protocol '" + protocol_id + "' (known: " + known_names(library.protocols) + ")";
    return std::nullopt;
  }
  choice.playlist = library.playlist(playlist_id);
  if (choice.playlist == nullptr) {
    error = "unknown playlist '" + playlist_id + "' (known: " + known_names(library.playlists) + ")";
    return std::nullopt;
  }
  return choice;
}

}  // namespace stillroom::session

#include "config/Known.hpp"

namespace stillroom::config {
namespace {

template <typename Map>
std::vector<std::string> keys_of(const Map& map) {
  std::vector<std::string> keys;
  for (const auto& [key, value] : map) keys.push_back(key);
  return keys;
}

}  // namespace

bool Known::has_protocol(const std::string& id) const {
  return unread_protocols.count(id) != 0 || (library != nullptr && library->protocols.count(id) != 0);
}

bool Known::has_playlist(const std::string& id) const {
  return unread_playlists.count(id) != 0 || (library != nullptr && library->playlists.count(id) != 0);
}

std::vector<std::string> Known::protocol_ids() const {
  return library == nullptr ? std::vector<std::string>{} : keys_of(library->protocols);
}

std::vector<std::string> Known::playlist_ids() const {
  return library == nullptr ? std::vector<std::string>{} : keys_of(library->playlists);
}

std::vector<std::string> Known::phase_names() const {
  std::set<std::string> names;
  if (library != nullptr)
    for (const auto& [id, protocol] : library->protocols)
      for (const auto& phase : protocol.phases) names.insert(phase.name);
  return {names.begin(), names.end()};
}

}  // namespace stillroom::config

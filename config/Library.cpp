#include "config/Library.hpp"

namespace stillroom::config {
namespace {

template <typename Map>
auto* find_in(const Map& map, const std::string& id) noexcept {
  const auto it = map.find(id);
  return it == map.end() ? nullptr : &it->second;
}

}  // namespace

const Protocol* Library::protocol(const std::string& id) const noexcept { return find_in(protocols, id); }
const Playlist* Library::playlist(const std::string& id) const noexcept { return find_in(playlists, id); }
const Client* Library::client(const std::string& id) const noexcept { return find_in(clients, id); }

}  // namespace stillroom::config

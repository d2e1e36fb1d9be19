#include "config/Library.hpp"

#include "config/ClientFile.hpp"
#include "config/Known.hpp"
#include "config/PlaylistFile.hpp"
#include "config/ProtocolFile.hpp"
#include "config/RoomFile.hpp"
#include "config/YamlFile.hpp"

#include <exception>
#include <optional>

namespace stillroom::config {
namespace {

template <typename Map>
auto* find_in(const Map& map, const std::string& id) noexcept {
  const auto it = map.find(id);
  return it == map.end() ? nullptr : &it->second;
}

/**
 * Loads every file of one kind in order. A file that cannot be read or parsed
 * leaves its stem in `unread`: what it would have defined is unknown, so
 * references to it are not reported a second time.
 */
template <typename Item, typename ReadFn>
void load_all(const std::vector<std::filesystem::path>& files, const char* kind, const Known& known,
              std::map<std::string, Item>& into, std::set<std::string>* unread, ReadFn read, Problems& problems) {
  for (const auto& path : files) {
    std::optional<Item> item;
    bool parsed = false;
    try {
      const YamlFile file = YamlFile::load(path, problems);
      parsed = file.parsed();
      item = read(file, known, problems);
    } catch (const std::exception& e) {
      // Bad input is reported, never thrown; should anything still throw, the other files are checked all the same.
      problems.error({display_path(path), 0, 0}, std::string("could not be checked completely: ") + e.what());
      parsed = false;
    }
    if (!parsed && unread != nullptr) unread->insert(path.stem().string());
    if (!item) continue;
    const auto [it, inserted] = into.emplace(item->id, *item);
    if (!inserted)
      problems.error(item->where, std::string(kind) + " id '" + item->id + "' is already used at " +
                                      it->second.where.str());
  }
}

}  // namespace

const Protocol* Library::protocol(const std::string& id) const noexcept { return find_in(protocols, id); }
const Playlist* Library::playlist(const std::string& id) const noexcept { return find_in(playlists, id); }
const Client* Library::client(const std::string& id) const noexcept { return find_in(clients, id); }

Library load_library(const std::string& room_file, Problems& problems) {
  Library library;
  Known known;
  known.library = &library;

  RoomFile room;
  try {
    const YamlFile room_yaml = YamlFile::load(room_file, problems);
    room = read_room(room_yaml, problems);
    known.room_read = room_yaml.parsed() && room_yaml.root().IsMap();
  } catch (const std::exception& e) {
    problems.error({display_path(room_file), 0, 0}, std::string("could not be checked completely: ") + e.what());
  }
  library.room = std::move(room.room);
  known.scenes_read = library.room.lights.where.line > 0;

  // Order matters: each kind is checked against the ones before it.
  load_all(room.protocol_files, "protocol", known, library.protocols, &known.unread_protocols, read_protocol, problems);
  load_all(room.playlist_files, "playlist", known, library.playlists, &known.unread_playlists, read_playlist, problems);
  load_all(room.client_files, "client", known, library.clients, nullptr, read_client, problems);
  return library;
}

}  // namespace stillroom::config

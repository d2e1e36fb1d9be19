// RoomFile: reads room.yaml — audio output and limits, MQTT broker, lights and
// scenes, the devices allowed to command the room and their roles, the record,
// and where protocols, playlists and clients live. Checks everything that can
// be checked inside the room file itself. Runs on the caller's thread; reads
// only the file system.
#pragma once

#include "config/Problems.hpp"
#include "config/Room.hpp"
#include "config/YamlFile.hpp"

#include <filesystem>
#include <vector>

namespace stillroom::config {

struct RoomFile {
  Room room;
  /** The files `protocols:`, `playlists:` and `clients:` name, expanded, in order, each once. */
  std::vector<std::filesystem::path> protocol_files;
  std::vector<std::filesystem::path> playlist_files;
  std::vector<std::filesystem::path> client_files;
};

/** Reads a parsed room file; every problem goes into `problems`, the result holds what could be read. */
[[nodiscard]] RoomFile read_room(const YamlFile& file, Problems& problems);

/** The light kinds a LightDevice may have. */
[[nodiscard]] const std::vector<std::string>& light_kinds();

/** The placeholders a template light's payload may use. */
[[nodiscard]] const std::vector<std::string>& light_template_placeholders();

}  // namespace stillroom::config

// PlaylistFile: reads one playlist file — per protocol phase, the tracks (with
// M3U lists expanded in place), planned silences and alternates — and checks
// that every audio file exists and every phase name belongs to a protocol.
// Runs on the caller's thread; only stats audio files, never opens them.
#pragma once

#include "config/Known.hpp"
#include "config/Playlist.hpp"
#include "config/Problems.hpp"
#include "config/YamlFile.hpp"

#include <optional>

namespace stillroom::config {

/** The playlist in `file`, or nullopt when the file holds none that can be named. */
[[nodiscard]] std::optional<Playlist> read_playlist(const YamlFile& file, const Known& known, Problems& problems);

}  // namespace stillroom::config

// FileList: what a `protocols:`, `playlists:` or `clients:` entry of the room
// file names — a directory (every *.yaml and *.yml in it), a glob pattern, or
// one file. Touches the file system only to list and stat.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace stillroom::config {

struct FileList {
  /** Sorted by name; absolute. */
  std::vector<std::filesystem::path> files;
  /** Why nothing could be listed ("" when listing worked, even if it found nothing). */
  std::string error;
};

/** Lists what `where` (absolute) names. Hidden files are skipped in directories and globs. */
[[nodiscard]] FileList list_config_files(const std::filesystem::path& where);

/** The entry of `path`'s directory whose name is nearest `path`'s (for "did you mean"). */
[[nodiscard]] std::string nearest_sibling(const std::filesystem::path& path);

}  // namespace stillroom::config

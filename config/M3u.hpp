// M3u: M3U and M3U8 play lists as media players write them — #EXTM3U header,
// #EXTINF:<seconds>,<artist> - <title> lines, comments, a UTF-8 byte order
// mark, CRLF or LF line ends, paths relative to the list's own directory.
// A pure parser: no file access.
#pragma once

#include "config/Duration.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace stillroom::config {

struct M3uItem {
  /** Absolute, lexically normalised. */
  std::string path;
  /** From the #EXTINF line before the path ("" when there is none). */
  std::string title;
  std::string artist;
  /** #EXTINF length when given, at least 1 ms and at most 1,000,000 s (else none). */
  std::optional<Millis> length;
  /** 1-based line of the path. */
  int line = 0;
};

struct M3uProblem {
  int line = 0;
  std::string message;
};

struct M3uList {
  std::vector<M3uItem> items;
  /** Lines that name something other than a local file (URLs). */
  std::vector<M3uProblem> problems;
};

/** Parses the text of an M3U/M3U8 file whose directory is `base_dir`. */
[[nodiscard]] M3uList parse_m3u(std::string_view text, const std::filesystem::path& base_dir);

}  // namespace stillroom::config

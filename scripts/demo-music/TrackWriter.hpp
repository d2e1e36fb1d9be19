// TrackWriter: writes rendered audio to a file in the row's format through
// libsndfile, with title, artist and album tags. The file appears under its
// name only when complete (written beside it, then renamed), so a failed or
// interrupted run never leaves a half file that looks finished.
#pragma once

#include "Composer.hpp"
#include "TrackTable.hpp"

#include <cstdint>
#include <filesystem>
#include <span>
#include <stdexcept>
#include <vector>

namespace stillroom::demo {

/** Any failure to write a file; what() names the file and the reason. */
class WriteError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/** Writes `audio` to `path` as `spec` says. Throws WriteError. */
void write_track(const std::filesystem::path& path, const TrackSpec& spec, const Audio& audio);

/** Reads a whole file; throws WriteError when it cannot. */
[[nodiscard]] std::vector<std::uint8_t> read_bytes(const std::filesystem::path& path);

/** Replaces `path` with `bytes` (temporary file, then rename). Throws WriteError. */
void write_bytes(const std::filesystem::path& path, std::span<const std::uint8_t> bytes);

}  // namespace stillroom::demo

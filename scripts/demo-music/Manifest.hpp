// Manifest: the stamp file beside the generated music, naming the generator
// version and each file's size and content hash. A file whose bytes still
// match its entry is not written again; anything else is regenerated.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>

namespace stillroom::demo {

class Manifest {
 public:
  static constexpr std::string_view kFileName = ".stillroom-demo-music";

  /** DIR's manifest; empty when there is none, it cannot be read, or another generator version wrote it. */
  [[nodiscard]] static Manifest load(const std::filesystem::path& dir);

  /** Whether dir/file exists with the size and hash recorded for it. */
  [[nodiscard]] bool matches(const std::filesystem::path& dir, const std::string& file) const;

  /** Records dir/file's current size and hash. Throws WriteError. */
  void record(const std::filesystem::path& dir, const std::string& file);

  /** Writes dir's manifest (temporary file, then rename). Throws WriteError. */
  void save(const std::filesystem::path& dir) const;

 private:
  struct Entry {
    std::uintmax_t size = 0;
    std::uint64_t hash = 0;
  };
  /** By file name. */
  std::map<std::string, Entry> entries_;
};

}  // namespace stillroom::demo

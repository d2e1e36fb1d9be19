// TempDir: a fresh directory under $TMPDIR (or /tmp), removed with its
// contents when the object goes away unless STILLROOM_KEEP_TEST_FILES is set.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace stillroom::test {

class TempDir {
 public:
  explicit TempDir(std::string_view prefix = "stillroom-test");
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  [[nodiscard]] const std::filesystem::path& path() const noexcept { return path_; }
  /** path() / name */
  [[nodiscard]] std::filesystem::path operator/(std::string_view name) const { return path_ / name; }
  /** Writes `text` to path()/name (creating parent directories) and returns the full path. */
  std::filesystem::path write(std::string_view name, std::string_view text) const;

 private:
  std::filesystem::path path_;
};

/** The whole content of a file ("" when it cannot be read). */
[[nodiscard]] std::string read_file(const std::filesystem::path& path);

/** Source tree path: source_dir() / relative. */
[[nodiscard]] std::filesystem::path source_path(std::string_view relative);

}  // namespace stillroom::test

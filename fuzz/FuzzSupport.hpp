// FuzzSupport: what the fuzz targets share — the example room loaded once (the
// context a loader or parser sees in a real room), a scratch directory for
// targets that need files, splitting an input into fields, and fail(), which
// stops the run so that libFuzzer keeps the input as a crash and the ctest
// replay fails. Used by one thread (libFuzzer runs inputs one at a time).
#pragma once

#include "config/Known.hpp"
#include "config/Library.hpp"
#include "config/YamlFile.hpp"

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

namespace stillroom::fuzz {

/** config/examples/ of the source tree. */
[[nodiscard]] std::filesystem::path examples_dir();

/** config/examples/room.yaml and every file it names, loaded once. */
[[nodiscard]] const config::Library& example_library();

/** A directory of this process only (on /dev/shm when there is one), emptied by the caller, removed at exit. */
[[nodiscard]] const std::filesystem::path& scratch_dir();

/** Reports a broken property and aborts: a finding, as a crash would be. */
[[noreturn]] void fail(std::string_view what);

/**
 * True when the open finding `id` (fuzz/open/<target>/<id>, in code another
 * change owns) is listed in $STILLROOM_FUZZ_SKIP (comma-separated), so that a
 * long run can look past it for other findings. Never set in ctest.
 */
[[nodiscard]] bool skipping(std::string_view id);

/** The input as text. */
[[nodiscard]] inline std::string_view as_text(const std::uint8_t* data, std::size_t size) noexcept {
  return {reinterpret_cast<const char*>(data), size};
}

/** The part of `rest` before its first '\n' (all of it when there is none); `rest` keeps what follows. */
[[nodiscard]] std::string_view next_line(std::string_view& rest) noexcept;

/** What a loader knows in the example room: its library, its room file and scenes read. */
[[nodiscard]] const config::Known& example_known();

/**
 * Any bytes as `folder`/fuzz.yaml of the example room, read by `read(file, known, problems)`: a file that
 * did not parse must have a problem reported, and what is read must have an id.
 */
template <class Read>
int fuzz_library_file(const char* folder, std::string_view what, const std::uint8_t* data, std::size_t size,
                      Read read) {
  config::Problems problems;
  const auto file =
      config::YamlFile::parse(examples_dir() / folder / "fuzz.yaml", std::string(as_text(data, size)), problems);
  const auto item = read(file, example_known(), problems);
  if (!file.parsed() && !problems.has_errors()) fail("a file that did not parse has no problem reported");
  if (item && item->id.empty()) fail(std::string("a ") + std::string(what) + " was read without an id");
  return 0;
}

}  // namespace stillroom::fuzz

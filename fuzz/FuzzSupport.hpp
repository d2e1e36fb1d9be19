// FuzzSupport: what the fuzz targets share — the example room loaded once (the
// context a loader or parser sees in a real room), a scratch directory for
// targets that need files, splitting an input into fields, and fail(), which
// stops the run so that libFuzzer keeps the input as a crash and the ctest
// replay fails. Used by one thread (libFuzzer runs inputs one at a time).
#pragma once

#include "config/Library.hpp"

#include <cstddef>
#include <cstdint>
#include <filesystem>
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

}  // namespace stillroom::fuzz

#include "FuzzSupport.hpp"

#include "config/Problems.hpp"

#include <cstdio>
#include <cstdlib>
#include <string>
#include <system_error>
#include <unistd.h>

namespace stillroom::fuzz {
namespace {

/** Removes the scratch directory when the process ends normally. */
struct ScratchDir {
  std::filesystem::path path;
  ScratchDir() {
    std::error_code ec;
    const std::filesystem::path base = std::filesystem::is_directory("/dev/shm", ec)
                                           ? std::filesystem::path("/dev/shm")
                                           : std::filesystem::temp_directory_path();
    path = base / ("stillroom-fuzz-" + std::to_string(::getpid()));
    std::filesystem::remove_all(path, ec);
    std::filesystem::create_directories(path);
  }
  ~ScratchDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
};

}  // namespace

std::filesystem::path examples_dir() { return std::filesystem::path(STILLROOM_SOURCE_DIR) / "config" / "examples"; }

const config::Library& example_library() {
  static const config::Library library = [] {
    config::Problems problems;
    return config::load_library((examples_dir() / "room.yaml").string(), problems);
  }();
  return library;
}

const std::filesystem::path& scratch_dir() {
  static const ScratchDir dir;
  return dir.path;
}

void fail(std::string_view what) {
  std::fprintf(stderr, "fuzz property broken: %.*s\n", static_cast<int>(what.size()), what.data());
  std::fflush(stderr);
  std::abort();
}

bool skipping(std::string_view id) {
  static const std::string list = [] {
    const char* value = std::getenv("STILLROOM_FUZZ_SKIP");
    return value == nullptr ? std::string() : "," + std::string(value) + ",";
  }();
  return list.find("," + std::string(id) + ",") != std::string::npos;
}

std::string_view next_line(std::string_view& rest) noexcept {
  const auto end = rest.find('\n');
  const std::string_view line = rest.substr(0, end);
  rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
  return line;
}

}  // namespace stillroom::fuzz

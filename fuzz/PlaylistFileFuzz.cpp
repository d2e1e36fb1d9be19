// Fuzz target "playlist": any bytes as a playlist file of the example room
// (M3U lists and music paths resolve to the real examples), checked against its
// protocols' phases. Never throws or crashes.
#include "FuzzSupport.hpp"

#include "config/Known.hpp"
#include "config/PlaylistFile.hpp"

#include <string>

using namespace stillroom;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const config::Known known = [] {
    config::Known k;
    k.library = &fuzz::example_library();
    k.room_read = true;
    k.scenes_read = true;
    return k;
  }();
  config::Problems problems;
  const auto file = config::YamlFile::parse(fuzz::examples_dir() / "playlists" / "fuzz.yaml",
                                            std::string(fuzz::as_text(data, size)), problems);
  const auto playlist = config::read_playlist(file, known, problems);
  if (!file.parsed() && !problems.has_errors()) fuzz::fail("a file that did not parse has no problem reported");
  if (playlist && playlist->id.empty()) fuzz::fail("a playlist was read without an id");
  return 0;
}

// Fuzz target "playlist": any bytes as a playlist file of the example room
// (M3U lists and music paths resolve to the real examples), checked against its
// protocols' phases. Never throws or crashes.
#include "FuzzSupport.hpp"

#include "config/PlaylistFile.hpp"

using namespace stillroom;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return fuzz::fuzz_library_file("playlists", "playlist", data, size, config::read_playlist);
}

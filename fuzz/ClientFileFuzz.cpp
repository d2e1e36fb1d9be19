// Fuzz target "client": any bytes as a client file of the example room,
// checked against its protocols and playlists. Never throws or crashes.
#include "FuzzSupport.hpp"

#include "config/ClientFile.hpp"
#include "config/Known.hpp"

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
  const auto file = config::YamlFile::parse(fuzz::examples_dir() / "clients" / "fuzz.yaml",
                                            std::string(fuzz::as_text(data, size)), problems);
  const auto client = config::read_client(file, known, problems);
  if (!file.parsed() && !problems.has_errors()) fuzz::fail("a file that did not parse has no problem reported");
  if (client && client->id.empty()) fuzz::fail("a client was read without an id");
  return 0;
}

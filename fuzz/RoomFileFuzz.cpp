// Fuzz target "room": any bytes as room.yaml, read as if they were the example
// room's file (its relative paths resolve to the real examples). The reader must
// report every problem and never throw or crash.
#include "FuzzSupport.hpp"

#include "config/RoomFile.hpp"

#include <string>

using namespace stillroom;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  config::Problems problems;
  const auto file = config::YamlFile::parse(fuzz::examples_dir() / "room.yaml", std::string(fuzz::as_text(data, size)),
                                            problems);
  [[maybe_unused]] const config::RoomFile room = config::read_room(file, problems);
  if (!file.parsed() && !problems.has_errors()) fuzz::fail("a file that did not parse has no problem reported");
  return 0;
}

// Fuzz target "protocol": any bytes as a protocol file of the example room,
// checked against its scenes and caps. Never throws or crashes.
#include "FuzzSupport.hpp"

#include "config/Known.hpp"
#include "config/ProtocolFile.hpp"

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
  const auto file = config::YamlFile::parse(fuzz::examples_dir() / "protocols" / "fuzz.yaml",
                                            std::string(fuzz::as_text(data, size)), problems);
  const auto protocol = config::read_protocol(file, known, problems);
  if (!file.parsed() && !problems.has_errors()) fuzz::fail("a file that did not parse has no problem reported");
  if (protocol && protocol->id.empty()) fuzz::fail("a protocol was read without an id");
  return 0;
}

// Fuzz target "protocol": any bytes as a protocol file of the example room,
// checked against its scenes and caps. Never throws or crashes.
#include "FuzzSupport.hpp"

#include "config/ProtocolFile.hpp"

using namespace stillroom;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return fuzz::fuzz_library_file("protocols", "protocol", data, size, config::read_protocol);
}

// Fuzz target "client": any bytes as a client file of the example room,
// checked against its protocols and playlists. Never throws or crashes.
#include "FuzzSupport.hpp"

#include "config/ClientFile.hpp"

using namespace stillroom;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return fuzz::fuzz_library_file("clients", "client", data, size, config::read_client);
}

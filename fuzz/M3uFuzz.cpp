// Fuzz target "m3u": any bytes as an M3U/M3U8 list in the example playlists'
// directory. Every item must name an absolute path, carry a positive length
// when it has one and a line inside the text.
#include "FuzzSupport.hpp"

#include "config/M3u.hpp"

using namespace stillroom;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = fuzz::as_text(data, size);
  const auto list = config::parse_m3u(text, fuzz::examples_dir() / "playlists" / "lists");
  // Lines as the parser counts them: LF, CRLF and a lone CR each end one.
  int lines = 1;
  for (std::size_t i = 0; i < text.size(); ++i)
    if (text[i] == '\n' || (text[i] == '\r' && (i + 1 == text.size() || text[i + 1] != '\n'))) ++lines;
  for (const auto& item : list.items) {
    if (item.path.empty() || item.path.front() != '/') fuzz::fail("an item's path is not absolute: " + item.path);
    if (item.length && item.length->count() <= 0) fuzz::fail("an item has a length that is not positive");
    if (item.line < 1 || item.line > lines) fuzz::fail("an item's line lies outside the text");
  }
  for (const auto& problem : list.problems) {
    if (problem.message.empty()) fuzz::fail("a problem without a message");
    if (problem.line < 1 || problem.line > lines) fuzz::fail("a problem's line lies outside the text");
  }
  return 0;
}

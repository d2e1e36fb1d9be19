// Fuzz target "datetime": any bytes as an RFC 3339 instant and as a duration.
// An instant that parses must format back (format_instant) to text that parses
// to the same instant; a refusal must say why. A duration that parses must
// format (format_duration) to text that parses to the same duration.
#include "FuzzSupport.hpp"

#include "config/Duration.hpp"
#include "config/Instant.hpp"

#include <string>

using namespace stillroom;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = fuzz::as_text(data, size);

  std::string problem;
  if (const auto instant = config::parse_instant(text, problem)) {
    const std::string formatted = config::format_instant(*instant);
    const auto again = config::parse_instant(formatted);
    if (!again) fuzz::fail("format_instant wrote text parse_instant refuses: " + formatted);
    if (std::chrono::floor<std::chrono::milliseconds>(*again) != std::chrono::floor<std::chrono::milliseconds>(*instant))
      fuzz::fail("an instant does not read back to itself: " + formatted);
    if (!problem.empty()) fuzz::fail("an accepted instant came with a problem: " + problem);
  } else if (problem.empty()) {
    fuzz::fail("an instant was refused without a reason");
  }

  if (const auto duration = config::parse_duration(text)) {
    const std::string formatted = config::format_duration(*duration);
    if (config::parse_duration(formatted) != duration)
      fuzz::fail("a duration does not read back to itself: " + formatted);
    (void)config::format_clock(*duration);
  }
  return 0;
}

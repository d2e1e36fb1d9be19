// Durations as people write them in configuration files: "90s", "15m",
// "1h30m", "-10m", "250ms", "2.5s"; the dose clock's "+1:05:30". Instants (RFC
// 3339) are in Instant.hpp, included here for the files that use both. Pure
// functions, no I/O.
#pragma once

#include "config/Instant.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace stillroom::config {

using Millis = std::chrono::milliseconds;

/** Parses "1h30m", "90s", "250ms", "2.5s", "-10m", "0". Nullopt when malformed. */
[[nodiscard]] std::optional<Millis> parse_duration(std::string_view text);

/** The shortest readable form: 5400000 ms -> "1h30m", 1500 -> "1.5s", -600000 -> "-10m". */
[[nodiscard]] std::string format_duration(Millis d);

/** "+1:05:30" style clock on the dose axis ("-0:10:00" before the dose), millisecond-free. */
[[nodiscard]] std::string format_clock(Millis d);

}  // namespace stillroom::config

// Durations and instants as people write them in configuration files:
// "90s", "15m", "1h30m", "-10m", "250ms", "2.5s"; times of day and instants in
// ISO 8601. Pure functions, no I/O.
#pragma once

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

/** Parses an ISO 8601 instant with offset ("2026-11-22T09:30:00Z", "...+01:00"). */
[[nodiscard]] std::optional<std::chrono::system_clock::time_point> parse_instant(std::string_view text);

/** Formats an instant as ISO 8601 UTC with milliseconds: "2026-11-22T09:30:00.000Z". */
[[nodiscard]] std::string format_instant(std::chrono::system_clock::time_point t);

}  // namespace stillroom::config

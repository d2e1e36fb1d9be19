// Instants as RFC 3339 date-times: "2026-11-22T09:30:00Z", "2026-11-22T10:30:00.250+01:00".
// Strict: full-date "T" full-time, seconds required, an optional fraction, "Z" or
// ±hh:mm, every field in range. Lowercase "t" and "z" are accepted (RFC 3339
// §5.6 allows them); a space for "T", a leading or trailing space, a leap
// second (:60, which the system clock cannot hold) and an instant outside the
// system clock's range (years 1678..2261) are refused. Pure functions, no I/O.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace stillroom::config {

/** The instant `text` names; nullopt when it is not a strict RFC 3339 date-time. */
[[nodiscard]] std::optional<std::chrono::system_clock::time_point> parse_instant(std::string_view text);

/** As above; on refusal `problem` says what is wrong ("hour 24 is out of range (00..23)"). */
[[nodiscard]] std::optional<std::chrono::system_clock::time_point> parse_instant(std::string_view text,
                                                                                 std::string& problem);

/** Formats an instant as ISO 8601 UTC with milliseconds: "2026-11-22T09:30:00.000Z". */
[[nodiscard]] std::string format_instant(std::chrono::system_clock::time_point t);

}  // namespace stillroom::config

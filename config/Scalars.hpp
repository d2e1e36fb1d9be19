// Scalars: the small value syntaxes of the configuration files — numbers,
// yes/no, percentages, colour temperatures, ids, reminder times. Pure
// functions, no YAML and no I/O: the loader reports what they refuse.
#pragma once

#include "config/Duration.hpp"
#include "config/Protocol.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace stillroom::config {

/** "-8", "2.5", "1e3"; surrounding spaces allowed. No inf, nan or hex. */
[[nodiscard]] std::string_view trim_space(std::string_view text) noexcept;

[[nodiscard]] std::optional<double> parse_number(std::string_view text);

/** "48000", "-3". */
[[nodiscard]] std::optional<long long> parse_integer(std::string_view text);

/** true/false, yes/no, on/off (any case). */
[[nodiscard]] std::optional<bool> parse_bool(std::string_view text);

/** "-8", "-8dB", "-8 dB". */
[[nodiscard]] std::optional<double> parse_decibels(std::string_view text);

/** "40%", "40 %", "40". Range is the caller's business. */
[[nodiscard]] std::optional<double> parse_percent(std::string_view text);

/** "2700K", "2700 K", "2700". Whole kelvins only. */
[[nodiscard]] std::optional<int> parse_kelvin(std::string_view text);

/** Letters, digits, '-' and '_', 1 to 64 characters (client, protocol, playlist, scene ... ids). */
[[nodiscard]] bool is_name(std::string_view text) noexcept;

/** Like is_name, but lower case only: the room id is part of every MQTT topic. */
[[nodiscard]] bool is_room_id(std::string_view text) noexcept;

/** A reminder's `at`: "40m" (dose), "session_end", "monitoring_end - 10m", "session_end+5m". */
struct ReminderTime {
  ReminderAnchor anchor = ReminderAnchor::Dose;
  Millis offset{0};
};
[[nodiscard]] std::optional<ReminderTime> parse_reminder_time(std::string_view text);

/** The anchor word a reminder time starts with ("monitoring_end - 10m" -> "monitoring_end"), or "". */
[[nodiscard]] std::string reminder_anchor_word(std::string_view text);

/** "dose", "session_end", "monitoring_end". */
[[nodiscard]] const char* to_string(ReminderAnchor anchor) noexcept;

/** Shortest form of a number for messages: 3 -> "3", -1.5 -> "-1.5". */
[[nodiscard]] std::string format_number(double value);

}  // namespace stillroom::config

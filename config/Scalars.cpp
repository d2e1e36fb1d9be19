#include "config/Scalars.hpp"

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>

namespace stillroom::config {
namespace {

bool equals_folded(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  return true;
}

/** `text` without a trailing unit (any case, optional space before it). */
std::string_view strip_unit(std::string_view text, std::string_view unit) noexcept {
  text = trim_space(text);
  if (text.size() > unit.size() && equals_folded(text.substr(text.size() - unit.size()), unit))
    return trim_space(text.substr(0, text.size() - unit.size()));
  return text;
}

bool is_name_char(char c, bool lower_only) noexcept {
  const auto u = static_cast<unsigned char>(c);
  if (std::isdigit(u) || c == '-' || c == '_') return true;
  return lower_only ? (c >= 'a' && c <= 'z') : (std::isalpha(u) != 0 && u < 0x80);
}

bool is_name_of(std::string_view text, bool lower_only) noexcept {
  if (text.empty() || text.size() > 64) return false;
  for (const char c : text)
    if (!is_name_char(c, lower_only)) return false;
  return true;
}

}  // namespace

/** Without leading and trailing white space. */
std::string_view trim_space(std::string_view text) noexcept {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
  return text;
}

std::optional<double> parse_number(std::string_view text) {
  text = trim_space(text);
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  if (text.empty()) return std::nullopt;
  // from_chars refuses a leading '+' and hex by itself; inf and nan must be refused here.
  double value = 0.0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc{} || end != text.data() + text.size() || !std::isfinite(value)) return std::nullopt;
  return value;
}

std::optional<long long> parse_integer(std::string_view text) {
  text = trim_space(text);
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  if (text.empty()) return std::nullopt;
  long long value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::optional<bool> parse_bool(std::string_view text) {
  text = trim_space(text);
  for (const char* yes : {"true", "yes", "on"})
    if (equals_folded(text, yes)) return true;
  for (const char* no : {"false", "no", "off"})
    if (equals_folded(text, no)) return false;
  return std::nullopt;
}

std::optional<double> parse_decibels(std::string_view text) { return parse_number(strip_unit(text, "dB")); }

std::optional<double> parse_percent(std::string_view text) { return parse_number(strip_unit(text, "%")); }

std::optional<int> parse_kelvin(std::string_view text) {
  const auto value = parse_integer(strip_unit(text, "K"));
  if (!value || *value < -1'000'000 || *value > 1'000'000) return std::nullopt;
  return static_cast<int>(*value);
}

bool is_name(std::string_view text) noexcept { return is_name_of(text, false); }

bool is_room_id(std::string_view text) noexcept { return is_name_of(text, true); }

std::string reminder_anchor_word(std::string_view text) {
  text = trim_space(text);
  std::size_t i = 0;
  while (i < text.size() && (std::isalpha(static_cast<unsigned char>(text[i])) || text[i] == '_')) ++i;
  // "40m" starts with digits, so no word; "monitoring_end" and "session_end" are words.
  return std::string(text.substr(0, i));
}

std::optional<ReminderTime> parse_reminder_time(std::string_view text) {
  text = trim_space(text);
  if (const auto offset = parse_duration(text)) return ReminderTime{ReminderAnchor::Dose, *offset};
  const std::string word = reminder_anchor_word(text);
  ReminderTime time;
  if (word == "session_end") {
    time.anchor = ReminderAnchor::SessionEnd;
  } else if (word == "monitoring_end") {
    time.anchor = ReminderAnchor::MonitoringEnd;
  } else {
    return std::nullopt;
  }
  std::string_view rest = trim_space(text.substr(word.size()));
  if (rest.empty()) return time;
  const char sign = rest.front();
  if (sign != '+' && sign != '-') return std::nullopt;
  rest = trim_space(rest.substr(1));
  // "monitoring_end - -5m" is refused: the sign belongs to the operator.
  if (rest.empty() || rest.front() == '-' || rest.front() == '+') return std::nullopt;
  const auto offset = parse_duration(rest);
  if (!offset) return std::nullopt;
  time.offset = sign == '-' ? -*offset : *offset;
  return time;
}

const char* to_string(ReminderAnchor anchor) noexcept {
  switch (anchor) {
    case ReminderAnchor::Dose: return "dose";
    case ReminderAnchor::SessionEnd: return "session_end";
    case ReminderAnchor::MonitoringEnd: return "monitoring_end";
  }
  return "dose";
}

std::string format_number(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.6g", value);
  return buffer;
}

}  // namespace stillroom::config

#include "config/Duration.hpp"

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>

namespace stillroom::config {
namespace {

/** Milliseconds in one unit, or 0 for an unknown unit. */
long long unit_millis(std::string_view unit) noexcept {
  if (unit == "ms") return 1;
  if (unit == "s") return 1000;
  if (unit == "m" || unit == "min") return 60'000;
  if (unit == "h") return 3'600'000;
  return 0;
}

}  // namespace

std::optional<Millis> parse_duration(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
  if (text.empty()) return std::nullopt;
  bool negative = false;
  if (text.front() == '-' || text.front() == '+') {
    negative = text.front() == '-';
    text.remove_prefix(1);
  }
  if (text == "0") return Millis{0};

  // A sequence of <number><unit> parts with strictly decreasing units: "1h30m", "2m30s", "2.5s".
  double total = 0.0;
  long long last_unit = 0;
  std::size_t i = 0;
  if (text.empty()) return std::nullopt;
  while (i < text.size()) {
    const std::size_t number_start = i;
    bool dot = false;
    while (i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) || (text[i] == '.' && !dot))) {
      dot = dot || text[i] == '.';
      ++i;
    }
    if (i == number_start || text[i - 1] == '.') return std::nullopt;
    // from_chars, not stod: a number too large for a double is refused, not thrown.
    double value = 0.0;
    const char* first = text.data() + number_start;
    const char* last = text.data() + i;
    if (const auto [end, error] = std::from_chars(first, last, value); error != std::errc{} || end != last)
      return std::nullopt;
    const std::size_t unit_start = i;
    while (i < text.size() && std::isalpha(static_cast<unsigned char>(text[i]))) ++i;
    const long long unit = unit_millis(text.substr(unit_start, i - unit_start));
    if (unit == 0) return std::nullopt;
    if (last_unit != 0 && unit >= last_unit) return std::nullopt;
    last_unit = unit;
    total += value * static_cast<double>(unit);
  }
  if (total > 1e12) return std::nullopt;  // ~31 years: a typo, not a session
  const auto ms = static_cast<long long>(std::llround(total));
  return Millis{negative ? -ms : ms};
}

std::string format_duration(Millis d) {
  long long ms = d.count();
  if (ms == 0) return "0s";
  std::string out;
  if (ms < 0) {
    out.push_back('-');
    ms = -ms;
  }
  const long long h = ms / 3'600'000;
  const long long m = ms / 60'000 % 60;
  const long long s = ms / 1000 % 60;
  const long long rest = ms % 1000;
  if (h != 0) out += std::to_string(h) + "h";
  if (m != 0) out += std::to_string(m) + "m";
  if (s != 0 || rest != 0) {
    if (rest == 0) {
      out += std::to_string(s) + "s";
    } else if (h == 0 && m == 0 && s == 0) {
      out += std::to_string(rest) + "ms";
    } else {
      char buf[32];
      std::snprintf(buf, sizeof buf, "%lld.%03lld", s, rest);
      std::string text = buf;
      while (text.back() == '0') text.pop_back();
      out += text + "s";
    }
  }
  return out;
}

std::string format_clock(Millis d) {
  long long ms = d.count();
  const char sign = ms < 0 ? '-' : '+';
  if (ms < 0) ms = -ms;
  const long long total_s = ms / 1000;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%c%lld:%02lld:%02lld", sign, total_s / 3600, total_s / 60 % 60, total_s % 60);
  return buf;
}

}  // namespace stillroom::config

#include "config/Instant.hpp"

#include <date/date.h>

#include <cstdio>
#include <sstream>

namespace stillroom::config {
namespace {

using std::chrono::milliseconds;
using std::chrono::system_clock;

/** RFC 3339's full-date "T" partial-time without the fraction: D = a digit, T = 'T' or 't'. */
constexpr std::string_view date_time_layout = "DDDD-DD-DDTDD:DD:DD";

bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

/** The number written at text[at, at + width) (digits checked before). */
int number_at(std::string_view text, std::size_t at, std::size_t width) noexcept {
  int value = 0;
  for (std::size_t i = at; i < at + width; ++i) value = value * 10 + (text[i] - '0');
  return value;
}

/** How a character is named in a message: 'x', or its code when it does not print. */
std::string describe(char c) {
  const auto u = static_cast<unsigned char>(c);
  if (u >= 0x21 && u < 0x7f) return std::string("'") + c + "'";
  if (c == ' ') return "a space";
  char code[16];
  std::snprintf(code, sizeof code, "byte 0x%02x", u);
  return code;
}

/** "character 12: expected a digit (hour), got 'x'" or "... the text ends". */
std::string expected_at(std::string_view text, std::size_t at, std::string_view what) {
  return "character " + std::to_string(at + 1) + ": expected " + std::string(what) + ", " +
         (at < text.size() ? "got " + describe(text[at]) : std::string("but the text ends there"));
}

/** What a digit position of the layout belongs to. */
std::string_view field_of(std::size_t at) noexcept {
  if (at < 4) return "a digit (year)";
  if (at < 7) return "a digit (month)";
  if (at < 10) return "a digit (day)";
  if (at < 13) return "a digit (hour)";
  if (at < 16) return "a digit (minute)";
  return "a digit (second)";
}

/** The first field of "YYYY-MM-DDTHH:MM:SS" that is out of range, for the message. */
std::string field_problem(std::string_view text) {
  const int year = number_at(text, 0, 4);
  const int month = number_at(text, 5, 2);
  const int day = number_at(text, 8, 2);
  const int hour = number_at(text, 11, 2);
  const int minute = number_at(text, 14, 2);
  const int second = number_at(text, 17, 2);
  if (month < 1 || month > 12) return "month " + std::string(text.substr(5, 2)) + " is out of range (01..12)";
  if (!date::year_month_day(date::year{year}, date::month{static_cast<unsigned>(month)},
                            date::day{static_cast<unsigned>(day)})
           .ok())
    return "day " + std::string(text.substr(8, 2)) + " does not exist in " + std::string(text.substr(0, 7));
  if (hour > 23) return "hour " + std::string(text.substr(11, 2)) + " is out of range (00..23)";
  if (minute > 59) return "minute " + std::string(text.substr(14, 2)) + " is out of range (00..59)";
  if (second == 60) return "second 60 (a leap second) is not accepted: the system clock has no leap seconds";
  if (second > 59) return "second " + std::string(text.substr(17, 2)) + " is out of range (00..59)";
  return "not a valid date and time";
}

}  // namespace

std::optional<system_clock::time_point> parse_instant(std::string_view text, std::string& problem) {
  problem.clear();
  // The layout first, character by character: date::parse alone would take
  // one-digit fields, signs and widths RFC 3339 does not allow.
  for (std::size_t at = 0; at < date_time_layout.size(); ++at) {
    const char want = date_time_layout[at];
    const bool ok = at < text.size() && (want == 'D'   ? is_digit(text[at])
                                         : want == 'T' ? text[at] == 'T' || text[at] == 't'
                                                       : text[at] == want);
    if (ok) continue;
    if (want == 'D') problem = expected_at(text, at, field_of(at));
    else if (want == 'T') problem = expected_at(text, at, "'T' between the date and the time");
    else problem = expected_at(text, at, std::string("'") + want + "'");
    return std::nullopt;
  }

  // The calendar and the clock fields: date checks the ranges (month, the day in
  // that month and year, hour, minute, second) and counts the days.
  std::string fields(text.substr(0, date_time_layout.size()));
  fields[10] = 'T';
  std::istringstream in(fields);
  date::sys_seconds local_seconds;
  in >> date::parse("%Y-%m-%dT%H:%M:%S", local_seconds);
  if (in.fail() || in.peek() != std::char_traits<char>::eof()) {
    problem = field_problem(fields);
    return std::nullopt;
  }

  // time-secfrac: one or more digits; precision beyond the millisecond is cut, as format_instant floors.
  std::size_t at = date_time_layout.size();
  milliseconds fraction{0};
  if (at < text.size() && text[at] == '.') {
    ++at;
    const std::size_t digits = at;
    long long scale = 100;
    for (; at < text.size() && is_digit(text[at]); ++at, scale /= 10)
      if (scale > 0) fraction += milliseconds{(text[at] - '0') * scale};
    if (at == digits) {
      problem = expected_at(text, at, "a digit after the decimal point");
      return std::nullopt;
    }
  }

  // time-offset: "Z" or ±hh:mm. An instant without one is ambiguous on a box without a real-time clock.
  milliseconds offset{0};
  if (at < text.size() && (text[at] == 'Z' || text[at] == 'z')) {
    ++at;
  } else if (at < text.size() && (text[at] == '+' || text[at] == '-')) {
    const bool west = text[at] == '-';
    const std::size_t sign = at;
    for (std::size_t i = 1; i <= 5; ++i) {
      const bool ok = sign + i < text.size() && (i == 3 ? text[sign + i] == ':' : is_digit(text[sign + i]));
      if (!ok) {
        problem = expected_at(text, sign + i, i == 3 ? "':' in the offset (±hh:mm)" : "a digit of the offset (±hh:mm)");
        return std::nullopt;
      }
    }
    const int hours = number_at(text, sign + 1, 2);
    const int minutes = number_at(text, sign + 4, 2);
    if (hours > 23) {
      problem = "offset hour " + std::string(text.substr(sign + 1, 2)) + " is out of range (00..23)";
      return std::nullopt;
    }
    if (minutes > 59) {
      problem = "offset minute " + std::string(text.substr(sign + 4, 2)) + " is out of range (00..59)";
      return std::nullopt;
    }
    offset = std::chrono::hours{hours} + std::chrono::minutes{minutes};
    if (west) offset = -offset;
    at = sign + 6;
  } else {
    problem = expected_at(text, at, "'Z' or an offset like +01:00 (a time without one is ambiguous)");
    return std::nullopt;
  }
  if (at != text.size()) {
    problem = expected_at(text, at, "the end of the time");
    return std::nullopt;
  }

  // In milliseconds the sum cannot overflow for any 4-digit year; the system clock counts nanoseconds
  // in 64 bits and holds only the years 1678..2261.
  const date::sys_time<milliseconds> utc = local_seconds + fraction - offset;
  constexpr auto earliest = std::chrono::ceil<milliseconds>(system_clock::time_point::min());
  constexpr auto latest = std::chrono::floor<milliseconds>(system_clock::time_point::max());
  if (utc < earliest || utc > latest) {
    problem = "the year " + std::string(text.substr(0, 4)) + " is outside the range the system clock can hold";
    return std::nullopt;
  }
  return std::chrono::time_point_cast<system_clock::duration>(utc);
}

std::optional<system_clock::time_point> parse_instant(std::string_view text) {
  std::string problem;
  return parse_instant(text, problem);
}

std::string format_instant(system_clock::time_point t) {
  const auto ms = std::chrono::floor<milliseconds>(t);
  const auto days = std::chrono::floor<std::chrono::days>(ms);
  const std::chrono::year_month_day ymd{days};
  const std::chrono::hh_mm_ss hms{ms - days};
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02lld:%02lld:%02lld.%03lldZ", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<long long>(hms.hours().count()), static_cast<long long>(hms.minutes().count()),
                static_cast<long long>(hms.seconds().count()), static_cast<long long>(hms.subseconds().count()));
  return buf;
}

}  // namespace stillroom::config

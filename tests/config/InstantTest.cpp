#include "config/Instant.hpp"

#include <doctest/doctest.h>

#include <string>

using stillroom::config::format_instant;
using stillroom::config::parse_instant;

namespace {

/** The instant as format_instant writes it, or "refused: <why>". */
std::string read(std::string_view text) {
  std::string problem;
  const auto t = parse_instant(text, problem);
  return t ? format_instant(*t) : "refused: " + problem;
}

}  // namespace

TEST_CASE("RFC 3339 instants with Z or an offset") {
  CHECK(read("2026-11-22T09:30:00Z") == "2026-11-22T09:30:00.000Z");
  CHECK(read("2026-11-22T10:30:00.250+01:00") == "2026-11-22T09:30:00.250Z");
  CHECK(read("2026-11-21T23:00:00-05:00") == "2026-11-22T04:00:00.000Z");
  CHECK(read("2026-11-22T09:30:00+05:45") == "2026-11-22T03:45:00.000Z");
  CHECK(read("2026-11-22T09:30:00-00:00") == "2026-11-22T09:30:00.000Z");  // "offset unknown": the instant is UTC
  CHECK(read("2026-11-22T09:30:00+23:59") == "2026-11-21T09:31:00.000Z");
}

TEST_CASE("RFC 3339 fractions: one digit or many, cut to the millisecond") {
  CHECK(read("2026-11-22T09:30:00.5Z") == "2026-11-22T09:30:00.500Z");
  CHECK(read("2026-11-22T09:30:00.25Z") == "2026-11-22T09:30:00.250Z");
  CHECK(read("2026-11-22T09:30:00.123456789Z") == "2026-11-22T09:30:00.123Z");
  CHECK(read("2026-11-22T09:30:00.9999+01:00") == "2026-11-22T08:30:00.999Z");
  CHECK(read("2026-11-22T09:30:00.000000000000000000000001Z") == "2026-11-22T09:30:00.000Z");
}

TEST_CASE("lowercase t and z are accepted, as RFC 3339 allows") {
  CHECK(read("2026-11-22t09:30:00z") == "2026-11-22T09:30:00.000Z");
  CHECK(read("2026-11-22t09:30:00.5+01:00") == "2026-11-22T08:30:00.500Z");
}

TEST_CASE("calendar edges: leap days, month ends, year ends") {
  CHECK(read("2028-02-29T12:00:00Z") == "2028-02-29T12:00:00.000Z");
  CHECK(read("2000-02-29T12:00:00Z") == "2000-02-29T12:00:00.000Z");
  CHECK(read("2026-12-31T23:59:59.999Z") == "2026-12-31T23:59:59.999Z");
  CHECK(read("2027-01-01T00:30:00+01:00") == "2026-12-31T23:30:00.000Z");
  CHECK(read("1970-01-01T00:00:00Z") == "1970-01-01T00:00:00.000Z");
  CHECK(read("1969-12-31T23:59:59.500Z") == "1969-12-31T23:59:59.500Z");
}

TEST_CASE("the hand-written parser's old gaps are refused, each with its reason") {
  CHECK(read("2026-11-22T-1:-5:-9Z") == "refused: character 12: expected a digit (hour), got '-'");
  CHECK(read("2026-11-22T09:30:00+-1:00") == "refused: character 21: expected a digit of the offset (±hh:mm), got '-'");
  CHECK(read(" 2026-11-22T09:30:00Z") == "refused: character 1: expected a digit (year), got a space");
  CHECK(read("2026-11-22 09:30:00Z") ==
        "refused: character 11: expected 'T' between the date and the time, got a space");
}

TEST_CASE("fields out of range are refused") {
  CHECK(read("2026-13-01T09:30:00Z") == "refused: month 13 is out of range (01..12)");
  CHECK(read("2026-00-01T09:30:00Z") == "refused: month 00 is out of range (01..12)");
  CHECK(read("2026-02-29T09:30:00Z") == "refused: day 29 does not exist in 2026-02");
  CHECK(read("2100-02-29T09:30:00Z") == "refused: day 29 does not exist in 2100-02");
  CHECK(read("2026-04-31T09:30:00Z") == "refused: day 31 does not exist in 2026-04");
  CHECK(read("2026-11-00T09:30:00Z") == "refused: day 00 does not exist in 2026-11");
  CHECK(read("2026-11-22T24:00:00Z") == "refused: hour 24 is out of range (00..23)");
  CHECK(read("2026-11-22T09:60:00Z") == "refused: minute 60 is out of range (00..59)");
  CHECK(read("2026-11-22T09:30:61Z") == "refused: second 61 is out of range (00..59)");
  CHECK(read("2026-11-22T09:30:00+24:00") == "refused: offset hour 24 is out of range (00..23)");
  CHECK(read("2026-11-22T09:30:00+01:60") == "refused: offset minute 60 is out of range (00..59)");
}

TEST_CASE("a leap second is refused: the system clock cannot hold it") {
  CHECK(read("2016-12-31T23:59:60Z") ==
        "refused: second 60 (a leap second) is not accepted: the system clock has no leap seconds");
}

TEST_CASE("instants the system clock cannot hold are refused") {
  CHECK(read("9999-12-31T23:59:59Z") == "refused: the year 9999 is outside the range the system clock can hold");
  CHECK(read("0000-01-01T00:00:00Z") == "refused: the year 0000 is outside the range the system clock can hold");
  CHECK(read("2261-12-31T23:59:59Z") == "2261-12-31T23:59:59.000Z");
  CHECK(read("1678-01-01T00:00:00Z") == "1678-01-01T00:00:00.000Z");
}

TEST_CASE("incomplete and decorated forms are refused") {
  CHECK(read("2026-11-22T09:30:00") ==
        "refused: character 20: expected 'Z' or an offset like +01:00 (a time without one is ambiguous), but the text "
        "ends there");
  CHECK(read("2026-11-22T09:30Z") == "refused: character 17: expected ':', got 'Z'");
  CHECK(read("2026-11-22") == "refused: character 11: expected 'T' between the date and the time, but the text ends there");
  CHECK(read("2026-11-22T09:30:00.Z") == "refused: character 21: expected a digit after the decimal point, got 'Z'");
  CHECK(read("2026-11-22T09:30:00,5Z") ==
        "refused: character 20: expected 'Z' or an offset like +01:00 (a time without one is ambiguous), got ','");
  CHECK(read("2026-11-22T09:30:00+0100") == "refused: character 23: expected ':' in the offset (±hh:mm), got '0'");
  CHECK(read("2026-11-22T09:30:00+01") == "refused: character 23: expected ':' in the offset (±hh:mm), but the text ends there");
  CHECK(read("2026-11-22T09:30:00Z ") == "refused: character 21: expected the end of the time, got a space");
  CHECK(read("2026-11-22T09:30:00Zjunk") == "refused: character 21: expected the end of the time, got 'j'");
  CHECK(read("2026-11-22T9:30:00Z") == "refused: character 13: expected a digit (hour), got ':'");
  CHECK(read("26-11-22T09:30:00Z") == "refused: character 3: expected a digit (year), got '-'");
  CHECK(read("+2026-11-22T09:30:00Z") == "refused: character 1: expected a digit (year), got '+'");
  CHECK(read("20261122T093000Z") == "refused: character 5: expected '-', got '1'");
  CHECK(read("2026-11-22T09:30:00UTC") ==
        "refused: character 20: expected 'Z' or an offset like +01:00 (a time without one is ambiguous), got 'U'");
  CHECK(read("") == "refused: character 1: expected a digit (year), but the text ends there");
  CHECK(read(std::string_view("2026-11-22T09:30:00\0Z", 21)) ==
        "refused: character 20: expected 'Z' or an offset like +01:00 (a time without one is ambiguous), got byte 0x00");
  CHECK_FALSE(parse_instant("yesterday").has_value());
}

TEST_CASE("format_instant's output reads back to the same instant") {
  for (const char* text : {"2026-11-22T09:30:00.000Z", "2026-11-22T09:30:00.250Z", "1999-12-31T23:59:59.999Z"}) {
    INFO(text);
    const auto t = parse_instant(text);
    REQUIRE(t);
    CHECK(format_instant(*t) == text);
  }
}

#include "config/Duration.hpp"

#include <doctest/doctest.h>

#include <string>

using stillroom::config::format_clock;
using stillroom::config::format_duration;
using stillroom::config::Millis;
using stillroom::config::parse_duration;

TEST_CASE("durations as people write them") {
  CHECK(parse_duration("90s") == Millis{90'000});
  CHECK(parse_duration("15m") == Millis{900'000});
  CHECK(parse_duration("1h30m") == Millis{5'400'000});
  CHECK(parse_duration("2m30s") == Millis{150'000});
  CHECK(parse_duration("250ms") == Millis{250});
  CHECK(parse_duration("2.5s") == Millis{2'500});
  CHECK(parse_duration("1.5h") == Millis{5'400'000});
  CHECK(parse_duration("-10m") == Millis{-600'000});
  CHECK(parse_duration("0") == Millis{0});
  CHECK(parse_duration(" 5m ") == Millis{300'000});
}

TEST_CASE("malformed durations are refused") {
  for (const char* bad : {"", "m", "10", "10x", "1m1h", "1m1m", "1.s", "abc", "-", "5 m", "1h-5m", "1e3s"}) {
    INFO("input: " << bad);
    CHECK_FALSE(parse_duration(bad).has_value());
  }
}

TEST_CASE("a number too large for a double is refused, not thrown (found by the datetime fuzz target)") {
  CHECK_FALSE(parse_duration("1" + std::string(400, '0') + "s").has_value());
  CHECK_FALSE(parse_duration("1h3m2" + std::string(400, '0') + "s").has_value());
  CHECK(parse_duration(std::string(300, '0') + "15m") == Millis{900'000});
}

TEST_CASE("durations format back to their shortest form") {
  CHECK(format_duration(Millis{5'400'000}) == "1h30m");
  CHECK(format_duration(Millis{1'500}) == "1.5s");
  CHECK(format_duration(Millis{-600'000}) == "-10m");
  CHECK(format_duration(Millis{250}) == "250ms");
  CHECK(format_duration(Millis{0}) == "0s");
  CHECK(format_duration(Millis{3'661'000}) == "1h1m1s");
  for (long long ms : {1LL, 999LL, 61'001LL, 7'200'000LL, -1'500LL, 3'600'250LL}) {
    INFO(ms);
    CHECK(parse_duration(format_duration(Millis{ms})) == Millis{ms});
  }
}

TEST_CASE("dose clock formatting") {
  CHECK(format_clock(Millis{0}) == "+0:00:00");
  CHECK(format_clock(Millis{-600'000}) == "-0:10:00");
  CHECK(format_clock(Millis{7'261'999}) == "+2:01:01");
}

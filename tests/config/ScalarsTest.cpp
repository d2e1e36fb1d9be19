#include "config/Scalars.hpp"

#include <doctest/doctest.h>

using namespace stillroom::config;

TEST_CASE("numbers, whole numbers and yes/no") {
  CHECK(parse_number("-8") == -8.0);
  CHECK(parse_number(" 2.5 ") == 2.5);
  CHECK(parse_number("+3") == 3.0);
  CHECK(parse_number("1e3") == 1000.0);
  for (const char* bad : {"", "abc", "1,5", "inf", "nan", "0x10", "5 dB", "--1"}) {
    INFO(bad);
    CHECK_FALSE(parse_number(bad).has_value());
  }
  CHECK(parse_integer("48000") == 48000);
  CHECK(parse_integer("-3") == -3);
  CHECK_FALSE(parse_integer("2.5").has_value());
  CHECK_FALSE(parse_integer("99999999999999999999").has_value());
  CHECK(parse_bool("true") == true);
  CHECK(parse_bool("Yes") == true);
  CHECK(parse_bool("off") == false);
  CHECK_FALSE(parse_bool("maybe").has_value());
  CHECK_FALSE(parse_bool("1").has_value());
}

TEST_CASE("levels, percentages and colour temperatures with or without units") {
  CHECK(parse_decibels("-6") == -6.0);
  CHECK(parse_decibels("-6dB") == -6.0);
  CHECK(parse_decibels("-1.5 db") == -1.5);
  CHECK_FALSE(parse_decibels("loud").has_value());
  CHECK(parse_percent("40%") == 40.0);
  CHECK(parse_percent("40 %") == 40.0);
  CHECK(parse_percent("12.5") == 12.5);
  CHECK_FALSE(parse_percent("%").has_value());
  CHECK_FALSE(parse_percent("forty").has_value());
  CHECK(parse_kelvin("2700K") == 2700);
  CHECK(parse_kelvin("2700 k") == 2700);
  CHECK(parse_kelvin("4000") == 4000);
  CHECK_FALSE(parse_kelvin("2700.5K").has_value());
  CHECK_FALSE(parse_kelvin("warm").has_value());
}

TEST_CASE("ids: letters, digits, '-' and '_', room ids in lower case") {
  CHECK(is_name("c-1042"));
  CHECK(is_name("Peak_2"));
  CHECK_FALSE(is_name(""));
  CHECK_FALSE(is_name("Jane Doe"));
  CHECK_FALSE(is_name("a/b"));
  CHECK_FALSE(is_name("caf\xC3\xA9"));
  CHECK_FALSE(is_name(std::string(65, 'a')));
  CHECK(is_name(std::string(64, 'a')));
  CHECK(is_room_id("room-1"));
  CHECK_FALSE(is_room_id("Room-1"));
  CHECK_FALSE(is_room_id("room+1"));
}

TEST_CASE("reminder times anchor to the dose, the session end or the monitoring end") {
  const auto dose = parse_reminder_time("40m");
  REQUIRE(dose);
  CHECK(dose->anchor == ReminderAnchor::Dose);
  CHECK(dose->offset == Millis{2'400'000});
  const auto before = parse_reminder_time("-5m");
  REQUIRE(before);
  CHECK(before->offset == Millis{-300'000});
  const auto discharge = parse_reminder_time("monitoring_end - 10m");
  REQUIRE(discharge);
  CHECK(discharge->anchor == ReminderAnchor::MonitoringEnd);
  CHECK(discharge->offset == Millis{-600'000});
  const auto after = parse_reminder_time("session_end+90s");
  REQUIRE(after);
  CHECK(after->anchor == ReminderAnchor::SessionEnd);
  CHECK(after->offset == Millis{90'000});
  const auto bare = parse_reminder_time("session_end");
  REQUIRE(bare);
  CHECK(bare->offset == Millis{0});
  for (const char* bad : {"", "soon", "monitoring_end -", "monitoring_end - -5m", "monitoring_end 5m",
                          "session_end * 2", "dose + 5m", "monitor_end - 5m"}) {
    INFO(bad);
    CHECK_FALSE(parse_reminder_time(bad).has_value());
  }
  CHECK(reminder_anchor_word("monitor_end - 5m") == "monitor_end");
  CHECK(reminder_anchor_word("40m").empty());
}

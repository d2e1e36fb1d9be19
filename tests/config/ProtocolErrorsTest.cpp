// Loader errors found in protocol files: each test breaks one thing in an
// otherwise valid room and expects exactly one precise problem.
#include "MiniRoom.hpp"

#include <doctest/doctest.h>

using stillroom::config::Problems;
using stillroom::test::lines;
using stillroom::test::MiniRoom;

namespace {

/** Writes protocols/im.yaml with the given phases (and the standard head and tail). */
void write_phases(const MiniRoom& room, const std::string& phases, const std::string& tail = "monitoring_end: 30m\n") {
  room.write("protocols/im.yaml", "protocol: { route: im, medication: ketamine, dose_mg: [20, 150] }\nphases:\n" + phases + tail);
}

}  // namespace

TEST_CASE("the unbroken mini room loads without problems") {
  MiniRoom room;
  Problems problems;
  const auto library = room.load(problems);
  CHECK(lines(problems) == std::vector<std::string>{});
  REQUIRE(library.protocol("im") != nullptr);
  CHECK(library.protocol("im")->phases.size() == 2);
  REQUIRE(library.playlist("calm") != nullptr);
  REQUIRE(library.client("c-1") != nullptr);
}

TEST_CASE("a syntax error names its line and column and the other files are still checked") {
  MiniRoom room;
  room.write("protocols/im.yaml", "protocol: { route: im, medication: ketamine, dose_mg: [20, 150] }\nphases:\n  - { name: settle, from: -5m, to: [0\n");
  room.write("playlists/calm.yaml", "playlist: { name: Calm }\nphases:\n  settle: [../music/missing.wav]\n");
  Problems problems;
  const auto library = room.load(problems);
  CHECK(lines(problems) == std::vector<std::string>{
                               room.at("playlists/calm.yaml", 3, 12) + ": audio file not found: " +
                                   room.at("music/missing.wav"),
                               room.at("protocols/im.yaml", 4, 1) + ": syntax error: end of sequence flow not found",
                           });
  CHECK(library.protocols.empty());
  // The client names 'im', whose file could not be parsed: that is not reported a second time.
  CHECK(library.client("c-1") != nullptr);
}

TEST_CASE("a value of the wrong type says what was expected and what was written") {
  MiniRoom room;
  write_phases(room,
               "  - { name: settle, from: -5m, to: soon, lights: dim }\n"
               "  - { name: peak, from: 0, to: 20m, lights: dim }\n");
  Problems problems;
  (void)room.load(problems);
  CHECK(lines(problems) == std::vector<std::string>{room.at("protocols/im.yaml", 3, 36) +
                                                    ": expected a duration like 90s, 15m or 1h30m, got 'soon'"});
}

TEST_CASE("a duration without a unit asks for one") {
  MiniRoom room;
  write_phases(room,
               "  - { name: settle, from: -5m, to: 0, lights: dim }\n"
               "  - { name: peak, from: 0, to: 20, lights: dim }\n");
  Problems problems;
  (void)room.load(problems);
  CHECK(lines(problems) ==
        std::vector<std::string>{room.at("protocols/im.yaml", 4, 32) +
                                 ": expected a duration like 90s, 15m or 1h30m, got '20' (a unit is needed: ms, s, m or h)"});
}

TEST_CASE("an empty value is reported at its key") {
  MiniRoom room;
  write_phases(room,
               "  - name: settle\n"
               "    from: -5m\n"
               "    to:\n"
               "    lights: dim\n"
               "  - { name: peak, from: 0, to: 20m, lights: dim }\n");
  Problems problems;
  (void)room.load(problems);
  CHECK(lines(problems) == std::vector<std::string>{room.at("protocols/im.yaml", 5, 5) +
                                                    ": expected a duration like 90s, 15m or 1h30m, got nothing"});
}

TEST_CASE("an unknown key gets the nearest valid key as a suggestion") {
  MiniRoom room;
  write_phases(room,
               "  - { name: settle, from: -5m, to: 0, lights: dim }\n"
               "  - { name: peak, from: 0, to: 20m, lights: dim, crossfde: 8s }\n");
  Problems problems;
  (void)room.load(problems);
  CHECK(lines(problems) == std::vector<std::string>{room.at("protocols/im.yaml", 4, 50) +
                                                    ": unknown key 'crossfde' in phase (did you mean 'crossfade'?)"});
}

TEST_CASE("an unknown key with no near match lists the valid keys") {
  MiniRoom room;
  room.write("protocols/im.yaml",
             "protocol: { route: im, colour: blue, medication: ketamine, dose_mg: [20, 150] }\n"
             "phases:\n"
             "  - { name: settle, from: -5m, to: 0, lights: dim }\n"
             "  - { name: peak, from: 0, to: 20m, lights: dim }\n");
  Problems problems;
  (void)room.load(problems);
  CHECK(lines(problems) == std::vector<std::string>{
                               room.at("protocols/im.yaml", 1, 24) +
                                   ": unknown key 'colour' in protocol (expected one of: id, name, route, medication, dose_mg)"});
}

TEST_CASE("a duplicate key is reported at its second occurrence") {
  MiniRoom room;
  write_phases(room,
               "  - name: settle\n"
               "    from: -5m\n"
               "    to: 0\n"
               "    volume_db: -6\n"
               "    lights: dim\n"
               "    volume_db: -3\n"
               "  - { name: peak, from: 0, to: 20m, lights: dim }\n");
  Problems problems;
  const auto library = room.load(problems);
  CHECK(lines(problems) ==
        std::vector<std::string>{room.at("protocols/im.yaml", 8, 5) + ": duplicate key 'volume_db' (first at line 6)"});
  // yaml-cpp's rule (the first wins) still holds for what was loaded.
  REQUIRE(library.protocol("im") != nullptr);
  CHECK(library.protocol("im")->phases.at(0).volume_db == -6.0);
}

TEST_CASE("a missing required key is reported at the map that lacks it") {
  MiniRoom room;
  write_phases(room,
               "  - { name: settle, from: -5m, to: 0, lights: dim }\n"
               "  - { name: peak, from: 0, lights: dim }\n");
  Problems problems;
  (void)room.load(problems);
  CHECK(lines(problems) ==
        std::vector<std::string>{room.at("protocols/im.yaml", 4, 5) + ": phase is missing required key 'to'"});
}

TEST_CASE("overlapping phases are refused") {
  MiniRoom room;
  write_phases(room,
               "  - { name: settle, from: -5m, to: 5m, lights: dim }\n"
               "  - { name: peak, from: 0, to: 20m, lights: dim }\n");
  Problems problems;
  (void)room.load(problems);
  CHECK(lines(problems) == std::vector<std::string>{
                               room.at("protocols/im.yaml", 4, 25) +
                               ": phase 'peak' starts at 0s, before phase 'settle' ends at 5m (phases must not overlap)"});
}

TEST_CASE("a gap between phases is refused") {
  MiniRoom room;
  write_phases(room,
               "  - { name: settle, from: -5m, to: 0, lights: dim }\n"
               "  - { name: peak, from: 2m, to: 20m, lights: dim }\n");
  Problems problems;
  (void)room.load(problems);
  CHECK(lines(problems) ==
        std::vector<std::string>{room.at("protocols/im.yaml", 4, 25) +
                                 ": gap of 2m between phase 'settle' (ends at 0s) and phase 'peak' (starts at 2m): "
                                 "phases must be contiguous"});
}

TEST_CASE("a phase that ends before it starts, or never lasts, is refused") {
  MiniRoom room;
  write_phases(room,
               "  - { name: settle, from: -5m, to: 0, lights: dim }\n"
               "  - { name: peak, from: 0, to: -10m, lights: dim }\n");
  Problems problems;
  (void)room.load(problems);
  CHECK(lines(problems) == std::vector<std::string>{room.at("protocols/im.yaml", 4, 32) +
                                                    ": phase 'peak' ends at -10m, before it starts at 0s"});
  write_phases(room,
               "  - { name: settle, from: -5m, to: -5m, lights: dim }\n"
               "  - { name: peak, from: -5m, to: 20m, lights: dim }\n");
  Problems second;
  (void)room.load(second);
  CHECK(lines(second) == std::vector<std::string>{room.at("protocols/im.yaml", 3, 36) +
                                                  ": phase 'settle' has no length (from -5m to -5m)"});
}

TEST_CASE("a phase volume above the room's cap is refused") {
  MiniRoom room;
  write_phases(room,
               "  - { name: settle, from: -5m, to: 0, lights: dim }\n"
               "  - { name: peak, from: 0, to: 20m, lights: dim, volume_db: 3 }\n");
  Problems problems;
  const auto library = room.load(problems);
  CHECK(lines(problems) == std::vector<std::string>{room.at("protocols/im.yaml", 4, 61) +
                                                    ": phase 'peak' volume_db 3 is above the room's max_volume_db 0"});
}

TEST_CASE("a phase naming a scene the room does not have is refused with the nearest") {
  MiniRoom room;
  write_phases(room,
               "  - { name: settle, from: -5m, to: 0, lights: dimm }\n"
               "  - { name: peak, from: 0, to: 20m, lights: candle }\n");
  Problems problems;
  (void)room.load(problems);
  CHECK(lines(problems) == std::vector<std::string>{
                               room.at("protocols/im.yaml", 3, 47) + ": unknown scene 'dimm' (did you mean 'dim'?)",
                               room.at("protocols/im.yaml", 4, 45) + ": unknown scene 'candle' (known: bright, dim, full)",
                           });
}

TEST_CASE("reminders outside the session are refused") {
  MiniRoom room;
  write_phases(room,
               "  - { name: settle, from: -5m, to: 0, lights: dim }\n"
               "  - { name: peak, from: 0, to: 20m, lights: dim }\n",
               "monitoring_end: 30m\n"
               "reminders:\n"
               "  - { id: early, text: Too early, at: -10m }\n"
               "  - { id: late, text: Too late, at: monitoring_end + 5m }\n"
               "  - { id: ok, text: Discharge, at: monitoring_end - 5m }\n"
               "  - { id: typo, text: Typo, at: monitor_end - 5m }\n");
  Problems problems;
  const auto library = room.load(problems);
  CHECK(lines(problems) == std::vector<std::string>{
                               room.at("protocols/im.yaml", 7, 39) + ": reminder 'early' is due at -10m, before the session starts at -5m",
                               room.at("protocols/im.yaml", 8, 37) + ": reminder 'late' is due at 35m, after monitoring ends at 30m",
                               room.at("protocols/im.yaml", 10, 33) +
                                   ": unknown anchor 'monitor_end' in reminder time (did you mean 'monitoring_end'?)",
                           });
  REQUIRE(library.protocol("im") != nullptr);
  const auto& reminders = library.protocol("im")->reminders;
  REQUIRE(reminders.size() == 3);
  CHECK(reminders[2].id == "ok");
  CHECK(reminders[2].anchor == stillroom::config::ReminderAnchor::MonitoringEnd);
  CHECK(reminders[2].offset == stillroom::config::Millis{-300'000});
}

TEST_CASE("monitoring that ends before the last phase, and a booster window outside the session, are refused") {
  MiniRoom room;
  write_phases(room,
               "  - { name: settle, from: -5m, to: 0, lights: dim }\n"
               "  - { name: peak, from: 0, to: 20m, lights: dim }\n",
               "monitoring_end: 15m\n"
               "booster: { rule: extend, window: [10m, 25m], extend_by: 10m }\n");
  Problems problems;
  (void)room.load(problems);
  CHECK(lines(problems) == std::vector<std::string>{
                               room.at("protocols/im.yaml", 5, 17) + ": monitoring_end 15m is before the last phase ends at 20m",
                               room.at("protocols/im.yaml", 6, 34) +
                                   ": booster window 10m to 25m ends after the last phase ends at 20m",
                           });
}

TEST_CASE("an extend booster without extend_by and an unknown rule are reported") {
  MiniRoom room;
  write_phases(room,
               "  - { name: settle, from: -5m, to: 0, lights: dim }\n"
               "  - { name: peak, from: 0, to: 20m, lights: dim }\n",
               "booster: { rule: extend, window: [5m, 10m] }\n");
  Problems problems;
  auto library = room.load(problems);
  CHECK(lines(problems) ==
        std::vector<std::string>{room.at("protocols/im.yaml", 5, 10) + ": booster is missing required key 'extend_by'"});
  room.write("protocols/im.yaml",
             "protocol: { route: im, medication: ketamine, dose_mg: [20, 150] }\nphases:\n  - { name: settle, from: -5m, to: 0, lights: dim }\n"
             "  - { name: peak, from: 0, to: 20m, lights: dim }\n"
             "booster: { rule: extnd, window: [5m, 10m] }\n");
  Problems second;
  library = room.load(second);
  CHECK(lines(second) == std::vector<std::string>{room.at("protocols/im.yaml", 5, 18) +
                                                  ": unknown booster rule 'extnd' (did you mean 'extend'?)"});
}

TEST_CASE("a playlist file in the protocols directory is named for what it is") {
  MiniRoom room;
  room.write("protocols/calm-copy.yaml", "playlist: { name: Calm }\nphases: {}\n");
  Problems problems;
  const auto library = room.load(problems);
  CHECK(lines(problems) == std::vector<std::string>{room.at("protocols/calm-copy.yaml") +
                                                    ": this is a playlist file, not a protocol file (it starts with "
                                                    "'playlist:')"});
  CHECK(library.protocols.size() == 1);
}

TEST_CASE("two protocols with one id: the second is refused and named with the first's file") {
  MiniRoom room;
  room.write("protocols/zz-im.yaml",
             "protocol: { id: im, route: im, medication: ketamine, dose_mg: [20, 150] }\n"
             "phases:\n"
             "  - { name: settle, from: -5m, to: 20m, lights: dim }\n");
  Problems problems;
  const auto library = room.load(problems);
  CHECK(lines(problems) == std::vector<std::string>{
                               room.at("protocols/zz-im.yaml", 1, 11) + ": protocol id 'im' is already used at " +
                                   room.at("protocols/im.yaml", 1, 11),
                               room.at("protocols/zz-im.yaml", 1, 17) +
                                   ": warning: protocol id 'im' differs from the file name 'zz-im': clients refer "
                                   "to it as 'im'",
                           });
  REQUIRE(library.protocol("im") != nullptr);
  CHECK(library.protocol("im")->phases.size() == 2);  // the first file's
}

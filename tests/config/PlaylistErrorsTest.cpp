// Loader errors found in playlist files and the M3U lists they name.
#include "MiniRoom.hpp"

#include <doctest/doctest.h>

using stillroom::config::Entry;
using stillroom::config::Problems;
using stillroom::test::lines;
using stillroom::test::MiniRoom;

TEST_CASE("a missing audio file is named with the nearest file beside it") {
  MiniRoom room;
  room.write("playlists/calm.yaml",
             "playlist: { name: Calm }\n"
             "phases:\n"
             "  settle: [../music/aa.wav]\n"
             "  peak: { tracks: [ { file: ../music/none.flac } ] }\n");
  Problems problems;
  (void)room.load(problems);
  CHECK(lines(problems) == std::vector<std::string>{
                               room.at("playlists/calm.yaml", 3, 12) + ": audio file not found: " +
                                   room.at("music/aa.wav") + " (did you mean 'a.wav'?)",
                               room.at("playlists/calm.yaml", 4, 29) + ": audio file not found: " +
                                   room.at("music/none.flac"),
                           });
}

TEST_CASE("a missing M3U list is reported where it is named") {
  MiniRoom room;
  room.write("playlists/calm.yaml",
             "playlist: { name: Calm }\n"
             "phases:\n"
             "  settle: { m3u: lists/setle.m3u }\n"
             "  peak: [ { m3u: lists/none.m3u8 } ]\n");
  room.write("playlists/lists/settle.m3u", "../../music/a.wav\n");
  Problems problems;
  (void)room.load(problems);
  CHECK(lines(problems) == std::vector<std::string>{
                               room.at("playlists/calm.yaml", 3, 18) + ": cannot read M3U list " +
                                   room.at("playlists/lists/setle.m3u") +
                                   ": No such file or directory (did you mean 'settle.m3u'?)",
                               room.at("playlists/calm.yaml", 4, 18) + ": cannot read M3U list " +
                                   room.at("playlists/lists/none.m3u8") + ": No such file or directory",
                           });
}

TEST_CASE("M3U lists expand in place with their titles, and their own mistakes point at their lines") {
  MiniRoom room;
  room.write("playlists/calm.yaml",
             "playlist: { name: Calm }\n"
             "phases:\n"
             "  settle:\n"
             "    tracks:\n"
             "      - ../music/a.wav\n"
             "      - { m3u: lists/settle.m3u8 }\n"
             "      - { silence: 30s }\n"
             "  peak: { m3u: lists/peak.m3u }\n");
  room.write("playlists/lists/settle.m3u8",
             "\xEF\xBB\xBF#EXTM3U\r\n"
             "#EXTINF:95,Demo Artist - Harbour\r\n"
             "../../music/b.wav\r\n"
             "\r\n"
             "# a comment\r\n"
             "../../music/gone.wav\r\n"
             "http://radio.example/stream\r\n");
  room.write("playlists/lists/peak.m3u", "#EXTM3U\n");
  Problems problems;
  const auto library = room.load(problems);
  CHECK(lines(problems) == std::vector<std::string>{
                               room.at("playlists/calm.yaml", 8, 16) + ": warning: M3U list " +
                                   room.at("playlists/lists/peak.m3u") + " has no entries",
                               room.at("playlists/lists/settle.m3u8", 6, 1) + ": audio file not found: " +
                                   room.at("music/gone.wav"),
                               room.at("playlists/lists/settle.m3u8", 7, 1) +
                                   ": streams cannot be played in the room (no internet), got "
                                   "'http://radio.example/stream'",
                           });
  REQUIRE(library.playlist("calm") != nullptr);
  const auto* settle = library.playlist("calm")->music_for("settle");
  REQUIRE(settle != nullptr);
  REQUIRE(settle->entries.size() == 4);
  CHECK(settle->entries[0].file == (room.path() / "music/a.wav").string());
  CHECK(settle->entries[1].file == (room.path() / "music/b.wav").string());
  CHECK(settle->entries[1].title == "Harbour");
  CHECK(settle->entries[1].artist == "Demo Artist");
  CHECK(settle->entries[1].where.str() == room.at("playlists/lists/settle.m3u8", 3, 1));
  CHECK(settle->entries[2].file == (room.path() / "music/gone.wav").string());
  CHECK(settle->entries[3].kind == Entry::Kind::Silence);
  CHECK(settle->entries[3].silence == stillroom::config::Millis{30'000});
}

TEST_CASE("a playlist phase that no protocol has is refused with the nearest phase name") {
  MiniRoom room;
  room.write("playlists/calm.yaml",
             "playlist: { name: Calm }\n"
             "phases:\n"
             "  settle: [../music/a.wav]\n"
             "  peek: [../music/b.wav]\n");
  Problems problems;
  (void)room.load(problems);
  CHECK(lines(problems) == std::vector<std::string>{room.at("playlists/calm.yaml", 4, 3) +
                                                    ": phase 'peek' is not a phase of any protocol (did you mean "
                                                    "'peak'?)"});
}

TEST_CASE("track keys: a misspelt key, a gain out of range, a seed without shuffle") {
  MiniRoom room;
  room.write("playlists/calm.yaml",
             "playlist: { name: Calm }\n"
             "phases:\n"
             "  settle: [ { fiel: ../music/a.wav } ]\n"
             "  peak:\n"
             "    seed: 42\n"
             "    tracks: [ { file: ../music/b.wav, gain_db: 20 } ]\n");
  Problems problems;
  const auto library = room.load(problems);
  CHECK(lines(problems) == std::vector<std::string>{
                               room.at("playlists/calm.yaml", 3, 13) + ": a track needs one of 'file', 'silence' or 'm3u'",
                               room.at("playlists/calm.yaml", 3, 15) + ": unknown key 'fiel' in track (did you mean 'file'?)",
                               room.at("playlists/calm.yaml", 5, 11) + ": warning: 'seed' is ignored without 'shuffle: true'",
                               room.at("playlists/calm.yaml", 6, 48) + ": expected a level from -12 to 12 dB, got 20",
                           });
  REQUIRE(library.playlist("calm") != nullptr);
  const auto* peak = library.playlist("calm")->music_for("peak");
  REQUIRE(peak != nullptr);
  CHECK(peak->seed == std::uint64_t{42});
  CHECK_FALSE(peak->shuffle);
  CHECK(peak->entries.at(0).gain_db == 0.0);
}

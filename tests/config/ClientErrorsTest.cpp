// Loader errors found in client files, and problems spread over several files.
#include "MiniRoom.hpp"

#include <doctest/doctest.h>

using stillroom::config::Problems;
using stillroom::test::lines;
using stillroom::test::MiniRoom;

TEST_CASE("a client file with a name is refused: only pseudonymous ids are stored") {
  MiniRoom room;
  room.write("clients/c-1.yaml",
             "client:\n"
             "  id: c-1\n"
             "  name: Jane Example\n"
             "  dob: 1980-01-01\n"
             "  protocol: im\n"
             "  playlist: calm\n");
  Problems problems;
  (void)room.load(problems);
  const std::string why =
      " would identify a person: client files hold only a pseudonymous id (the mapping to the person lives in the "
      "EHR); remove it";
  CHECK(lines(problems) == std::vector<std::string>{
                               room.at("clients/c-1.yaml", 3, 3) + ": 'name'" + why,
                               room.at("clients/c-1.yaml", 4, 3) + ": 'dob'" + why,
                           });
}

TEST_CASE("a client id that is not pseudonymous is refused") {
  MiniRoom room;
  room.write("clients/c-1.yaml", "client: { id: Jane Example, protocol: im, playlist: calm }\n");
  Problems problems;
  const auto library = room.load(problems);
  CHECK(lines(problems) == std::vector<std::string>{
                               room.at("clients/c-1.yaml", 1, 15) +
                               ": invalid client id 'Jane Example': use 1 to 64 letters, digits, '-' and '_'"});
  CHECK(library.clients.empty());
}

TEST_CASE("unknown protocols and playlists are named with the known ones") {
  MiniRoom room;
  room.write("clients/c-1.yaml",
             "client:\n"
             "  protocol: imm\n"
             "  playlist: storm\n"
             "  series:\n"
             "    1: { playlist: clam, dose_mg: 50 }\n"
             "    3: { protocol: iv }\n");
  Problems problems;
  const auto library = room.load(problems);
  CHECK(lines(problems) == std::vector<std::string>{
                               room.at("clients/c-1.yaml", 2, 13) + ": unknown protocol 'imm' (did you mean 'im'?)",
                               room.at("clients/c-1.yaml", 3, 13) + ": unknown playlist 'storm' (known: calm)",
                               room.at("clients/c-1.yaml", 5, 20) + ": unknown playlist 'clam' (did you mean 'calm'?)",
                               room.at("clients/c-1.yaml", 6, 5) + ": warning: the series skips session 2",
                               room.at("clients/c-1.yaml", 6, 20) + ": unknown protocol 'iv' (known: im)",
                           });
  REQUIRE(library.client("c-1") != nullptr);
  CHECK(library.client("c-1")->series.at(1).dose_mg == 50.0);
}

TEST_CASE("a client's volume cap above the room's is refused") {
  MiniRoom room;
  room.write("clients/c-1.yaml",
             "client: { protocol: im, playlist: calm, max_volume_db: 3, lighting: { max_brightness: 40, color_temp: 2700 } }\n");
  Problems problems;
  const auto library = room.load(problems);
  CHECK(lines(problems) == std::vector<std::string>{room.at("clients/c-1.yaml", 1, 56) +
                                                    ": client max_volume_db 3 is above the room's max_volume_db 0"});
  REQUIRE(library.client("c-1") != nullptr);
  CHECK_FALSE(library.client("c-1")->max_volume_db.has_value());
  CHECK(library.client("c-1")->max_brightness_pct == 40.0);
  CHECK(library.client("c-1")->color_temp_k == 2700);
}

TEST_CASE("several problems in several files are all reported in one run") {
  MiniRoom room;
  room.write("room.yaml",
             "room: { id: test-room }\n"
             "audio: { output: null, max_volume_db: -3 }\n"
             "lights:\n"
             "  normal_scene: bright\n"
             "  emergency_scene: full\n"
             "  scenes:\n"
             "    bright: { brightness: 80% }\n"
             "    dim: { brightness: 20% }\n"
             "    full: { brightness: 100% }\n"
             "record: { path: record.db }\n"
             "protocols: protocols/\n"
             "playlists: playlists/\n"
             "clients: clients/\n"
             "colors: no\n");
  room.write("protocols/im.yaml",
             "protocol: { route: im, medication: ketamine, dose_mg: [20, 150] }\n"
             "phases:\n"
             "  - { name: settle, from: -5m, to: 0, lights: dim }\n"
             "  - { name: peak, from: 0, to: 20m, lights: dim, volume_db: -1 }\n");
  room.write("protocols/iv.yaml",
             "protocol: { route: vein, medication: ketamine, dose_mg: [20, 150] }\n"
             "phases:\n"
             "  - { name: settle, from: -5m, to: 0, lights: dim }\n"
             "  - { name: peak, from: 0, to: 40m, lights: dim }\n");
  room.write("playlists/calm.yaml",
             "playlist: { name: Calm }\n"
             "phases:\n"
             "  settle: [../music/a.wav]\n"
             "  peak: { loop: maybe, tracks: [../music/b.wav] }\n");
  room.write("clients/c-1.yaml", "client: { protocol: im, playlist: calm, first_name: Jo }\n");
  Problems problems;
  const auto library = room.load(problems);
  CHECK(lines(problems) ==
        std::vector<std::string>{
            room.at("clients/c-1.yaml", 1, 41) +
                ": 'first_name' would identify a person: client files hold only a pseudonymous id (the mapping to the "
                "person lives in the EHR); remove it",
            room.at("playlists/calm.yaml", 4, 17) + ": expected true or false, got 'maybe'",
            room.at("protocols/im.yaml", 4, 61) + ": phase 'peak' volume_db -1 is above the room's max_volume_db -3",
            room.at("protocols/iv.yaml", 1, 20) + ": unknown route 'vein' (expected one of: im, sublingual, iv, "
                                                  "intranasal, oral, other)",
            room.at("room.yaml", 14, 1) + ": unknown key 'colors' in room file (expected one of: room, audio, mqtt, "
                                          "lights, devices, roles, record, protocols, playlists, clients)",
        });
  // What could be read was read.
  CHECK(library.protocols.size() == 2);
  CHECK(library.playlists.size() == 1);
  CHECK(library.clients.size() == 1);
}

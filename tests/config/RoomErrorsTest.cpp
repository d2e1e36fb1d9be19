// Loader errors found in the room file.
#include "MiniRoom.hpp"

#include <doctest/doctest.h>

using stillroom::config::display_path;
using stillroom::config::load_library;
using stillroom::config::Problems;
using stillroom::test::lines;
using stillroom::test::MiniRoom;

namespace {

/** The mini room's file with `lights:` replaced (lines 3.. of the file). */
std::string room_with_lights(const std::string& lights) {
  return "room: { id: test-room }\n"
         "audio: { output: null }\n" +
         lights +
         "devices:\n"
         "  panel-1: { role: panel }\n"
         "roles:\n"
         "  panel: [start, stop]\n"
         "record: { path: record.db }\n"
         "protocols: protocols/\n"
         "playlists: playlists/\n"
         "clients: clients/\n";
}

const std::string good_scenes =
    "lights:\n"
    "  normal_scene: bright\n"
    "  emergency_scene: full\n"
    "  scenes:\n"
    "    bright: { brightness: 80% }\n"
    "    dim: { brightness: 20%, color_temp: 2700K }\n"
    "    full: { brightness: 100% }\n";

}  // namespace

TEST_CASE("a room file that cannot be read is reported at file level") {
  stillroom::test::TempDir dir("stillroom-config");
  Problems problems;
  const auto library = load_library((dir / "nowhere/room.yaml").string(), problems);
  CHECK(lines(problems) ==
        std::vector<std::string>{display_path(dir / "nowhere/room.yaml") + ": cannot read: No such file or directory"});
  CHECK(library.protocols.empty());
  Problems second;
  (void)load_library(dir.path().string(), second);
  CHECK(lines(second) == std::vector<std::string>{display_path(dir.path()) + ": cannot read: Is a directory"});
}

TEST_CASE("an empty room file says what it should hold") {
  MiniRoom room;
  room.write("room.yaml", "# nothing yet\n");
  Problems problems;
  (void)room.load(problems);
  CHECK(lines(problems) == std::vector<std::string>{
                               room.at("room.yaml") + ": the file is empty (expected a room file starting with 'room:')"});
}

TEST_CASE("the example room's settings are read with their units") {
  MiniRoom room;
  room.write("room.yaml", room_with_lights(good_scenes) +
                              "mqtt: { host: broker.local, port: 18830, username: controller, password_file: "
                              "secrets/pw, keepalive: 15s, topic_prefix: clinic/a }\n");
  Problems problems;
  const auto library = room.load(problems);
  CHECK(lines(problems) == std::vector<std::string>{});
  const auto& r = library.room;
  CHECK(r.id == "test-room");
  CHECK(r.name == "test-room");
  CHECK(r.audio.output == "null");
  CHECK(r.lights.scenes.at("dim").brightness_pct == 20.0);
  CHECK(r.lights.scenes.at("dim").color_temp_k == 2700);
  CHECK_FALSE(r.lights.scenes.at("full").color_temp_k.has_value());
  CHECK(r.roles.at("panel") == std::set<std::string>{"start", "stop"});
  CHECK(r.devices.at("panel-1").role == "panel");
  CHECK(r.mqtt.port == 18830);
  CHECK(r.mqtt.keepalive == stillroom::config::Millis{15'000});
  CHECK(r.mqtt.topic_prefix == "clinic/a");
  CHECK(r.mqtt.password_file == (room.path() / "secrets/pw").string());
  CHECK(r.record.path == (room.path() / "record.db").string());
  CHECK(r.protocol_paths == std::vector<std::string>{(room.path() / "protocols/").string()});
  CHECK(r.file == (room.path() / "room.yaml").string());
}

TEST_CASE("lights: out-of-range brightness and colour temperature, unknown kinds and scenes") {
  MiniRoom room;
  room.write("room.yaml", room_with_lights("lights:\n"
                                           "  normal_scene: brigth\n"
                                           "  emergency_scene: full\n"
                                           "  scenes:\n"
                                           "    bright: { brightness: 140% }\n"
                                           "    dim: { brightness: 20%, color_temp: 12000K }\n"
                                           "    full: { brightness: 100% }\n"
                                           "  devices:\n"
                                           "    - { id: ceiling, kind: zigbee, topic: z/ceiling }\n"
                                           "    - { id: lamp, kind: tasmota, topic: lamp, native_transition: 30s }\n"
                                           "    - { id: custom, kind: template, topic: c, payload_template: "
                                           "'{\"l\":{brightnes}}' }\n"));
  Problems problems;
  (void)room.load(problems);
  CHECK(lines(problems) == std::vector<std::string>{
                               room.at("room.yaml", 4, 17) + ": unknown scene 'brigth' (did you mean 'bright'?)",
                               room.at("room.yaml", 7, 27) + ": expected a percentage from 0% to 100%, got 140%",
                               room.at("room.yaml", 8, 41) + ": expected a colour temperature from 1500K to 10000K, got 12000K",
                               room.at("room.yaml", 11, 28) +
                                   ": unknown light kind 'zigbee' (did you mean 'zigbee2mqtt'?)",
                               room.at("room.yaml", 12, 66) + ": Tasmota fades for at most 20s by itself, got 30s",
                               room.at("room.yaml", 13, 65) +
                                   ": unknown placeholder '{brightnes}' in payload_template (did you mean 'brightness_pct'?)",
                           });
}

TEST_CASE("audio: unknown output, values out of range, a default above the cap") {
  MiniRoom room;
  std::string text = room_with_lights(good_scenes);
  text.replace(text.find("audio: { output: null }"), 23,
               "audio: { output: portadio, sample_rate: 4000, max_volume_db: -6, default_volume_db: -3, latency: 2s }");
  room.write("room.yaml", text);
  Problems problems;
  const auto library = room.load(problems);
  CHECK(lines(problems) == std::vector<std::string>{
                               room.at("room.yaml", 2, 18) + ": unknown audio output 'portadio' (did you mean 'portaudio'?)",
                               room.at("room.yaml", 2, 41) + ": expected a whole number from 8000 to 192000, got 4000",
                               room.at("room.yaml", 2, 85) + ": default_volume_db -3 is above max_volume_db -6",
                               room.at("room.yaml", 2, 98) + ": expected a duration from 10ms to 1s, got 2s",
                           });
  // Refused values leave the defaults in place.
  CHECK(library.room.audio.sample_rate == 48000);
  CHECK(library.room.audio.output == "portaudio");
  CHECK(library.room.audio.max_volume_db == -6.0);
}

TEST_CASE("audio: sample_rate is the music's own unless a rate is given") {
  MiniRoom room;
  const std::string text = room_with_lights(good_scenes);
  const auto load = [&](const std::string& audio) {
    std::string t = text;
    t.replace(t.find("audio: { output: null }"), 23, audio);
    room.write("room.yaml", t);
    Problems problems;
    auto library = room.load(problems);
    CHECK(problems.empty());
    return library.room.audio;
  };
  const auto absent = load("audio: { output: null }");
  CHECK(absent.sample_rate_auto);
  CHECK(absent.sample_rate == 48000);  // what plays when the music says nothing
  CHECK(load("audio: { output: null, sample_rate: auto }").sample_rate_auto);
  const auto fixed = load("audio: { output: null, sample_rate: 44100 }");
  CHECK_FALSE(fixed.sample_rate_auto);
  CHECK(fixed.sample_rate == 44100);
}

TEST_CASE("roles naming unknown commands and devices naming unknown roles") {
  MiniRoom room;
  std::string text = room_with_lights(good_scenes);
  text.replace(text.find("  panel-1: { role: panel }"), 26, "  panel-1: { role: pannel }\n  tablet-1: { role: tablet }");
  text.replace(text.find("  panel: [start, stop]"), 22, "  panel: [start, stpo, dance]\n  tablet: all");
  room.write("room.yaml", text);
  Problems problems;
  const auto library = room.load(problems);
  CHECK(lines(problems) == std::vector<std::string>{
                               room.at("room.yaml", 11, 20) + ": unknown role 'pannel' (did you mean 'panel'?)",
                               room.at("room.yaml", 14, 18) + ": unknown command 'stpo' (did you mean 'stop'?)",
                               room.at("room.yaml", 14, 24) +
                                   ": unknown command 'dance' (expected one of: preload, enter_dose, start, dose, pause, "
                                   "resume, talk, volume, skip, alternate, booster, ack, vitals, stop, emergency, clear, "
                                   "history, observe, ready_to_leave, discharge, sign, addendum, summary)",
                           });
  CHECK(library.room.roles.at("tablet").size() == stillroom::config::all_commands().size());
  CHECK(library.room.devices.at("tablet-1").role == "tablet");
}

TEST_CASE("a room id that cannot be part of an MQTT topic is refused") {
  MiniRoom room;
  std::string text = room_with_lights(good_scenes);
  text.replace(0, 23, "room: { id: Room/1 }");
  room.write("room.yaml", text);
  Problems problems;
  (void)room.load(problems);
  CHECK(lines(problems) == std::vector<std::string>{
                               room.at("room.yaml", 1, 13) +
                               ": invalid room id 'Room/1': use 1 to 64 lower-case letters, digits, '-' and '_' (it is "
                               "part of every MQTT topic)"});
}

TEST_CASE("a missing protocols directory is named with the nearest existing one") {
  MiniRoom room;
  std::string text = room_with_lights(good_scenes);
  text.replace(text.find("protocols: protocols/"), 21, "protocols: [protocol/]");
  room.write("room.yaml", text);
  Problems problems;
  const auto library = room.load(problems);
  CHECK(lines(problems) ==
        std::vector<std::string>{
            // The client's protocol is gone too; the playlist's phase names are not guessed at.
            room.at("clients/c-1.yaml", 1, 21) + ": unknown protocol 'im' (none are defined)",
            room.at("room.yaml", 15, 13) + ": protocols: No such file or directory: " + room.at("protocol/") +
                " (did you mean 'protocols'?)",
        });
  CHECK(library.protocols.empty());
}

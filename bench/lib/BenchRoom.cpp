#include "lib/BenchRoom.hpp"

#include "support/ToneFile.hpp"

#include <filesystem>

namespace stillroom::bench {

void write_bench_room(test::TempDir& dir, int port) {
  dir.write("controller.password", "c-secret\n");
  dir.write("room.yaml",
            "room: { id: room-1 }\n"
            "audio: { output: null, sample_rate: 48000, loudness_cache: cache }\n"
            "mqtt: { host: 127.0.0.1, port: " + std::to_string(port) +
                ", username: controller, password_file: controller.password, persistence_dir: mqtt }\n"
            "lights:\n"
            "  normal_scene: bright\n  emergency_scene: full\n"
            "  scenes: { bright: { brightness: 80% }, dim: { brightness: 20% }, full: { brightness: 100% } }\n"
            "  devices: [ { id: ceiling, kind: zigbee2mqtt, topic: zigbee2mqtt/ceiling } ]\n"
            "devices: { tablet-1: { role: tablet } }\n"
            "roles: { tablet: all }\n"
            "record: { path: record.db }\n"
            "protocols: protocols/\nplaylists: playlists/\nclients: clients/\n");
}

void write_quiet_tone(test::TempDir& dir, const std::string& relative, int seconds) {
  const auto path = dir / relative;
  std::filesystem::create_directories(path.parent_path());
  test::ToneFile::write(path, test::ToneFile::sine(8000, 1, 8000LL * seconds, 220.0, 0.1));
}

}  // namespace stillroom::bench

// MiniRoom: a small, valid room configuration in a temporary directory — room,
// one protocol, one playlist, one client and two short WAV files — that a test
// breaks in one place before loading it. Header-only: shared by the config tests.
#pragma once

#include "config/Library.hpp"
#include "config/YamlFile.hpp"
#include "support/TempDir.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <string>
#include <vector>

namespace stillroom::test {

/** Writes `seconds` of 16-bit mono silence at 8 kHz as a WAV file. */
inline void write_wav(const std::filesystem::path& path, double seconds = 0.1) {
  std::filesystem::create_directories(path.parent_path());
  const auto frames = static_cast<std::uint32_t>(seconds * 8000.0);
  const std::uint32_t data_bytes = frames * 2;
  std::ofstream out(path, std::ios::binary);
  const auto u32 = [&](std::uint32_t v) {
    for (int i = 0; i < 4; ++i) out.put(static_cast<char>((v >> (8 * i)) & 0xFF));
  };
  const auto u16 = [&](std::uint16_t v) {
    out.put(static_cast<char>(v & 0xFF));
    out.put(static_cast<char>(v >> 8));
  };
  out.write("RIFF", 4);
  u32(36 + data_bytes);
  out.write("WAVEfmt ", 8);
  u32(16);
  u16(1);      // PCM
  u16(1);      // mono
  u32(8000);   // rate
  u32(16000);  // bytes per second
  u16(2);      // block align
  u16(16);     // bits
  out.write("data", 4);
  u32(data_bytes);
  for (std::uint32_t i = 0; i < frames; ++i) u16(0);
}

class MiniRoom {
 public:
  MiniRoom() {
    dir_.write("room.yaml",
               "room: { id: test-room }\n"
               "audio: { output: null, max_volume_db: 0 }\n"
               "lights:\n"
               "  normal_scene: bright\n"
               "  emergency_scene: full\n"
               "  scenes:\n"
               "    bright: { brightness: 80% }\n"
               "    dim: { brightness: 20%, color_temp: 2700K }\n"
               "    full: { brightness: 100% }\n"
               "devices:\n"
               "  panel-1: { role: panel }\n"
               "roles:\n"
               "  panel: [start, stop]\n"
               "record: { path: record.db }\n"
               "protocols: protocols/\n"
               "playlists: playlists/\n"
               "clients: clients/\n");
    dir_.write("protocols/im.yaml",
               "protocol: { route: im, medication: ketamine, dose_mg: [20, 150] }\n"
               "phases:\n"
               "  - { name: settle, from: -5m, to: 0, lights: dim }\n"
               "  - { name: peak, from: 0, to: 20m, lights: dim, lyrics: true }\n"
               "reminders:\n"
               "  - { id: bp, text: Blood pressure, at: 10m }\n"
               "monitoring_end: 30m\n");
    dir_.write("playlists/calm.yaml",
               "playlist: { name: Calm }\n"
               "phases:\n"
               "  settle: [../music/a.wav]\n"
               "  peak: { loop: true, tracks: [../music/b.wav] }\n");
    dir_.write("clients/c-1.yaml", "client: { protocol: im, playlist: calm }\n");
    write_wav(dir_ / "music/a.wav");
    write_wav(dir_ / "music/b.wav");
  }

  [[nodiscard]] const std::filesystem::path& path() const noexcept { return dir_.path(); }
  std::filesystem::path write(std::string_view name, std::string_view text) const { return dir_.write(name, text); }

  /** Loads room.yaml; the problems replace `problems`' content. */
  config::Library load(config::Problems& problems) const {
    return config::load_library((dir_ / "room.yaml").string(), problems);
  }

  /** "file:line:column" as problems name a file of this room. */
  [[nodiscard]] std::string at(std::string_view file, int line, int column) const {
    return config::display_path(dir_ / file) + ":" + std::to_string(line) + ":" + std::to_string(column);
  }
  [[nodiscard]] std::string at(std::string_view file) const { return config::display_path(dir_ / file); }

 private:
  TempDir dir_{"stillroom-config"};
};

/** Every problem as "file:line:column: message", sorted the way Problems::print sorts them. */
inline std::vector<std::string> lines(const config::Problems& problems) {
  auto list = problems.list();
  std::stable_sort(list.begin(), list.end(), [](const config::Problem& a, const config::Problem& b) {
    return std::tie(a.where.file, a.where.line, a.where.column) < std::tie(b.where.file, b.where.line, b.where.column);
  });
  std::vector<std::string> out;
  for (const auto& p : list) out.push_back(p.str());
  return out;
}

}  // namespace stillroom::test

namespace doctest {
/** Problem lists print one per line when a comparison fails. */
template <>
struct StringMaker<std::vector<std::string>> {
  static String convert(const std::vector<std::string>& list) {
    std::string out = "{";
    for (const auto& item : list) out += "\n  " + item;
    out += list.empty() ? "}" : "\n}";
    return out.c_str();
  }
};
}  // namespace doctest

// `stillroom check` reads and writes nothing (the whole room's tree is the same
// after it, to the size and nanosecond mtime); `stillroom cache` fills the
// loudness cache in one pass per file, skips what it knows, and keeps out what
// does not decode.
#include "controller/Cli.hpp"
#include "support/TempDir.hpp"
#include "support/ToneFile.hpp"

#include <doctest/doctest.h>
#include <sys/stat.h>

#include <filesystem>
#include <map>
#include <sstream>

using stillroom::test::TempDir;
using stillroom::test::ToneFile;

namespace {

struct Run {
  int code = -1;
  std::string out;
  std::string err;
};

Run cli(const std::vector<std::string>& args) {
  std::vector<const char*> argv{"stillroom"};
  for (const auto& a : args) argv.push_back(a.c_str());
  std::ostringstream out, err;
  Run r;
  r.code = stillroom::controller::run_cli(static_cast<int>(argv.size()), argv.data(), out, err);
  r.out = out.str();
  r.err = err.str();
  return r;
}

/** Every entry under `root`: type, size and modification time (ns). */
std::map<std::string, std::string> tree(const std::filesystem::path& root) {
  std::map<std::string, std::string> entries;
  for (const auto& e : std::filesystem::recursive_directory_iterator(root)) {
    struct stat st {};
    REQUIRE(::lstat(e.path().c_str(), &st) == 0);
    entries[std::filesystem::relative(e.path(), root).string()] =
        std::to_string(st.st_mode) + " " + std::to_string(st.st_size) + " " + std::to_string(st.st_mtim.tv_sec) +
        "." + std::to_string(st.st_mtim.tv_nsec);
  }
  return entries;
}

std::size_t cache_entries(const std::filesystem::path& dir) {
  if (!std::filesystem::exists(dir)) return 0;
  std::size_t n = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir)) n += e.path().extension() == ".r128" ? 1 : 0;
  return n;
}

/** A room with three tracks, a loudness cache and a record under the same directory. */
struct Room {
  explicit Room(bool with_cache = true) {
    std::filesystem::create_directories(dir / "music");
    ToneFile::write(dir / "music/a.wav", ToneFile::sine(48000, 2, 48000 * 20, 440, 0.2));
    ToneFile::write(dir / "music/b.flac", ToneFile::sine(44100, 2, 44100 * 20, 330, 0.2));
    ToneFile::write(dir / "music/c.ogg", ToneFile::sine(44100, 1, 44100 * 20, 550, 0.2));
    dir.write("room.yaml",
              "room: { id: room-1 }\n"
              "audio: { output: null" + std::string(with_cache ? ", loudness_cache: cache/loudness" : "") + " }\n"
              "mqtt: { host: 127.0.0.1, port: 1883 }\n"
              "lights: { normal_scene: bright, emergency_scene: bright, scenes: { bright: { brightness: 80% } } }\n"
              "devices: { tablet-1: { role: tablet } }\n"
              "roles: { tablet: all }\n"
              "record: { path: state/record.db }\n"
              "protocols: protocols/\n"
              "playlists: playlists/\n"
              "clients: clients/\n");
    dir.write("protocols/short.yaml",
              "protocol: { id: short, name: Short, route: im, medication: ketamine, dose_mg: [20, 150] }\n"
              "phases:\n"
              "  - { name: peak, from: 0, to: 60s, lights: bright }\n"
              "monitoring_end: 2m\n"
              "end_fade: 5s\n");
    dir.write("playlists/calm.yaml",
              "playlist: { id: calm, name: Calm }\n"
              "phases:\n"
              "  peak: { tracks: [../music/a.wav, ../music/b.flac, ../music/c.ogg], loop: true }\n");
    dir.write("clients/c-1.yaml", "client: { id: c-1, protocol: short, playlist: calm }\n");
  }
  [[nodiscard]] std::string room_file() const { return (dir / "room.yaml").string(); }
  [[nodiscard]] std::filesystem::path cache_dir() const { return dir / "cache/loudness"; }

  TempDir dir{"stillroom-check"};
};

}  // namespace

TEST_CASE("check writes nothing, and cache fills the loudness cache once per file") {
  Room room;
  const auto before = tree(room.dir.path());
  const Run first = cli({"check", "--config", room.room_file()});
  INFO(first.out << first.err);
  CHECK(first.code == 0);
  CHECK(first.out.empty());
  CHECK(tree(room.dir.path()) == before);  // not a file, directory or mtime changed
  CHECK_FALSE(std::filesystem::exists(room.dir / "cache"));
  CHECK_FALSE(std::filesystem::exists(room.dir / "state"));

  const Run filled = cli({"cache", "--config", room.room_file()});
  INFO(filled.out << filled.err);
  CHECK(filled.code == 0);
  CHECK(filled.out == "loudness cache " + room.cache_dir().string() + ": 3 measured, 0 already known, 0 failed (3 files)\n");
  CHECK(cache_entries(room.cache_dir()) == 3);

  // With a full cache check still writes nothing (and decodes nothing it knows to be good).
  const auto cached = tree(room.dir.path());
  CHECK(cli({"check", "--config", room.room_file()}).code == 0);
  CHECK(tree(room.dir.path()) == cached);
  const Run again = cli({"cache", "--config", room.room_file()});
  CHECK(again.out == "loudness cache " + room.cache_dir().string() + ": 0 measured, 3 already known, 0 failed (3 files)\n");
  CHECK(tree(room.dir.path()) == cached);
}

TEST_CASE("a file that does not decode: check reports it and writes nothing, cache keeps it out") {
  Room room;
  std::filesystem::resize_file(room.dir / "music/b.flac", std::filesystem::file_size(room.dir / "music/b.flac") / 2);
  const auto before = tree(room.dir.path());
  const Run checked = cli({"check", "--config", room.room_file()});
  INFO(checked.out);
  CHECK(checked.code == 1);
  CHECK(checked.out.find("playlists/calm.yaml:3:") != std::string::npos);
  CHECK(checked.out.find("audio file '") != std::string::npos);
  CHECK(checked.out.find("b.flac': truncated: ") != std::string::npos);
  CHECK(tree(room.dir.path()) == before);

  const Run filled = cli({"cache", "--config", room.room_file()});
  INFO(filled.out << filled.err);
  CHECK(filled.code == 1);
  CHECK(filled.err.find("b.flac': truncated: ") != std::string::npos);
  CHECK(filled.out == "loudness cache " + room.cache_dir().string() + ": 2 measured, 0 already known, 1 failed (3 files)\n");
  CHECK(cache_entries(room.cache_dir()) == 2);
}

TEST_CASE("cache without a loudness cache configured says so") {
  Room room(false);
  const Run r = cli({"cache", "--config", room.room_file()});
  CHECK(r.code == 1);
  CHECK(r.err == room.room_file() + ": audio.loudness_cache is not set: there is no cache to fill\n");
  CHECK_FALSE(std::filesystem::exists(room.dir / "cache"));
}

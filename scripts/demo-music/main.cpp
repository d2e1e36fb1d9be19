// stillroom-demo-music: writes the demo music set (see TrackTable.cpp) into a
// directory, or one long track for benchmarks. Single-threaded; each track is
// rendered into memory, levelled, then written.
#include "Composer.hpp"
#include "Manifest.hpp"
#include "TrackTable.hpp"
#include "TrackWriter.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace {

using namespace stillroom::demo;
namespace fs = std::filesystem;

constexpr int kExitWriteError = 1;
constexpr int kExitUsage = 2;

constexpr const char* kUsage =
    "usage: stillroom-demo-music --out DIR [--force] [--only FILE[,FILE...]]\n"
    "       stillroom-demo-music --bench-track PATH [--minutes N]\n"
    "\n"
    "  --out DIR          write the demo set into DIR; files already there with the\n"
    "                     expected content are kept\n"
    "  --force            write every selected file again\n"
    "  --only FILE,...    only these files of the set\n"
    "  --bench-track PATH write one long 44.1 kHz 16-bit stereo FLAC to PATH\n"
    "  --minutes N        length of the benchmark track (1 to 120, default 10)\n";

struct Options {
  std::optional<fs::path> out;
  std::optional<fs::path> bench_track;
  int minutes = 10;
  bool force = false;
  std::vector<std::string> only;
};

/** Thrown for a bad command line; the message says what is wrong. */
struct UsageError {
  std::string message;
};

std::vector<std::string> split_commas(std::string_view text) {
  std::vector<std::string> parts;
  while (!text.empty()) {
    const auto comma = text.find(',');
    parts.emplace_back(text.substr(0, comma));
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return parts;
}

Options parse(int argc, char** argv) {
  Options options;
  bool minutes_given = false;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    const auto value = [&]() -> std::string {
      if (i + 1 >= argc) throw UsageError{std::string(arg) + " needs a value"};
      return argv[++i];
    };
    if (arg == "--out") {
      options.out = value();
    } else if (arg == "--bench-track") {
      options.bench_track = value();
    } else if (arg == "--minutes") {
      const std::string text = value();
      char* end = nullptr;
      const long minutes = std::strtol(text.c_str(), &end, 10);
      if (end == text.c_str() || *end != '\0' || minutes < 1 || minutes > 120) {
        throw UsageError{"--minutes must be a whole number from 1 to 120, not '" + text + "'"};
      }
      options.minutes = static_cast<int>(minutes);
      minutes_given = true;
    } else if (arg == "--force") {
      options.force = true;
    } else if (arg == "--only") {
      for (std::string& file : split_commas(value())) {
        if (find_track(file) == nullptr) {
          std::string known;
          for (const TrackSpec& spec : demo_tracks()) known += "\n  " + spec.file;
          throw UsageError{"--only: '" + file + "' is not in the demo set, which holds:" + known};
        }
        options.only.push_back(std::move(file));
      }
    } else if (arg == "--help" || arg == "-h") {
      std::fputs(kUsage, stdout);
      std::exit(0);
    } else {
      throw UsageError{"unknown argument '" + std::string(arg) + "'"};
    }
  }
  if (options.out.has_value() == options.bench_track.has_value()) {
    throw UsageError{"give either --out DIR or --bench-track PATH"};
  }
  if (options.bench_track && (options.force || !options.only.empty())) {
    throw UsageError{"--force and --only go with --out, not --bench-track"};
  }
  if (options.out && minutes_given) throw UsageError{"--minutes goes with --bench-track, not --out"};
  return options;
}

/** "3:05" */
std::string format_length(int seconds) {
  char text[16];
  std::snprintf(text, sizeof text, "%d:%02d", seconds / 60, seconds % 60);
  return text;
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

void make_parent(const fs::path& dir) {
  std::error_code error;
  fs::create_directories(dir, error);
  if (error) throw WriteError("cannot create directory " + dir.string() + ": " + error.message());
}

void write_one(const fs::path& path, const TrackSpec& spec) {
  const auto start = std::chrono::steady_clock::now();
  const Audio audio = render_track(spec);
  write_track(path, spec, audio);
  std::printf("wrote %s (%s, %d Hz, %s, %s) in %.1f s\n", path.filename().c_str(), to_string(spec.container),
              spec.sample_rate, spec.channels == 1 ? "mono" : "stereo", format_length(spec.seconds).c_str(),
              seconds_since(start));
  std::fflush(stdout);
}

void write_set(const Options& options) {
  const fs::path& dir = *options.out;
  make_parent(dir);
  Manifest manifest = Manifest::load(dir);
  int written = 0;
  int kept = 0;
  for (const TrackSpec& spec : demo_tracks()) {
    if (!options.only.empty() && std::find(options.only.begin(), options.only.end(), spec.file) == options.only.end()) {
      continue;
    }
    if (!options.force && manifest.matches(dir, spec.file)) {
      ++kept;
      continue;
    }
    write_one(dir / spec.file, spec);
    manifest.record(dir, spec.file);
    // Saved after every file, so an interrupted run keeps what it finished.
    manifest.save(dir);
    ++written;
  }
  std::printf("demo music in %s: %d written, %d up to date\n", dir.c_str(), written, kept);
}

void write_bench_track(const Options& options) {
  const fs::path& path = *options.bench_track;
  if (path.has_parent_path()) make_parent(path.parent_path());
  write_one(path, bench_track(path.filename().string(), options.minutes));
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const Options options = parse(argc, argv);
    if (options.out) {
      write_set(options);
    } else {
      write_bench_track(options);
    }
    return 0;
  } catch (const UsageError& error) {
    std::fprintf(stderr, "stillroom-demo-music: %s\n\n%s", error.message.c_str(), kUsage);
    return kExitUsage;
  } catch (const std::exception& error) {
    std::fprintf(stderr, "stillroom-demo-music: %s\n", error.what());
    return kExitWriteError;
  }
}

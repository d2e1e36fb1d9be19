#include "Composer.hpp"
#include "Manifest.hpp"
#include "OggSerial.hpp"
#include "Spectrum.hpp"
#include "TrackTable.hpp"
#include "TrackWriter.hpp"

#include <sndfile.h>

#include <doctest/doctest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <numbers>
#include <random>

using namespace stillroom::demo;
namespace fs = std::filesystem;

namespace {

/** A fresh directory, removed afterwards. */
class ScratchDir {
 public:
  ScratchDir() {
    std::random_device entropy;
    path_ = fs::temp_directory_path() / ("stillroom-demo-music-" + std::to_string(entropy()));
    fs::create_directories(path_);
  }
  ~ScratchDir() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  [[nodiscard]] const fs::path& path() const noexcept { return path_; }

 private:
  fs::path path_;
};

TrackSpec short_track(const char* file, Container container, int seconds) {
  TrackSpec spec = *find_track("alt-cloud.mp3");
  spec.file = file;
  spec.container = container;
  spec.seconds = seconds;
  return spec;
}

std::vector<double> tone(std::initializer_list<double> cycles_per_frame, std::size_t size) {
  std::vector<double> frame(size, 0.0);
  for (std::size_t i = 0; i < size; ++i) {
    for (const double cycles : cycles_per_frame) frame[i] += std::sin(2.0 * std::numbers::pi * cycles * static_cast<double>(i));
  }
  return frame;
}

}  // namespace

TEST_CASE("the Ogg page checksum is CRC-32 with polynomial 04c11db7, no reflection, no final xor") {
  const std::string check = "123456789";
  CHECK(ogg_crc(std::span(reinterpret_cast<const std::uint8_t*>(check.data()), check.size())) == 0x89a1897fU);
  CHECK(ogg_crc({}) == 0U);
}

TEST_CASE("a malformed Ogg file is reported and left as it was") {
  std::vector<std::uint8_t> bytes = {'O', 'g', 'g', 'S', 0, 2, 0, 0, 0, 0};
  const std::vector<std::uint8_t> before = bytes;
  CHECK(set_ogg_serial(bytes, 7) == "no Ogg page at byte 0");
  CHECK(bytes == before);
  std::vector<std::uint8_t> empty;
  CHECK(set_ogg_serial(empty, 7) == "the file is empty");
}

TEST_CASE("written files read back with their format, length and tags, identical on every run") {
  const ScratchDir dir;
  for (const Container container : {Container::Wav, Container::Flac, Container::OggVorbis, Container::Mp3}) {
    const TrackSpec spec = short_track("tiny", container, 12);
    INFO(to_string(container));
    const Audio audio = render_track(spec);
    write_track(dir.path() / "first", spec, audio);
    write_track(dir.path() / "second", spec, audio);
    CHECK(read_bytes(dir.path() / "first") == read_bytes(dir.path() / "second"));
    CHECK_FALSE(fs::exists(dir.path() / ".first.partial"));

    SF_INFO info{};
    SNDFILE* file = sf_open((dir.path() / "first").c_str(), SFM_READ, &info);
    REQUIRE(file != nullptr);
    CHECK(info.format == sndfile_format(container));
    CHECK(info.samplerate == 44100);
    CHECK(info.channels == 2);
    CHECK(info.frames == 12 * 44100);
    const char* title = sf_get_string(file, SF_STR_TITLE);
    REQUIRE(title != nullptr);
    CHECK(std::string(title) == spec.title);
    // Every page checksum must be right, or the Ogg reader drops pages and frames go missing.
    std::vector<float> samples(static_cast<std::size_t>(info.frames * 2));
    CHECK(sf_readf_float(file, samples.data(), info.frames) == info.frames);
    sf_close(file);
  }
}

TEST_CASE("a write that cannot happen fails with the file's name and leaves nothing behind") {
  const ScratchDir dir;
  const TrackSpec spec = short_track("tiny", Container::Flac, 1);
  const Audio audio = render_track(spec);
  const fs::path missing = dir.path() / "no-such-dir" / "x.flac";
  CHECK_THROWS_WITH_AS(write_track(missing, spec, audio), doctest::Contains("no-such-dir"), WriteError);
  CHECK(fs::is_empty(dir.path()));
}

TEST_CASE("the manifest recognises unchanged files only") {
  const ScratchDir dir;
  std::ofstream(dir.path() / "a.flac") << "first content";
  Manifest manifest = Manifest::load(dir.path());
  CHECK_FALSE(manifest.matches(dir.path(), "a.flac"));
  manifest.record(dir.path(), "a.flac");
  manifest.save(dir.path());

  const Manifest loaded = Manifest::load(dir.path());
  CHECK(loaded.matches(dir.path(), "a.flac"));
  CHECK_FALSE(loaded.matches(dir.path(), "b.flac"));
  std::ofstream(dir.path() / "a.flac") << "other content";  // same size, other bytes
  CHECK_FALSE(loaded.matches(dir.path(), "a.flac"));

  // A manifest from another generator version counts as none.
  std::ofstream(dir.path() / std::string(Manifest::kFileName)) << "stillroom-demo-music 0\na.flac 13 1\n";
  CHECK_FALSE(Manifest::load(dir.path()).matches(dir.path(), "a.flac"));
}

TEST_CASE("the spectrum tells a single tone from a chord") {
  const std::size_t size = 4096;
  const std::vector<double> sine = power_spectrum(tone({0.01}, size));
  CHECK(count_partials(sine, 40.0, 3) == 1);
  CHECK(strongest_share(sine, 3) > 0.95);

  const std::vector<double> chord = power_spectrum(tone({0.01, 0.015, 0.02, 0.03, 0.045}, size));
  CHECK(count_partials(chord, 40.0, 3) == 5);
  CHECK(strongest_share(chord, 3) < 0.5);

  std::vector<std::complex<double>> impulse(8, 0.0);
  impulse[0] = 1.0;
  fft(impulse);
  for (const auto& bin : impulse) CHECK(std::abs(bin) == doctest::Approx(1.0));
}

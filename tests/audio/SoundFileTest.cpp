#include "audio/Mp3Layout.hpp"
#include "audio/SoundFile.hpp"

#include "support/TempDir.hpp"
#include "support/ToneFile.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <cmath>
#include <cstdlib>
#include <fstream>

using stillroom::audio::check_sound_file;
using stillroom::audio::decode_sound_file;
using stillroom::audio::read_mp3_layout;
using stillroom::audio::probe_sound_file;
using stillroom::config::Millis;
using stillroom::test::TempDir;
using stillroom::test::ToneFile;

namespace {

/** Keeps the first `keep` bytes of `path`. */
void truncate_to(const std::filesystem::path& path, double fraction) {
  const auto size = std::filesystem::file_size(path);
  std::filesystem::resize_file(path, static_cast<std::uintmax_t>(static_cast<double>(size) * fraction));
}

/** Overwrites `count` bytes from the middle of the file with a fixed non-audio pattern. */
void scribble_middle(const std::filesystem::path& path, std::size_t count) {
  const auto size = std::filesystem::file_size(path);
  std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
  f.seekp(static_cast<std::streamoff>(size / 2));
  for (std::size_t i = 0; i < count; ++i) f.put(static_cast<char>((i * 131 + 7) & 0xFF));
}

/** Runs a shell command line; true when it exited 0. */
bool run(const std::string& command) { return std::system((command + " >/dev/null 2>&1").c_str()) == 0; }

/** Constant-bitrate MP3s without a length header, as sox and `lame -t` (no Xing/Info frame) write them. */
std::vector<std::filesystem::path> headerless_mp3s(TempDir& dir) {
  const auto wav = dir / "source.wav";
  // 20.07 s: not a whole number of MPEG frames, so the size-based estimate is off.
  ToneFile::write(wav, ToneFile::sine(44100, 2, 885087, 440, 0.3));
  std::vector<std::filesystem::path> made;
  for (int kbps : {96, 128, 192, 320}) {
    const auto by_sox = dir / ("sox-" + std::to_string(kbps) + ".mp3");
    REQUIRE_MESSAGE(run("sox '" + wav.string() + "' -C " + std::to_string(kbps) + " '" + by_sox.string() + "'"),
                    "sox with MP3 support is needed (scripts/install-deps installs sox and libsox-fmt-mp3)");
    made.push_back(by_sox);
    const auto by_lame = dir / ("lame-" + std::to_string(kbps) + ".mp3");
    REQUIRE_MESSAGE(run("lame --quiet -t --cbr -b " + std::to_string(kbps) + " '" + wav.string() + "' '" +
                        by_lame.string() + "'"),
                    "lame is needed (scripts/install-deps installs it)");
    made.push_back(by_lame);
  }
  return made;
}

}  // namespace

TEST_CASE("probe reports frames, rate, channels, format and duration for every supported format") {
  TempDir dir;
  struct Case {
    const char* name;
    int rate;
    int channels;
    const char* format_word;
  };
  for (const Case& c : {Case{"a.wav", 44100, 1, "WAV"}, Case{"b.flac", 48000, 2, "FLAC"},
                        Case{"c.ogg", 44100, 2, "OGG"}, Case{"d.mp3", 48000, 1, "MPEG"},
                        Case{"e.flac", 44100, 1, "FLAC"}}) {
    INFO(c.name);
    const std::int64_t frames = c.rate * 3 / 2 + 17;  // 1.5 s and 17 frames
    ToneFile::write(dir / c.name, ToneFile::sine(c.rate, c.channels, frames, 440, 0.5));
    std::string error;
    const auto info = probe_sound_file((dir / c.name).string(), error);
    REQUIRE_MESSAGE(info.has_value(), error);
    CHECK(info->frames == frames);
    CHECK(info->sample_rate == c.rate);
    CHECK(info->channels == c.channels);
    CHECK(info->format.find(c.format_word) != std::string::npos);
    CHECK(info->duration() == Millis{frames * 1000 / c.rate});  // floored: 1500 ms, not 1501
    CHECK(info->duration() == Millis{1500});
    CHECK(decode_sound_file((dir / c.name).string(), error));
    CHECK(error.empty());
  }
}

TEST_CASE("probe refuses what is not playable audio with a specific reason") {
  TempDir dir;
  std::string error;

  CHECK_FALSE(probe_sound_file((dir / "missing.flac").string(), error));
  CHECK(error == "no such file");

  CHECK_FALSE(probe_sound_file(dir.path().string(), error));
  CHECK(error == "is a directory, not an audio file");

  dir.write("empty.wav", "");
  CHECK_FALSE(probe_sound_file((dir / "empty.wav").string(), error));
  CHECK(error == "empty file");

  // The start of an MP4/M4A file: "ftyp" box at offset 4.
  dir.write("song.m4a", std::string("\0\0\0\x20" "ftypM4A \0\0\0\0isomiso2", 24) + std::string(2000, '\x11'));
  CHECK_FALSE(probe_sound_file((dir / "song.m4a").string(), error));
  CHECK(error == "not an audio file libsndfile can read (AAC/ALAC in MP4?)");

  dir.write("notes.mp3", "these are the session notes, not music\n");
  CHECK_FALSE(probe_sound_file((dir / "notes.mp3").string(), error));
  CHECK(error == "not an audio file libsndfile can read (text?)");
}

TEST_CASE("decode check reports truncated files with frame counts") {
  TempDir dir;
  const auto tone = ToneFile::sine(48000, 2, 96000, 440, 0.5);
  for (const char* name : {"t.flac", "t.wav", "t.mp3"}) {
    INFO(std::string(name));
    ToneFile::write(dir / name, tone);
    truncate_to(dir / name, 0.5);
    std::string error;
    CHECK_FALSE(decode_sound_file((dir / name).string(), error));
    INFO(error);
    CHECK(error.rfind("truncated: ", 0) == 0);
    CHECK(error.find(" of 96000 frames decode") != std::string::npos);
    // The decoded count is about half of the promise, never all of it.
    long long decoded = 0;
    REQUIRE(std::sscanf(error.c_str(), "truncated: %lld of", &decoded) == 1);
    CHECK(decoded > 30000);
    CHECK(decoded < 66000);
  }
}

TEST_CASE("decode check reports a corrupt FLAC stream") {
  TempDir dir;
  ToneFile::write(dir / "c.flac", ToneFile::noise(44100, 2, 44100 * 2, 0.4, 7));
  scribble_middle(dir / "c.flac", 4000);
  std::string error;
  CHECK_FALSE(decode_sound_file((dir / "c.flac").string(), error));
  INFO(error);
  CHECK(error.find("of 88200 frames decode") != std::string::npos);
  CHECK(error.rfind("truncated: ", 0) == 0);
  CHECK(error.find("flac decoder)") != std::string::npos);
}

TEST_CASE("constant-bitrate MP3s without a length header pass the decode check and decode in full") {
  TempDir dir("stillroom-mp3");
  const auto mp3s = headerless_mp3s(dir);
  const auto source = *check_sound_file((dir / "source.wav").string(), 2).loudness;
  for (const auto& path : mp3s) {
    INFO(path.filename().string());
    const auto layout = read_mp3_layout(path.string());
    REQUIRE(layout.has_value());
    CHECK_FALSE(layout->length_header);
    CHECK_FALSE(layout->last_frame_cut);
    std::string error;
    const auto info = probe_sound_file(path.string(), error);
    REQUIRE_MESSAGE(info, error);
    const auto check = check_sound_file(path.string(), 2);
    INFO(check.error);
    CHECK(check.ok);
    CHECK(check.error.empty());
    // Every MPEG frame decoded: 1152 samples each (MPEG-1 layer III, no encoder delay known to trim).
    CHECK(check.decoded == layout->frames * 1152);
    CHECK(check.decoded * 100 / info->sample_rate >= 2007);  // all 20.07 s (lame may encode 96 kbps at 32 kHz)
    // And the loudness of it, in the same pass: that of the source, within what MP3 encoding changes.
    REQUIRE(check.loudness.has_value());
    CHECK(std::abs(check.loudness->integrated_lufs - source.integrated_lufs) < 0.6);
    CHECK(decode_sound_file(path.string(), error));
  }
  // The same tone with LAME's Info frame: its count is exact, and all of it decodes too.
  const auto with_header = dir / "lame-info.mp3";
  REQUIRE(run("lame --quiet --cbr -b 128 '" + (dir / "source.wav").string() + "' '" + with_header.string() + "'"));
  const auto layout = read_mp3_layout(with_header.string());
  REQUIRE(layout);
  CHECK(layout->length_header);
  std::string error;
  CHECK(decode_sound_file(with_header.string(), error));
  CHECK(probe_sound_file(with_header.string(), error)->frames == 885087);
}

TEST_CASE("an MP3 without a length header that is really truncated is still reported") {
  TempDir dir("stillroom-mp3-cut");
  for (const auto& path : headerless_mp3s(dir)) {
    INFO(path.filename().string());
    // Cut in the middle of a frame: half the file and a few bytes.
    std::filesystem::resize_file(path, std::filesystem::file_size(path) / 2 + 7);
    const auto layout = read_mp3_layout(path.string());
    REQUIRE(layout);
    CHECK(layout->last_frame_cut);
    std::string error;
    CHECK_FALSE(decode_sound_file(path.string(), error));
    INFO(error);
    CHECK(error.rfind("truncated: the file ends inside an MPEG frame (", 0) == 0);
    CHECK(error.find(" frames decode") != std::string::npos);
  }
}

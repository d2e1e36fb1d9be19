// TrackTable: the demo music set, one row per file (container, rate, channels,
// length, key, mood), and how a row maps to a libsndfile format. Pure data:
// the generator and its checker both read it, so they cannot disagree.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace stillroom::demo {

/** Bump whenever the synthesis or the table changes: files made by another version are regenerated. */
inline constexpr int kGeneratorVersion = 1;

enum class Container { Wav, Flac, OggVorbis, Mp3 };

/** Where in a session a track belongs; decides its character (see Character.hpp). */
enum class Mood { Settle, Onset, Peak, Return, Integration, Alternate };

/** Pad: detuned partials. Voices: a vowel-like formant pad (the set's lyrics-flagged track). */
enum class Texture { Pad, Voices };

struct TrackSpec {
  /** File name in the output directory, e.g. "settle-harbour.flac". */
  std::string file;
  /** Title tag. */
  std::string title;
  Container container = Container::Flac;
  int sample_rate = 44100;
  int channels = 2;
  /** Length in whole seconds; the file holds exactly seconds * sample_rate frames. */
  int seconds = 0;
  /** MIDI note of the key's tonic in the pad's register (50 = D3). */
  int tonic = 50;
  Mood mood = Mood::Settle;
  Texture texture = Texture::Pad;
};

/** Artist tag of every generated file. */
inline constexpr std::string_view kArtist = "stillroom demo music";

/** The fourteen files the example room plays. */
[[nodiscard]] const std::vector<TrackSpec>& demo_tracks();

/** The row for `file`, or nullptr. */
[[nodiscard]] const TrackSpec* find_track(std::string_view file) noexcept;

/** A long 44.1 kHz 16-bit stereo FLAC for benchmarks, seeded from `name`. */
[[nodiscard]] TrackSpec bench_track(std::string name, int minutes);

/** Frames the file must hold. */
[[nodiscard]] std::int64_t frame_count(const TrackSpec& spec) noexcept;

/** The file name without its extension: the seed of every random choice for the track. */
[[nodiscard]] std::string seed_name(const TrackSpec& spec);

/** SF_FORMAT_* major type | subtype for the container. */
[[nodiscard]] int sndfile_format(Container container) noexcept;

[[nodiscard]] const char* to_string(Container container) noexcept;
[[nodiscard]] const char* to_string(Mood mood) noexcept;

}  // namespace stillroom::demo

#include "TrackTable.hpp"

#include <sndfile.h>

namespace stillroom::demo {
namespace {

constexpr int minutes_seconds(int minutes, int seconds) noexcept { return minutes * 60 + seconds; }

// Tonics as MIDI notes in the pad's register.
constexpr int kC = 48;
constexpr int kD = 50;
constexpr int kE = 52;
constexpr int kF = 53;
constexpr int kG = 55;
constexpr int kA = 57;

std::vector<TrackSpec> make_table() {
  using C = Container;
  using M = Mood;
  return {
      {"settle-harbour.flac", "Harbour", C::Flac, 44100, 2, minutes_seconds(3, 5), kD, M::Settle, Texture::Pad},
      {"settle-linen.wav", "Linen", C::Wav, 48000, 2, minutes_seconds(1, 50), kG, M::Settle, Texture::Pad},
      {"onset-drift.ogg", "Drift", C::OggVorbis, 44100, 2, minutes_seconds(2, 40), kA, M::Onset, Texture::Pad},
      {"onset-lanterns.mp3", "Lanterns", C::Mp3, 44100, 2, minutes_seconds(3, 20), kE, M::Onset, Texture::Pad},
      {"peak-deep-field.flac", "Deep Field", C::Flac, 44100, 2, minutes_seconds(4, 40), kD, M::Peak, Texture::Pad},
      {"peak-tidal.ogg", "Tidal", C::OggVorbis, 48000, 2, minutes_seconds(3, 55), kC, M::Peak, Texture::Pad},
      {"peak-slow-light.flac", "Slow Light", C::Flac, 44100, 1, minutes_seconds(4, 15), kF, M::Peak, Texture::Pad},
      {"return-shoreline.mp3", "Shoreline", C::Mp3, 44100, 2, minutes_seconds(3, 30), kG, M::Return, Texture::Pad},
      {"return-morning.flac", "Morning", C::Flac, 44100, 2, minutes_seconds(2, 50), kD, M::Return, Texture::Pad},
      {"return-voices.flac", "Voices", C::Flac, 44100, 2, minutes_seconds(2, 0), kA, M::Return, Texture::Voices},
      {"integration-rest.wav", "Rest", C::Wav, 48000, 2, minutes_seconds(2, 10), kF, M::Integration, Texture::Pad},
      {"integration-open.ogg", "Open", C::OggVorbis, 44100, 2, minutes_seconds(2, 30), kC, M::Integration,
       Texture::Pad},
      {"alt-still-water.flac", "Still Water", C::Flac, 44100, 2, minutes_seconds(2, 45), kE, M::Alternate,
       Texture::Pad},
      {"alt-cloud.mp3", "Cloud", C::Mp3, 44100, 2, minutes_seconds(2, 20), kG, M::Alternate, Texture::Pad},
  };
}

}  // namespace

const std::vector<TrackSpec>& demo_tracks() {
  static const std::vector<TrackSpec> table = make_table();
  return table;
}

const TrackSpec* find_track(std::string_view file) noexcept {
  for (const TrackSpec& spec : demo_tracks()) {
    if (spec.file == file) return &spec;
  }
  return nullptr;
}

TrackSpec bench_track(std::string name, int minutes) {
  TrackSpec spec;
  spec.file = std::move(name);
  spec.title = "Benchmark";
  spec.container = Container::Flac;
  spec.sample_rate = 44100;
  spec.channels = 2;
  spec.seconds = minutes * 60;
  spec.tonic = kD;
  spec.mood = Mood::Peak;
  return spec;
}

std::int64_t frame_count(const TrackSpec& spec) noexcept {
  return static_cast<std::int64_t>(spec.seconds) * spec.sample_rate;
}

std::string seed_name(const TrackSpec& spec) {
  const auto dot = spec.file.rfind('.');
  return dot == std::string::npos ? spec.file : spec.file.substr(0, dot);
}

int sndfile_format(Container container) noexcept {
  switch (container) {
    case Container::Wav: return SF_FORMAT_WAV | SF_FORMAT_PCM_16;
    case Container::Flac: return SF_FORMAT_FLAC | SF_FORMAT_PCM_16;
    case Container::OggVorbis: return SF_FORMAT_OGG | SF_FORMAT_VORBIS;
    case Container::Mp3: return SF_FORMAT_MPEG | SF_FORMAT_MPEG_LAYER_III;
  }
  return 0;
}

const char* to_string(Container container) noexcept {
  switch (container) {
    case Container::Wav: return "WAV 16-bit";
    case Container::Flac: return "FLAC 16-bit";
    case Container::OggVorbis: return "Ogg Vorbis";
    case Container::Mp3: return "MP3";
  }
  return "?";
}

const char* to_string(Mood mood) noexcept {
  switch (mood) {
    case Mood::Settle: return "settle";
    case Mood::Onset: return "onset";
    case Mood::Peak: return "peak";
    case Mood::Return: return "return";
    case Mood::Integration: return "integration";
    case Mood::Alternate: return "alternate";
  }
  return "?";
}

}  // namespace stillroom::demo

#include "Composer.hpp"
#include "Envelope.hpp"
#include "Progression.hpp"
#include "Random.hpp"
#include "Scale.hpp"
#include "TrackTable.hpp"
#include "Wavetable.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <set>

using namespace stillroom::demo;

TEST_CASE("the table holds the fourteen files of the example room") {
  const auto& tracks = demo_tracks();
  REQUIRE(tracks.size() == 14);
  std::set<std::string> names;
  for (const TrackSpec& spec : tracks) {
    INFO(spec.file);
    names.insert(spec.file);
    const std::string extension = spec.file.substr(spec.file.rfind('.') + 1);
    switch (spec.container) {
      case Container::Wav: CHECK(extension == "wav"); break;
      case Container::Flac: CHECK(extension == "flac"); break;
      case Container::OggVorbis: CHECK(extension == "ogg"); break;
      case Container::Mp3: CHECK(extension == "mp3"); break;
    }
    CHECK((spec.sample_rate == 44100 || spec.sample_rate == 48000));
    CHECK(spec.channels == (spec.file == "peak-slow-light.flac" ? 1 : 2));
    CHECK((spec.texture == Texture::Voices) == (spec.file == "return-voices.flac"));
    CHECK(spec.seconds >= 110);
    CHECK_FALSE(spec.title.empty());
  }
  CHECK(names.size() == tracks.size());
  REQUIRE(find_track("settle-harbour.flac") != nullptr);
  CHECK(frame_count(*find_track("settle-harbour.flac")) == 185LL * 44100);
  CHECK(frame_count(*find_track("settle-linen.wav")) == 110LL * 48000);
  CHECK(seed_name(*find_track("peak-deep-field.flac")) == "peak-deep-field");
  CHECK(find_track("nope.flac") == nullptr);
}

TEST_CASE("envelopes rise and fall smoothly and crossfades keep the level") {
  CHECK(raised_cosine(-1.0) == 0.0);
  CHECK(raised_cosine(0.5) == doctest::Approx(0.5));
  CHECK(raised_cosine(2.0) == 1.0);
  CHECK(swell(5.0, 0.0, 30.0, 8.0, 8.0) == doctest::Approx(raised_cosine(5.0 / 8.0)));
  CHECK(swell(15.0, 0.0, 30.0, 8.0, 8.0) == 1.0);
  CHECK(swell(-1.0, 0.0, 30.0, 8.0, 8.0) == 0.0);
  CHECK(swell(31.0, 0.0, 30.0, 8.0, 8.0) == 0.0);
  // The next chord rises while this one falls: together they stay at 1.
  for (double t = 22.0; t <= 30.0; t += 0.37) {
    CHECK(swell(t, 0.0, 30.0, 8.0, 8.0) + swell(t, 22.0, 60.0, 8.0, 8.0) == doctest::Approx(1.0));
  }
  CHECK(strike(-0.1, 0.01, 4.0) == 0.0);
  CHECK(strike(0.0, 0.01, 4.0) == 0.0);
  CHECK(strike(4.0, 0.01, 4.0) == doctest::Approx(std::exp(-1.0)));
  CHECK(strike(2.0, 0.01, 4.0) > strike(3.0, 0.01, 4.0));
  CHECK(track_fade(0.0, 100.0, 4.0, 6.0) == 0.0);
  CHECK(track_fade(50.0, 100.0, 4.0, 6.0) == 1.0);
  CHECK(track_fade(97.0, 100.0, 4.0, 6.0) == doctest::Approx(0.5));
  CHECK(breathing(0.0, 0.1, 0.0, 0.4) == doctest::Approx(1.0));
  CHECK(breathing(5.0, 0.1, 0.0, 0.4) == doctest::Approx(0.6));
}

TEST_CASE("pentatonic pitches") {
  CHECK(midi_to_hz(69.0) == doctest::Approx(440.0));
  CHECK(midi_to_hz(57.0) == doctest::Approx(220.0));
  CHECK(cents_to_ratio(1200.0) == doctest::Approx(2.0));
  CHECK(pentatonic_note(50, 0) == 50);
  CHECK(pentatonic_note(50, 2) == 54);
  CHECK(pentatonic_note(50, 5) == 62);
  CHECK(pentatonic_note(50, -1) == 47);
  CHECK(pentatonic_note(50, -5) == 38);
  CHECK(in_major_pentatonic(50, 54));
  CHECK(in_major_pentatonic(50, 35));
  CHECK_FALSE(in_major_pentatonic(50, 53));
  CHECK_FALSE(in_major_pentatonic(50, 49));
  CHECK(into_octave(40, 55) == 64);
  CHECK(into_octave(70, 55) == 58);
  CHECK(into_octave(55, 55) == 55);
}

TEST_CASE("every voicing stays in the key") {
  for (const auto& voicing : pentatonic_voicings()) {
    for (const int offset : voicing) CHECK(in_major_pentatonic(0, offset));
  }
}

TEST_CASE("a progression covers the track, changes chord every step and ends at home") {
  for (const char* name : {"settle-harbour", "peak-tidal", "return-voices", "a", "b"}) {
    for (const double length : {60.0, 185.0, 600.0}) {
      INFO(name << " " << length);
      Random random = Random::from_name(name);
      const std::vector<Chord> chords = make_progression(50, length, 18.0, 8.0, random);
      REQUIRE(chords.size() >= 3);
      const std::vector<int> tonic = {50, 57, 64, 66};
      CHECK(chords.front().notes == tonic);
      CHECK(chords.back().notes == tonic);
      CHECK(chords.front().start <= 0.0);
      CHECK(chords.back().end >= length);
      for (std::size_t i = 0; i < chords.size(); ++i) {
        for (const int note : chords[i].notes) CHECK(in_major_pentatonic(50, note));
        if (i > 0) CHECK(chords[i].notes != chords[i - 1].notes);
      }
      // At every moment the sounding chords' gains sum to one: no dips, no bumps.
      for (double t = 0.0; t < length; t += 1.7) {
        double sum = 0.0;
        for (const Chord& chord : chords) sum += swell(t, chord.start, chord.end, 8.0, 8.0);
        CHECK(sum == doctest::Approx(1.0));
      }
    }
  }
}

TEST_CASE("random choices follow the name and nothing else") {
  Random a = Random::from_name("settle-harbour");
  Random b = Random::from_name("settle-harbour");
  Random c = Random::from_name("settle-linen");
  bool differs = false;
  for (int i = 0; i < 100; ++i) {
    const std::uint64_t x = a.next();
    CHECK(x == b.next());
    differs = differs || x != c.next();
    const double u = a.uniform();
    CHECK(u == b.uniform());
    CHECK(u >= 0.0);
    CHECK(u < 1.0);
    const int k = a.below(7);
    CHECK(k == b.below(7));
    CHECK(k >= 0);
    CHECK(k < 7);
  }
  CHECK(differs);
  CHECK(fnv1a("") == 0xcbf29ce484222325ULL);
  CHECK(fnv1a("a") == 0xaf63dc4c8601ec8cULL);
}

TEST_CASE("wavetables and phase steps") {
  CHECK(phase_increment(441.0, 44100) == 42949673U);
  CHECK(phase_increment(0.0, 44100) == 0U);
  const Wavetable sine{1.0};
  CHECK(sine.at(0) == doctest::Approx(0.0).epsilon(1e-6));
  CHECK(sine.at(1U << 30) == doctest::Approx(1.0).epsilon(1e-4));
  CHECK(sine.at(3U << 30) == doctest::Approx(-1.0).epsilon(1e-4));
  const Wavetable rich{1.0, 0.5, 0.25};
  float peak = 0.0F;
  for (std::uint32_t p = 0; p < 4096; ++p) peak = std::max(peak, std::abs(rich.at(p << 20)));
  CHECK(peak == doctest::Approx(1.0).epsilon(1e-3));
  CHECK(sine.blend(rich, 1U << 30, 0.0F) == sine.at(1U << 30));
  CHECK(sine.blend(rich, 1U << 29, 1.0F) == doctest::Approx(rich.at(1U << 29)));
}

TEST_CASE("levelling aims at one loudness and caps the peak") {
  CHECK(levelling_gain({0.05, 0.2}) == doctest::Approx(2.0));
  CHECK(levelling_gain({0.05, 0.5}) == doctest::Approx(1.0));
  CHECK(levelling_gain({0.0, 0.0}) == 1.0);
  const std::vector<float> samples = {0.5F, -0.5F, 0.5F, -0.5F};
  CHECK(measure(samples).rms == doctest::Approx(0.5));
  CHECK(measure(samples).peak == doctest::Approx(0.5));
}

TEST_CASE("a rendered track has its length, is levelled and repeats exactly") {
  TrackSpec spec = *find_track("return-voices.flac");
  spec.seconds = 20;
  const Audio first = render_track(spec);
  const Audio second = render_track(spec);
  CHECK(first.frames() == 20LL * 44100);
  CHECK(first.channels == 2);
  CHECK(first.samples == second.samples);
  const Levels levels = measure(first.samples);
  CHECK(levels.peak <= kPeakCeiling + 1e-6);
  CHECK(levels.rms <= kTargetRms + 1e-6);
  CHECK(levels.rms > kTargetRms / 4.0);
  // Fades in from silence and out to silence.
  CHECK(first.samples.front() == 0.0F);
  CHECK(std::abs(first.samples.back()) < 1e-3F);

  spec.file = "another-name.flac";
  CHECK(render_track(spec).samples != first.samples);

  spec.channels = 1;
  spec.texture = Texture::Pad;
  const Audio mono = render_track(spec);
  CHECK(mono.channels == 1);
  CHECK(mono.frames() == 20LL * 44100);
}

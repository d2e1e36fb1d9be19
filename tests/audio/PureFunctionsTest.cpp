// The pure pieces: time mapping, fade curves, ramps, the master envelope,
// channel mapping and the choice of output rate.
#include "audio/ChannelMapper.hpp"
#include "audio/Curves.hpp"
#include "audio/Frames.hpp"
#include "audio/MasterEnvelope.hpp"
#include "audio/OutputRate.hpp"
#include "audio/Ramp.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <numbers>

using namespace stillroom::audio;
using stillroom::config::Millis;
using stillroom::plan::FadeShape;

TEST_CASE("time mapping: frames from milliseconds, rounded, and back") {
  CHECK(ms_to_frames(1000, 48000) == 48000);
  CHECK(ms_to_frames(1, 44100) == 44);  // 44.1 -> 44
  CHECK(ms_to_frames(5, 44100) == 221);  // 220.5 -> 221 (halves up)
  CHECK(ms_to_frames(-5, 44100) == -220);  // -220.5 -> -220
  CHECK(ms_to_frames(-1000, 48000) == -48000);
  CHECK(ms_to_frames(Millis{7'200'000}, 48000) == 345'600'000);
  CHECK(frames_to_ms(47999, 48000) == Millis{999});
  CHECK(frames_to_ms(-1, 48000) == Millis{-1});
  CHECK(frames_to_ms(48000 * 3600, 48000) == Millis{3'600'000});
  for (long long t : {0LL, 1LL, 333LL, 86'399'999LL, -600'000LL}) {
    INFO(t);
    CHECK(frames_to_ms(ms_to_frames(t, 48000), 48000) == Millis{t});
  }
}

TEST_CASE("fade curves: known values, symmetry, equal power") {
  constexpr double pi = std::numbers::pi;
  CHECK(fade_gain(FadeShape::EqualPower, FadeDirection::In, 0.0) == 0.0);
  CHECK(fade_gain(FadeShape::EqualPower, FadeDirection::In, 1.0) == doctest::Approx(1.0));
  CHECK(fade_gain(FadeShape::EqualPower, FadeDirection::In, 0.5) == doctest::Approx(std::sqrt(0.5)));
  CHECK(fade_gain(FadeShape::Smooth, FadeDirection::In, 0.5) == doctest::Approx(0.5));
  CHECK(fade_gain(FadeShape::Smooth, FadeDirection::Out, 0.25) == doctest::Approx(0.5 + 0.5 * std::cos(pi / 4)));
  CHECK(fade_gain(FadeShape::Smooth, FadeDirection::In, -1.0) == 0.0);  // clamped
  CHECK(fade_gain(FadeShape::Smooth, FadeDirection::In, 2.0) == 1.0);
  for (double x = 0; x <= 1.0; x += 0.01) {
    const double in = fade_gain(FadeShape::EqualPower, FadeDirection::In, x);
    const double out = fade_gain(FadeShape::EqualPower, FadeDirection::Out, x);
    CHECK(in * in + out * out == doctest::Approx(1.0));
    CHECK(fade_gain(FadeShape::Smooth, FadeDirection::In, x) + fade_gain(FadeShape::Smooth, FadeDirection::Out, x) ==
          doctest::Approx(1.0));
  }
  CHECK(db_to_gain(-6.0206) == doctest::Approx(0.5).epsilon(1e-4));
  CHECK(db_to_gain(-INFINITY) == 0.0);
  CHECK(gain_to_db(0.0) == -INFINITY);
  CHECK(gain_to_db(db_to_gain(-18.0)) == doctest::Approx(-18.0));
}

TEST_CASE("ramps hold before, move along the curve, hold after") {
  Ramp r{1000, 100, 1.0, 0.0, FadeShape::EqualPower, FadeDirection::Out};
  CHECK(r.value(0) == 1.0);
  CHECK(r.value(1000) == 1.0);
  CHECK(r.value(1050) == doctest::Approx(std::cos(std::numbers::pi / 4)));
  CHECK(r.value(1100) == 0.0);
  CHECK(r.value(5000) == 0.0);
  CHECK(r.moving_in(900, 1001));
  CHECK_FALSE(r.moving_in(0, 1000));
  CHECK_FALSE(r.moving_in(1101, 2000));
  // An out-fade from a level that is not 1 keeps its shape, scaled.
  Ramp half{0, 100, 0.5, 0.0, FadeShape::EqualPower, FadeDirection::Out};
  CHECK(half.value(50) == doctest::Approx(0.5 * std::cos(std::numbers::pi / 4)));
  CHECK(Ramp::hold(0.25).value(-7) == 0.25);
  CHECK_FALSE(Ramp::hold(0.25).moving_in(-100, 100));
}

TEST_CASE("master envelope: first plan holds, cues ramp in dB, a late cue starts now, a ramp in progress continues") {
  MasterEnvelope m;
  m.follow({MasterStep{0, -3.0, 0}}, 0);
  CHECK(m.value_db(0) == -3.0);
  CHECK(m.value_db(100000) == -3.0);
  // Talk at 1000 over 400 frames to -21; unchanged plan re-followed mid-ramp keeps going.
  std::vector<MasterStep> steps{{0, -3.0, 0}, {1000, -21.0, 400}};
  m.follow(steps, 500);
  CHECK(m.value_db(999) == -3.0);
  CHECK(m.value_db(1200) == doctest::Approx(-12.0));
  CHECK(m.value_db(1400) == -21.0);
  m.follow(steps, 1100);
  CHECK(m.value_db(1200) == doctest::Approx(-12.0));
  CHECK(m.moving_in(1100, 1101));
  // A cue at 1150 learned at 1300 (mid-ramp): from where the level is, over its whole length, from 1300.
  const double at_1300 = m.value_db(1300);
  steps.push_back({1150, 0.0, 200});
  m.follow(steps, 1300);
  CHECK(m.value_db(1300) == doctest::Approx(at_1300));
  CHECK(m.value_db(1400) == doctest::Approx(at_1300 / 2));
  CHECK(m.value_db(1500) == 0.0);
  // A cue interrupting a ramp starts from where that ramp had got to.
  MasterEnvelope n;
  n.follow({{0, 0.0, 0}, {100, -20.0, 100}, {150, 0.0, 100}}, 0);
  CHECK(n.value_db(150) == doctest::Approx(-10.0));
  CHECK(n.value_db(200) == doctest::Approx(-5.0));
  CHECK(n.value_db(250) == 0.0);
}

TEST_CASE("channel mapping: mono to all, stereo to mono, surround folds down") {
  ChannelMapper mono_to_stereo(1, 2);
  const float mono[] = {0.5f, -0.25f};
  float out[4];
  mono_to_stereo.map(mono, out, 2);
  CHECK(out[0] == 0.5f);
  CHECK(out[1] == 0.5f);
  CHECK(out[3] == -0.25f);
  ChannelMapper stereo_to_mono(2, 1);
  const float st[] = {0.5f, 0.25f};
  float m[1];
  stereo_to_mono.map(st, m, 1);
  CHECK(m[0] == doctest::Approx(0.375f));
  ChannelMapper five_one(6, 2);
  const float s51[] = {0.1f, 0.2f, 0.4f, 0.9f, 0.3f, 0.05f};  // L R C LFE Ls Rs
  float lr[2];
  five_one.map(s51, lr, 1);
  CHECK(lr[0] == doctest::Approx(0.1 + 0.70710678 * (0.4 + 0.3)));
  CHECK(lr[1] == doctest::Approx(0.2 + 0.70710678 * (0.4 + 0.05)));
  CHECK(five_one.weight(0, 3) == 0.0f);  // LFE dropped
  ChannelMapper same(2, 2);
  CHECK(same.identity());
}

TEST_CASE("output rate: the rate of most of the music coming, the fallback when none or on a tie") {
  const auto seg = [](const std::string& file, long long from_s, long long to_s) {
    stillroom::plan::Segment s;
    s.file = file;
    s.start = Millis{from_s * 1000};
    s.end = Millis{to_s * 1000};
    return s;
  };
  const auto rate_of = [](const std::string& file) {
    if (file == "cd.flac") return 44100;
    if (file == "dat.wav") return 48000;
    if (file == "hires.flac") return 96000;
    return 0;  // unreadable
  };
  stillroom::plan::Plan p;
  p.segments = {seg("cd.flac", 0, 600), seg("dat.wav", 600, 700), seg("cd.flac", 700, 1300)};
  CHECK(music_rate(p, Millis{0}, std::chrono::hours(1), 48000, rate_of) == 44100);
  // Only what sounds in the window counts: from 590 s, 100 s at 48 kHz against 10 + 60 s at 44.1 kHz.
  CHECK(music_rate(p, Millis{590'000}, Millis{170'000}, 44100, rate_of) == 48000);
  // Nothing known: the fallback.
  p.segments = {seg("missing.flac", 0, 600)};
  CHECK(music_rate(p, Millis{0}, std::chrono::hours(1), 48000, rate_of) == 48000);
  p.segments.clear();
  CHECK(music_rate(p, Millis{0}, std::chrono::hours(1), 48000, rate_of) == 48000);
  // A tie: the fallback if it is tied, else the higher rate.
  p.segments = {seg("cd.flac", 0, 100), seg("dat.wav", 100, 200)};
  CHECK(music_rate(p, Millis{0}, std::chrono::hours(1), 48000, rate_of) == 48000);
  CHECK(music_rate(p, Millis{0}, std::chrono::hours(1), 44100, rate_of) == 44100);
  p.segments = {seg("cd.flac", 0, 100), seg("hires.flac", 100, 200)};
  CHECK(music_rate(p, Millis{0}, std::chrono::hours(1), 48000, rate_of) == 96000);
  // Planned silence is not music.
  auto quiet = seg("", 0, 5000);
  quiet.silence = true;
  p.segments = {quiet, seg("cd.flac", 0, 10)};
  CHECK(music_rate(p, Millis{0}, std::chrono::hours(1), 48000, rate_of) == 44100);
}

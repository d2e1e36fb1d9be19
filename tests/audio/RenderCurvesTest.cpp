// Gain curves as they come out of a render: DC test files make every output
// sample the gain itself (times the DC level), so crossfades, pauses, stops,
// the talk duck and the cap are checked at exact frames.
#include "AudioTestKit.hpp"

#include "audio/Curves.hpp"
#include "audio/LoudnessCache.hpp"
#include "audio/Renderer.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <numbers>

using namespace stillroom;
using namespace stillroom::test;
using audio::FadeDirection;
using plan::FadeShape;

namespace {

/** Renders `plan` to a WAV and reads it back. Loudness of every file is seeded so normalisation is 0 dB. */
struct Render : AudioWorkspace {
  Render() : AudioWorkspace("stillroom-render") {}

  Samples run(const plan::Plan& plan, Millis until) {
    const auto out = (dir / "out.wav").string();
    audio::Renderer renderer(settings, cache, log, out);
    renderer.follow(plan);
    renderer.render_until(until);
    renderer.finish();
    return ToneFile::read(out);
  }
};

constexpr double kDc = 0.5;

}  // namespace

TEST_CASE("equal-power crossfade: values at known frames, exact boundaries, monotonic, bounded steps") {
  Render r;
  const auto a = r.file("a.wav", dc(48000, 48000 * 6, 0.5f, 0.0f));
  const auto b = r.file("b.wav", dc(48000, 48000 * 6, 0.0f, 0.5f));
  auto sa = track(1, a, Millis{0}, Millis{4000});
  sa.fade_outs = {fade(Millis{3000}, Millis{1000})};
  auto sb = track(2, b, Millis{3000}, Millis{9000});
  sb.fade_in = Millis{1000};
  sb.natural_end = true;
  const Samples out = r.run(plan_of({sa, sb}), Millis{6000});
  REQUIRE(out.frames() == 6 * 48000);

  const std::int64_t x0 = frame_at(Millis{3000});
  const std::int64_t len = 48000;
  // A at full level up to the crossfade, then cos; B silent, then sin.
  CHECK(out.at(x0 - 1, 0) == doctest::Approx(kDc).epsilon(1e-6));
  CHECK(out.at(x0 - 1, 1) == 0.0f);
  CHECK(out.at(x0, 0) == doctest::Approx(kDc).epsilon(1e-6));
  CHECK(out.at(x0, 1) == 0.0f);  // B's first frame is the crossfade's first frame, at gain 0
  for (double x : {0.125, 0.25, 0.5, 0.75, 0.9}) {
    const auto f = x0 + static_cast<std::int64_t>(x * len);
    INFO("x = " << x);
    CHECK(out.at(f, 0) == doctest::Approx(kDc * std::cos(x * std::numbers::pi / 2)).epsilon(1e-5));
    CHECK(out.at(f, 1) == doctest::Approx(kDc * std::sin(x * std::numbers::pi / 2)).epsilon(1e-5));
  }
  // Constant power across the crossfade.
  for (std::int64_t f = x0; f < x0 + len; f += 997) {
    const double p = out.at(f, 0) * out.at(f, 0) + out.at(f, 1) * out.at(f, 1);
    CHECK(p == doctest::Approx(kDc * kDc).epsilon(1e-4));
  }
  // Right length: A is gone and B at full level exactly one crossfade later.
  CHECK(out.at(x0 + len, 0) == 0.0f);
  CHECK(out.at(x0 + len, 1) == doctest::Approx(kDc).epsilon(1e-6));
  CHECK(out.at(x0 + len - 1, 0) > 0.0f);
  // Monotonic, and no step above the curve's steepest slope (pi/2 per length).
  for (std::int64_t f = x0 + 1; f <= x0 + len; ++f) {
    REQUIRE(out.at(f, 0) <= out.at(f - 1, 0));
    REQUIRE(out.at(f, 1) >= out.at(f - 1, 1));
  }
  const double bound = kDc * std::numbers::pi / 2 / static_cast<double>(len) * 1.001;
  CHECK(max_step(out, 0, 48000, 6 * 48000) <= bound);
  CHECK(max_step(out, 1, 48000, 6 * 48000) <= bound);
}

TEST_CASE("pause fades out along the smooth curve and resume fades back in from the paused position") {
  Render r;
  // Left: DC; right: a slow ramp that encodes the source position (1 unit per second).
  Samples src = dc(48000, 48000 * 20, 0.5f, 0.0f);
  for (std::int64_t i = 0; i < src.frames(); ++i) src.data[static_cast<std::size_t>(2 * i + 1)] = float(i) / 48000.0f / 40.0f;
  const auto a = r.file("a.wav", src);
  // Pause at 4 s (3 s smooth fade), resume at 10 s from where the music was at 4 s.
  auto first = track(1, a, Millis{0}, Millis{7000});
  first.fade_outs = {fade(Millis{4000}, Millis{3000}, FadeShape::Smooth)};
  auto again = track(2, a, Millis{10000}, Millis{30000}, Millis{4000});
  again.fade_in = Millis{3000};
  again.fade_in_shape = FadeShape::Smooth;
  const Samples out = r.run(plan_of({first, again}), Millis{14000});

  const std::int64_t p = frame_at(Millis{4000});
  const std::int64_t len = 3 * 48000;
  CHECK(out.at(p, 0) == doctest::Approx(kDc).epsilon(1e-6));
  CHECK(out.at(p + len / 2, 0) == doctest::Approx(kDc * 0.5).epsilon(1e-5));
  CHECK(out.at(p + len / 4, 0) == doctest::Approx(kDc * (0.5 + 0.5 * std::cos(std::numbers::pi / 4))).epsilon(1e-5));
  CHECK(out.at(p + len, 0) == 0.0f);
  // Silence while paused.
  CHECK(rms(out, 0, p + len, frame_at(Millis{10000}) - p - len) == 0.0);
  // Resume: smooth fade in from 0, reaching full level 3 s later, playing the source from 4 s on.
  const std::int64_t q = frame_at(Millis{10000});
  CHECK(out.at(q, 0) == 0.0f);
  CHECK(out.at(q + len / 2, 0) == doctest::Approx(kDc * 0.5).epsilon(1e-5));
  CHECK(out.at(q + len, 0) == doctest::Approx(kDc).epsilon(1e-6));
  const double source_seconds = out.at(q + len, 1) * 40.0 / 1.0;  // gain is 1 here
  CHECK(source_seconds == doctest::Approx(4.0 + 3.0).epsilon(1e-4));
  // Zero slope at both ends of a smooth fade: the first steps are tiny.
  CHECK(std::abs(out.at(p + 1, 0) - out.at(p, 0)) < 1e-8);
  CHECK(max_step(out, 0, 48000, out.frames()) <= kDc * std::numbers::pi / 2 / double(len) * 1.001 + 1e-7);  // + float rounding
}

TEST_CASE("talk mode ducks the music by the configured amount over the talk ramp, and back") {
  Render r;
  const auto a = r.file("a.wav", dc(48000, 48000 * 12, 0.5f, 0.5f));
  auto sa = track(1, a, Millis{0}, Millis{12000});
  sa.natural_end = true;
  auto p = plan_of({sa});
  const double duck = r.settings.talk_duck_db;
  const Millis ramp = r.settings.ramps.talk;
  p.master.push_back(cue(Millis{2000}, duck, ramp, true));
  p.master.push_back(cue(Millis{6000}, 0.0, ramp, false));
  const Samples out = r.run(p, Millis{10000});

  const std::int64_t on = frame_at(Millis{2000});
  const std::int64_t len = audio::ms_to_frames(ramp, 48000);
  const double ducked = kDc * std::pow(10.0, duck / 20.0);
  CHECK(out.at(on, 0) == doctest::Approx(kDc).epsilon(1e-6));
  // Raised cosine in dB: half way in time is half way in dB.
  CHECK(out.at(on + len / 2, 0) == doctest::Approx(kDc * std::pow(10.0, duck / 40.0)).epsilon(1e-4));
  CHECK(out.at(on + len, 0) == doctest::Approx(ducked).epsilon(1e-5));
  CHECK(out.at(frame_at(Millis{5999}), 0) == doctest::Approx(ducked).epsilon(1e-5));
  const std::int64_t off = frame_at(Millis{6000});
  CHECK(out.at(off + len, 0) == doctest::Approx(kDc).epsilon(1e-6));
  CHECK(20 * std::log10(out.at(on + len, 0) / kDc) == doctest::Approx(duck).epsilon(1e-4));
  for (std::int64_t f = on + 1; f <= on + len; ++f) REQUIRE(out.at(f, 0) <= out.at(f - 1, 0));
}

TEST_CASE("the cap: a volume above it plays at the cap, a lowered cap ramps down") {
  Render r;
  const auto a = r.file("a.wav", dc(48000, 48000 * 8, 0.25f, 0.25f));
  auto sa = track(1, a, Millis{0}, Millis{8000});
  sa.natural_end = true;
  sa.level_db = -6.0;
  auto p = plan_of({sa});
  p.cap_db = 0.0;
  p.master = {cue(Millis{0}, 12.0, Millis{0})};  // -6 + 12 = +6 dB asked, cap 0
  p.master.push_back(cue(Millis{2000}, 20.0, Millis{200}));
  const Samples out = r.run(p, Millis{4000});
  CHECK(out.at(frame_at(Millis{1000}), 0) == doctest::Approx(0.25).epsilon(1e-6));
  float peak = 0;
  for (std::int64_t f = 0; f < out.frames(); ++f) peak = std::max(peak, out.at(f, 0));
  CHECK(peak <= 0.25f * 1.000001f);  // never above the cap, not even during the volume ramp

  // A plan that lowers the cap (a client's lower maximum) ramps down to it.
  Render r2;
  const auto b = r2.file("b.wav", dc(48000, 48000 * 8, 0.5f, 0.5f));
  auto sb = track(1, b, Millis{0}, Millis{8000});
  sb.natural_end = true;
  auto p2 = plan_of({sb});
  const auto out2_path = (r2.dir / "out2.wav").string();
  audio::Renderer renderer(r2.settings, r2.cache, r2.log, out2_path);
  renderer.follow(p2);
  renderer.render_until(Millis{2000});
  p2.cap_db = -6.0;
  renderer.follow(p2);
  renderer.render_until(Millis{4000});
  renderer.finish();
  const Samples out2 = ToneFile::read(out2_path);
  CHECK(out2.at(frame_at(Millis{1999}), 0) == doctest::Approx(0.5).epsilon(1e-6));
  CHECK(out2.at(frame_at(Millis{2000}) + 9600, 0) == doctest::Approx(0.5 * std::pow(10.0, -6.0 / 20)).epsilon(1e-5));
  CHECK(max_step(out2, 0, 48000, out2.frames()) < 0.5 * std::numbers::pi / 2 / 9600.0 * 1.001);
}

TEST_CASE("stop fades over the stop ramp and an emergency during it takes over without a step") {
  Render r;
  const auto a = r.file("a.wav", dc(48000, 48000 * 20, 0.5f, 0.5f));
  const Millis stop = r.settings.ramps.stop;
  const Millis emergency = r.settings.ramps.emergency;
  // Plain stop at 1 s.
  auto sa = track(1, a, Millis{0}, Millis{1000} + stop);
  sa.fade_outs = {fade(Millis{1000}, stop, FadeShape::Smooth)};
  const Samples out = r.run(plan_of({sa}), Millis{12000});
  const std::int64_t s0 = frame_at(Millis{1000});
  const std::int64_t len = audio::ms_to_frames(stop, 48000);
  CHECK(out.at(s0, 0) == doctest::Approx(kDc).epsilon(1e-6));
  CHECK(out.at(s0 + len / 2, 0) == doctest::Approx(kDc / 2).epsilon(1e-5));
  CHECK(out.at(s0 + len - 1, 0) > 0.0f);
  CHECK(out.at(s0 + len, 0) == 0.0f);

  // Stop at 1 s, emergency at 4 s: the product of both curves, over at 4.5 s.
  Render e;
  const auto b = e.file("b.wav", dc(48000, 48000 * 20, 0.5f, 0.5f));
  auto sb = track(1, b, Millis{0}, Millis{4000} + emergency);
  sb.fade_outs = {fade(Millis{1000}, stop, FadeShape::Smooth), fade(Millis{4000}, emergency, FadeShape::Smooth)};
  const Samples out2 = e.run(plan_of({sb}), Millis{6000});
  const std::int64_t e0 = frame_at(Millis{4000});
  const std::int64_t elen = audio::ms_to_frames(emergency, 48000);
  const double stop_at_e0 = audio::fade_gain(FadeShape::Smooth, FadeDirection::Out, double(e0 - s0) / double(len));
  CHECK(out2.at(e0, 0) == doctest::Approx(kDc * stop_at_e0).epsilon(1e-5));
  const double x = 0.5;
  const double expected = kDc * audio::fade_gain(FadeShape::Smooth, FadeDirection::Out, double(e0 + elen / 2 - s0) / double(len)) *
                          audio::fade_gain(FadeShape::Smooth, FadeDirection::Out, x);
  CHECK(out2.at(e0 + elen / 2, 0) == doctest::Approx(expected).epsilon(1e-5));
  CHECK(out2.at(e0 + elen, 0) == 0.0f);
  CHECK(out2.at(e0 + elen - 1, 0) > 0.0f);
  CHECK(max_step(out2, 0, s0, e0 + elen + 10) <= kDc * stop_at_e0 * std::numbers::pi / 2 / double(elen) * 1.01);
}

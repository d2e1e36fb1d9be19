// Gapless joins, following recomputed plans (late cues, vanished segments),
// and resuming mid-track after a restart, checked sample by sample against the
// decoded sources.
#include "AudioTestKit.hpp"

#include "audio/Curves.hpp"
#include "audio/LoudnessCache.hpp"
#include "audio/Renderer.hpp"
#include "audio/Resampler.hpp"
#include "audio/SoundFile.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <numbers>

using namespace stillroom;
using namespace stillroom::test;
using plan::FadeShape;

namespace {

struct Session : AudioWorkspace {
  Session() : AudioWorkspace("stillroom-joins") {}
};

/** Joined segments a -> b -> c, each to its natural end, from `start`. */
std::vector<plan::Segment> chain(Session& s, const std::vector<std::string>& files, Millis start) {
  std::vector<plan::Segment> out;
  Millis at = start;
  for (std::size_t i = 0; i < files.size(); ++i) {
    auto seg = track(i + 1, files[i], at, at + s.duration(files[i]));
    seg.natural_end = true;
    seg.joins = i == 0 ? 0 : i;
    at = seg.end;
    out.push_back(seg);
  }
  return out;
}

}  // namespace

TEST_CASE("gapless joins at the output rate: the render is the concatenated sources, sample for sample") {
  Session s;
  // Odd lengths (not whole milliseconds) and different formats: nothing may be dropped or inserted.
  const Samples a = ToneFile::noise(48000, 2, 62417, 0.3, 1);
  const Samples b = ToneFile::noise(48000, 1, 33611, 0.3, 2);  // mono: copied to both channels
  const Samples c = ToneFile::noise(48000, 2, 100003, 0.3, 3);
  const auto fa = s.file("a.wav", a);
  const auto fb = s.file("b.flac", b);
  const auto fc = s.file("c.wav", c);
  const auto path = (s.dir / "out.wav").string();
  {
    audio::Renderer r(s.settings, s.cache, s.log, path);
    r.follow(plan_of(chain(s, {fa, fb, fc}, Millis{0})));
    r.render_until(Millis{5000});
    r.finish();
  }
  const Samples out = ToneFile::read(path);
  const Samples da = ToneFile::read(fa);
  const Samples db = ToneFile::read(fb);
  const Samples dcc = ToneFile::read(fc);
  Samples expected{48000, 2, {}};
  ToneFile::append(expected, da);
  for (std::int64_t i = 0; i < db.frames(); ++i) {
    expected.data.push_back(db.at(i, 0));
    expected.data.push_back(db.at(i, 0));
  }
  ToneFile::append(expected, dcc);
  const std::int64_t total = expected.frames();
  REQUIRE(total == 62417 + 33611 + 100003);
  // The first 10 ms is the anti-click ramp of a start without a fade-in.
  double worst = 0;
  for (std::int64_t f = 480; f < total; ++f) {
    for (int ch = 0; ch < 2; ++ch) worst = std::max(worst, double(std::abs(out.at(f, ch) - expected.at(f, ch))));
  }
  CHECK(worst == 0.0);
  // And silence right after the last sample.
  CHECK(out.at(total, 0) == 0.0f);
  CHECK(out.at(total - 1, 0) == expected.at(total - 1, 0));

  const auto started = s.log.of(audio::EngineEvent::Kind::TrackStarted);
  REQUIRE(started.size() == 3);
  CHECK(started[1].segment == 2);
  CHECK(started[1].at == audio::frames_to_ms(62417, 48000));
  CHECK(started[2].at == audio::frames_to_ms(62417 + 33611, 48000));
  CHECK(s.log.of(audio::EngineEvent::Kind::TrackEnded).size() == 3);
}

TEST_CASE("gapless joins at 44.1 kHz: one resampler carries on across the join") {
  Session s;
  // A continuous sine cut into three files: any seam at a join would show against the reference.
  const Samples whole = ToneFile::sine(44100, 2, 44100 * 3 + 123, 440.0, 0.5);
  auto part = [&](std::int64_t from, std::int64_t count) {
    Samples p{44100, 2, {}};
    p.data.assign(whole.data.begin() + from * 2, whole.data.begin() + (from + count) * 2);
    return p;
  };
  const std::int64_t na = 50001;
  const std::int64_t nb = 40000;
  const std::int64_t nc = whole.frames() - na - nb;
  const auto fa = s.file("a.wav", part(0, na));
  const auto fb = s.file("b.flac", part(na, nb));
  const auto fc = s.file("c.wav", part(na + nb, nc));
  const auto path = (s.dir / "out.wav").string();
  {
    audio::Renderer r(s.settings, s.cache, s.log, path);
    r.follow(plan_of(chain(s, {fa, fb, fc}, Millis{0})));
    r.render_until(Millis{4000});
    r.finish();
  }
  const Samples out = ToneFile::read(path);
  // Reference: the decoded concatenation resampled in one go.
  Samples src{44100, 2, {}};
  ToneFile::append(src, ToneFile::read(fa));
  ToneFile::append(src, ToneFile::read(fb));
  ToneFile::append(src, ToneFile::read(fc));
  audio::Resampler resampler(44100, 48000, 2);
  std::vector<float> ref(static_cast<std::size_t>(src.frames() * 2 * 48000 / 44100 + 4096) * 2);
  std::size_t made = 0;
  std::size_t used = 0;
  std::size_t fed = 0;
  while (fed < static_cast<std::size_t>(src.frames())) {
    made += resampler.process(src.data.data() + fed * 2, static_cast<std::size_t>(src.frames()) - fed, used,
                              ref.data() + made * 2, ref.size() / 2 - made);
    fed += used;
  }
  while (const std::size_t n = resampler.process(nullptr, 0, used, ref.data() + made * 2, ref.size() / 2 - made)) made += n;
  REQUIRE(static_cast<std::int64_t>(made) == resampler.output_for(src.frames()));
  const auto join1 = resampler.output_for(na);
  const auto join2 = resampler.output_for(na + nb);
  double worst = 0;
  for (std::int64_t f = 480; f < static_cast<std::int64_t>(made); ++f) {
    worst = std::max(worst, double(std::abs(out.at(f, 0) - ref[static_cast<std::size_t>(f * 2)])));
  }
  CHECK(worst < 1e-6);
  // Around the joins the waveform stays a 440 Hz sine: no sample jumps more than the sine's slope allows.
  const double slope = 0.5 * 2 * std::numbers::pi * 440.0 / 48000.0;
  CHECK(max_step(out, 0, join1 - 500, join1 + 500) < slope * 1.01);
  CHECK(max_step(out, 0, join2 - 500, join2 + 500) < slope * 1.01);
  const auto started = s.log.of(audio::EngineEvent::Kind::TrackStarted);
  REQUIRE(started.size() == 3);
  CHECK(started[1].at == audio::frames_to_ms(join1, 48000));
  CHECK(started[2].at == audio::frames_to_ms(join2, 48000));
}

TEST_CASE("following the same plan again just before a gapless join changes nothing") {
  Session s;
  const auto fa = s.file("a.wav", ToneFile::noise(48000, 2, 48000 * 3, 0.3, 4));
  const auto fb = s.file("b.wav", ToneFile::noise(48000, 2, 48000 * 3, 0.3, 5));
  const auto plan = plan_of(chain(s, {fa, fb}, Millis{0}));
  const auto render = [&](bool refollow) {
    const auto path = (s.dir / (refollow ? "again.wav" : "once.wav")).string();
    audio::Renderer r(s.settings, s.cache, s.log, path);
    r.follow(plan);
    // 2.5 s: the joined segment's voice is waiting for its predecessor to run out.
    r.render_until(Millis{2500});
    if (refollow) r.follow(plan);
    r.render_until(Millis{6000});
    r.finish();
    return ToneFile::read(path);
  };
  const Samples once = render(false);
  const Samples again = render(true);
  REQUIRE(once.frames() == again.frames());
  CHECK(once.data == again.data);
}

TEST_CASE("a join into a track mastered 14 dB louder: its own gain from its first sample, no burst") {
  Session s;
  const MasteredApart m = mastered_apart(s);
  const auto path = (s.dir / "out.wav").string();
  {
    audio::Renderer r(s.settings, s.cache, s.log, path);
    r.follow(plan_of(chain(s, {m.quiet, m.loud, m.quiet}, Millis{0})));
    r.render_until(Millis{6000});
    r.finish();
  }
  const Samples out = ToneFile::read(path);
  // After the anti-click ramp of the first 10 ms, every 50 ms window is at the normalised level, across both
  // joins (quiet -> loud, loud -> quiet).
  const double loudest = check_windows(out, 480, 6 * 48000 - 480, m.level);
  MESSAGE("loudest 50 ms window: " << loudest << " dB against the normalised level");
}

TEST_CASE("what normalisation leaves of a loudness difference across a join is a ramp that never overshoots") {
  Session s;
  const auto fa = s.file("a.wav", dc(48000, 48000, 0.5f, 0.5f));
  const auto fb = s.file("b.wav", dc(48000, 48000, 0.5f, 0.5f));
  const std::int64_t len = audio::ms_to_frames(s.settings.ramps.volume, 48000);
  const double target = s.settings.loudness_target_lufs;
  const auto render = [&](audio::Loudness a, audio::Loudness b) {
    std::string error;
    REQUIRE(s.cache.store(fa, a, error));
    REQUIRE(s.cache.store(fb, b, error));
    const auto path = (s.dir / "out.wav").string();
    audio::Renderer r(s.settings, s.cache, s.log, path);
    r.follow(plan_of(chain(s, {fa, fb}, Millis{0})));
    r.render_until(Millis{2000});
    r.finish();
    return ToneFile::read(path);
  };
  SUBCASE("into a louder track: from the level heard before, up to its own") {
    // A is 7 dB under the target and its true peak keeps it there; B normalises to the target.
    const Samples out = render({target - 7.0, -1.0}, {target, -20.0});
    const double from = 0.5 * std::pow(10.0, -7.0 / 20);
    CHECK(out.at(47999, 0) == doctest::Approx(0.5).epsilon(1e-6));
    CHECK(out.at(48000, 0) == doctest::Approx(from).epsilon(1e-5));
    CHECK(out.at(48000 + len, 0) == doctest::Approx(0.5).epsilon(1e-5));
    double previous = 0;
    bool rising = true;
    for (std::int64_t f = 48000; f < 48000 + len + 100; ++f) {
      rising &= out.at(f, 0) >= previous - 1e-7 && out.at(f, 0) <= 0.5 + 1e-6;
      previous = out.at(f, 0);
    }
    CHECK(rising);
    // Steepest point of a raised-cosine ramp of 7 dB ending at amplitude 0.5.
    const double bound = 0.5 * std::log(10.0) / 20.0 * 7.0 * std::numbers::pi / 2 / double(len);
    CHECK(max_step(out, 0, 48000, 48000 + len + 10) < bound * 1.001 + 1e-7);
  }
  SUBCASE("into a quieter track its true peak holds down: never lifted above its ceiling") {
    const Samples out = render({target, -20.0}, {target - 7.0, -1.0});
    CHECK(out.at(47999, 0) == doctest::Approx(0.5).epsilon(1e-6));
    for (std::int64_t f : {std::int64_t{48000}, 48000 + len / 2, 48000 + len, std::int64_t{90000}}) {
      CHECK(out.at(f, 0) == doctest::Approx(0.5).epsilon(1e-6));
    }
  }
  SUBCASE("between tracks that both normalise: no ramp at all") {
    const Samples out = render({target + 6.0, -20.0}, {target - 6.0, -20.0});
    CHECK(out.at(47999, 0) == doctest::Approx(0.5 * std::pow(10.0, -6.0 / 20)).epsilon(1e-6));
    CHECK(out.at(48000, 0) == doctest::Approx(0.5 * std::pow(10.0, 6.0 / 20)).epsilon(1e-6));  // the same loudness
    CHECK(out.at(48001, 0) == doctest::Approx(0.5 * std::pow(10.0, 6.0 / 20)).epsilon(1e-6));
  }
}

TEST_CASE("sample_rate auto: a render at the rate of most of its music, that music untouched") {
  Session s;
  s.settings.sample_rate_auto = true;  // falls back to 48000
  const auto fa = s.file("a.wav", ToneFile::noise(44100, 2, 44100 * 4 + 7, 0.3, 12));
  const auto fb = s.file("b.wav", ToneFile::sine(48000, 2, 48000, 440.0, 0.3));  // the odd one out
  const auto path = (s.dir / "out.wav").string();
  int rate = 0;
  {
    audio::Renderer r(s.settings, s.cache, s.log, path);
    r.follow(plan_of(chain(s, {fa, fb}, Millis{0})));
    rate = r.sample_rate();
    r.render_until(Millis{5200});
    r.finish();
  }
  CHECK(rate == 44100);
  const Samples out = ToneFile::read(path);
  CHECK(out.rate == 44100);
  const Samples a = ToneFile::read(fa);
  double worst = 0;
  for (std::int64_t f = 441; f < a.frames(); ++f) worst = std::max(worst, double(std::abs(out.at(f, 0) - a.at(f, 0))));
  CHECK(worst == 0.0);
  // The 48 kHz track follows it, resampled to 44.1 kHz: still a 440 Hz sine at its level.
  CHECK(goertzel(out, 0, a.frames() + 4410, 22050, 440.0) == doctest::Approx(0.3).epsilon(0.01));
}

TEST_CASE("following a new plan: a late cue ramps from now with its full length, a vanished segment fades out") {
  Session s;
  const auto fa = s.file("a.wav", dc(48000, 48000 * 10, 0.5f, 0.5f));
  const auto fb = s.file("b.wav", dc(48000, 48000 * 10, 0.25f, 0.25f));
  auto sa = track(1, fa, Millis{0}, Millis{10000});
  sa.natural_end = true;
  auto sb = track(2, fb, Millis{0}, Millis{10000});
  sb.natural_end = true;
  auto p = plan_of({sa, sb});
  const auto path = (s.dir / "out.wav").string();
  audio::Renderer r(s.settings, s.cache, s.log, path);
  r.follow(p);
  r.render_until(Millis{2000});
  // The volume change happened at 1.95 s but reaches the engine at 2 s.
  p.master.push_back(cue(Millis{1950}, -12.0, Millis{1000}));
  r.follow(p);
  r.render_until(Millis{4000});
  // Segment 2 disappears from the plan.
  p.segments.pop_back();
  r.follow(p);
  r.render_until(Millis{5000});
  r.finish();
  const Samples out = ToneFile::read(path);
  const std::int64_t now = frame_at(Millis{2000});
  CHECK(out.at(now - 1, 0) == doctest::Approx(0.75).epsilon(1e-6));
  CHECK(out.at(now, 0) == doctest::Approx(0.75).epsilon(1e-6));  // no step where the cue was learned
  CHECK(out.at(now + 24000, 0) == doctest::Approx(0.75 * std::pow(10.0, -6.0 / 20)).epsilon(1e-5));
  CHECK(out.at(now + 48000, 0) == doctest::Approx(0.75 * std::pow(10.0, -12.0 / 20)).epsilon(1e-5));
  const double g = std::pow(10.0, -12.0 / 20);
  const std::int64_t gone = frame_at(Millis{4000});
  const std::int64_t len = audio::ms_to_frames(s.settings.ramps.volume, 48000);
  CHECK(out.at(gone, 0) == doctest::Approx(0.75 * g).epsilon(1e-5));
  CHECK(out.at(gone + len / 2, 0) == doctest::Approx((0.5 + 0.25 * 0.5) * g).epsilon(1e-5));
  CHECK(out.at(gone + len, 0) == doctest::Approx(0.5 * g).epsilon(1e-5));
  CHECK(max_step(out, 0, 48000, frame_at(Millis{5000})) < 0.25 * std::numbers::pi / 2 / double(len));
}

TEST_CASE("a segment that began long before the engine saw it resumes at the dose-clock position") {
  Session s;
  // Right channel encodes the source position; left is noise to compare exactly.
  Samples src = ToneFile::noise(48000, 2, 48000 * 30, 0.4, 9);
  const auto fa = s.file("long.wav", src);
  const Samples decoded = ToneFile::read(fa);
  // The plan says the track began 20 s before dose 0 from source offset 2 s; the render starts at 0.
  auto sa = track(7, fa, Millis{-20000}, Millis{8000}, Millis{2000});
  sa.natural_end = true;
  const auto path = (s.dir / "out.wav").string();
  {
    audio::Renderer r(s.settings, s.cache, s.log, path);
    r.follow(plan_of({sa}, Millis{0}));
    r.render_until(Millis{6000});
    r.finish();
  }
  const Samples out = ToneFile::read(path);
  const std::int64_t offset = 48000 * (20 + 2);
  const std::int64_t recover = audio::ms_to_frames(s.settings.ramps.recover, 48000);
  // Exactly the source from 22 s, under the recover fade (smooth), then at full level.
  for (std::int64_t f : {std::int64_t{1}, recover / 4, recover / 2, recover - 1}) {
    const double g = audio::fade_gain(FadeShape::Smooth, audio::FadeDirection::In, double(f) / double(recover));
    CHECK(out.at(f, 0) == doctest::Approx(g * decoded.at(offset + f, 0)).epsilon(1e-4));
  }
  double worst = 0;
  for (std::int64_t f = recover; f < 48000 * 6 && offset + f < decoded.frames(); ++f) {
    worst = std::max(worst, double(std::abs(out.at(f, 1) - decoded.at(offset + f, 1))));
  }
  CHECK(worst == 0.0);
  const auto started = s.log.of(audio::EngineEvent::Kind::TrackStarted);
  REQUIRE(started.size() == 1);
  CHECK(started[0].segment == 7);
  CHECK(started[0].at == Millis{0});
}

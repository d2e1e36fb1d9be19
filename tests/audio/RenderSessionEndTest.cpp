// The end of a session as the planner makes it and the renderer plays it: a
// looped list whose repeat begins inside the final fade keeps fading to the
// end, continuously, instead of falling silent.
#include "AudioTestKit.hpp"

#include "audio/Curves.hpp"
#include "audio/Renderer.hpp"
#include "playlists/PlanFixture.hpp"

#include <doctest/doctest.h>

#include <cmath>

using namespace stillroom;
using namespace stillroom::test;

namespace {

struct Session : AudioWorkspace {
  Session() : AudioWorkspace("stillroom-session-end") {}

  Samples render(const plan::Plan& plan) {
    const auto out = (dir / "out.wav").string();
    audio::Renderer r(settings, cache, log, out);
    r.follow(plan);
    r.render_until(plan.music_end);
    r.finish();
    return ToneFile::read(out);
  }
};

}  // namespace

TEST_CASE("a looped list that repeats inside the final fade fades continuously to the end") {
  Session s;
  PlanFixture f;
  f.room.audio = s.settings;
  f.protocol.end_fade = sec(20);
  f.phase("peak", sec(0), sec(60));
  auto& music = f.music("peak");
  music.loop = true;
  music.crossfade = Millis{0};
  // 25 s of DC: every output sample is the gain itself; the list repeats at 25 s and at 50 s (inside the fade).
  const auto file = s.file("dc.wav", dc(48000, 48000 * 25, 0.5f, 0.5f));
  config::Entry e;
  e.file = file;
  e.title = "dc";
  music.entries.push_back(e);
  f.input.durations[file] = s.duration(file);
  f.input.start_at = Millis{0};
  const plan::Plan p = f.make();
  REQUIRE(p.music_end == sec(60));
  int repeats = 0;
  for (const auto& seg : p.segments) repeats += seg.role == plan::Segment::Role::Repeat ? 1 : 0;
  REQUIRE(repeats == 2);

  const Samples out = s.render(p);
  REQUIRE(out.frames() == 60 * 48000);
  // The fade starts at 40 s and reaches 0 at 60 s (raised cosine): every 50 ms window follows it within 1 dB.
  const auto at = [](Millis t) { return frame_at(t); };
  const std::int64_t window = 2400;
  int checked = 0;
  for (std::int64_t w = at(sec(4)); w + window <= at(sec(59)); w += window) {
    const double x = std::clamp(double(w + window / 2 - at(sec(40))) / double(at(sec(20))), 0.0, 1.0);
    const double expected = 0.5 * audio::fade_gain(plan::FadeShape::Smooth, audio::FadeDirection::Out, x);
    const double got = rms(out, 0, w, window);
    INFO("window at " << double(w) / 48000 << " s: " << got << " expected " << expected);
    REQUIRE(got > 0.0);
    CHECK(std::abs(audio::gain_to_db(got) - audio::gain_to_db(expected)) < 1.0);
    ++checked;
  }
  CHECK(checked > 1000);
  // And sample by sample no step: the repeat at 50 s joins without a seam.
  const double slope = 0.5 * std::numbers::pi / 2 / double(at(sec(20)));
  CHECK(max_step(out, 0, at(sec(49)), at(sec(51))) < slope * 1.01 + 1e-7);
}

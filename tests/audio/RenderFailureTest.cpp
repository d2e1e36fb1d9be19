// A corrupt file in the middle of a playlist: the engine reports it early with
// the last dose time it has valid audio for, crossfades to the next entry when
// the controller answers with a new plan, and fades out on its own if none comes.
#include "AudioTestKit.hpp"

#include "audio/LoudnessCache.hpp"
#include "audio/Renderer.hpp"
#include "audio/SoundFile.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <fstream>
#include <numbers>

using namespace stillroom;
using namespace stillroom::test;
using audio::EngineEvent;

namespace {

struct Playlist {
  TempDir dir{"stillroom-failure"};
  config::AudioSettings settings = test_settings(dir);
  audio::LoudnessCache cache{settings.loudness_cache};
  EventLog log;
  std::vector<plan::Segment> segments;

  Playlist() {
    // Three tones; the middle one is damaged half way through after it was probed.
    const double hz[] = {440.0, 660.0, 880.0};
    Millis at{0};
    for (int i = 0; i < 3; ++i) {
      const auto path = (dir / ("t" + std::to_string(i) + ".flac")).string();
      ToneFile::write(path, ToneFile::sine(48000, 2, 48000 * 10, hz[i], 0.3));
      std::string error;
      const auto info = audio::probe_sound_file(path, error);
      REQUIRE(info);
      auto seg = track(static_cast<std::uint64_t>(i + 1), path, at, at + info->duration());
      seg.natural_end = true;
      seg.joins = i == 0 ? 0 : static_cast<std::uint64_t>(i);
      at = seg.end;
      segments.push_back(seg);
    }
    {
      std::fstream f(segments[1].file, std::ios::in | std::ios::out | std::ios::binary);
      f.seekp(static_cast<std::streamoff>(std::filesystem::file_size(segments[1].file) / 2));
      for (int i = 0; i < 4000; ++i) f.put(static_cast<char>((i * 131 + 7) & 0xFF));
    }
    // Loudness at the target, so every tone plays at its own amplitude (0.3).
    for (const auto& seg : segments) {
      std::string error;
      REQUIRE(cache.store(seg.file, audio::Loudness{settings.loudness_target_lufs, -10.0}, error));
    }
  }
};

/** Smallest RMS over 20 ms windows of [first, last). */
double quietest(const Samples& s, std::int64_t first, std::int64_t last) {
  double q = 1e9;
  for (std::int64_t f = first; f + 960 <= last; f += 480) q = std::min(q, rms(s, 0, f, 960));
  return q;
}

}  // namespace

TEST_CASE("corrupt file mid-playlist: reported early, crossfade to the next entry on the new plan, no gap") {
  Playlist p;
  const auto path = (p.dir / "out.wav").string();
  audio::Renderer r(p.settings, p.cache, p.log, path);
  auto plan = plan_of(p.segments);
  r.follow(plan);
  std::optional<EngineEvent> failed;
  while (!failed && r.position() < Millis{30000}) {
    r.render_until(r.position() + Millis{100});
    if (const auto f = p.log.of(EngineEvent::Kind::FileFailed); !f.empty()) failed = f.front();
  }
  REQUIRE(failed);
  CHECK(failed->segment == 2);
  CHECK(failed->file == p.segments[1].file);
  CHECK(failed->detail.find("decoding stops at") != std::string::npos);
  // Valid audio reaches about half way into the 10 s track, and the engine knew decode_ahead early.
  CHECK(failed->audio_until > Millis{13000});
  CHECK(failed->audio_until < Millis{17000});
  CHECK(failed->audio_until - failed->at >= p.settings.decode_ahead - Millis{200});

  // The controller answers: skip at once, crossfading to the next entry.
  const Millis skip = r.position();
  const Millis xfade = p.settings.ramps.manual_crossfade;
  plan.segments[1].fade_outs = {fade(skip, xfade)};
  plan.segments[1].end = skip + xfade;
  plan.segments[1].natural_end = false;
  auto next = p.segments[2];
  next.id = 30;
  next.joins = 0;
  next.start = skip;
  next.fade_in = xfade;
  next.end = skip + Millis{10000};
  plan.segments[2] = next;
  r.follow(plan);
  r.render_until(skip + Millis{9000});
  r.finish();

  const Samples out = ToneFile::read(path);
  const std::int64_t s = frame_at(skip);
  const std::int64_t x = audio::ms_to_frames(xfade, 48000);
  // Never silent from the first second to the end, across the failure and the crossfade.
  CHECK(quietest(out, 48000, s + 48000 * 8) > 0.3 * 0.5);
  // The damaged track plays up to the skip, then the next one; equal power through the crossfade.
  CHECK(goertzel(out, 0, s - 9600, 9600, 660.0) == doctest::Approx(0.3).epsilon(0.02));
  // Its audio runs out before the planned crossfade ends, so it also fades to reach 0 at audio_until.
  const std::int64_t until = frame_at(failed->audio_until);
  REQUIRE(until < s + x);
  const double engine_fade = std::cos(double(x / 2) / double(until - s) * std::numbers::pi / 2);
  CHECK(goertzel(out, 0, s + x / 2 - 2400, 4800, 660.0) ==
        doctest::Approx(0.3 * std::cos(std::numbers::pi / 4) * engine_fade).epsilon(0.05));
  CHECK(goertzel(out, 0, until, 4800, 660.0) < 0.001);
  CHECK(goertzel(out, 0, s + x / 2 - 2400, 4800, 880.0) ==
        doctest::Approx(0.3 * std::sin(std::numbers::pi / 4)).epsilon(0.05));
  CHECK(goertzel(out, 0, s + x + 4800, 9600, 880.0) == doctest::Approx(0.3).epsilon(0.02));
  CHECK(goertzel(out, 0, s + x + 4800, 9600, 660.0) < 0.001);
  const auto started = p.log.of(EngineEvent::Kind::TrackStarted);
  REQUIRE(started.size() == 3);
  CHECK(started[2].segment == 30);
}

TEST_CASE("corrupt file with no new plan: it fades out before its audio runs out, the next joins, no cut") {
  Playlist p;
  const auto path = (p.dir / "out.wav").string();
  {
    audio::Renderer r(p.settings, p.cache, p.log, path);
    r.follow(plan_of(p.segments));
    r.render_until(Millis{28000});
    r.finish();
  }
  const auto failed = p.log.of(EngineEvent::Kind::FileFailed);
  REQUIRE(failed.size() == 1);
  const Samples out = ToneFile::read(path);
  const std::int64_t end = frame_at(failed[0].audio_until);
  const std::int64_t x = audio::ms_to_frames(p.settings.ramps.manual_crossfade, 48000);
  // Full level before the fade, nothing left at the end of the valid audio, then the next tone fades in.
  CHECK(goertzel(out, 0, end - x - 9600, 9600, 660.0) == doctest::Approx(0.3).epsilon(0.03));
  CHECK(rms(out, 0, end - 480, 480) < 0.3 * 0.02);
  CHECK(goertzel(out, 0, end + x + 4800, 9600, 880.0) == doctest::Approx(0.3).epsilon(0.03));
  // No sample jumps more than a full-level sine's slope: no cut anywhere.
  const double slope = 0.3 * 2 * std::numbers::pi * 880.0 / 48000.0;
  CHECK(max_step(out, 0, 48000, out.frames()) < slope * 1.05);
  const auto ended = p.log.of(EngineEvent::Kind::TrackEnded);
  REQUIRE(ended.size() >= 2);
  CHECK(ended[1].segment == 2);
  CHECK(ended[1].detail == "failed");
  CHECK(std::abs((ended[1].at - failed[0].audio_until).count()) <= 1);
}

// Loudness normalisation measured on the render with libebur128, the hard cap,
// and the loudness cache on disk.
#include "AudioTestKit.hpp"

#include "audio/Loudness.hpp"
#include "audio/LoudnessCache.hpp"
#include "audio/Renderer.hpp"
#include "audio/SoundFile.hpp"

#include <doctest/doctest.h>
#include <ebur128.h>
#include <fcntl.h>
#include <sys/stat.h>

#include <cmath>
#include <filesystem>

using namespace stillroom;
using namespace stillroom::test;

namespace {

struct Measured {
  double lufs = 0;
  double true_peak_db = 0;
};

/** Integrated loudness and true peak of out[first, last). */
Measured measure(const Samples& out, std::int64_t first, std::int64_t last) {
  ebur128_state* st = ebur128_init(static_cast<unsigned>(out.channels), static_cast<unsigned long>(out.rate),
                                   EBUR128_MODE_I | EBUR128_MODE_TRUE_PEAK);
  REQUIRE(st != nullptr);
  ebur128_add_frames_float(st, out.data.data() + first * out.channels, static_cast<std::size_t>(last - first));
  Measured m;
  ebur128_loudness_global(st, &m.lufs);
  double peak = 0;
  for (unsigned c = 0; c < static_cast<unsigned>(out.channels); ++c) {
    double p = 0;
    ebur128_true_peak(st, c, &p);
    peak = std::max(peak, p);
  }
  m.true_peak_db = 20 * std::log10(peak);
  ebur128_destroy(&st);
  return m;
}

/** Mostly quiet noise with a few full-scale clicks: loud peaks, low loudness. */
Samples clicks(int rate, std::int64_t frames) {
  Samples s = ToneFile::noise(rate, 2, frames, 0.003, 5);
  for (std::int64_t i = rate / 2; i < frames; i += rate) {
    for (int c = 0; c < 2; ++c) s.data[static_cast<std::size_t>(i * 2 + c)] = 0.99f;
  }
  return s;
}

}  // namespace

TEST_CASE("every track plays within 0.5 LU of the target, peaks stay under the ceiling, the cap holds") {
  TempDir dir("stillroom-loudness");
  const auto settings = test_settings(dir);
  audio::LoudnessCache cache(settings.loudness_cache);
  EventLog log;
  // Very different levels, formats, rates and channel counts.
  const std::vector<std::pair<std::string, Samples>> tracks = {
      {"loud.flac", ToneFile::noise(44100, 2, 44100 * 6, 0.6, 1)},
      {"quiet-sine.ogg", ToneFile::sine(48000, 1, 48000 * 6, 440.0, 0.03)},
      {"soft.mp3", ToneFile::noise(48000, 2, 48000 * 6, 0.02, 2)},
      {"mid.wav", ToneFile::sine(44100, 2, 44100 * 6, 1000.0, 0.2)},
      {"clicks.wav", clicks(48000, 48000 * 6)},
  };
  std::vector<plan::Segment> segments;
  Millis at{0};
  for (std::size_t i = 0; i < tracks.size(); ++i) {
    const auto path = (dir / tracks[i].first).string();
    ToneFile::write(path, tracks[i].second);
    // Half measured at preload, half measured by the decoder on a cache miss.
    if (i % 2 == 0) {
      std::string error;
      REQUIRE_MESSAGE(cache.measure(path, error), error);
    }
    std::string error;
    const auto info = audio::probe_sound_file(path, error);
    REQUIRE(info);
    auto seg = track(i + 1, path, at, at + info->duration());
    seg.natural_end = true;
    seg.joins = i == 0 ? 0 : i;
    at = seg.end;
    segments.push_back(seg);
  }
  auto render = [&](const plan::Plan& p, const std::string& name) {
    const auto path = (dir / name).string();
    audio::Renderer r(settings, cache, log, path);
    r.follow(p);
    r.render_until(at + Millis{500});
    r.finish();
    return ToneFile::read(path);
  };
  const Samples out = render(plan_of(segments), "out.wav");
  CHECK(cache.measurements() == 3);

  for (std::size_t i = 0; i < 4; ++i) {
    INFO(tracks[i].first);
    const std::int64_t first = frame_at(segments[i].start) + 24000;
    const std::int64_t last = frame_at(segments[i].end) - 24000;
    const Measured m = measure(out, first, last);
    CHECK(std::abs(m.lufs - settings.loudness_target_lufs) <= 0.5);
    CHECK(m.true_peak_db <= settings.true_peak_ceiling_dbtp + 0.2);
  }
  // The click track cannot reach the target without clipping: its peaks stop at the ceiling instead.
  const Measured c = measure(out, frame_at(segments[4].start) + 4800, frame_at(segments[4].end));
  CHECK(c.true_peak_db <= settings.true_peak_ceiling_dbtp + 0.2);
  CHECK(c.true_peak_db >= settings.true_peak_ceiling_dbtp - 0.5);
  CHECK(c.lufs < settings.loudness_target_lufs - 3.0);

  // Phase level -10 dB plays 10 LU down; a master volume of +12 dB with the cap at 0 plays at the cap.
  auto quieter = plan_of(segments);
  for (auto& seg : quieter.segments) seg.level_db = -10.0;
  auto too_loud = plan_of(segments);
  too_loud.master = {cue(Millis{0}, 12.0, Millis{0})};
  const Samples q = render(quieter, "quieter.wav");
  const Samples l = render(too_loud, "capped.wav");
  const std::int64_t first = frame_at(segments[0].start) + 24000;
  const std::int64_t last = frame_at(segments[0].end) - 24000;
  CHECK(measure(q, first, last).lufs == doctest::Approx(settings.loudness_target_lufs - 10.0).epsilon(0.02));
  CHECK(std::abs(measure(l, first, last).lufs - settings.loudness_target_lufs) <= 0.5);
  CHECK(cache.measurements() == 3);  // the misses were measured once and cached
}

TEST_CASE("normalisation gain: reach the target, never push the true peak above the ceiling") {
  using audio::Loudness;
  using audio::normalisation_gain_db;
  CHECK(normalisation_gain_db(Loudness{-30.0, -12.0}, -23.0, -1.0) == doctest::Approx(7.0));
  CHECK(normalisation_gain_db(Loudness{-14.0, -0.5}, -23.0, -1.0) == doctest::Approx(-9.0));
  CHECK(normalisation_gain_db(Loudness{-30.0, -3.0}, -23.0, -1.0) == doctest::Approx(2.0));  // ceiling wins
  CHECK(normalisation_gain_db(Loudness{-23.0, 0.5}, -23.0, -1.0) == doctest::Approx(-1.5));  // already over it
  CHECK(normalisation_gain_db(Loudness{-INFINITY, -INFINITY}, -23.0, -1.0) == 0.0);         // digital silence
  CHECK(normalisation_gain_db(Loudness{-40.0, -INFINITY}, -23.0, -1.0) == doctest::Approx(17.0));
}

TEST_CASE("loudness cache survives a new instance and is rebuilt when the file changes") {
  TempDir dir("stillroom-cache");
  const auto cache_dir = (dir / "cache").string();
  const auto path = (dir / "t.flac").string();
  ToneFile::write(path, ToneFile::noise(48000, 2, 48000 * 3, 0.1, 1));
  std::string error;
  double first_lufs = 0;
  {
    audio::LoudnessCache cache(cache_dir);
    CHECK_FALSE(cache.lookup(path).has_value());
    const auto l = cache.measure(path, error);
    REQUIRE_MESSAGE(l, error);
    first_lufs = l->integrated_lufs;
    CHECK(first_lufs > -30.0);
    CHECK(first_lufs < -15.0);
    CHECK(cache.measurements() == 1);
  }
  CHECK(std::filesystem::exists(cache_dir));
  std::size_t entries = 0;
  for (const auto& e : std::filesystem::directory_iterator(cache_dir)) {
    ++entries;
    CHECK(e.path().extension() == ".r128");  // no temp files left behind
  }
  CHECK(entries == 1);
  {
    audio::LoudnessCache cache(cache_dir);
    const auto l = cache.lookup(path);
    REQUIRE(l);
    CHECK(l->integrated_lufs == first_lufs);
    CHECK(cache.measure(path, error)->integrated_lufs == first_lufs);
    CHECK(cache.measurements() == 0);  // from disk, not measured
  }
  // New content (half the amplitude): a new identity, measured again.
  struct stat before {};
  REQUIRE(::stat(path.c_str(), &before) == 0);
  ToneFile::write(path, ToneFile::noise(48000, 2, 48000 * 3, 0.05, 2));
  {
    audio::LoudnessCache cache(cache_dir);
    CHECK_FALSE(cache.lookup(path).has_value());  // size or mtime changed: stale
    const auto l = cache.measure(path, error);
    REQUIRE(l);
    CHECK(l->integrated_lufs == doctest::Approx(first_lufs - 6.02).epsilon(0.01));
    CHECK(cache.measurements() == 1);
  }
  {
    // Touching the file (same content, new mtime) also invalidates.
    audio::LoudnessCache cache(cache_dir);
    REQUIRE(cache.lookup(path));
    const timespec times[2] = {{0, UTIME_OMIT}, {before.st_mtim.tv_sec + 100, 0}};
    REQUIRE(::utimensat(AT_FDCWD, path.c_str(), times, 0) == 0);
    CHECK_FALSE(cache.lookup(path).has_value());
  }
  // A file that is not audio is refused with a reason, and nothing is cached.
  {
    audio::LoudnessCache cache(cache_dir);
    dir.write("notes.flac", "not audio at all\n");
    CHECK_FALSE(cache.measure((dir / "notes.flac").string(), error));
    CHECK(error == "not an audio file libsndfile can read (text?)");
    CHECK_FALSE(cache.lookup((dir / "notes.flac").string()));
  }
}

// Helpers shared by the audio tests: plans written by hand, an event log, test
// settings, and measurements on rendered audio (level at a frame, Goertzel,
// RMS). Header-only; each test file is compiled into test_audio.
#pragma once

#include "audio/EngineEvent.hpp"
#include "audio/Loudness.hpp"
#include "audio/LoudnessCache.hpp"
#include "audio/SoundFile.hpp"
#include "audio/Frames.hpp"
#include "config/Room.hpp"
#include "playlists/Plan.hpp"
#include "support/TempDir.hpp"
#include "support/ToneFile.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <mutex>
#include <numbers>
#include <string>
#include <string_view>
#include <vector>

namespace stillroom::test {

using config::Millis;

/** Records every engine event (thread-safe); tests wait on it for the events they expect. */
class EventLog final : public audio::EngineListener {
 public:
  void on_engine_event(const audio::EngineEvent& event) override {
    {
      std::lock_guard lock(mutex_);
      events_.push_back(event);
    }
    arrived_.notify_all();
  }
  /** Waits until `count` events of `kind` have arrived; false after `timeout` without them. */
  bool wait_for(audio::EngineEvent::Kind kind, std::size_t count = 1,
                std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    std::unique_lock lock(mutex_);
    return arrived_.wait_for(lock, timeout, [&] {
      return static_cast<std::size_t>(std::count_if(events_.begin(), events_.end(),
                                                    [&](const audio::EngineEvent& e) { return e.kind == kind; })) >=
             count;
    });
  }
  [[nodiscard]] std::vector<audio::EngineEvent> events() const {
    std::lock_guard lock(mutex_);
    return events_;
  }
  [[nodiscard]] std::vector<audio::EngineEvent> of(audio::EngineEvent::Kind kind) const {
    std::vector<audio::EngineEvent> out;
    for (const auto& e : events()) {
      if (e.kind == kind) out.push_back(e);
    }
    return out;
  }

 private:
  mutable std::mutex mutex_;
  std::condition_variable arrived_;
  std::vector<audio::EngineEvent> events_;
};

/** 48 kHz stereo, loudness cache in `dir`. */
inline config::AudioSettings test_settings(const TempDir& dir) {
  config::AudioSettings s;
  s.sample_rate = 48000;
  s.channels = 2;
  s.loudness_cache = (dir / "loudness").string();
  s.output = "file";
  return s;
}

/**
 * A temporary directory with the settings, loudness cache and event log the
 * audio tests play from. Files written with file() have their loudness seeded
 * at the target, so normalisation is 0 dB and every file plays at its own level.
 */
struct AudioWorkspace {
  explicit AudioWorkspace(std::string_view prefix) : dir(prefix) {}

  TempDir dir;
  config::AudioSettings settings = test_settings(dir);
  audio::LoudnessCache cache{settings.loudness_cache};
  EventLog log;

  std::string file(const std::string& name, const Samples& samples, bool float_wav = false) {
    const auto path = dir / name;
    ToneFile::write(path, samples, float_wav);
    std::string error;
    REQUIRE(cache.store(path.string(), audio::Loudness{settings.loudness_target_lufs, -20.0}, error));
    return path.string();
  }

  Millis duration(const std::string& path) {
    std::string error;
    const auto info = audio::probe_sound_file(path, error);
    REQUIRE_MESSAGE(info, error);
    return info->duration();
  }
};

/** A track segment that plays `file` from `start` to `end` (dose ms) from source offset `offset`. */
inline plan::Segment track(std::uint64_t id, const std::string& file, Millis start, Millis end,
                           Millis offset = Millis{0}) {
  plan::Segment s;
  s.id = id;
  s.file = file;
  s.start = start;
  s.end = end;
  s.source_offset = offset;
  s.natural_end = false;
  return s;
}

inline plan::Fade fade(Millis at, Millis length, plan::FadeShape shape = plan::FadeShape::EqualPower) {
  return plan::Fade{at, length, shape};
}

inline plan::MasterCue cue(Millis at, double target_db, Millis ramp, bool talk = false) {
  plan::MasterCue c;
  c.at = at;
  c.volume_db = talk ? 0.0 : target_db;
  c.talk = talk;
  c.target_db = target_db;
  c.ramp = ramp;
  return c;
}

inline plan::Plan plan_of(std::vector<plan::Segment> segments, Millis start_at = Millis{0}) {
  plan::Plan p;
  p.start_at = start_at;
  p.segments = std::move(segments);
  p.master.push_back(cue(start_at, 0.0, Millis{0}));
  p.cap_db = 0.0;
  return p;
}

/** A stereo file holding `left` on the left channel and `right` on the right (DC levels), `frames` long. */
inline Samples dc(int rate, std::int64_t frames, float left, float right) {
  Samples s{rate, 2, {}};
  s.data.resize(static_cast<std::size_t>(frames * 2));
  for (std::int64_t i = 0; i < frames; ++i) {
    s.data[static_cast<std::size_t>(2 * i)] = left;
    s.data[static_cast<std::size_t>(2 * i + 1)] = right;
  }
  return s;
}

/** Frame of dose time t for a render anchored at `start_at`. */
inline std::int64_t frame_at(Millis t, Millis start_at = Millis{0}, int rate = 48000) {
  return audio::ms_to_frames(t, rate) - audio::ms_to_frames(start_at, rate);
}

/** Amplitude of frequency `hz` in channel `ch` over [first, first+count) (Goertzel, sine amplitude units). */
inline double goertzel(const Samples& s, int ch, std::int64_t first, std::int64_t count, double hz) {
  const double w = 2.0 * std::numbers::pi * hz / s.rate;
  const double k = 2.0 * std::cos(w);
  double s1 = 0;
  double s2 = 0;
  for (std::int64_t i = 0; i < count; ++i) {
    const double s0 = s.at(first + i, ch) + k * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  const double power = s1 * s1 + s2 * s2 - k * s1 * s2;
  return 2.0 * std::sqrt(std::max(0.0, power)) / static_cast<double>(count);
}

/** RMS of channel `ch` over [first, first+count). */
inline double rms(const Samples& s, int ch, std::int64_t first, std::int64_t count) {
  double sum = 0;
  for (std::int64_t i = 0; i < count; ++i) sum += static_cast<double>(s.at(first + i, ch)) * s.at(first + i, ch);
  return std::sqrt(sum / static_cast<double>(std::max<std::int64_t>(1, count)));
}

/**
 * Two tracks mastered 14 dB apart (1 kHz sines peaking at -22 and -8 dBFS, 2 s
 * each at 48 kHz), written without seeding the loudness cache: their loudness
 * is measured as preload would. `level` is the RMS both play at once
 * normalised (the same for both: normalisation removes the difference).
 */
struct MasteredApart {
  std::string quiet;
  std::string loud;
  double level = 0.0;
};

inline MasteredApart mastered_apart(AudioWorkspace& w) {
  MasteredApart m;
  const double amp_quiet = std::pow(10.0, -22.0 / 20);
  const double amp_loud = std::pow(10.0, -8.0 / 20);
  m.quiet = (w.dir / "quiet.wav").string();
  m.loud = (w.dir / "loud.wav").string();
  ToneFile::write(m.quiet, ToneFile::sine(48000, 2, 96000, 1000.0, amp_quiet), true);
  ToneFile::write(m.loud, ToneFile::sine(48000, 2, 96000, 1000.0, amp_loud), true);
  std::string error;
  const auto lq = w.cache.measure(m.quiet, error);
  const auto ll = w.cache.measure(m.loud, error);
  REQUIRE_MESSAGE(lq, error);
  REQUIRE_MESSAGE(ll, error);
  CHECK(ll->integrated_lufs - lq->integrated_lufs == doctest::Approx(14.0).epsilon(0.01));
  const double gq = std::pow(10.0, audio::normalisation_gain_db(*lq, w.settings.loudness_target_lufs,
                                                                w.settings.true_peak_ceiling_dbtp) / 20);
  const double gl = std::pow(10.0, audio::normalisation_gain_db(*ll, w.settings.loudness_target_lufs,
                                                                w.settings.true_peak_ceiling_dbtp) / 20);
  // Normalised, both sines have the same RMS (within the meter's precision).
  CHECK(gq * amp_quiet == doctest::Approx(gl * amp_loud).epsilon(0.01));
  m.level = std::max(gq * amp_quiet, gl * amp_loud) / std::sqrt(2.0);
  return m;
}

/**
 * Checks every 50 ms window of channel 0 in [first, last): none louder than
 * `level` + 1 dB, none quieter than `level` - 1 dB (the music never dips
 * either). Returns the loudest window in dB relative to `level`.
 */
inline double check_windows(const Samples& s, std::int64_t first, std::int64_t last, double level) {
  const std::int64_t window = s.rate / 20;
  double loudest = -1000;
  int checked = 0;
  for (std::int64_t w = first; w + window <= last; w += window / 2) {
    const double db = 20 * std::log10(std::max(1e-12, rms(s, 0, w, window)) / level);
    loudest = std::max(loudest, db);
    INFO("window at " << double(w) / s.rate << " s: " << db << " dB");
    CHECK(db < 1.0);
    CHECK(db > -1.0);
    ++checked;
  }
  CHECK(checked > 10);
  return loudest;
}

/** Largest |x[i+1] - x[i]| of channel `ch` over [first, last). */
inline double max_step(const Samples& s, int ch, std::int64_t first, std::int64_t last) {
  double m = 0;
  for (std::int64_t i = first + 1; i < last; ++i) m = std::max(m, std::abs(double(s.at(i, ch)) - s.at(i - 1, ch)));
  return m;
}

}  // namespace stillroom::test

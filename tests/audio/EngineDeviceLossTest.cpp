// The sound device vanishing and coming back while the engine plays: jackd's
// dummy server killed (SIGKILL) under PortAudio -> ALSA -> jack and started
// again. The engine reports DeviceLost, keeps the dose clock running, reports
// DeviceBack, and the music it plays afterwards sits where the dose clock says.
//
// Where the music is, is read from the sound itself: the track is a rising
// chirp (200 Hz + 25 Hz per second), so the frequency of the last 100 ms the
// ALSA tap captured gives the track position of that audio. Its offset from
// the engine's dose clock (the output latency, mostly) is measured before the
// outage and again after the device is back; they must agree.
#include "AudioTestKit.hpp"

#include "audio/Engine.hpp"
#include "audio/PortAudioSink.hpp"
#include "support/AlsaConfig.hpp"
#include "support/JackServer.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <cmath>
#include <fstream>
#include <numbers>
#include <thread>

using namespace stillroom;
using namespace stillroom::test;
using audio::EngineEvent;
using namespace std::chrono_literals;

namespace {

constexpr int kRate = 48000;
constexpr double kStartHz = 200.0;
constexpr double kHzPerSecond = 25.0;

/** A stereo chirp whose frequency at second t is kStartHz + kHzPerSecond * t. */
Samples chirp(double seconds) {
  Samples s{kRate, 2, {}};
  const auto frames = static_cast<std::int64_t>(seconds * kRate);
  s.data.resize(static_cast<std::size_t>(frames * 2));
  for (std::int64_t i = 0; i < frames; ++i) {
    const double t = static_cast<double>(i) / kRate;
    const auto v = static_cast<float>(0.3 * std::sin(2 * std::numbers::pi * (kStartHz * t + kHzPerSecond * t * t / 2)));
    s.data[static_cast<std::size_t>(2 * i)] = v;
    s.data[static_cast<std::size_t>(2 * i + 1)] = v;
  }
  return s;
}

/** Frequency of a clean tone in `x` from its interpolated rising zero crossings (0 when there are too few). */
double frequency(const std::vector<float>& x) {
  double first = -1;
  double last = -1;
  int crossings = 0;
  for (std::size_t i = 1; i < x.size(); ++i) {
    const double a = x[i - 1];
    const double b = x[i];
    if (a < 0 && b >= 0) {
      const double t = static_cast<double>(i - 1) + a / (a - b);
      if (first < 0) first = t;
      last = t;
      ++crossings;
    }
  }
  return crossings < 3 ? 0.0 : (crossings - 1) * static_cast<double>(kRate) / (last - first);
}

/**
 * One reading: the controller's dose clock (the steady clock since the plan was followed at dose 0)
 * and, at that moment, the track position of the newest captured audio.
 */
struct Reading {
  double dose_s = 0;
  double track_s = 0;
  [[nodiscard]] double offset_s() const { return track_s - dose_s; }
};

Reading read_position(std::chrono::steady_clock::time_point dose_zero, const std::filesystem::path& capture) {
  constexpr std::int64_t kWindow = kRate / 10;
  Reading r;
  r.dose_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - dose_zero).count();
  std::ifstream in(capture, std::ios::binary);
  in.seekg(0, std::ios::end);
  const std::int64_t frames = static_cast<std::int64_t>(in.tellg()) / 8;  // stereo float
  REQUIRE(frames > kWindow);
  std::vector<float> stereo(static_cast<std::size_t>(kWindow * 2));
  in.seekg((frames - kWindow) * 8);
  in.read(reinterpret_cast<char*>(stereo.data()), kWindow * 8);
  std::vector<float> left(static_cast<std::size_t>(kWindow));
  for (std::size_t i = 0; i < left.size(); ++i) left[i] = stereo[2 * i];
  const double hz = frequency(left);
  // The window's mean frequency is the chirp's at the window's middle, 50 ms before the newest frame.
  r.track_s = (hz - kStartHz) / kHzPerSecond + 0.05;
  return r;
}

/**
 * The offset when the tap is fullest: the largest of twelve readings 25 ms apart. A single reading
 * lands anywhere in the ALSA period the tap is written in; right after a period is written, the
 * newest captured frame is furthest ahead of what is heard, and that moment is the same before
 * and after the outage.
 */
double settled_offset(std::chrono::steady_clock::time_point dose_zero, const std::filesystem::path& capture) {
  double largest = -1e9;
  for (int i = 0; i < 12; ++i) {
    if (i > 0) std::this_thread::sleep_for(25ms);
    largest = std::max(largest, read_position(dose_zero, capture).offset_s());
  }
  return largest;
}

template <typename Predicate>
bool wait_until(Predicate done, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(10ms);
  }
  return true;
}

std::uintmax_t size_of(const std::filesystem::path& p) {
  std::error_code ignored;
  const auto size = std::filesystem::file_size(p, ignored);
  return ignored ? 0 : size;
}

}  // namespace

TEST_CASE("jackd killed and restarted while the engine plays: DeviceLost, DeviceBack, music resumes at the dose clock") {
  AudioWorkspace room("stillroom-devloss");
  JackServer jack;
  const auto capture = room.dir / "capture.raw";
  AlsaConfig alsa(room.dir.path(), AlsaConfig::Output::Jack, capture);
  const auto file = room.file("chirp.wav", chirp(40.0), true);
  auto segment = track(1, file, Millis{0}, Millis{40000});
  segment.natural_end = true;

  audio::Engine engine(room.settings, room.cache, room.log, std::make_unique<audio::PortAudioSink>("default"));
  engine.start();
  const auto followed = std::chrono::steady_clock::now();
  engine.follow(plan_of({segment}), Millis{0});

  // Playing: wait for two seconds of sound in the tap, then measure how the sound relates to the dose clock.
  REQUIRE(wait_until([&] { return size_of(capture) > 2u * kRate * 8; }, 15s));
  const double before = settled_offset(followed, capture);

  jack.crash();
  const auto crashed = std::chrono::steady_clock::now();
  REQUIRE(wait_until([&] { return !room.log.of(EngineEvent::Kind::DeviceLost).empty(); }, 10s));
  const auto lost = room.log.of(EngineEvent::Kind::DeviceLost);
  const double noticed_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - crashed).count();
  // The device stays away for a while; the dose clock must not stop meanwhile.
  const Millis dose_at_loss = engine.dose_now();
  CHECK(wait_until([&] { return engine.dose_now() - dose_at_loss >= Millis{1500}; }, 3s));
  jack.restart();
  const auto restarted = std::chrono::steady_clock::now();
  REQUIRE_MESSAGE(wait_until([&] { return !room.log.of(EngineEvent::Kind::DeviceBack).empty(); }, 20s),
                  "no DeviceBack: " << (lost.empty() ? "" : lost[0].detail));
  const double back_after_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - restarted).count();
  // A second of sound after the return, then the same measurement.
  const auto grown_from = size_of(capture);
  REQUIRE(wait_until([&] { return size_of(capture) > grown_from + kRate * 8; }, 10s));
  const double after = settled_offset(followed, capture);
  const Millis dose = engine.dose_now();
  const double wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - followed).count();
  engine.stop();

  MESSAGE("lost after " << noticed_s << " s (" << lost[0].detail << "), back " << back_after_s
                        << " s after the restart; sound minus dose clock: " << before * 1000 << " ms before, "
                        << after * 1000 << " ms after; dose clock " << static_cast<double>(dose.count()) / 1000.0 << " s after " << wall_s
                        << " s of wall time");
  CHECK(lost.size() == 1);
  CHECK(lost[0].detail.find("portaudio: default") == 0);
  CHECK(room.log.of(EngineEvent::Kind::DeviceBack).size() == 1);
  CHECK(engine.stats().device_losses == 1);
  // The dose clock kept the wall clock's pace through the outage (the engine re-anchors within a second).
  CHECK(std::abs(static_cast<double>(dose.count()) / 1000.0 - wall_s) < 1.0);
  // After the outage the music sits where the dose clock says, as it did before: the difference of the two
  // offsets is the error. The engine itself lets its audio clock wander up to 100 ms from the dose clock
  // before it re-anchors (checked once a second), and the tap is read in 25 ms steps: 150 ms. Music that
  // stood still while the device was away would be off by the whole outage (over 3.5 s here).
  CHECK(std::abs(after - before) < 0.150);
}

// The real-time engine through the real PortAudio -> ALSA path: jackd's dummy
// backend for real-time pace and real underflow flags, the ALSA file plugin as
// a byte-exact tap of what PortAudio played; and the null and file sinks.
#include "AllocationCount.hpp"
#include "AudioTestKit.hpp"

#include "audio/Engine.hpp"
#include "audio/FileSink.hpp"
#include "audio/LoudnessCache.hpp"
#include "audio/Mixer.hpp"
#include "audio/NullSink.hpp"
#include "audio/OutputDevice.hpp"
#include "audio/PortAudioSink.hpp"
#include "audio/Renderer.hpp"
#include "audio/SoundFile.hpp"
#include "support/AlsaConfig.hpp"
#include "support/Eventually.hpp"
#include "support/JackServer.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <cmath>
#include <numbers>
#include <thread>

using namespace stillroom;
using namespace stillroom::test;
using audio::EngineEvent;
using std::chrono::milliseconds;

namespace {

struct Room : AudioWorkspace {
  Room() : AudioWorkspace("stillroom-engine") {}
};

/** The capture without the silent frames the ALSA buffer starts with. */
Samples trimmed_capture(const std::filesystem::path& path) {
  Samples s = ToneFile::read_raw_float(path, 48000, 2);
  std::int64_t first = 0;
  while (first < s.frames() && s.at(first, 0) == 0.0f && s.at(first, 1) == 0.0f) ++first;
  s.data.erase(s.data.begin(), s.data.begin() + first * 2);
  return s;
}

/** Longest run of exactly silent frames in [first, last). */
std::int64_t longest_silence(const Samples& s, std::int64_t first, std::int64_t last) {
  std::int64_t run = 0;
  std::int64_t longest = 0;
  for (std::int64_t f = first; f < last; ++f) {
    run = s.at(f, 0) == 0.0f && s.at(f, 1) == 0.0f ? run + 1 : 0;
    longest = std::max(longest, run);
  }
  return longest;
}

}  // namespace

TEST_CASE("resampling through PortAudio and ALSA: a 44.1 kHz 1 kHz sine is a clean 1 kHz sine at 48 kHz") {
  Room room;
  JackServer jack;
  const auto capture = room.dir / "capture.raw";
  AlsaConfig alsa(room.dir.path(), AlsaConfig::Output::Jack, capture);
  // A float source, so what is measured is the resampler and the path, not 16-bit quantisation.
  const auto sine = room.file("sine.wav", ToneFile::sine(44100, 2, 44100 * 4, 1000.0, 0.5), true);
  auto seg = track(1, sine, Millis{0}, Millis{4000});
  seg.natural_end = true;
  {
    audio::Engine engine(room.settings, room.cache, room.log, std::make_unique<audio::PortAudioSink>("default"));
    engine.start();
    engine.follow(plan_of({seg}), Millis{0});
    REQUIRE(eventually([&] { return engine.dose_now() >= Millis{3000}; }, std::chrono::seconds(15)));
    engine.stop();
  }
  const Samples out = trimmed_capture(capture);
  REQUIRE(out.frames() > 48000 * 2);
  // One second from the middle of the capture.
  const std::int64_t first = 48000;
  const std::int64_t count = 48000;
  // Frequency from interpolated zero crossings.
  double first_cross = -1;
  double last_cross = -1;
  int crossings = 0;
  for (std::int64_t f = first + 1; f < first + count; ++f) {
    const double a = out.at(f - 1, 0);
    const double b = out.at(f, 0);
    if (a < 0 && b >= 0) {
      const double t = static_cast<double>(f - 1) + a / (a - b);
      if (first_cross < 0) first_cross = t;
      last_cross = t;
      ++crossings;
    }
  }
  REQUIRE(crossings > 900);
  const double hz = (crossings - 1) * 48000.0 / (last_cross - first_cross);
  CHECK(hz == doctest::Approx(1000.0).epsilon(1e-5));
  // THD+N: what is left after removing the best-fitting 1 kHz sine.
  double ss = 0, cc = 0, sc = 0, ys = 0, yc = 0, yy = 0;
  for (std::int64_t i = 0; i < count; ++i) {
    const double w = 2 * std::numbers::pi * 1000.0 * static_cast<double>(i) / 48000.0;
    const double s = std::sin(w), c = std::cos(w), y = out.at(first + i, 0);
    ss += s * s; cc += c * c; sc += s * c; ys += y * s; yc += y * c; yy += y * y;
  }
  const double det = ss * cc - sc * sc;
  const double a = (ys * cc - yc * sc) / det;
  const double b = (yc * ss - ys * sc) / det;
  double residual = 0;
  for (std::int64_t i = 0; i < count; ++i) {
    const double w = 2 * std::numbers::pi * 1000.0 * static_cast<double>(i) / 48000.0;
    const double e = out.at(first + i, 0) - a * std::sin(w) - b * std::cos(w);
    residual += e * e;
  }
  const double thdn_db = 10 * std::log10(residual / yy);
  MESSAGE("THD+N " << thdn_db << " dB, amplitude " << std::hypot(a, b));
  CHECK(std::hypot(a, b) == doctest::Approx(0.5).epsilon(0.001));
  CHECK(thdn_db < -100.0);
  CHECK(out.at(0, 0) == out.at(0, 1));  // stereo file: both channels carry it
}

TEST_CASE("live through PortAudio and ALSA: a join into a track mastered 14 dB louder has no burst") {
  Room room;
  JackServer jack;
  const auto capture = room.dir / "capture.raw";
  AlsaConfig alsa(room.dir.path(), AlsaConfig::Output::Jack, capture);
  const MasteredApart m = mastered_apart(room);
  std::vector<plan::Segment> segments;
  Millis at{0};
  std::uint64_t id = 1;
  for (const auto& file : {m.quiet, m.loud, m.quiet}) {
    auto seg = track(id, file, at, at + room.duration(file));
    seg.natural_end = true;
    seg.joins = id == 1 ? 0 : id - 1;
    at = seg.end;
    segments.push_back(seg);
    ++id;
  }
  {
    audio::Engine engine(room.settings, room.cache, room.log, std::make_unique<audio::PortAudioSink>("default"));
    engine.start();
    engine.follow(plan_of(segments), Millis{0});
    for (int i = 0; i < 400 && room.log.of(EngineEvent::Kind::TrackEnded).size() < 3; ++i) {
      std::this_thread::sleep_for(milliseconds(25));
    }
    engine.stop();
  }
  REQUIRE(room.log.of(EngineEvent::Kind::TrackEnded).size() == 3);
  CHECK(room.log.of(EngineEvent::Kind::Underrun).empty());
  const Samples out = trimmed_capture(capture);
  REQUIRE(out.frames() >= 6 * 48000);
  // What the room heard: from the end of the first 10 ms anti-click ramp to the end of the third track.
  const double loudest = check_windows(out, 480, 6 * 48000 - 480, m.level);
  MESSAGE("loudest 50 ms window heard: " << loudest << " dB against the normalised level");
}

TEST_CASE("60 s of real-time playback under jackd: zero underruns, no gaps, dose clock keeps time") {
  Room room;
  JackServer jack;
  const auto capture = room.dir / "capture.raw";
  AlsaConfig alsa(room.dir.path(), AlsaConfig::Output::Jack, capture);
  // Three tracks in three formats and two rates; a join and a crossfade.
  const auto a = room.file("a.flac", ToneFile::sine(44100, 2, 44100 * 25, 440.0, 0.3));
  const auto b = room.file("b.mp3", ToneFile::sine(48000, 2, 48000 * 20, 550.0, 0.3));
  const auto c = room.file("c.ogg", ToneFile::sine(44100, 1, 44100 * 30, 660.0, 0.3));
  auto sa = track(1, a, Millis{0}, room.duration(a));
  sa.natural_end = true;
  auto sb = track(2, b, sa.end, sa.end + room.duration(b));
  sb.natural_end = true;
  sb.joins = 1;
  const Millis xfade{3000};
  sb.natural_end = false;
  sb.end = sb.start + Millis{18000};
  sb.fade_outs = {fade(sb.end - xfade, xfade)};
  auto sc = track(3, c, sb.end - xfade, sb.end - xfade + room.duration(c));
  sc.fade_in = xfade;
  sc.natural_end = true;
  audio::EngineStats stats;
  std::chrono::steady_clock::duration took{};
  {
    audio::Engine engine(room.settings, room.cache, room.log, std::make_unique<audio::PortAudioSink>("default"));
    engine.start();
    const auto t0 = std::chrono::steady_clock::now();
    engine.follow(plan_of({sa, sb, sc}), Millis{0});
    REQUIRE(eventually([&] { return engine.dose_now() >= Millis{60000}; }, std::chrono::seconds(75), milliseconds(20)));
    took = std::chrono::steady_clock::now() - t0;
    stats = engine.stats();
    engine.stop();
  }
  CHECK(room.log.of(EngineEvent::Kind::Underrun).empty());
  CHECK(stats.underruns == 0);
  CHECK(stats.device_underflows == 0);
  CHECK(room.log.of(EngineEvent::Kind::DeviceLost).empty());
  // The engine's dose clock follows real time (loosely: this is a shared machine): 60 s of it took 59..62 s.
  CHECK(took > std::chrono::seconds(59));
  CHECK(took < std::chrono::seconds(62));
  // Where the tracks started on the dose clock. jackd's dummy backend keeps time with sleeps and falls behind
  // on a loaded machine; the engine then re-anchors to the steady clock, which moves these by that much.
  MESSAGE("dose-clock re-anchors: " << stats.resyncs);
  const auto started = room.log.of(EngineEvent::Kind::TrackStarted);
  REQUIRE(started.size() == 3);
  const Millis slack = stats.resyncs == 0 ? Millis{1} : Millis{1000};
  CHECK(std::chrono::abs(started[1].at - sa.end) <= slack);
  CHECK(std::chrono::abs(started[2].at - sc.start) <= slack);
  const Samples out = trimmed_capture(capture);
  CHECK(out.frames() > 48000 * 58);
  // Continuous music: never more than 2 ms of digital silence in a row (a sine crosses zero, it does not stay).
  CHECK(longest_silence(out, 4800, out.frames() - 48000) <= 2);
  // Each tone where the plan puts it.
  const auto at = [&](Millis t) { return audio::ms_to_frames(t, 48000); };
  CHECK(goertzel(out, 0, at(Millis{10000}), 4800, 440.0) > 0.2);
  CHECK(goertzel(out, 0, at(sa.end + Millis{5000}), 4800, 550.0) > 0.2);
  CHECK(goertzel(out, 0, at(sc.start + xfade + Millis{5000}), 4800, 660.0) > 0.2);
}

TEST_CASE("a stalled decoder: the output runs dry and an Underrun event says so") {
  Room room;
  room.settings.decode_ahead = Millis{2000};
  JackServer jack;
  const auto capture = room.dir / "capture.raw";
  AlsaConfig alsa(room.dir.path(), AlsaConfig::Output::Jack, capture);
  const auto a = room.file("a.flac", ToneFile::sine(48000, 2, 48000 * 12, 440.0, 0.3));
  auto sa = track(1, a, Millis{0}, Millis{12000});
  sa.natural_end = true;
  {
    audio::Engine engine(room.settings, room.cache, room.log, std::make_unique<audio::PortAudioSink>("default"));
    engine.start();
    engine.follow(plan_of({sa}), Millis{0});
    REQUIRE(eventually([&] { return engine.dose_now() >= Millis{1000}; }, std::chrono::seconds(10)));
    engine.stall_decoder_for_test(milliseconds(4000));  // longer than the 2.5 s each stream holds
    REQUIRE(room.log.wait_for(EngineEvent::Kind::Underrun));
    // Two seconds of music again after the stall ends (at about 5 s).
    REQUIRE(eventually([&] { return engine.dose_now() >= Millis{7000}; }, std::chrono::seconds(15)));
    engine.stop();
  }
  const auto underruns = room.log.of(EngineEvent::Kind::Underrun);
  REQUIRE_FALSE(underruns.empty());
  CHECK(underruns.front().count >= 1);
  CHECK(underruns.front().detail.find("ran dry") != std::string::npos);
  // Music before the stall, silence during it, music again after it.
  const Samples out = trimmed_capture(capture);
  CHECK(longest_silence(out, 0, out.frames()) > 48000 / 2);
  CHECK(goertzel(out, 0, out.frames() - 48000, 4800, 440.0) > 0.2);
}

TEST_CASE("a device that is missing is reported lost, retried with backoff, and reported back when it appears") {
  Room room;
  const auto later = room.dir / "later";
  AlsaConfig alsa(room.dir.path(), AlsaConfig::Output::Null, room.dir / "capture.raw",
                  AlsaConfig::fragile_device("stillroom_fragile", later / "out.raw"));
  const auto a = room.file("a.wav", ToneFile::sine(48000, 2, 48000 * 20, 440.0, 0.3));
  auto sa = track(1, a, Millis{0}, Millis{20000});
  sa.natural_end = true;
  audio::Engine engine(room.settings, room.cache, room.log,
                       std::make_unique<audio::PortAudioSink>("STILLROOM_FRAGILE"));
  engine.start();
  engine.follow(plan_of({sa}), Millis{0});
  REQUIRE(room.log.wait_for(EngineEvent::Kind::DeviceLost, 1, milliseconds(2000)));
  const auto lost = room.log.of(EngineEvent::Kind::DeviceLost);
  REQUIRE(lost.size() == 1);
  INFO(lost[0].detail);
  // ALSA opens the pcm but its first write fails: the stream stops.
  CHECK(lost[0].detail == "portaudio: STILLROOM_FRAGILE: the output stream stopped (device gone?)");
  // The timeline keeps going without a device.
  CHECK(eventually([&] { return engine.dose_now() > Millis{300}; }, std::chrono::seconds(5)));
  std::filesystem::create_directories(later);
  REQUIRE(room.log.wait_for(EngineEvent::Kind::DeviceBack, 1, milliseconds(16000)));
  CHECK(room.log.of(EngineEvent::Kind::DeviceBack).size() == 1);
  // Retries that failed while it was missing (all before DeviceBack) were not reported as new losses.
  CHECK(room.log.of(EngineEvent::Kind::DeviceLost).size() == 1);
  CHECK(room.log.of(EngineEvent::Kind::DeviceBack)[0].detail == "portaudio: STILLROOM_FRAGILE");
  engine.stop();
  CHECK(std::filesystem::file_size(later / "out.raw") > 0);
  CHECK(engine.stats().device_losses == 1);
}

TEST_CASE("output devices are listed with their host API, channels and rates") {
  TempDir dir("stillroom-devices");
  // Behind jackd: ALSA's null plugin would offer gigabyte buffers to every format probe.
  JackServer jack;
  AlsaConfig alsa(dir.path(), AlsaConfig::Output::Jack, dir / "capture.raw");
  std::string error;
  const auto devices = audio::list_output_devices(error);
  CHECK(error.empty());
  const auto it = std::find_if(devices.begin(), devices.end(), [](const auto& d) { return d.name == "default"; });
  REQUIRE(it != devices.end());
  CHECK(it->is_default);
  CHECK(it->host_api == "ALSA");
  CHECK(it->max_channels >= 2);
  CHECK(std::find(it->rates.begin(), it->rates.end(), 48000) != it->rates.end());
  CHECK(it->default_high_latency_ms > 0);
}

TEST_CASE("the real-time engine with a file sink plays exactly what the offline renderer renders") {
  Room room;
  const auto a = room.file("a.wav", ToneFile::noise(48000, 2, 48000 * 2 + 17, 0.3, 1));
  const auto b = room.file("b.flac", ToneFile::sine(44100, 1, 44100, 330.0, 0.4));
  auto sa = track(1, a, Millis{500}, Millis{500} + room.duration(a));
  sa.natural_end = true;
  sa.fade_in = Millis{300};
  auto sb = track(2, b, sa.end, sa.end + room.duration(b));
  sb.natural_end = true;
  sb.joins = 1;
  auto p = plan_of({sa, sb});
  p.master.push_back(cue(Millis{1500}, -6.0, Millis{400}, true));
  const auto live = (room.dir / "live.wav").string();
  {
    audio::Engine engine(room.settings, room.cache, room.log, std::make_unique<audio::FileSink>(live));
    engine.start();
    engine.follow(p, Millis{0});
    REQUIRE(room.log.wait_for(EngineEvent::Kind::TrackEnded, 2));
    REQUIRE(eventually([&] { return engine.dose_now() >= Millis{4200}; }, std::chrono::seconds(10)));
    engine.stop();
  }
  const auto rendered = (room.dir / "render.wav").string();
  EventLog render_log;
  {
    audio::Renderer r(room.settings, room.cache, render_log, rendered);
    r.follow(p);
    r.render_until(Millis{4000});
    r.finish();
  }
  const Samples x = ToneFile::read(live);
  const Samples y = ToneFile::read(rendered);
  // The live file begins with the engine's silent lead-in; find where dose 0 lies in it from the first sound.
  std::int64_t lx = 0;
  while (lx < x.frames() && x.at(lx, 0) == 0.0f) ++lx;
  std::int64_t ly = 0;
  while (ly < y.frames() && y.at(ly, 0) == 0.0f) ++ly;
  REQUIRE(ly == frame_at(Millis{500}) + 1);  // first frame of a fade-in is 0
  // The live anchor is wherever the controller's "now" fell; only the content must match.
  const std::int64_t shift = lx - ly;
  REQUIRE(ly + shift >= 0);
  std::int64_t compared = 0;
  double worst = 0;
  for (std::int64_t f = ly; f < y.frames() && f + shift < x.frames(); ++f, ++compared) {
    worst = std::max(worst, double(std::abs(x.at(f + shift, 0) - y.at(f, 0))));
  }
  CHECK(compared > 48000 * 3);
  CHECK(worst == 0.0);
  CHECK(room.log.of(EngineEvent::Kind::TrackStarted).size() == 2);
  CHECK(room.log.of(EngineEvent::Kind::TrackEnded).size() == 2);
}

TEST_CASE("the null sink keeps real-time pace and the dose clock follows the controller's anchor") {
  Room room;
  const auto a = room.file("a.wav", ToneFile::sine(48000, 2, 48000 * 10, 440.0, 0.3));
  auto sa = track(1, a, Millis{-5000}, Millis{5000});  // began 5 s before the engine hears of it
  sa.natural_end = true;
  audio::Engine engine(room.settings, room.cache, room.log, std::make_unique<audio::NullSink>());
  engine.start();
  const auto t0 = std::chrono::steady_clock::now();
  engine.follow(plan_of({sa}, Millis{-5000}), Millis{0});
  REQUIRE(eventually([&] { return engine.dose_now() >= Millis{1500}; }, std::chrono::seconds(10)));
  // Real-time pace: 1.5 s of the dose clock took about 1.5 s (a null device would take none).
  const auto took = std::chrono::steady_clock::now() - t0;
  CHECK(took > milliseconds(1000));
  CHECK(took < milliseconds(2500));
  // Re-anchoring: the controller says it is 30 s into the session.
  engine.follow(plan_of({sa}, Millis{-5000}), Millis{30000});
  REQUIRE(eventually([&] { return engine.dose_now() > Millis{30000}; }, std::chrono::seconds(5)));
  CHECK(engine.dose_now() < Millis{31500});
  engine.stop();
  const auto started = room.log.of(EngineEvent::Kind::TrackStarted);
  REQUIRE(started.size() == 1);
  CHECK(started[0].at >= Millis{0});
  CHECK(started[0].at < Millis{1000});  // the first block, however slow the build
  CHECK(engine.stats().underruns == 0);
}

namespace {

/** Voluntary and involuntary context switches of this process's engine threads (named sr-...). */
std::uint64_t engine_wakeups() {
  std::uint64_t total = 0;
  for (const auto& task : std::filesystem::directory_iterator("/proc/self/task")) {
    std::ifstream comm(task.path() / "comm");
    std::string name;
    std::getline(comm, name);
    if (name.rfind("sr-", 0) != 0) continue;
    std::ifstream status(task.path() / "status");
    std::string line;
    while (std::getline(status, line)) {
      if (line.find("ctxt_switches:") != std::string::npos) total += std::stoull(line.substr(line.find(':') + 1));
    }
  }
  return total;
}

}  // namespace

TEST_CASE("idle: with nothing to play the output pauses and no engine thread wakes, and the dose clock runs on") {
  Room room;
  const auto a = room.file("a.wav", ToneFile::sine(48000, 2, 48000 * 2, 440.0, 0.3));
  auto sa = track(1, a, Millis{0}, Millis{2000});
  sa.natural_end = true;
  audio::Engine engine(room.settings, room.cache, room.log, std::make_unique<audio::NullSink>());
  engine.start();
  engine.follow(plan_of({sa}), Millis{0});
  // It plays, then falls idle once the track has been heard.
  for (int i = 0; i < 200 && !(room.log.of(EngineEvent::Kind::TrackEnded).size() == 1 && engine.stats().idle); ++i) {
    std::this_thread::sleep_for(milliseconds(50));
  }
  REQUIRE(room.log.of(EngineEvent::Kind::TrackEnded).size() == 1);
  REQUIRE(engine.stats().idle);
  const std::uint64_t played = engine.stats().frames_played;
  const Millis then = engine.dose_now();
  const std::uint64_t before = engine_wakeups();
  // The positive signal: the dose clock has moved on 3 s (it follows the steady clock while idle).
  for (int i = 0; i < 200 && engine.dose_now() - then < Millis{3000}; ++i) std::this_thread::sleep_for(milliseconds(50));
  REQUIRE(engine.dose_now() - then >= Millis{3000});
  CHECK(engine_wakeups() == before);            // not one wake-up of the player, decoder or output thread
  CHECK(engine.stats().frames_played == played);  // nothing mixed or drained
  const Millis now = engine.dose_now();
  CHECK(now - then >= Millis{2900});             // the dose clock follows the steady clock meanwhile
  CHECK(now - then <= Millis{3300});
  // A new plan wakes it: a track due now plays at once. (The track starts in the mix a moment before the
  // engine opens the output and leaves idle: wait for both.)
  auto sb = track(2, a, now, now + Millis{2000});
  sb.natural_end = true;
  engine.follow(plan_of({sa, sb}), now);
  for (int i = 0; i < 100 && (room.log.of(EngineEvent::Kind::TrackStarted).size() < 2 || engine.stats().idle); ++i) {
    std::this_thread::sleep_for(milliseconds(20));
  }
  const auto started = room.log.of(EngineEvent::Kind::TrackStarted);
  REQUIRE(started.size() == 2);
  CHECK(std::chrono::abs(started[1].at - now) < Millis{1000});
  CHECK_FALSE(engine.stats().idle);
  engine.stop();
  CHECK(engine.stats().underruns == 0);
}

TEST_CASE("idle until the next segment: the engine wakes in time for it") {
  Room room;
  const auto a = room.file("a.wav", ToneFile::sine(48000, 2, 48000, 440.0, 0.3));
  auto sa = track(1, a, Millis{0}, Millis{1000});
  sa.natural_end = true;
  auto sb = track(2, a, Millis{9000}, Millis{10000});  // 8 s of planned silence between them
  sb.natural_end = true;
  audio::Engine engine(room.settings, room.cache, room.log, std::make_unique<audio::NullSink>());
  engine.start();
  engine.follow(plan_of({sa, sb}), Millis{0});
  bool was_idle = false;
  for (int i = 0; i < 300 && room.log.of(EngineEvent::Kind::TrackStarted).size() < 2; ++i) {
    was_idle |= engine.stats().idle;
    std::this_thread::sleep_for(milliseconds(50));
  }
  CHECK(was_idle);
  const auto started = room.log.of(EngineEvent::Kind::TrackStarted);
  REQUIRE(started.size() == 2);
  CHECK(std::chrono::abs(started[1].at - Millis{9000}) <= Millis{1});  // on the frame the plan says
  engine.stop();
  CHECK(engine.stats().underruns == 0);
}

TEST_CASE("steady playback: the player thread allocates nothing") {
  Room room;
  const auto a = room.file("a.flac", ToneFile::sine(44100, 2, 44100 * 40, 440.0, 0.3));
  auto sa = track(1, a, Millis{0}, room.duration(a));
  sa.natural_end = true;
  auto p = plan_of({sa});
  p.master.push_back(cue(Millis{3000}, -6.0, Millis{2000}));  // a master ramp in the first window, too
  audio::Engine engine(room.settings, room.cache, room.log, std::make_unique<audio::NullSink>());
  engine.start();
  engine.follow(p, Millis{0});
  for (int i = 0; i < 100 && room.log.of(EngineEvent::Kind::TrackStarted).empty(); ++i) {
    std::this_thread::sleep_for(milliseconds(20));
  }
  REQUIRE(room.log.of(EngineEvent::Kind::TrackStarted).size() == 1);
  const auto wait_for_dose = [&](Millis at) {
    REQUIRE(eventually([&] { return engine.dose_now() >= at; }, std::chrono::seconds(30), milliseconds(20)));
  };
  // Past the start (the voice, its stream and the event were made then): from here on it only mixes. An
  // underrun is not steady playback: reporting one (and the re-anchoring after it) makes an event, and
  // events allocate. A machine starved by other work (CI builds beside these tests) can make the decoder
  // late, so each window that saw an underrun or a re-anchoring is set aside and the next one tried; a
  // window opens a second after its counters are read, so a report of an earlier underrun falls before it.
  int steady_windows = 0;
  Millis at{500};
  for (int window = 0; window < 6 && steady_windows == 0; ++window) {
    const auto counted = engine.stats();
    wait_for_dose(at += Millis{1000});
    const std::uint64_t before = test::player_thread_allocations();
    CHECK(before > 0);  // the counter does see the player thread (it allocated while starting the track)
    wait_for_dose(at += Millis{5000});
    const std::uint64_t after = test::player_thread_allocations();
    const auto now = engine.stats();
    if (now.underruns != counted.underruns || now.resyncs != counted.resyncs) {
      MESSAGE("window " << window << " set aside: " << now.underruns - counted.underruns << " underrun(s), "
                        << now.resyncs - counted.resyncs << " re-anchoring(s)");
      continue;
    }
    ++steady_windows;
    MESSAGE("player-thread allocations over 5 s of steady playback: " << after - before);
    CHECK(after == before);
  }
  CHECK(steady_windows == 1);
  engine.stop();
}

TEST_CASE("sample_rate auto: a 44.1 kHz library plays at 44.1 kHz through PortAudio, bit for bit") {
  Room room;
  room.settings.sample_rate_auto = true;  // falls back to 48000
  JackServer jack(44100, 1024);
  const auto capture = room.dir / "capture.raw";
  AlsaConfig alsa(room.dir.path(), AlsaConfig::Output::Jack, capture);
  const auto a = room.file("a.wav", ToneFile::noise(44100, 2, 44100 * 3, 0.3, 11), true);
  const auto b = room.file("b.flac", ToneFile::sine(44100, 2, 44100 * 2, 440.0, 0.3));
  auto sa = track(1, a, Millis{0}, room.duration(a));
  sa.natural_end = true;
  auto sb = track(2, b, sa.end, sa.end + room.duration(b));
  sb.natural_end = true;
  sb.joins = 1;
  audio::EngineStats stats;
  {
    audio::Engine engine(room.settings, room.cache, room.log, std::make_unique<audio::PortAudioSink>("default"));
    engine.start();
    engine.follow(plan_of({sa, sb}), Millis{0});
    for (int i = 0; i < 400 && room.log.of(EngineEvent::Kind::TrackEnded).size() < 2; ++i) {
      std::this_thread::sleep_for(milliseconds(25));
    }
    stats = engine.stats();
    engine.stop();
  }
  CHECK(stats.sample_rate == 44100);
  REQUIRE(room.log.of(EngineEvent::Kind::TrackEnded).size() == 2);
  CHECK(room.log.of(EngineEvent::Kind::Underrun).empty());
  // What PortAudio wrote is the decoded sources themselves: no resampler touched them.
  Samples out = ToneFile::read_raw_float(capture, 44100, 2);
  std::int64_t first = 0;
  while (first < out.frames() && out.at(first, 0) == 0.0f && out.at(first, 1) == 0.0f) ++first;
  Samples expected{44100, 2, {}};
  ToneFile::append(expected, ToneFile::read(a));
  ToneFile::append(expected, ToneFile::read(b));
  REQUIRE(out.frames() - first >= expected.frames());
  // Past the 10 ms anti-click ramp of a start without a fade-in, at gain 1 exactly (normalisation is 0 dB).
  const std::int64_t ramp = audio::ms_to_frames(Millis{audio::Mixer::kMinRampMs}, 44100);
  double worst = 0;
  for (std::int64_t f = ramp; f < expected.frames(); ++f) {
    for (int ch = 0; ch < 2; ++ch) {
      worst = std::max(worst, double(std::abs(out.at(first + f, ch) - expected.at(f, ch))));
    }
  }
  CHECK(worst == 0.0);
}

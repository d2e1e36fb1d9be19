// Audio engine harness, in the spirit of MPD's test/run_output: one stage of
// the engine on a real file, no sound card.
//
//   stillroom_audio_bench play FILE --seconds N [--cache DIR] [--crossfade-every S]
//                              [--rate HZ] [--latency MS] [--output null|portaudio]
//       Real-time playback through the whole engine (decoder thread, player
//       thread, output at --rate (48000: the file is resampled with soxr HQ;
//       the file's own rate: no resampling), loudness gain, a crossfade every
//       S seconds into another part of the file) to the null sink or through
//       PortAudio to ALSA's default device. Prints "ready pid=..." once playing;
//       the caller measures the process.
//   stillroom_audio_bench floor FILE --seconds N [--rate HZ]
//       The decode floor: FILE decoded with sf_readf_float (and, with --rate,
//       resampled with soxr HQ as the engine does) in a loop, paced to real
//       time in one-second bursts, for N seconds. Prints "ready pid=...".
//   stillroom_audio_bench render FILE --minutes M --out PATH [--cache DIR]
//       Renders an M-minute session (phases with crossfades at their
//       boundaries, gapless joins inside them) as fast as possible, then renders
//       the same plan with marker files and checks every phase boundary lands
//       on frame(t) exactly. Prints key=value lines.
#include "audio/Engine.hpp"
#include "audio/Frames.hpp"
#include "audio/LoudnessCache.hpp"
#include "audio/NullSink.hpp"
#include "audio/PortAudioSink.hpp"
#include "audio/Resampler.hpp"
#include "audio/Renderer.hpp"
#include "audio/SoundFile.hpp"

#include <sndfile.h>
#include <unistd.h>

#include <chrono>
#include <ctime>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <optional>
#include <string>
#include <thread>
#include <vector>

using namespace stillroom;
using config::Millis;

namespace {

class Quiet final : public audio::EngineListener {
 public:
  void on_engine_event(const audio::EngineEvent& e) override {
    if (e.kind == audio::EngineEvent::Kind::Underrun || e.kind == audio::EngineEvent::Kind::FileFailed) {
      ++problems;
    }
  }
  int problems = 0;
};

/** CPU time of this process (all threads), seconds. */
double cpu_seconds() {
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
}

[[noreturn]] void usage() {
  std::cerr << "usage: stillroom_audio_bench play FILE --seconds N [--cache DIR] [--crossfade-every S] [--rate HZ]\n"
               "                              [--latency MS] [--output null|portaudio]\n"
               "       stillroom_audio_bench floor FILE --seconds N [--rate HZ]\n"
               "       stillroom_audio_bench render FILE --minutes M --out PATH [--cache DIR]\n";
  std::exit(2);
}

plan::Segment segment(std::uint64_t id, const std::string& file, Millis start, Millis end, Millis offset) {
  plan::Segment s;
  s.id = id;
  s.file = file;
  s.start = start;
  s.end = end;
  s.source_offset = offset;
  return s;
}

plan::Plan base_plan() {
  plan::Plan p;
  plan::MasterCue cue;
  cue.target_db = 0.0;
  p.master.push_back(cue);
  return p;
}

/** A crossfade every `every` into another part of the file, for `total`. */
plan::Plan crossfading_plan(const std::string& file, Millis duration, Millis every, Millis total) {
  plan::Plan p = base_plan();
  const Millis xfade{4000};
  std::uint64_t id = 1;
  for (Millis at{0}; at < total; at += every, ++id) {
    const Millis span = every + xfade;
    const Millis room = duration - span - Millis{1000};
    const Millis offset{(static_cast<long long>(id) * 97'000) % std::max<long long>(1, room.count())};
    auto s = segment(id, file, at, at + span, offset);
    if (at > Millis{0}) s.fade_in = xfade;
    s.fade_outs = {plan::Fade{at + every, xfade, plan::FadeShape::EqualPower}};
    p.segments.push_back(s);
  }
  return p;
}

/**
 * A session of `total`: phases of 20 minutes, each opening with an 8 s
 * crossfade exactly at its boundary and filled with gapless joins of the file
 * (from the start, then whole), the way a playlist plan looks.
 */
plan::Plan session_plan(const std::string& file, Millis duration, Millis total, std::vector<Millis>& boundaries) {
  plan::Plan p = base_plan();
  const Millis phase{20 * 60 * 1000};
  const Millis xfade{8000};
  std::uint64_t id = 1;
  for (Millis start{0}; start < total; start += phase) {
    const Millis end = std::min(total, start + phase);
    boundaries.push_back(start);
    Millis at = start;
    std::uint64_t prev = 0;
    Millis offset{static_cast<long long>(id) * 13'000 % 60'000};
    while (at < end) {
      const Millis left = duration - offset;
      const bool last = at + left >= end;
      auto s = segment(id, file, at, last ? end + xfade : at + left, offset);
      s.joins = prev;
      s.natural_end = !last;
      if (prev == 0 && start > Millis{0}) s.fade_in = xfade;
      if (last) s.fade_outs = {plan::Fade{end, xfade, plan::FadeShape::EqualPower}};
      p.segments.push_back(s);
      prev = id++;
      at = s.end;
      offset = Millis{0};
      if (last) break;
    }
  }
  p.session_end = total;
  return p;
}

/** The file's length once its loudness is in the cache; nothing (said on stderr) when it cannot be read. */
std::optional<Millis> measured_length(const std::string& file, audio::LoudnessCache& cache) {
  std::string error;
  const auto info = audio::probe_sound_file(file, error);
  if (!info || !cache.measure(file, error)) {
    std::cerr << file << ": " << error << "\n";
    return std::nullopt;
  }
  return info->duration();
}

struct PlayOptions {
  int seconds = 180;
  std::string cache_dir = "/tmp/stillroom-bench-loudness";
  int every_s = 150;
  int rate = 48000;
  int latency_ms = 0;
  std::string output = "null";
};

int play(const std::string& file, const PlayOptions& o) {
  config::AudioSettings settings;
  settings.loudness_cache = o.cache_dir;
  settings.sample_rate = o.rate;
  if (o.latency_ms > 0) settings.latency = Millis{o.latency_ms};
  audio::LoudnessCache cache(o.cache_dir);
  const auto length = measured_length(file, cache);
  if (!length) return 1;
  Quiet listener;
  std::unique_ptr<audio::Sink> sink;
  if (o.output == "portaudio") {
    sink = std::make_unique<audio::PortAudioSink>("default");
  } else {
    sink = std::make_unique<audio::NullSink>();
  }
  const int seconds = o.seconds;
  const int every_s = o.every_s;
  audio::Engine engine(settings, cache, listener, std::move(sink));
  engine.start();
  engine.follow(crossfading_plan(file, *length, Millis{every_s * 1000LL}, Millis{(seconds + 60) * 1000LL}),
                Millis{0});
  std::cout << "ready pid=" << ::getpid() << std::endl;
  std::this_thread::sleep_for(std::chrono::seconds(seconds));
  const auto stats = engine.stats();
  engine.stop();
  std::cout << "played_s=" << stats.frames_played / static_cast<std::uint64_t>(settings.sample_rate) << "\n"
            << "underruns=" << stats.underruns + stats.device_underflows << "\n"
            << "problems=" << listener.problems << "\n";
  return 0;
}

/** Decodes (and resamples when `rate` differs from the file's) in one-second bursts at real-time pace. */
int floor_run(const std::string& file, int seconds, int rate) {
  SF_INFO info{};
  SNDFILE* f = sf_open(file.c_str(), SFM_READ, &info);
  if (f == nullptr) {
    std::cerr << file << ": " << sf_strerror(nullptr) << "\n";
    return 1;
  }
  std::unique_ptr<audio::Resampler> resampler;
  if (rate > 0 && rate != info.samplerate) resampler = std::make_unique<audio::Resampler>(info.samplerate, rate, info.channels);
  const auto per_second = static_cast<std::size_t>(info.samplerate);
  std::vector<float> in(per_second * static_cast<std::size_t>(info.channels));
  std::vector<float> out((per_second * 2 + 1024) * static_cast<std::size_t>(info.channels));
  std::cout << "ready pid=" << ::getpid() << std::endl;
  const auto t0 = std::chrono::steady_clock::now();
  for (int s = 0; s < seconds; ++s) {
    sf_count_t n = sf_readf_float(f, in.data(), static_cast<sf_count_t>(per_second));
    if (n < static_cast<sf_count_t>(per_second)) {
      sf_seek(f, 0, SEEK_SET);
      n = sf_readf_float(f, in.data(), static_cast<sf_count_t>(per_second));
    }
    if (resampler) {
      std::size_t fed = 0;
      while (fed < static_cast<std::size_t>(n)) {
        std::size_t used = 0;
        resampler->process(in.data() + fed * static_cast<std::size_t>(info.channels), static_cast<std::size_t>(n) - fed,
                           used, out.data(), out.size() / static_cast<std::size_t>(info.channels));
        fed += used;
        if (used == 0) break;
      }
    }
    std::this_thread::sleep_until(t0 + std::chrono::seconds(s + 1));
  }
  sf_close(f);
  return 0;
}

/** A 48 kHz stereo marker file: `left` on the left channel, `right` on the right. */
void write_marker(const std::string& path, std::int64_t frames, float left, float right) {
  SF_INFO info{};
  info.samplerate = 48000;
  info.channels = 2;
  info.format = SF_FORMAT_WAV | SF_FORMAT_PCM_16;
  SNDFILE* f = sf_open(path.c_str(), SFM_WRITE, &info);
  std::vector<float> block(2 * 48000);
  for (std::size_t i = 0; i < block.size(); i += 2) {
    block[i] = left;
    block[i + 1] = right;
  }
  for (std::int64_t done = 0; done < frames; done += 48000) sf_writef_float(f, block.data(), std::min<std::int64_t>(48000, frames - done));
  sf_close(f);
}

int render(const std::string& file, int minutes, const std::string& out, const std::string& cache_dir) {
  config::AudioSettings settings;
  settings.loudness_cache = cache_dir;
  audio::LoudnessCache cache(cache_dir);
  const auto length = measured_length(file, cache);
  if (!length) return 1;
  const Millis total{minutes * 60'000LL};
  std::vector<Millis> boundaries;
  const plan::Plan p = session_plan(file, *length, total, boundaries);
  Quiet listener;
  const auto t0 = std::chrono::steady_clock::now();
  const double cpu0 = cpu_seconds();
  {
    audio::Renderer r(settings, cache, listener, out);
    r.follow(p);
    r.render_until(total);
    r.finish();
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const double cpu = cpu_seconds() - cpu0;
  std::cout << "segments=" << p.segments.size() << "\n"
            << "rendered_min=" << minutes << "\n"
            << "render_s=" << seconds << "\n"
            << "speed_x=" << static_cast<double>(total.count()) / 1000.0 / seconds << "\n"
            << "render_cpu_s=" << cpu << "\n"
            << "speed_cpu_x=" << static_cast<double>(total.count()) / 1000.0 / cpu << "\n"
            << "out_bytes=" << std::filesystem::file_size(out) << "\n"
            << "problems=" << listener.problems << "\n";

  // The same plan with marker files: even phases on the left channel, odd on the right.
  const auto dir = std::filesystem::path(out).parent_path();
  const auto left = (dir / "marker-left.wav").string();
  const auto right = (dir / "marker-right.wav").string();
  const std::int64_t frames = audio::ms_to_frames(*length, 48000);
  write_marker(left, frames, 0.5f, 0.0f);
  write_marker(right, frames, 0.0f, 0.5f);
  std::string error;
  for (const auto& f : {left, right}) {
    (void)cache.store(f, audio::Loudness{settings.loudness_target_lufs, -10.0}, error);
  }
  plan::Plan marked = p;
  for (auto& s : marked.segments) {
    const auto phase = static_cast<std::size_t>(s.start.count() / (20 * 60 * 1000));
    s.file = phase % 2 == 0 ? left : right;
  }
  const auto marked_out = (dir / "marked.wav").string();
  {
    audio::Renderer r(settings, cache, listener, marked_out);
    r.follow(marked);
    r.render_until(total);
    r.finish();
  }
  SF_INFO mi{};
  SNDFILE* m = sf_open(marked_out.c_str(), SFM_READ, &mi);
  int checked = 0;
  int exact = 0;
  const std::int64_t xfade = audio::ms_to_frames(Millis{8000}, 48000);
  for (std::size_t i = 1; i < boundaries.size(); ++i) {
    const std::int64_t b = audio::ms_to_frames(boundaries[i], 48000);
    const int in = static_cast<int>(i % 2);  // channel of the incoming phase
    float fr[4];
    auto at = [&](std::int64_t f, int ch) {
      sf_seek(m, f, SEEK_SET);
      sf_readf_float(m, fr, 1);
      return fr[ch];
    };
    // Incoming: silent on frame(t), sounding one frame later; outgoing: gone exactly one crossfade later.
    const bool ok = at(b - 1, in) == 0.0f && at(b, in) == 0.0f && at(b + 1, in) > 0.0f &&
                    at(b + xfade - 1, 1 - in) > 0.0f && at(b + xfade, 1 - in) == 0.0f;
    ++checked;
    exact += ok ? 1 : 0;
  }
  sf_close(m);
  std::filesystem::remove(marked_out);
  std::filesystem::remove(left);
  std::filesystem::remove(right);
  std::cout << "boundaries_checked=" << checked << "\n"
            << "boundaries_exact=" << exact << "\n";
  return exact == checked ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) usage();
  const std::string mode = argv[1];
  const std::string file = argv[2];
  PlayOptions play_options;
  int minutes = 120;
  std::string out;
  for (int i = 3; i + 1 < argc; i += 2) {
    const std::string key = argv[i];
    const std::string value = argv[i + 1];
    if (key == "--seconds") play_options.seconds = std::stoi(value);
    else if (key == "--minutes") minutes = std::stoi(value);
    else if (key == "--out") out = value;
    else if (key == "--cache") play_options.cache_dir = value;
    else if (key == "--crossfade-every") play_options.every_s = std::stoi(value);
    else if (key == "--rate") play_options.rate = std::stoi(value);
    else if (key == "--latency") play_options.latency_ms = std::stoi(value);
    else if (key == "--output" && (value == "null" || value == "portaudio")) play_options.output = value;
    else usage();
  }
  if (mode == "play") return play(file, play_options);
  if (mode == "floor") return floor_run(file, play_options.seconds, play_options.rate);
  if (mode == "render" && !out.empty()) return render(file, minutes, out, play_options.cache_dir);
  usage();
}

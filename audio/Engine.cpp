// Engine: real-time playback of a plan on the box's sound output.
//
// Threads:
// - the caller's (controller) thread: follow(), dose_now(), stats() only post
//   commands or read atomics; they never wait for audio.
// - player thread (run, "sr-player", SCHED_FIFO where the system allows it):
//   owns the Mixer. It applies commands (a new plan, the dose clock
//   re-anchored, stop), mixes into the output ring in place (up to 1024
//   frames at a time), turns sink counters into events, and sleeps until a
//   command comes, the sink says it took a period (null and file sinks), or
//   half the output latency has passed (PortAudio, whose callback may not
//   signal). It does no file I/O: decoded audio arrives in per-stream
//   lock-free rings, and it mixes them where the decoder put them.
// - decoder thread (DecoderThread): opens, decodes, resamples and maps every
//   stream decode_ahead ahead of the mix, measures loudness cache misses.
// - sink: PortAudio's real-time callback copies from the output ring and
//   nothing else (no locks, allocation, logging or system calls; an underrun
//   plays zeros and bumps an atomic counter). The sink's monitor thread (or,
//   for null/file outputs, its pacing thread) handles everything else.
//
// Idle: when nothing has sounded for what the ring and the device hold and
// the plan has nothing to play for a while (no plan, a pause, the end of a
// session, a silent phase), the sink pauses (the device is closed) and every
// engine thread sleeps until a command comes or the next segment is due; the
// mix position then moves on with the clock, as if silence had played.
//
// Time: mixer frames are ring frames. The dose time heard now is
// dose(frames_played - device delay); follow() anchors that to the
// controller's dose clock, and the player re-anchors when the sound card's
// clock has drifted more than 100 ms from the steady clock since. A device
// lost without a word stops asking for audio; once its sink notices, the
// frames the timeline moved on meanwhile are mixed away unheard, so the music
// comes back where the dose clock is.
#include "audio/Engine.hpp"

#include "audio/DecoderThread.hpp"
#include "audio/FrameRing.hpp"
#include "audio/Mixer.hpp"
#include "audio/ThreadSetup.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace stillroom::audio {

namespace {

using config::Millis;
using steady = std::chrono::steady_clock;

constexpr std::size_t kBlock = 1024;
constexpr Millis kResyncThreshold{100};
constexpr auto kResyncEvery = std::chrono::seconds(1);
/** Below PortAudio's and JACK's own real-time threads, above everything that is not real time. */
constexpr int kPlayerPriority = 20;
/** A quiet stretch shorter than this (beyond the wake margin) is not worth closing the device for. */
constexpr Millis kIdleAtLeast{2000};
/** The device needs this long to open and start before the first frame is due. */
constexpr Millis kDeviceStart{250};
/** A waking engine waits at most this long (in these steps) for the first audio of what is due. */
constexpr auto kDueWaitStep = std::chrono::milliseconds(5);
constexpr int kDueWaitSteps = 100;

std::size_t stream_ring_frames(const config::AudioSettings& settings) {
  const auto ahead = std::max(settings.decode_ahead, Millis{2000}) + Millis{500};
  return static_cast<std::size_t>(ms_to_frames(ahead, settings.sample_rate));
}

}  // namespace

Engine::Engine(const config::AudioSettings& settings, LoudnessCache& cache, EngineListener& listener,
               std::unique_ptr<Sink> sink)
    : settings_(settings), format_{settings.sample_rate, settings.channels}, cache_(cache), listener_(listener),
      sink_(std::move(sink)) {
  if (settings_.decode_ahead < Millis{2000}) settings_.decode_ahead = Millis{2000};
}

Engine::~Engine() { stop(); }

void Engine::start() {
  if (started_) return;
  std::string error;
  if (!sink_->open(format_, settings_.latency, error)) throw std::runtime_error("audio output: " + error);
  fallback_rate_ = settings_.sample_rate;
  // The engine starts idle: the sink drains (and the device opens) once there is something to play.
  idle_heard_.store(0);
  idle_since_ns_.store(std::chrono::duration_cast<std::chrono::nanoseconds>(steady::now().time_since_epoch()).count());
  idle_.store(true, std::memory_order_release);
  build_pipeline();
  started_ = true;
  player_ = std::thread([this] { run(); });
}

void Engine::build_pipeline() {
  // The ring holds the latency, plus a period for a sink that takes whole periods with no buffer of its own.
  const auto latency = static_cast<std::size_t>(std::max<std::int64_t>(ms_to_frames(settings_.latency, format_.rate), 2 * kBlock));
  ring_ = std::make_unique<FrameRing>(format_.channels, latency + sink_->period_frames());
  decoder_ = std::make_unique<DecoderThread>(format_, stream_ring_frames(settings_), cache_,
                                             settings_.loudness_target_lufs, settings_.true_peak_ceiling_dbtp);
  mixer_ = std::make_unique<Mixer>(settings_, *decoder_, listener_, true);
  wake_margin_ = ms_to_frames(settings_.latency + kDeviceStart, format_.rate);
  frames_at_pause_ = 0;
  last_sound_frame_ = 0;
  sink_->start(*ring_, counters_, [this] {
    {
      std::lock_guard lock(mutex_);
      sink_pulled_ = true;
    }
    wake_.notify_one();
  });
}

void Engine::follow_music_rate() {
  if (!settings_.sample_rate_auto || !plan_) return;
  const Millis heard = frames_to_ms(heard_frame() + origin_.load(), format_.rate);
  const int rate = music_rate(*plan_, heard, std::chrono::hours(1), fallback_rate_,
                              [this](const std::string& file) { return source_rates_.of(file); });
  if (rate == format_.rate || !sink_->supports_rate(rate)) return;
  // Idle, nothing sounds: the pipeline is rebuilt at the new rate, the dose clock carried over.
  const auto now = steady::now();
  const double dose_us = static_cast<double>(heard_frame() + origin_.load()) * 1e6 / format_.rate;
  sink_->stop();
  mixer_.reset();
  decoder_.reset();
  std::string error;
  AudioFormat format{rate, format_.channels};
  if (!sink_->open(format, settings_.latency, error)) {
    format = format_;  // keep the rate that worked
    (void)sink_->open(format, settings_.latency, error);
  }
  {
    std::lock_guard lock(clock_mutex_);
    format_ = format;
    settings_.sample_rate = format.rate;
    counters_.frames_played.store(0, std::memory_order_relaxed);
    idle_heard_.store(0, std::memory_order_relaxed);
    idle_since_ns_.store(std::chrono::duration_cast<std::chrono::nanoseconds>(now.time_since_epoch()).count(),
                         std::memory_order_relaxed);
    origin_.store(static_cast<std::int64_t>(std::llround(dose_us * format.rate / 1e6)));
  }
  build_pipeline();
  mixer_->follow(*plan_, origin_.load());
}

void Engine::stop() {
  if (!started_) return;
  {
    std::lock_guard lock(mutex_);
    Command c;
    c.kind = Command::Kind::Stop;
    commands_.push_back(std::move(c));
  }
  wake_.notify_one();
  player_.join();
  sink_->stop();
  mixer_.reset();
  decoder_.reset();
  started_ = false;
}

void Engine::follow(plan::Plan plan, Millis dose_now) {
  {
    std::lock_guard lock(mutex_);
    Command c;
    c.plan = std::move(plan);
    c.dose_now = dose_now;
    c.sent = steady::now();
    commands_.push_back(std::move(c));
  }
  wake_.notify_one();
}

std::int64_t Engine::heard_frame() const {
  if (idle_.load(std::memory_order_acquire)) {
    const auto since = steady::time_point(std::chrono::nanoseconds(idle_since_ns_.load(std::memory_order_relaxed)));
    return idle_heard_.load(std::memory_order_relaxed) + to_frames(steady::now() - since);
  }
  return static_cast<std::int64_t>(counters_.frames_played.load(std::memory_order_relaxed)) - sink_->delay_frames();
}

std::int64_t Engine::to_frames(steady::duration d) const {
  return std::chrono::duration_cast<std::chrono::microseconds>(d).count() * format_.rate / 1'000'000;
}

steady::duration Engine::to_duration(std::int64_t frames) const {
  return std::chrono::microseconds(frames * 1'000'000 / format_.rate);
}

Millis Engine::dose_now() const {
  if (!anchored_.load(std::memory_order_acquire)) return Millis{0};
  std::lock_guard lock(clock_mutex_);
  return frames_to_ms(heard_frame() + origin_.load(std::memory_order_relaxed), format_.rate);
}

EngineStats Engine::stats() const {
  EngineStats s;
  s.frames_played = counters_.frames_played.load();
  s.underruns = counters_.underruns.load();
  s.device_underflows = counters_.device_underflows.load();
  s.device_losses = counters_.device_losses.load();
  s.resyncs = resyncs_.load();
  s.idle = idle_.load();
  std::lock_guard lock(clock_mutex_);
  s.sample_rate = format_.rate;
  return s;
}

void Engine::stall_decoder_for_test(std::chrono::milliseconds how_long) {
  if (decoder_) decoder_->stall_for_test(how_long);
}

void Engine::apply(Command& command) {
  // The dose time being heard when the controller asked, carried forward to now.
  const auto now = steady::now();
  const std::int64_t heard = heard_frame();
  const std::int64_t wanted = ms_to_frames(command.dose_now, format_.rate) + to_frames(now - command.sent);
  std::int64_t origin = origin_.load();
  if (!anchored_.load()) {
    origin = wanted - heard;
  } else if (std::abs(wanted - (heard + origin)) > ms_to_frames(kResyncThreshold, format_.rate)) {
    origin = wanted - heard;
    resyncs_.fetch_add(1);
  }
  origin_.store(origin);
  anchored_.store(true, std::memory_order_release);
  anchor_dose_ = command.dose_now;
  anchor_time_ = command.sent;
  next_resync_ = now + kResyncEvery;
  last_deviation_ = 0;
  plan_ = command.plan;
  mixer_->follow(std::move(command.plan), origin);
}

void Engine::resync() {
  const auto now = steady::now();
  if (!plan_ || now < next_resync_) return;
  next_resync_ = now + kResyncEvery;
  const std::int64_t expected = ms_to_frames(anchor_dose_, format_.rate) + to_frames(now - anchor_time_);
  const std::int64_t heard = heard_frame() + origin_.load();
  const std::int64_t deviation = expected - heard;
  const std::int64_t moved = deviation - last_deviation_;
  last_deviation_ = deviation;
  if (std::abs(deviation) <= ms_to_frames(kResyncThreshold, format_.rate)) return;
  // A deviation still growing fast is a device that stopped asking for audio: the sink notices within
  // seconds and settles the frames it owes, which puts the music back; re-anchoring now would put the
  // dose clock ahead by the outage once it does.
  if (std::abs(moved) > ms_to_frames(kResyncThreshold, format_.rate) / 2) return;
  // The sound card's clock (or an underrun) moved the music away from the dose clock: move the anchor.
  origin_.store(expected - heard_frame());
  resyncs_.fetch_add(1);
  mixer_->follow(*plan_, origin_.load());
}

void Engine::report() {
  auto event = [&](EngineEvent::Kind kind, std::uint64_t count, std::string detail) {
    EngineEvent e;
    e.kind = kind;
    e.at = dose_now();
    e.count = count;
    e.detail = std::move(detail);
    listener_.on_engine_event(e);
  };
  const std::uint64_t underruns = counters_.underruns.load(std::memory_order_relaxed);
  if (underruns != reported_underruns_) {
    const std::uint64_t silent = counters_.underrun_frames.load(std::memory_order_relaxed);
    event(EngineEvent::Kind::Underrun, underruns,
          "output ring ran dry " + std::to_string(underruns - reported_underruns_) + " time(s); " +
              std::to_string(silent * 1000 / static_cast<std::uint64_t>(format_.rate)) + " ms of silence so far");
    reported_underruns_ = underruns;
  }
  const std::uint64_t underflows = counters_.device_underflows.load(std::memory_order_relaxed);
  if (underflows != reported_underflows_) {
    event(EngineEvent::Kind::Underrun, underruns + underflows,
          "the device reported " + std::to_string(underflows - reported_underflows_) + " underflow(s)");
    reported_underflows_ = underflows;
  }
  const std::uint64_t losses = counters_.device_losses.load(std::memory_order_relaxed);
  if (losses != reported_losses_) {
    event(EngineEvent::Kind::DeviceLost, losses, sink_->name() + ": " + sink_->last_error());
    reported_losses_ = losses;
  }
  const std::uint64_t returns = counters_.device_returns.load(std::memory_order_relaxed);
  if (returns != reported_returns_) {
    event(EngineEvent::Kind::DeviceBack, returns, sink_->name());
    reported_returns_ = returns;
  }
}

bool Engine::should_idle() const {
  const std::int64_t quiet = mixer_->quiet_for();
  return quiet > wake_margin_ + ms_to_frames(kIdleAtLeast, format_.rate) && heard_frame() >= last_sound_frame_;
}

void Engine::go_idle() {
  sink_->pause();
  const auto now = steady::now();
  idle_heard_.store(heard_frame(), std::memory_order_relaxed);
  idle_since_ns_.store(std::chrono::duration_cast<std::chrono::nanoseconds>(now.time_since_epoch()).count(),
                       std::memory_order_relaxed);
  idle_.store(true, std::memory_order_release);
  frames_at_pause_ = counters_.frames_played.load(std::memory_order_relaxed);
  counters_.frames_owed.store(0, std::memory_order_relaxed);  // the idle clock carries the timeline from here
  // Silence mixed ahead: it will never be heard (the paused sink no longer reads the ring).
  ring_->discard(ring_->readable());
  report();  // what the sink counted up to its pause (a device back, an underrun)
}

void Engine::catch_up(std::int64_t ahead) {
  const std::int64_t target = heard_frame() + ahead;
  if (target > mixer_->position()) mixer_->skip(target - mixer_->position());
}

void Engine::wake_up() {
  // The first audio of what is due must be decoded before the ring is primed, or a track due now would
  // start behind a whole ring of silence. Nothing sounds yet: waiting a moment here costs nothing.
  const std::int64_t ring = static_cast<std::int64_t>(ring_->capacity());
  for (int i = 0; i < kDueWaitSteps && !mixer_->due_streams_ready(ring); ++i) {
    std::this_thread::sleep_for(kDueWaitStep);
    catch_up();
  }
  // The next frame mixed is heard once the device has taken what is ahead of it.
  catch_up(sink_->delay_frames());
  counters_.frames_played.store(static_cast<std::uint64_t>(std::max<std::int64_t>(0, mixer_->position())),
                                std::memory_order_relaxed);
  fill();
  const std::uint64_t played = counters_.frames_played.load(std::memory_order_relaxed);
  idle_.store(false, std::memory_order_release);
  sink_->resume(played > frames_at_pause_ ? played - frames_at_pause_ : 0);
  next_resync_ = steady::now() + kResyncEvery;
}

void Engine::fill() {
  // Mixed straight into the output ring (no copy through a block): a contiguous part of its room at a time.
  while (ring_->writable() > 0) {
    const bool sounding = mixer_->voice_count() > 0;
    std::size_t room = kBlock;
    float* into = ring_->reserve(room);
    const std::size_t n = mixer_->mix(into, room);
    if (n == 0) break;  // a stream is late: the ring drains, and the callback reports an underrun if it runs dry
    ring_->commit(n);
    if (sounding || mixer_->voice_count() > 0) last_sound_frame_ = mixer_->position();
  }
}

void Engine::pay_owed(std::vector<float>& block) {
  std::uint64_t owed = counters_.frames_owed.exchange(0, std::memory_order_relaxed);
  while (owed > 0) {
    const bool sounding = mixer_->voice_count() > 0;
    const std::size_t n = mixer_->mix(block.data(), static_cast<std::size_t>(std::min<std::uint64_t>(kBlock, owed)));
    if (n == 0) break;  // a stream is not decoded that far yet: the rest at the next turn
    owed -= n;
    counters_.frames_played.fetch_add(n, std::memory_order_relaxed);
    if (sounding || mixer_->voice_count() > 0) last_sound_frame_ = mixer_->position();
  }
  if (owed > 0) counters_.frames_owed.fetch_add(owed, std::memory_order_relaxed);
}

void Engine::run() {
  name_this_thread("sr-player");
  (void)try_realtime(kPlayerPriority);  // silently normal where the system does not allow it
  std::vector<float> block(kBlock * static_cast<std::size_t>(format_.channels));
  // Woken by the sink after each period when it can; otherwise poll at half the latency, which keeps
  // the ring at least half full whatever sizes the device pulls.
  const auto latency = std::chrono::duration_cast<std::chrono::milliseconds>(settings_.latency);
  const auto nap = sink_->signals_pulls() ? 2 * latency : std::max(std::chrono::milliseconds(5), latency / 2);
  std::optional<std::int64_t> stop_at;
  // A stop never waits longer than the fade, the ring and a generous margin (a device that stopped pulling).
  steady::time_point stop_deadline{};
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      while (!commands_.empty()) {
        Command command = std::move(commands_.front());
        commands_.pop_front();
        lock.unlock();
        if (command.kind == Command::Kind::Stop) {
          if (idle_.load()) return;  // nothing is heard: nothing to fade
          if (!stop_at) {
            mixer_->fade_all(settings_.ramps.volume);
            stop_at = mixer_->position() + ms_to_frames(settings_.ramps.volume, format_.rate);
            stop_deadline = steady::now() + 2 * (settings_.ramps.volume + settings_.latency) + std::chrono::seconds(2);
          }
        } else if (!stop_at) {
          if (idle_.load()) catch_up();
          apply(command);
        }
        lock.lock();
      }
    }
    if (idle_.load()) {
      catch_up();
      const std::int64_t quiet = mixer_->quiet_for();
      if (quiet > wake_margin_) {
        // Sleep until a command comes or it is time to open the device for the next segment.
        std::unique_lock lock(mutex_);
        if (quiet == kNever) {
          wake_.wait(lock, [this] { return !commands_.empty(); });
        } else {
          wake_.wait_for(lock, to_duration(quiet - wake_margin_), [this] { return !commands_.empty(); });
        }
        continue;
      }
      follow_music_rate();
      wake_up();
    }
    pay_owed(block);
    if (!stop_at) resync();
    report();
    fill();
    // Stopping: once the fade is in the ring and the ring has played out.
    if (stop_at && ((mixer_->position() >= *stop_at &&
                     static_cast<std::int64_t>(counters_.frames_played.load()) >= *stop_at) ||
                    steady::now() >= stop_deadline)) {
      return;
    }
    if (!stop_at && should_idle()) {
      go_idle();
      continue;
    }
    std::unique_lock lock(mutex_);
    wake_.wait_for(lock, nap, [this] { return !commands_.empty() || sink_pulled_; });
    sink_pulled_ = false;
  }
}

}  // namespace stillroom::audio

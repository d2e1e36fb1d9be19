// Engine: real-time playback of a plan. See Engine.cpp for the thread model.
#pragma once

#include "audio/EngineEvent.hpp"
#include "audio/LoudnessCache.hpp"
#include "audio/OutputRate.hpp"
#include "audio/Sink.hpp"
#include "config/Room.hpp"
#include "playlists/Plan.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

namespace stillroom::audio {

class DecoderThread;
class FrameRing;
class Mixer;

/** Counters for diagnostics and benchmarks (all since start()). */
struct EngineStats {
  std::uint64_t frames_played = 0;
  std::uint64_t underruns = 0;
  std::uint64_t device_underflows = 0;
  std::uint64_t device_losses = 0;
  /** Times the dose clock was re-anchored because the audio clock had drifted from the controller's. */
  std::uint64_t resyncs = 0;
  /** Nothing to play: the output is paused and the engine's threads sleep. */
  bool idle = false;
  /** The output rate now (with sample_rate auto, that of the music). frames_played counts at this rate, since it was chosen. */
  int sample_rate = 0;
};

class Engine {
 public:
  Engine(const config::AudioSettings& settings, LoudnessCache& cache, EngineListener& listener,
         std::unique_ptr<Sink> sink);
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  /** Starts decoder, player and sink. Throws std::runtime_error when the sink can never work. */
  void start();
  /** Fades out whatever sounds (ramps.volume), lets it play out, and stops every thread. */
  void stop();
  /** Thread-safe: follow this plan from now; `dose_now` is the controller's dose clock (re-anchors it). */
  void follow(plan::Plan plan, config::Millis dose_now);
  /** Dose time of what is heard now. */
  [[nodiscard]] config::Millis dose_now() const;
  [[nodiscard]] EngineStats stats() const;
  /** Test hook: the decoder thread stalls for `how_long` (a slow SD card). */
  void stall_decoder_for_test(std::chrono::milliseconds how_long);

 private:
  struct Command {
    enum class Kind { Follow, Stop } kind = Kind::Follow;
    plan::Plan plan;
    config::Millis dose_now{0};
    std::chrono::steady_clock::time_point sent;
  };

  void run();
  void apply(Command& command);
  void resync();
  void report();
  /** Nothing to be heard for a while: the sink stops, the player sleeps. */
  [[nodiscard]] bool should_idle() const;
  void go_idle();
  /** While idle: moves the mix position on with the clock (the silence that "played"). */
  void catch_up(std::int64_t ahead = 0);
  /** Tops the output ring up from the mixer. */
  void fill();
  /** Mixes away, unheard, the frames a lost device's sink owes the timeline (SinkCounters::frames_owed). */
  void pay_owed(std::vector<float>& block);
  /** Ends idling: the ring is primed from where the clock has got to and the sink drains again. */
  void wake_up();
  /** Ring, decoder and mixer for format_, and the sink started on them (paused). */
  void build_pipeline();
  /** With sample_rate auto, about to wake: the output moves to the rate of most of the music coming. */
  void follow_music_rate();
  [[nodiscard]] std::int64_t heard_frame() const;
  [[nodiscard]] std::int64_t to_frames(std::chrono::steady_clock::duration d) const;
  [[nodiscard]] std::chrono::steady_clock::duration to_duration(std::int64_t frames) const;

  config::AudioSettings settings_;
  AudioFormat format_;
  LoudnessCache& cache_;
  EngineListener& listener_;
  std::unique_ptr<Sink> sink_;
  std::unique_ptr<FrameRing> ring_;
  std::unique_ptr<DecoderThread> decoder_;
  std::unique_ptr<Mixer> mixer_;
  SinkCounters counters_;

  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Command> commands_;
  /** The sink took a period from the ring (guarded by mutex_). */
  bool sink_pulled_ = false;
  std::thread player_;
  bool started_ = false;

  /** Dose-axis frame of mixer frame 0 (see Mixer::follow); read by dose_now(). */
  std::atomic<std::int64_t> origin_{0};
  std::atomic<bool> anchored_{false};
  std::atomic<std::uint64_t> resyncs_{0};
  /**
   * Idle: the sink is paused and the player sleeps until a command or the next
   * thing to play. The frame heard when it paused and the steady-clock time
   * then (ns) extrapolate what would be heard now. Written before idle_ is set.
   */
  std::atomic<bool> idle_{true};
  std::atomic<std::int64_t> idle_heard_{0};
  std::atomic<std::int64_t> idle_since_ns_{0};

  // Player thread only.
  std::optional<plan::Plan> plan_;
  config::Millis anchor_dose_{0};
  std::chrono::steady_clock::time_point anchor_time_;
  std::chrono::steady_clock::time_point next_resync_;
  /** How far (frames) the music was from the dose clock at the last look (resync). */
  std::int64_t last_deviation_ = 0;
  std::uint64_t reported_underruns_ = 0;
  std::uint64_t reported_underflows_ = 0;
  std::uint64_t reported_losses_ = 0;
  std::uint64_t reported_returns_ = 0;
  /** Mixer position after the last block in which something sounded. */
  std::int64_t last_sound_frame_ = 0;
  /** frames_played when the sink last paused. */
  std::uint64_t frames_at_pause_ = 0;
  /** How long before the next thing to play the idle engine wakes (the device needs a moment), frames. */
  std::int64_t wake_margin_ = 0;
  /** The configured rate: sample_rate auto falls back to it when the music says nothing. */
  int fallback_rate_ = 48000;
  SourceRates source_rates_;
  /** Held by dose_now() and by the player while it changes the output rate (format_, origin_, the idle clock). */
  mutable std::mutex clock_mutex_;
};

}  // namespace stillroom::audio

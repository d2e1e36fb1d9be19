// Sink: where the player's output ring drains to — a PortAudio device, a file
// written in real time, or nowhere at real-time pace. A sink consumes from the
// ring on its own thread or in its real-time callback and reports through
// SinkCounters (atomics only), which the player thread turns into events. It
// drains only between resume() and pause(): an idle engine wakes nothing.
#pragma once

#include "audio/FrameRing.hpp"
#include "audio/Frames.hpp"
#include "config/Room.hpp"

#include <atomic>
#include <cstdint>
#include <cstring>
#include <functional>
#include <memory>
#include <string>

namespace stillroom::audio {

struct SinkCounters {
  /** Frames taken from the ring and handed to the output. */
  std::atomic<std::uint64_t> frames_played{0};
  /** Times the output wanted frames the ring did not have (zeros were played). */
  std::atomic<std::uint64_t> underruns{0};
  /** Frames of silence those underruns played. */
  std::atomic<std::uint64_t> underrun_frames{0};
  /** Times the device itself reported an underflow (paOutputUnderflow). */
  std::atomic<std::uint64_t> device_underflows{0};
  /** Times the device was lost, and came back. */
  std::atomic<std::uint64_t> device_losses{0};
  std::atomic<std::uint64_t> device_returns{0};
  /**
   * Frames the timeline moved on while the device was lost that the ring did not hold (a dead device is
   * noticed only after seconds): the player mixes them away and counts them played, so the music comes
   * back where the dose clock is. Added by the sink, taken by the player.
   */
  std::atomic<std::uint64_t> frames_owed{0};
};

/**
 * The real-time copy, the whole work of an audio callback: frames from the
 * ring to `out`, zeros and a counted underrun when the ring is short. No
 * locks, allocation, logging or system calls.
 */
inline void pull_frames(FrameRing& ring, SinkCounters& counters, float* out, std::size_t frames) noexcept {
  const std::size_t got = ring.read(out, frames);
  if (got < frames) {
    const auto ch = static_cast<std::size_t>(ring.channels());
    std::memset(out + got * ch, 0, (frames - got) * ch * sizeof(float));
    counters.underruns.fetch_add(1, std::memory_order_relaxed);
    counters.underrun_frames.fetch_add(frames - got, std::memory_order_relaxed);
  }
  counters.frames_played.fetch_add(got, std::memory_order_relaxed);
}

class Sink {
 public:
  virtual ~Sink() = default;
  /**
   * Prepares the output. False with `error` only when it can never work (a
   * file that cannot be created); a missing device is retried and reported.
   */
  virtual bool open(AudioFormat format, config::Millis latency, std::string& error) = 0;
  /**
   * Takes `ring` and `counters` (they outlive the sink's use of them), paused:
   * nothing drains until resume(). A sink that drains from an ordinary thread
   * calls `pulled` after each period so the player refills at once instead of
   * polling; a real-time callback never calls it.
   */
  virtual void start(FrameRing& ring, SinkCounters& counters, std::function<void()> pulled) = 0;
  /**
   * Stops draining: a device plays out its buffer and is released, a paced
   * sink stops its clock. When it returns nothing reads the ring (the player
   * may discard what is left). The engine pauses when nothing is to be heard.
   */
  virtual void pause() = 0;
  /**
   * Drains again after pause() (or start()). `skipped`: frames of silence the
   * engine counted as played meanwhile (a file sink writes them, to keep its
   * recording in real time).
   */
  virtual void resume(std::uint64_t skipped) = 0;
  /** Whether the sink calls `pulled` (else the player polls the ring). */
  [[nodiscard]] virtual bool signals_pulls() const { return false; }
  /**
   * Frames the sink takes in one go without a buffer of its own behind it (a
   * paced sink's period); the output ring holds this much on top of the
   * latency. 0 for a device, whose own buffer plays that part. Valid after open().
   */
  [[nodiscard]] virtual std::size_t period_frames() const { return 0; }
  /** Stops draining and releases the output; open() and start() may follow (at another rate). */
  virtual void stop() = 0;
  /** Whether the output takes `rate` as it is (true unless the device is known to refuse it). */
  [[nodiscard]] virtual bool supports_rate(int rate) const { return rate > 0; }
  /** Frames between leaving the ring and being heard. */
  [[nodiscard]] virtual std::int64_t delay_frames() const = 0;
  /** Why the device was last lost (thread-safe). */
  [[nodiscard]] virtual std::string last_error() const { return {}; }
  /** "portaudio: <device>", "file: out.wav", "null". */
  [[nodiscard]] virtual std::string name() const = 0;
};

/** The sink AudioSettings::output names (portaudio | file | null); throws std::runtime_error for others. */
[[nodiscard]] std::unique_ptr<Sink> make_sink(const config::AudioSettings& settings);

}  // namespace stillroom::audio

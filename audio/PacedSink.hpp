// PacedSink: a sink without a sound card, drained by its own thread at real-
// time pace from the steady clock: at the start of each period it takes the
// next period's worth (one output latency), as a device fills its buffer, then
// nudges the player to refill (two wake-ups per period in all); what has been
// heard is known to the frame from the clock (delay_frames). Paused, the thread sleeps until
// resumed or stopped. NullSink discards, FileSink records. Underruns are
// counted like a device's.
#pragma once

#include "audio/Sink.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace stillroom::audio {

class PacedSink : public Sink {
 public:
  ~PacedSink() override;
  bool open(AudioFormat format, config::Millis latency, std::string& error) override;
  void start(FrameRing& ring, SinkCounters& counters, std::function<void()> pulled) override;
  void pause() override;
  void resume(std::uint64_t skipped) override;
  [[nodiscard]] bool signals_pulls() const override { return true; }
  [[nodiscard]] std::size_t period_frames() const override;
  void stop() override;
  /** Frames taken ahead of the clock (up to a period): the "device buffer" of a sink without a device. */
  [[nodiscard]] std::int64_t delay_frames() const override;

 protected:
  /** Called on the sink thread with each chunk that was "played" (silence included). */
  virtual void consume(const float* frames, std::size_t count) = 0;
  /** Called on the sink thread when it resumes: `frames` of silence passed while it was paused. */
  virtual void passed(std::uint64_t frames) { (void)frames; }
  [[nodiscard]] AudioFormat format() const noexcept { return format_; }

 private:
  void run();

  AudioFormat format_;
  FrameRing* ring_ = nullptr;
  SinkCounters* counters_ = nullptr;
  std::function<void()> pulled_;
  std::chrono::microseconds period_{100'000};
  std::vector<float> chunk_;

  std::mutex mutex_;
  std::condition_variable wake_;
  /** Guarded by mutex_. */
  bool running_ = false;
  bool paused_ = true;
  /** The thread is parked (it reads the ring only when false). */
  bool parked_ = true;
  std::uint64_t pending_silence_ = 0;
  /** Since it last resumed: the steady-clock start (ns, 0 while paused) and frames taken. */
  std::atomic<std::int64_t> t0_ns_{0};
  std::atomic<std::int64_t> played_{0};
  std::thread thread_;
};

}  // namespace stillroom::audio

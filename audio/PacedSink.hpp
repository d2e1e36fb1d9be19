// PacedSink: a sink without a sound card, drained by its own thread at real-
// time pace from the steady clock: one output latency's worth per period, as a
// device with that buffer would take it, then a nudge to the player to refill
// (two wake-ups per period in all: what keeps real-time playback cheap).
// NullSink discards, FileSink records. Underruns are counted like a device's.
#pragma once

#include "audio/Sink.hpp"

#include <atomic>
#include <chrono>
#include <functional>
#include <thread>
#include <vector>

namespace stillroom::audio {

class PacedSink : public Sink {
 public:
  ~PacedSink() override;
  bool open(AudioFormat format, config::Millis latency, std::string& error) override;
  void start(FrameRing& ring, SinkCounters& counters, std::function<void()> pulled) override;
  [[nodiscard]] bool signals_pulls() const override { return true; }
  [[nodiscard]] std::size_t period_frames() const override;
  void stop() override;
  [[nodiscard]] std::int64_t delay_frames() const override { return 0; }

 protected:
  /** Called on the sink thread with each chunk that was "played" (silence included). */
  virtual void consume(const float* frames, std::size_t count) = 0;
  [[nodiscard]] AudioFormat format() const noexcept { return format_; }

 private:
  void run();

  AudioFormat format_;
  FrameRing* ring_ = nullptr;
  SinkCounters* counters_ = nullptr;
  std::function<void()> pulled_;
  std::chrono::microseconds period_{100'000};
  std::atomic<bool> running_{false};
  std::vector<float> chunk_;
  std::thread thread_;
};

}  // namespace stillroom::audio

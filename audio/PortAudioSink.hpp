// PortAudioSink: the sound card. PortAudio's real-time callback only copies
// from the output ring (pull_frames); a monitor thread watches the stream and,
// when the device fails or is missing, reports it lost, keeps the timeline
// moving by draining the ring at real-time pace, and reopens it with backoff
// (0.5 s doubling to 8 s), reporting it back. Paused (nothing to play), the
// device is closed and the monitor sleeps until resumed. Device: a
// case-insensitive substring of its PortAudio name, or "default".
#pragma once

#include "audio/PortAudioSystem.hpp"
#include "audio/Sink.hpp"

#include <portaudio.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

namespace stillroom::audio {

class PortAudioSink final : public Sink {
 public:
  explicit PortAudioSink(std::string device);
  ~PortAudioSink() override;

  bool open(AudioFormat format, config::Millis latency, std::string& error) override;
  void start(FrameRing& ring, SinkCounters& counters, std::function<void()> pulled) override;
  void pause() override;
  void resume(std::uint64_t skipped) override;
  void stop() override;
  [[nodiscard]] std::int64_t delay_frames() const override { return delay_.load(std::memory_order_relaxed); }
  [[nodiscard]] std::string last_error() const override;
  [[nodiscard]] std::string name() const override { return "portaudio: " + device_; }
  /** What PortAudio says of the device at `rate` (ALSA's plug layer takes any rate: it converts). */
  [[nodiscard]] bool supports_rate(int rate) const override;

  /** What the real-time callback touches: the ring and atomics, nothing else. */
  struct CallbackContext {
    FrameRing* ring = nullptr;
    SinkCounters* counters = nullptr;
    /** Callbacks so far: the monitor sees a stream that stopped calling back. */
    std::atomic<std::uint64_t> callbacks{0};
    /** Frames the device asked for so far (played or not): when it stopped, to the period, between two looks. */
    std::atomic<std::uint64_t> frames_asked{0};
    /** Frames of the latest call: the device's period. */
    std::atomic<std::uint64_t> period{0};
  };

  /** PortAudio's callback; `context` is a CallbackContext. Public so a test can call it directly. */
  static int callback(const void* input, void* output, unsigned long frames, const PaStreamCallbackTimeInfo* time,
                      PaStreamCallbackFlags flags, void* context);

 private:
  bool open_stream(std::string& error);
  /** `drain`: let what is buffered play out (an orderly stop); otherwise abort (a lost device). */
  void close_stream(bool drain);
  void monitor();
  /** While lost: `frames` of the timeline pass unheard, taken from the ring and, beyond it, owed. */
  void drop(std::size_t frames);
  void set_error(std::string error);

  std::string device_;
  AudioFormat format_;
  config::Millis latency_{100};
  std::unique_ptr<PortAudioSystem> system_;
  PaStream* stream_ = nullptr;
  FrameRing* ring_ = nullptr;
  SinkCounters* counters_ = nullptr;
  CallbackContext context_;
  std::atomic<std::int64_t> delay_{0};
  std::atomic<bool> running_{false};
  /** How often the monitor looks at the stream while it plays, and while the device is lost (or on probation). */
  std::chrono::milliseconds poll_{1000};
  std::chrono::milliseconds lost_poll_{100};
  std::mutex wait_mutex_;
  std::condition_variable wake_;
  /** Guarded by wait_mutex_: the engine has nothing to play; the device is closed, the monitor sleeps. */
  bool paused_ = true;
  /** Guarded by wait_mutex_: pause() calls so far. */
  std::uint64_t pauses_ = 0;
  /** Guarded by wait_mutex_: a reopened stream not yet counted as back. */
  bool on_probation_ = false;
  mutable std::mutex error_mutex_;
  std::string error_;
  std::thread monitor_;
};

}  // namespace stillroom::audio

// DecoderThread: the real-time engine's stream provider. One thread runs a
// DecoderCore: it keeps every stream's ring full (decode_ahead of audio), opens
// files as soon as the mixer asks (decode_ahead + 1 s before they are due),
// then sleeps until the player has drained a quarter of some ring. Commands
// (open, close) arrive through a mutex-protected queue; audio leaves through
// the lock-free rings.
#pragma once

#include "audio/DecoderCore.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

namespace stillroom::audio {

class DecoderThread final : public StreamProvider {
 public:
  DecoderThread(AudioFormat out, std::size_t ring_frames, LoudnessCache& cache, double target_lufs,
                double ceiling_dbtp);
  ~DecoderThread() override;
  DecoderThread(const DecoderThread&) = delete;
  DecoderThread& operator=(const DecoderThread&) = delete;

  std::shared_ptr<StreamState> open(const StreamRequest& request) override;
  void close(const std::shared_ptr<StreamState>& stream) override;
  void prepare() override;

  /** Test hook: the thread stops decoding for `how_long` at its next turn (a stalled SD card). */
  void stall_for_test(std::chrono::milliseconds how_long);

 private:
  struct Command {
    bool open = true;
    std::shared_ptr<StreamState> stream;
  };

  void run();

  AudioFormat out_;
  std::size_t ring_frames_;
  DecoderCore core_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Command> commands_;
  bool quit_ = false;
  /** A stream the player holds, and how far it had read when the decoder was last woken for it. */
  struct Watched {
    std::shared_ptr<StreamState> stream;
    std::uint64_t read_at_wake = 0;
  };
  /** Player thread only. */
  std::vector<Watched> watched_;
  std::atomic<std::int64_t> stall_ms_{0};
  std::thread thread_;
};

}  // namespace stillroom::audio

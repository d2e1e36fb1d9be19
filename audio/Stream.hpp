// Stream: one segment's decoded audio on its way from the decoder to the mixer.
// The decoder side (DecoderCore) produces into `ring` and publishes progress
// through the atomics; the mixer (player or render thread) consumes. Nothing
// here locks: `error` is written before `finished` is released and read only
// after `finished` is acquired.
#pragma once

#include "audio/FrameRing.hpp"

#include <atomic>
#include <limits>
#include <memory>
#include <cstdint>
#include <string>

namespace stillroom::audio {

/** What the mixer asks the decoder for. */
struct StreamRequest {
  /** Plan segment id (streams are named after their segment). */
  std::uint64_t segment = 0;
  std::string file;
  /** Source position of the first frame, ms (fractional when resuming mid-track). */
  double start_ms = 0.0;
  /** Source position where the segment stops, ms; negative = at the end of the file. */
  double stop_ms = -1.0;
  /** A stop at or past the file's (floored) duration means the end of the file: nothing is dropped. */
  bool natural_end = false;
  /** Segment whose resampler this stream carries on across a gapless join (0 = none). */
  std::uint64_t continues = 0;
};

class StreamState {
 public:
  StreamState(StreamRequest request_in, int channels, std::size_t capacity_frames)
      : request(std::move(request_in)), ring(channels, capacity_frames) {}

  /** Fixed at creation. */
  const StreamRequest request;
  /** Decoded frames at the output rate and channel count. */
  FrameRing ring;

  /** Decoding may deliver frames, and the loudness below is at least an estimate. */
  std::atomic<bool> ready{false};
  /**
   * The file's loudness: normalisation gain, integrated loudness and true peak
   * (dB, LUFS, dBTP; -inf when silent). Final once `loudness_final`; before
   * that (a loudness cache miss, measured while the stream already decodes) an
   * estimate from the part measured so far.
   */
  std::atomic<double> norm_db{0.0};
  std::atomic<double> integrated_lufs{-std::numeric_limits<double>::infinity()};
  std::atomic<double> true_peak_dbtp{-std::numeric_limits<double>::infinity()};
  std::atomic<bool> loudness_final{false};
  /** No more frames will come; `total` and `failed` are final. */
  std::atomic<bool> finished{false};
  /** Frames written in all (valid once finished). */
  std::atomic<std::int64_t> total{0};
  /** The file could not be opened or stopped decoding early. */
  std::atomic<bool> failed{false};
  /** Why it failed (read after `finished`). */
  std::string error;

  /** Producer: publishes the end. */
  void finish(bool with_failure, std::string why) {
    error = std::move(why);
    total.store(static_cast<std::int64_t>(ring.total_written()), std::memory_order_relaxed);
    failed.store(with_failure, std::memory_order_relaxed);
    finished.store(true, std::memory_order_release);
  }
  [[nodiscard]] bool is_finished() const noexcept { return finished.load(std::memory_order_acquire); }
  [[nodiscard]] bool is_ready() const noexcept { return ready.load(std::memory_order_acquire); }
  [[nodiscard]] bool has_final_loudness() const noexcept { return loudness_final.load(std::memory_order_acquire); }
};

/** How the mixer gets streams: decoded in a thread (real time) or inline (offline render). */
class StreamProvider {
 public:
  virtual ~StreamProvider() = default;
  /** Starts decoding a segment; the stream fills up to its capacity ahead of the mixer. */
  virtual std::shared_ptr<StreamState> open(const StreamRequest& request) = 0;
  /** The mixer no longer needs the stream. */
  virtual void close(const std::shared_ptr<StreamState>& stream) = 0;
  /** Called before every mix block: the inline decoder decodes here, the threaded one may wake its thread. */
  virtual void prepare() = 0;
};

}  // namespace stillroom::audio

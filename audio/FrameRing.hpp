// FrameRing: a lock-free single-producer/single-consumer ring of interleaved
// float frames. Between decoder thread and player thread (one per stream) and
// between player thread and the sink's real-time callback. read() and write()
// never lock, allocate or call the system: safe in an audio callback. Storage
// is allocated once, in the constructor.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>

namespace stillroom::audio {

class FrameRing {
 public:
  FrameRing(int channels, std::size_t capacity_frames);
  FrameRing(const FrameRing&) = delete;
  FrameRing& operator=(const FrameRing&) = delete;

  [[nodiscard]] int channels() const noexcept { return channels_; }
  [[nodiscard]] std::size_t capacity() const noexcept { return capacity_; }

  /** Producer: copies up to `frames` frames in; returns how many fit. */
  std::size_t write(const float* data, std::size_t frames) noexcept;
  /** Producer: appends `frames` frames of silence (up to what fits). */
  std::size_t write_silence(std::size_t frames) noexcept;
  /** Consumer: copies up to `frames` frames out; returns how many there were. */
  std::size_t read(float* out, std::size_t frames) noexcept;
  /** Consumer: drops up to `frames` frames; returns how many. */
  std::size_t discard(std::size_t frames) noexcept;

  /** Frames the consumer can read now (exact for the consumer, a lower bound for others). */
  [[nodiscard]] std::size_t readable() const noexcept;
  /** Frames the producer can write now (exact for the producer, a lower bound for others). */
  [[nodiscard]] std::size_t writable() const noexcept;
  /** Frames ever written / read (monotonic counters). */
  [[nodiscard]] std::uint64_t total_written() const noexcept { return write_.load(std::memory_order_acquire); }
  [[nodiscard]] std::uint64_t total_read() const noexcept { return read_.load(std::memory_order_acquire); }

 private:
  template <typename Copy>
  std::size_t produce(std::size_t frames, Copy copy) noexcept;

  int channels_;
  std::size_t capacity_;
  std::unique_ptr<float[]> data_;
  /** Frames ever written; only the producer stores. */
  alignas(64) std::atomic<std::uint64_t> write_{0};
  /** Frames ever read; only the consumer stores. */
  alignas(64) std::atomic<std::uint64_t> read_{0};
};

}  // namespace stillroom::audio

// FrameRing: a lock-free single-producer/single-consumer ring of interleaved
// float frames. Between decoder thread and player thread (one per stream) and
// between player thread and the sink's real-time callback. Nothing here locks,
// allocates or calls the system: safe in an audio callback. Storage is
// allocated once, in the constructor. Besides copying in and out, each side
// can work in place (peek()/discard(), reserve()/commit()): the mixer reads a
// stream where the decoder put it and mixes straight into the output ring.
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

  /** Up to `frames` readable frames in place: `first`, then (past the end of the storage) `second`. */
  struct ReadView {
    const float* first = nullptr;
    std::size_t first_frames = 0;
    const float* second = nullptr;
    std::size_t second_frames = 0;
    [[nodiscard]] std::size_t frames() const noexcept { return first_frames + second_frames; }
  };
  /** Consumer: what read() would copy, left in place until discard() releases it. */
  [[nodiscard]] ReadView peek(std::size_t frames) const noexcept;
  /**
   * Producer: room for up to `frames` frames in place, contiguous (so it may
   * be less than writable() where the storage wraps); `frames` is set to what
   * it holds. Written frames become readable with commit().
   */
  [[nodiscard]] float* reserve(std::size_t& frames) noexcept;
  /** Producer: makes `frames` (at most what reserve() gave) frames written in place readable. */
  void commit(std::size_t frames) noexcept;

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

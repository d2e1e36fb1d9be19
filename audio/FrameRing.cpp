#include "audio/FrameRing.hpp"

#include <algorithm>
#include <cstring>

namespace stillroom::audio {

FrameRing::FrameRing(int channels, std::size_t capacity_frames)
    : channels_(std::max(1, channels)), capacity_(std::max<std::size_t>(1, capacity_frames)),
      data_(new float[capacity_ * static_cast<std::size_t>(channels_)]()) {}

std::size_t FrameRing::readable() const noexcept {
  return static_cast<std::size_t>(write_.load(std::memory_order_acquire) - read_.load(std::memory_order_acquire));
}

std::size_t FrameRing::writable() const noexcept { return capacity_ - readable(); }

template <typename Copy>
std::size_t FrameRing::produce(std::size_t frames, Copy copy) noexcept {
  const std::uint64_t w = write_.load(std::memory_order_relaxed);
  const std::uint64_t r = read_.load(std::memory_order_acquire);
  const std::size_t n = std::min(frames, capacity_ - static_cast<std::size_t>(w - r));
  const std::size_t at = static_cast<std::size_t>(w % capacity_);
  const std::size_t first = std::min(n, capacity_ - at);
  const auto ch = static_cast<std::size_t>(channels_);
  copy(data_.get() + at * ch, 0, first);
  if (n > first) copy(data_.get(), first, n - first);
  write_.store(w + n, std::memory_order_release);
  return n;
}

std::size_t FrameRing::write(const float* data, std::size_t frames) noexcept {
  const auto ch = static_cast<std::size_t>(channels_);
  return produce(frames, [&](float* dst, std::size_t from, std::size_t count) {
    std::memcpy(dst, data + from * ch, count * ch * sizeof(float));
  });
}

std::size_t FrameRing::write_silence(std::size_t frames) noexcept {
  const auto ch = static_cast<std::size_t>(channels_);
  return produce(frames, [&](float* dst, std::size_t, std::size_t count) {
    std::memset(dst, 0, count * ch * sizeof(float));
  });
}

std::size_t FrameRing::read(float* out, std::size_t frames) noexcept {
  const std::uint64_t r = read_.load(std::memory_order_relaxed);
  const std::uint64_t w = write_.load(std::memory_order_acquire);
  const std::size_t n = std::min(frames, static_cast<std::size_t>(w - r));
  const std::size_t at = static_cast<std::size_t>(r % capacity_);
  const std::size_t first = std::min(n, capacity_ - at);
  const auto ch = static_cast<std::size_t>(channels_);
  std::memcpy(out, data_.get() + at * ch, first * ch * sizeof(float));
  if (n > first) std::memcpy(out + first * ch, data_.get(), (n - first) * ch * sizeof(float));
  read_.store(r + n, std::memory_order_release);
  return n;
}

FrameRing::ReadView FrameRing::peek(std::size_t frames) const noexcept {
  const std::uint64_t r = read_.load(std::memory_order_relaxed);
  const std::uint64_t w = write_.load(std::memory_order_acquire);
  const std::size_t n = std::min(frames, static_cast<std::size_t>(w - r));
  const std::size_t at = static_cast<std::size_t>(r % capacity_);
  const auto ch = static_cast<std::size_t>(channels_);
  ReadView view;
  view.first = data_.get() + at * ch;
  view.first_frames = std::min(n, capacity_ - at);
  view.second = data_.get();
  view.second_frames = n - view.first_frames;
  return view;
}

float* FrameRing::reserve(std::size_t& frames) noexcept {
  const std::uint64_t w = write_.load(std::memory_order_relaxed);
  const std::uint64_t r = read_.load(std::memory_order_acquire);
  const std::size_t at = static_cast<std::size_t>(w % capacity_);
  frames = std::min({frames, capacity_ - static_cast<std::size_t>(w - r), capacity_ - at});
  return data_.get() + at * static_cast<std::size_t>(channels_);
}

void FrameRing::commit(std::size_t frames) noexcept {
  write_.store(write_.load(std::memory_order_relaxed) + frames, std::memory_order_release);
}

std::size_t FrameRing::discard(std::size_t frames) noexcept {
  const std::uint64_t r = read_.load(std::memory_order_relaxed);
  const std::uint64_t w = write_.load(std::memory_order_acquire);
  const std::size_t n = std::min(frames, static_cast<std::size_t>(w - r));
  read_.store(r + n, std::memory_order_release);
  return n;
}

}  // namespace stillroom::audio

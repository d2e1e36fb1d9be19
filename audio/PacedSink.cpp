#include "audio/PacedSink.hpp"

#include "audio/ThreadSetup.hpp"

#include <algorithm>
#include <chrono>
#include <utility>

namespace stillroom::audio {

PacedSink::~PacedSink() { PacedSink::stop(); }

bool PacedSink::open(AudioFormat format, config::Millis latency, std::string&) {
  format_ = format;
  period_ = std::clamp<std::chrono::microseconds>(latency, std::chrono::milliseconds(10),
                                                  std::chrono::milliseconds(500));
  chunk_.resize(static_cast<std::size_t>(format.rate / 10 * format.channels));  // 100 ms
  return true;
}

std::int64_t PacedSink::delay_frames() const {
  const std::int64_t t0 = t0_ns_.load(std::memory_order_acquire);
  if (t0 == 0) return 0;
  const auto now = std::chrono::duration_cast<std::chrono::nanoseconds>(
                       std::chrono::steady_clock::now().time_since_epoch()).count();
  const std::int64_t heard = (now - t0) / 1000 * format_.rate / 1'000'000;
  return std::max<std::int64_t>(0, played_.load(std::memory_order_acquire) - heard);
}

std::size_t PacedSink::period_frames() const {
  return static_cast<std::size_t>(period_.count() * format_.rate / 1'000'000);
}

void PacedSink::start(FrameRing& ring, SinkCounters& counters, std::function<void()> pulled) {
  ring_ = &ring;
  counters_ = &counters;
  pulled_ = std::move(pulled);
  {
    std::lock_guard lock(mutex_);
    running_ = true;
    paused_ = true;
    parked_ = true;
  }
  thread_ = std::thread([this] { run(); });
}

void PacedSink::pause() {
  std::unique_lock lock(mutex_);
  paused_ = true;
  wake_.notify_all();
  // Until the thread is parked it may still be reading the ring.
  wake_.wait(lock, [this] { return parked_ || !running_; });
}

void PacedSink::resume(std::uint64_t skipped) {
  std::lock_guard lock(mutex_);
  paused_ = false;
  pending_silence_ += skipped;
  wake_.notify_all();
}

void PacedSink::stop() {
  {
    std::lock_guard lock(mutex_);
    running_ = false;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void PacedSink::run() {
  name_this_thread("sr-output");
  using clock = std::chrono::steady_clock;
  const auto max_chunk = static_cast<std::int64_t>(chunk_.size() / static_cast<std::size_t>(format_.channels));
  std::unique_lock lock(mutex_);
  while (running_) {
    if (paused_) {
      parked_ = true;
      wake_.notify_all();
      wake_.wait(lock, [this] { return !paused_ || !running_; });
      if (!running_) break;
      parked_ = false;
      const std::uint64_t silence = std::exchange(pending_silence_, 0);
      lock.unlock();
      if (silence > 0) passed(silence);
      lock.lock();
    }
    // Real-time pace from the moment it resumed: each period it takes what will be heard until the next one,
    // as a device fills its buffer, so what has been heard is known to the frame at any time (delay_frames).
    const auto t0 = clock::now();
    auto next = t0;
    std::int64_t played = 0;
    played_.store(0, std::memory_order_relaxed);
    t0_ns_.store(std::chrono::duration_cast<std::chrono::nanoseconds>(t0.time_since_epoch()).count(),
                 std::memory_order_release);
    while (running_ && !paused_) {
      next += period_;
      lock.unlock();
      const auto ahead = std::chrono::duration_cast<std::chrono::microseconds>(next - t0).count();
      std::int64_t due = ahead * format_.rate / 1'000'000 - played;
      while (due > 0) {
        const auto n = static_cast<std::size_t>(std::min(due, max_chunk));
        pull_frames(*ring_, *counters_, chunk_.data(), n);
        consume(chunk_.data(), n);
        played += static_cast<std::int64_t>(n);
        played_.store(played, std::memory_order_release);
        due -= static_cast<std::int64_t>(n);
      }
      if (pulled_) pulled_();
      lock.lock();
      wake_.wait_until(lock, next, [this] { return !running_ || paused_; });
    }
    t0_ns_.store(0, std::memory_order_release);
  }
  parked_ = true;
  wake_.notify_all();
}

}  // namespace stillroom::audio

#include "audio/PacedSink.hpp"

#include <algorithm>
#include <chrono>

namespace stillroom::audio {

PacedSink::~PacedSink() { PacedSink::stop(); }

bool PacedSink::open(AudioFormat format, config::Millis latency, std::string&) {
  format_ = format;
  period_ = std::clamp<std::chrono::microseconds>(latency, std::chrono::milliseconds(10), std::chrono::milliseconds(500));
  chunk_.resize(static_cast<std::size_t>(format.rate / 10 * format.channels));  // 100 ms
  return true;
}

std::size_t PacedSink::period_frames() const {
  return static_cast<std::size_t>(period_.count() * format_.rate / 1'000'000);
}

void PacedSink::start(FrameRing& ring, SinkCounters& counters, std::function<void()> pulled) {
  ring_ = &ring;
  counters_ = &counters;
  pulled_ = std::move(pulled);
  running_ = true;
  thread_ = std::thread([this] { run(); });
}

void PacedSink::stop() {
  running_ = false;
  if (thread_.joinable()) thread_.join();
}

void PacedSink::run() {
  using clock = std::chrono::steady_clock;
  const auto t0 = clock::now();
  std::int64_t played = 0;
  auto next = t0;
  const auto max_chunk = static_cast<std::int64_t>(chunk_.size() / static_cast<std::size_t>(format_.channels));
  while (running_.load(std::memory_order_relaxed)) {
    next += period_;
    std::this_thread::sleep_until(next);
    const auto elapsed = std::chrono::duration_cast<std::chrono::microseconds>(clock::now() - t0).count();
    std::int64_t due = elapsed * format_.rate / 1'000'000 - played;
    while (due > 0) {
      const auto n = static_cast<std::size_t>(std::min(due, max_chunk));
      pull_frames(*ring_, *counters_, chunk_.data(), n);
      consume(chunk_.data(), n);
      played += static_cast<std::int64_t>(n);
      due -= static_cast<std::int64_t>(n);
    }
    if (pulled_) pulled_();
  }
}

}  // namespace stillroom::audio

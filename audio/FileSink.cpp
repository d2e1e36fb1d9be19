#include "audio/FileSink.hpp"

#include <algorithm>
#include <vector>

namespace stillroom::audio {

FileSink::~FileSink() { FileSink::stop(); }

bool FileSink::open(AudioFormat format, config::Millis latency, std::string& error) {
  if (!writer_.open(path_, format, error)) return false;
  return PacedSink::open(format, latency, error);
}

void FileSink::stop() {
  PacedSink::stop();
  writer_.close();
}

void FileSink::consume(const float* frames, std::size_t count) {
  std::string error;
  if (writer_.is_open() && !writer_.write(frames, count, error)) {
    std::lock_guard lock(error_mutex_);
    error_ = error;
    writer_.close();  // a full disk stops the recording, not the session
  }
}

void FileSink::passed(std::uint64_t frames) {
  const std::vector<float> zeros(static_cast<std::size_t>(format().rate * format().channels), 0.0f);
  const auto second = static_cast<std::uint64_t>(format().rate);
  while (frames > 0) {
    const auto n = static_cast<std::size_t>(std::min(frames, second));
    consume(zeros.data(), n);
    frames -= n;
  }
}

std::string FileSink::last_error() const {
  std::lock_guard lock(error_mutex_);
  return error_;
}

}  // namespace stillroom::audio

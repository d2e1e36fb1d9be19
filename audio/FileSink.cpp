#include "audio/FileSink.hpp"

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

std::string FileSink::last_error() const {
  std::lock_guard lock(error_mutex_);
  return error_;
}

}  // namespace stillroom::audio

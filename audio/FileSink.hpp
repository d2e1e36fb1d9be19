// FileSink: records what would be played, in real time, to a WAV or FLAC file
// (by extension). The offline renderer writes files as fast as the CPU allows;
// this is the real-time engine's recording of a live session.
#pragma once

#include "audio/FileWriter.hpp"
#include "audio/PacedSink.hpp"

#include <mutex>

namespace stillroom::audio {

class FileSink final : public PacedSink {
 public:
  explicit FileSink(std::string path) : path_(std::move(path)) {}
  ~FileSink() override;
  bool open(AudioFormat format, config::Millis latency, std::string& error) override;
  void stop() override;
  [[nodiscard]] std::string last_error() const override;
  [[nodiscard]] std::string name() const override { return "file: " + path_; }

 protected:
  void consume(const float* frames, std::size_t count) override;
  /** The idle engine's silence, written so the recording keeps real time. */
  void passed(std::uint64_t frames) override;

 private:
  std::string path_;
  FileWriter writer_;
  mutable std::mutex error_mutex_;
  std::string error_;
};

}  // namespace stillroom::audio

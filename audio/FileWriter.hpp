// FileWriter: writes interleaved float frames to a WAV (32-bit float) or FLAC
// (24-bit) file, chosen by the extension. Used by the offline renderer and by
// the engine's file sink; runs in the thread that writes.
#pragma once

#include "audio/Frames.hpp"

#include <sndfile.h>

#include <cstdint>
#include <string>

namespace stillroom::audio {

class FileWriter {
 public:
  FileWriter() = default;
  ~FileWriter() { close(); }
  FileWriter(const FileWriter&) = delete;
  FileWriter& operator=(const FileWriter&) = delete;

  /** Creates `path` (.wav or .flac); false with `error` otherwise. */
  bool open(const std::string& path, AudioFormat format, std::string& error);
  /** Appends frames; false with `error` on a write failure (disk full). */
  bool write(const float* frames, std::size_t count, std::string& error);
  void close() noexcept;
  [[nodiscard]] bool is_open() const noexcept { return file_ != nullptr; }
  [[nodiscard]] std::int64_t frames_written() const noexcept { return written_; }

 private:
  SNDFILE* file_ = nullptr;
  std::string path_;
  std::int64_t written_ = 0;
};

}  // namespace stillroom::audio

// SndFile: an owned libsndfile read handle (closed on destruction). Used by the
// probe and by the decoder thread.
#pragma once

#include <sndfile.h>

#include <string>

namespace stillroom::audio {

class SndFile {
 public:
  SndFile() = default;
  ~SndFile() { close(); }
  SndFile(const SndFile&) = delete;
  SndFile& operator=(const SndFile&) = delete;
  SndFile(SndFile&& other) noexcept : file_(other.file_), info_(other.info_) { other.file_ = nullptr; }
  SndFile& operator=(SndFile&& other) noexcept {
    if (this != &other) {
      close();
      file_ = other.file_;
      info_ = other.info_;
      other.file_ = nullptr;
    }
    return *this;
  }

  /** Opens for reading; false on failure (then `last_error()` says why). */
  bool open(const std::string& path) {
    close();
    info_ = SF_INFO{};
    file_ = sf_open(path.c_str(), SFM_READ, &info_);
    return file_ != nullptr;
  }
  void close() noexcept {
    if (file_ != nullptr) sf_close(file_);
    file_ = nullptr;
  }

  [[nodiscard]] bool is_open() const noexcept { return file_ != nullptr; }
  [[nodiscard]] SNDFILE* get() const noexcept { return file_; }
  [[nodiscard]] const SF_INFO& info() const noexcept { return info_; }
  /** libsndfile's message for the last error on this handle (or on open). */
  [[nodiscard]] std::string last_error() const { return sf_strerror(file_); }

 private:
  /** The libsndfile handle, nullptr when closed. */
  SNDFILE* file_ = nullptr;
  /** Format, rate, channels and frame count read from the header. */
  SF_INFO info_{};
};

}  // namespace stillroom::audio

#include "audio/FileWriter.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>

namespace stillroom::audio {

bool FileWriter::open(const std::string& path, AudioFormat format, std::string& error) {
  close();
  std::string ext = std::filesystem::path(path).extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  SF_INFO info{};
  info.samplerate = format.rate;
  info.channels = format.channels;
  if (ext == ".wav") {
    info.format = SF_FORMAT_WAV | SF_FORMAT_FLOAT;
  } else if (ext == ".flac") {
    info.format = SF_FORMAT_FLAC | SF_FORMAT_PCM_24;
  } else {
    error = "output file must end in .wav or .flac: " + path;
    return false;
  }
  file_ = sf_open(path.c_str(), SFM_WRITE, &info);
  if (file_ == nullptr) {
    error = "cannot create " + path + ": " + sf_strerror(nullptr);
    return false;
  }
  if (ext == ".flac") {
    // Fastest FLAC level: a render is for listening and checking, and level 0 keeps it I/O bound.
    double level = 0.0;
    sf_command(file_, SFC_SET_COMPRESSION_LEVEL, &level, sizeof level);
  }
  sf_command(file_, SFC_SET_CLIPPING, nullptr, SF_TRUE);
  path_ = path;
  written_ = 0;
  return true;
}

bool FileWriter::write(const float* frames, std::size_t count, std::string& error) {
  if (file_ == nullptr) {
    error = "output file is not open";
    return false;
  }
  const sf_count_t n = sf_writef_float(file_, frames, static_cast<sf_count_t>(count));
  written_ += n;
  if (n != static_cast<sf_count_t>(count)) {
    error = "cannot write " + path_ + ": " + sf_strerror(file_);
    return false;
  }
  return true;
}

void FileWriter::close() noexcept {
  if (file_ != nullptr) sf_close(file_);
  file_ = nullptr;
}

}  // namespace stillroom::audio

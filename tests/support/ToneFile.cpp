#include "support/ToneFile.hpp"

#include <sndfile.h>

#include <cmath>
#include <fstream>
#include <numbers>
#include <random>
#include <stdexcept>
#include <string>

namespace stillroom::test {

Samples ToneFile::sine(int rate, int channels, std::int64_t frames, double hz, double amplitude) {
  Samples s{rate, channels, {}};
  s.data.resize(static_cast<std::size_t>(frames * channels));
  for (std::int64_t i = 0; i < frames; ++i) {
    const double phase = 2.0 * std::numbers::pi * hz * static_cast<double>(i) / rate;
    const auto v = static_cast<float>(amplitude * std::sin(phase));
    for (int c = 0; c < channels; ++c) s.data[static_cast<std::size_t>(i * channels + c)] = v;
  }
  return s;
}

Samples ToneFile::noise(int rate, int channels, std::int64_t frames, double amplitude, std::uint32_t seed) {
  Samples s{rate, channels, {}};
  s.data.resize(static_cast<std::size_t>(frames * channels));
  std::mt19937 gen(seed);
  std::uniform_real_distribution<float> dist(static_cast<float>(-amplitude), static_cast<float>(amplitude));
  for (auto& v : s.data) v = dist(gen);
  return s;
}

void ToneFile::append(Samples& head, const Samples& tail) {
  if (head.rate != tail.rate || head.channels != tail.channels) throw std::runtime_error("append: format differs");
  head.data.insert(head.data.end(), tail.data.begin(), tail.data.end());
}

void ToneFile::write(const std::filesystem::path& path, const Samples& samples, bool float_wav) {
  const auto ext = path.extension().string();
  SF_INFO info{};
  info.samplerate = samples.rate;
  info.channels = samples.channels;
  if (ext == ".wav") {
    info.format = SF_FORMAT_WAV | (float_wav ? SF_FORMAT_FLOAT : SF_FORMAT_PCM_16);
  } else if (ext == ".flac") {
    info.format = SF_FORMAT_FLAC | SF_FORMAT_PCM_16;
  } else if (ext == ".ogg") {
    info.format = SF_FORMAT_OGG | SF_FORMAT_VORBIS;
  } else if (ext == ".mp3") {
    info.format = SF_FORMAT_MPEG | SF_FORMAT_MPEG_LAYER_III;
  } else {
    throw std::runtime_error("ToneFile: unknown extension " + ext);
  }
  SNDFILE* file = sf_open(path.c_str(), SFM_WRITE, &info);
  if (file == nullptr) throw std::runtime_error("ToneFile: cannot write " + path.string() + ": " + sf_strerror(nullptr));
  // Clipping instead of wrapping when a float sample reaches full scale.
  sf_command(file, SFC_SET_CLIPPING, nullptr, SF_TRUE);
  const sf_count_t written = sf_writef_float(file, samples.data.data(), samples.frames());
  sf_close(file);
  if (written != samples.frames()) throw std::runtime_error("ToneFile: short write to " + path.string());
}

Samples ToneFile::read(const std::filesystem::path& path) {
  SF_INFO info{};
  SNDFILE* file = sf_open(path.c_str(), SFM_READ, &info);
  if (file == nullptr) throw std::runtime_error("ToneFile: cannot read " + path.string() + ": " + sf_strerror(nullptr));
  Samples s{info.samplerate, info.channels, {}};
  std::vector<float> block(static_cast<std::size_t>(4096 * info.channels));
  for (;;) {
    const sf_count_t n = sf_readf_float(file, block.data(), 4096);
    if (n <= 0) break;
    s.data.insert(s.data.end(), block.begin(), block.begin() + n * info.channels);
  }
  sf_close(file);
  return s;
}

Samples ToneFile::read_raw_float(const std::filesystem::path& path, int rate, int channels) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("ToneFile: cannot read " + path.string());
  Samples s{rate, channels, {}};
  in.seekg(0, std::ios::end);
  const auto bytes = static_cast<std::size_t>(in.tellg());
  in.seekg(0);
  s.data.resize(bytes / sizeof(float));
  in.read(reinterpret_cast<char*>(s.data.data()), static_cast<std::streamsize>(s.data.size() * sizeof(float)));
  s.data.resize(static_cast<std::size_t>(s.frames() * channels));
  return s;
}

}  // namespace stillroom::test

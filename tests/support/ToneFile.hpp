// ToneFile: test audio made in the test — sines, noise, silence — written with
// libsndfile in the format the file name's extension asks for (.wav 16-bit or
// float, .flac, .ogg Vorbis, .mp3), and read back as float.
#pragma once

#include <cstdint>
#include <filesystem>
#include <vector>

namespace stillroom::test {

/** Interleaved float audio in memory. */
struct Samples {
  int rate = 48000;
  int channels = 2;
  std::vector<float> data;

  [[nodiscard]] std::int64_t frames() const noexcept {
    return channels > 0 ? static_cast<std::int64_t>(data.size()) / channels : 0;
  }
  [[nodiscard]] float at(std::int64_t frame, int channel) const {
    return data[static_cast<std::size_t>(frame * channels + channel)];
  }
};

class ToneFile {
 public:
  /** A sine of `hz` at `amplitude` on every channel. */
  [[nodiscard]] static Samples sine(int rate, int channels, std::int64_t frames, double hz, double amplitude);
  /** White noise, uniform in [-amplitude, amplitude], reproducible from `seed`. */
  [[nodiscard]] static Samples noise(int rate, int channels, std::int64_t frames, double amplitude,
                                     std::uint32_t seed);
  /** Appends `tail` to `head` (same rate and channels). */
  static void append(Samples& head, const Samples& tail);

  /**
   * Writes `samples` to `path`; the extension picks the format: .wav (16-bit
   * PCM, or 32-bit float with `float_wav`), .flac (16-bit), .ogg (Vorbis),
   * .mp3. Throws std::runtime_error when libsndfile refuses.
   */
  static void write(const std::filesystem::path& path, const Samples& samples, bool float_wav = false);
  /** Reads a whole file as float. Throws when it cannot be opened. */
  [[nodiscard]] static Samples read(const std::filesystem::path& path);
  /** Reads a raw interleaved float32 capture (ALSA file plugin, format raw). */
  [[nodiscard]] static Samples read_raw_float(const std::filesystem::path& path, int rate, int channels);
};

}  // namespace stillroom::test

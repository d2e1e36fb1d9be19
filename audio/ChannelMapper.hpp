// ChannelMapper: decoded channels to output channels. Mono is copied to every
// output channel; stereo to mono is the average; 3 to 8 channels (WAV order:
// L R C LFE Ls Rs Lb Rb) fold down to stereo with centre and surrounds at -3 dB
// and LFE dropped. The loudness meter uses the same mapping so the measured
// loudness is that of what is played. Pure; runs in the decoder thread.
#pragma once

#include <cstdint>
#include <vector>

namespace stillroom::audio {

class ChannelMapper {
 public:
  ChannelMapper(int in_channels, int out_channels);

  [[nodiscard]] int in_channels() const noexcept { return in_; }
  [[nodiscard]] int out_channels() const noexcept { return out_; }
  /** True when the mapping is a plain copy. */
  [[nodiscard]] bool identity() const noexcept { return in_ == out_; }

  /** Maps `frames` frames from `in` (in_channels interleaved) to `out` (out_channels interleaved). */
  void map(const float* in, float* out, std::int64_t frames) const noexcept;

  /** Weight of input channel `i` in output channel `o` (for tests and the meter). */
  [[nodiscard]] float weight(int o, int i) const noexcept {
    return matrix_[static_cast<std::size_t>(o * in_ + i)];
  }

 private:
  int in_;
  int out_;
  /** out_ x in_ weights, row per output channel. */
  std::vector<float> matrix_;
};

}  // namespace stillroom::audio

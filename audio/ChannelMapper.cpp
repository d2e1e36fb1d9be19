#include "audio/ChannelMapper.hpp"

#include <algorithm>
#include <cstring>

namespace stillroom::audio {

namespace {

constexpr float kMinus3dB = 0.70710678f;

/** Stereo fold-down weights for input channel i of n: {left, right}. */
std::pair<float, float> stereo_weights(int i, int n) {
  // WAV/FLAC channel order for the common layouts.
  switch (n) {
    case 3:  // L R C
      if (i == 2) return {kMinus3dB, kMinus3dB};
      break;
    case 4:  // L R Ls Rs
      if (i == 2) return {kMinus3dB, 0};
      if (i == 3) return {0, kMinus3dB};
      break;
    case 5:  // L R C Ls Rs
      if (i == 2) return {kMinus3dB, kMinus3dB};
      if (i == 3) return {kMinus3dB, 0};
      if (i == 4) return {0, kMinus3dB};
      break;
    case 6:  // L R C LFE Ls Rs
    case 7:  // L R C LFE Cs Ls Rs
    case 8:  // L R C LFE Lb Rb Ls Rs
      if (i == 2) return {kMinus3dB, kMinus3dB};
      if (i == 3) return {0, 0};
      if (n == 7 && i == 4) return {kMinus3dB * kMinus3dB, kMinus3dB * kMinus3dB};
      if (i >= 4) return (n == 7 ? (i % 2 == 1) : (i % 2 == 0)) ? std::pair{kMinus3dB, 0.0f}
                                                                 : std::pair{0.0f, kMinus3dB};
      break;
    default:
      if (i >= 2) return i % 2 == 0 ? std::pair{kMinus3dB, 0.0f} : std::pair{0.0f, kMinus3dB};
      break;
  }
  return i == 0 ? std::pair{1.0f, 0.0f} : std::pair{0.0f, 1.0f};
}

}  // namespace

ChannelMapper::ChannelMapper(int in_channels, int out_channels)
    : in_(std::max(1, in_channels)), out_(std::max(1, out_channels)),
      matrix_(static_cast<std::size_t>(in_ * out_), 0.0f) {
  auto set = [&](int o, int i, float w) { matrix_[static_cast<std::size_t>(o * in_ + i)] = w; };
  if (in_ == out_) {
    for (int c = 0; c < in_; ++c) set(c, c, 1.0f);
  } else if (in_ == 1) {
    for (int o = 0; o < out_; ++o) set(o, 0, 1.0f);
  } else {
    // Fold to stereo first (plain L/R for stereo input), then to the output layout.
    std::vector<std::pair<float, float>> lr;
    for (int i = 0; i < in_; ++i) lr.push_back(in_ == 2 ? (i == 0 ? std::pair{1.0f, 0.0f} : std::pair{0.0f, 1.0f})
                                                        : stereo_weights(i, in_));
    if (out_ == 1) {
      for (int i = 0; i < in_; ++i) set(0, i, 0.5f * (lr[static_cast<std::size_t>(i)].first +
                                                       lr[static_cast<std::size_t>(i)].second));
    } else {
      // Left and right on the first two outputs; further outputs stay silent.
      for (int i = 0; i < in_; ++i) {
        set(0, i, lr[static_cast<std::size_t>(i)].first);
        set(1, i, lr[static_cast<std::size_t>(i)].second);
      }
    }
  }
}

void ChannelMapper::map(const float* in, float* out, std::int64_t frames) const noexcept {
  if (in_ == out_) {
    std::memcpy(out, in, static_cast<std::size_t>(frames * in_) * sizeof(float));
    return;
  }
  if (in_ == 1) {
    for (std::int64_t f = 0; f < frames; ++f) {
      for (int o = 0; o < out_; ++o) out[f * out_ + o] = in[f];
    }
    return;
  }
  for (std::int64_t f = 0; f < frames; ++f) {
    const float* src = in + f * in_;
    for (int o = 0; o < out_; ++o) {
      const float* row = matrix_.data() + o * in_;
      float sum = 0.0f;
      for (int i = 0; i < in_; ++i) sum += row[i] * src[i];
      out[f * out_ + o] = sum;
    }
  }
}

}  // namespace stillroom::audio

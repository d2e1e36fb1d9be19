// Wavetable: one period of a waveform built from harmonic amplitudes, read
// with a 32-bit phase accumulator and linear interpolation. Integer phase
// keeps every oscillator exact and identical from run to run.
#pragma once

#include <array>
#include <cstdint>
#include <initializer_list>

namespace stillroom::demo {

/** Phase step per frame for `hz` at `rate` frames per second (a full turn is 2^32). */
[[nodiscard]] std::uint32_t phase_increment(double hz, int rate) noexcept;

class Wavetable {
 public:
  static constexpr int kBits = 11;
  static constexpr int kSize = 1 << kBits;

  /** harmonics[n] is the amplitude of harmonic n + 1 (sine phase); the table is scaled to peak 1. */
  Wavetable(std::initializer_list<double> harmonics);

  /** The waveform at `phase`. */
  [[nodiscard]] float at(std::uint32_t phase) const noexcept {
    const std::uint32_t index = phase >> kFractionBits;
    const float fraction = static_cast<float>(phase & kFractionMask) * kFractionScale;
    const float a = samples_[index];
    return a + fraction * (samples_[index + 1] - a);
  }

  /** This table blended towards `other` by `mix` (0 = this, 1 = other), read at `phase`. */
  [[nodiscard]] float blend(const Wavetable& other, std::uint32_t phase, float mix) const noexcept {
    const std::uint32_t index = phase >> kFractionBits;
    const float fraction = static_cast<float>(phase & kFractionMask) * kFractionScale;
    const float a = samples_[index] + mix * (other.samples_[index] - samples_[index]);
    const float b = samples_[index + 1] + mix * (other.samples_[index + 1] - samples_[index + 1]);
    return a + fraction * (b - a);
  }

 private:
  static constexpr int kFractionBits = 32 - kBits;
  static constexpr std::uint32_t kFractionMask = (1U << kFractionBits) - 1U;
  static constexpr float kFractionScale = 1.0F / static_cast<float>(1U << kFractionBits);

  /** One period plus a copy of the first sample, so interpolation never wraps. */
  std::array<float, kSize + 1> samples_{};
};

}  // namespace stillroom::demo

#include "Air.hpp"

#include <cmath>
#include <numbers>

namespace stillroom::demo {
namespace {

/** xorshift32: white noise in [-1, 1). */
float next_noise(std::uint32_t& state) noexcept {
  state ^= state << 13;
  state ^= state >> 17;
  state ^= state << 5;
  return static_cast<float>(static_cast<std::int32_t>(state)) * 0x1.0p-31F;
}

}  // namespace

double surf_swell(double phase) noexcept {
  // Rise over the first third, fall over the rest, both along sin^2 curves.
  const double shaped = phase < 1.0 / 3.0 ? 1.5 * phase : 0.5 + 0.75 * (phase - 1.0 / 3.0);
  const double s = std::sin(std::numbers::pi * shaped);
  return 0.15 + 0.85 * s * s;
}

Air::Air(AirKind kind, int rate, Random random) : kind_(kind), rate_(rate), random_(random) {
  for (Channel& channel : channels_) {
    channel.noise = static_cast<std::uint32_t>(random_.next() >> 32) | 1U;
    channel.phase_a = random_.uniform(0.0, 2.0 * std::numbers::pi);
    channel.phase_b = random_.uniform(0.0, 2.0 * std::numbers::pi);
  }
  // Surf: the right side hears each wave a moment later than the left.
  channels_[0].phase_a = 0.0;
  channels_[1].phase_a = 0.06;
  wave_seconds_ = random_.uniform(7.0, 11.0);
  wave_phase_ = random_.uniform(0.0, 1.0);
}

double Air::swell_at(const Channel& channel, double t) const noexcept {
  if (kind_ == AirKind::Surf) {
    const double phase = wave_phase_ - channel.phase_a;
    return surf_swell(phase - std::floor(phase));
  }
  const double gusts = 0.55 + 0.25 * std::sin(2.0 * std::numbers::pi * t / 17.0 + channel.phase_a) +
                       0.2 * std::sin(2.0 * std::numbers::pi * t / 6.1 + channel.phase_b);
  return gusts;
}

void Air::advance_waves(double seconds) {
  wave_phase_ += seconds / wave_seconds_;
  if (wave_phase_ >= 1.0) {
    wave_phase_ -= 1.0;
    wave_seconds_ = random_.uniform(7.0, 11.0);
  }
}

void Air::render(Block& block) {
  // Controls move once per block: gain is interpolated from the previous
  // block's end, the filter follows in steps too small to hear.
  advance_waves(block.end_seconds() - block.start_seconds());
  const float step = 1.0F / static_cast<float>(block.frames);
  for (std::size_t c = 0; c < channels_.size(); ++c) {
    Channel& channel = channels_[c];
    const double swell = swell_at(channel, block.end_seconds());
    if (kind_ == AirKind::Surf) {
      channel.filter.tune(300.0 + 1000.0 * swell, 0.7, rate_);
    } else {
      // A resonant low-pass: the whistle of a gust at its cutoff, nothing hissing above.
      channel.filter.tune(250.0 + 650.0 * swell, 1.6, rate_);
    }
    const float g0 = channel.gain;
    const float dg = (static_cast<float>(swell) - g0) * step;
    float* out = c == 0 ? block.left.data() : block.right.data();
    for (int i = 0; i < block.frames; ++i) {
      out[i] += (g0 + dg * static_cast<float>(i)) * channel.filter.process(next_noise(channel.noise)).low;
    }
    channel.gain = static_cast<float>(swell);
  }
}

}  // namespace stillroom::demo

#include "Reverb.hpp"

#include <cmath>

namespace stillroom::demo {
namespace {

// Delays in frames at 44.1 kHz (56 to 82 ms: a large hall); the right
// channel's are a little longer. Mutually prime, so echoes do not line up.
constexpr std::size_t kCombsLeft[] = {2473, 2767, 3217, 3557};
constexpr std::size_t kCombsRight[] = {2531, 2819, 3271, 3617};
constexpr std::size_t kAllpassesLeft[] = {556, 225};
constexpr std::size_t kAllpassesRight[] = {579, 248};
/** Keeps the sum of four combs with high feedback well inside full scale. */
constexpr float kInputGain = 0.06F;

std::size_t scaled(std::size_t frames, int rate) {
  return static_cast<std::size_t>(std::lround(static_cast<double>(frames) * rate / 44100.0));
}

}  // namespace

double comb_feedback(double delay, double decay) noexcept { return std::pow(10.0, -3.0 * delay / decay); }

Reverb::Comb::Comb(std::size_t length, double feedback, double damping)
    : buffer_(length, 0.0F), feedback_(static_cast<float>(feedback)), damping_(static_cast<float>(damping)) {}

float Reverb::Comb::process(float input) noexcept {
  const float output = buffer_[index_];
  low_ = output * (1.0F - damping_) + low_ * damping_;
  buffer_[index_] = input + low_ * feedback_;
  if (++index_ == buffer_.size()) index_ = 0;
  return output;
}

Reverb::Allpass::Allpass(std::size_t length) : buffer_(length, 0.0F) {}

float Reverb::Allpass::process(float input) noexcept {
  const float delayed = buffer_[index_];
  buffer_[index_] = input + delayed * 0.5F;
  if (++index_ == buffer_.size()) index_ = 0;
  return delayed - input;
}

float Reverb::Channel::process(float input) noexcept {
  float sum = 0.0F;
  for (Comb& comb : combs) sum += comb.process(input);
  for (Allpass& allpass : allpasses) sum = allpass.process(sum);
  return sum;
}

Reverb::Reverb(int rate, double decay, double damping) {
  const auto build = [&](Channel& channel, const auto& combs, const auto& allpasses) {
    for (const std::size_t length : combs) {
      const std::size_t frames = scaled(length, rate);
      channel.combs.emplace_back(frames, comb_feedback(static_cast<double>(frames) / rate, decay), damping);
    }
    for (const std::size_t length : allpasses) channel.allpasses.emplace_back(scaled(length, rate));
  };
  build(left_, kCombsLeft, kAllpassesLeft);
  build(right_, kCombsRight, kAllpassesRight);
}

void Reverb::process(const float* input, int frames, float* left, float* right, float mix) {
  for (int i = 0; i < frames; ++i) {
    const float in = input[i] * kInputGain;
    left[i] += mix * left_.process(in);
    right[i] += mix * right_.process(in);
  }
}

}  // namespace stillroom::demo

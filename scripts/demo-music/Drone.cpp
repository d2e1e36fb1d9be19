#include "Drone.hpp"

#include "Envelope.hpp"
#include "Scale.hpp"

#include <numbers>

namespace stillroom::demo {

Drone::Drone(int tonic, int rate, Random random) : table_{1.0, 0.22, 0.06} {
  struct Part {
    int note;
    double level;
  };
  // The tonic an octave below the pad, and the fifth above it, softer.
  const Part parts[] = {{tonic - 12, 0.06}, {tonic - 5, 0.028}};
  for (const Part& part : parts) {
    for (const double side : {-1.0, 1.0}) {
      Oscillator oscillator;
      oscillator.increment = phase_increment(midi_to_hz(part.note) + side * random.uniform(0.03, 0.06), rate);
      oscillator.phase = static_cast<std::uint32_t>(random.next() >> 32);
      oscillator.pan = equal_power_pan(side * 0.5);
      oscillator.level = part.level;
      oscillator.breath_rate = random.uniform(0.03, 0.06);
      oscillator.breath_phase = random.uniform(0.0, 2.0 * std::numbers::pi);
      oscillators_.push_back(oscillator);
    }
  }
}

double Drone::gain_at(const Oscillator& oscillator, double t) noexcept {
  return oscillator.level * breathing(t, oscillator.breath_rate, oscillator.breath_phase, 0.35);
}

void Drone::render(Block& block) {
  const double t0 = block.start_seconds();
  const double t1 = block.end_seconds();
  for (Oscillator& oscillator : oscillators_) {
    const auto g0 = static_cast<float>(gain_at(oscillator, t0));
    const float dg = (static_cast<float>(gain_at(oscillator, t1)) - g0) / static_cast<float>(block.frames);
    std::uint32_t phase = oscillator.phase;
    for (int i = 0; i < block.frames; ++i) {
      const float value = (g0 + dg * static_cast<float>(i)) * table_.at(phase);
      block.left[static_cast<std::size_t>(i)] += value * oscillator.pan.left;
      block.right[static_cast<std::size_t>(i)] += value * oscillator.pan.right;
      phase += oscillator.increment;
    }
    oscillator.phase = phase;
  }
}

}  // namespace stillroom::demo

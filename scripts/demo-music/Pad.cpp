#include "Pad.hpp"

#include "Envelope.hpp"
#include "Scale.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace stillroom::demo {
namespace {

/** Cents of the three copies of each note: a slow chorus rather than a wobble. */
constexpr double kDetuneCents[] = {-7.0, 0.0, 6.0};

}  // namespace

Pad::Pad(const std::vector<Chord>& chords, const Character& character, int rate, Random random)
    : soft_{1.0, 0.28, 0.1, 0.035, 0.012},
      bright_{1.0, 0.55, 0.35, 0.22, 0.14, 0.09, 0.05, 0.03},
      crossfade_(character.crossfade_seconds),
      brightness_(character.brightness),
      brightness_swing_(character.brightness_swing) {
  for (const Chord& chord : chords) {
    Voice voice{chord, {}};
    const double per_oscillator = 1.0 / static_cast<double>(chord.notes.size() * std::size(kDetuneCents));
    for (const int note : chord.notes) {
      // Higher notes a little softer, as a string section would be voiced.
      const double tilt = std::pow(0.96, note - 45);
      for (const double cents : kDetuneCents) {
        Oscillator oscillator;
        const double detune = cents + random.uniform(-1.5, 1.5);
        oscillator.increment = phase_increment(midi_to_hz(note) * cents_to_ratio(detune), rate);
        oscillator.phase = static_cast<std::uint32_t>(random.next() >> 32);
        oscillator.pan = equal_power_pan(random.uniform(-0.7, 0.7));
        oscillator.level = per_oscillator * tilt;
        oscillator.breath_rate = random.uniform(0.03, 0.09);
        oscillator.breath_phase = random.uniform(0.0, 2.0 * std::numbers::pi);
        oscillator.bright_rate = random.uniform(0.015, 0.05);
        oscillator.bright_phase = random.uniform(0.0, 2.0 * std::numbers::pi);
        voice.oscillators.push_back(oscillator);
      }
    }
    voices_.push_back(std::move(voice));
  }
}

double Pad::gain_at(const Voice& voice, const Oscillator& oscillator, double t) const noexcept {
  const double chord = swell(t, voice.chord.start, voice.chord.end, crossfade_, crossfade_);
  return chord * oscillator.level * breathing(t, oscillator.breath_rate, oscillator.breath_phase, 0.45);
}

double Pad::brightness_at(const Oscillator& oscillator, double t) const noexcept {
  const double swing = std::sin(2.0 * std::numbers::pi * oscillator.bright_rate * t + oscillator.bright_phase);
  return std::clamp(brightness_ + brightness_swing_ * swing, 0.0, 1.0);
}

void Pad::render(Block& block) {
  const double t0 = block.start_seconds();
  const double t1 = block.end_seconds();
  while (first_sounding_ < voices_.size() && voices_[first_sounding_].chord.end <= t0) ++first_sounding_;

  for (std::size_t v = first_sounding_; v < voices_.size() && voices_[v].chord.start < t1; ++v) {
    Voice& voice = voices_[v];
    for (Oscillator& oscillator : voice.oscillators) {
      const auto g0 = static_cast<float>(gain_at(voice, oscillator, t0));
      const auto g1 = static_cast<float>(gain_at(voice, oscillator, t1));
      const auto b0 = static_cast<float>(brightness_at(oscillator, t0));
      const auto b1 = static_cast<float>(brightness_at(oscillator, t1));
      const float step = 1.0F / static_cast<float>(block.frames);
      const float dg = (g1 - g0) * step;
      const float db = (b1 - b0) * step;
      std::uint32_t phase = oscillator.phase;
      for (int i = 0; i < block.frames; ++i) {
        const float fi = static_cast<float>(i);
        const float value = (g0 + dg * fi) * soft_.blend(bright_, phase, b0 + db * fi);
        block.left[static_cast<std::size_t>(i)] += value * oscillator.pan.left;
        block.right[static_cast<std::size_t>(i)] += value * oscillator.pan.right;
        phase += oscillator.increment;
      }
      oscillator.phase = phase;
    }
  }
}

}  // namespace stillroom::demo

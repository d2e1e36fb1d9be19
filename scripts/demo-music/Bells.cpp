#include "Bells.hpp"

#include "Envelope.hpp"
#include "Scale.hpp"

namespace stillroom::demo {
namespace {

/** A soft mallet: the bell reaches full level over this many seconds. */
constexpr double kAttackSeconds = 0.012;
/** A ringing bell is faded to silence over its last second. */
constexpr double kTailSeconds = 1.0;

struct PartialShape {
  double ratio;
  double amplitude;
  /** Decay time relative to the fundamental's. */
  double decay;
};
constexpr PartialShape kPartials[] = {
    {1.0, 1.0, 1.0}, {2.0, 0.3, 0.6}, {2.76, 0.18, 0.45}, {4.07, 0.06, 0.3}, {5.4, 0.03, 0.22},
};

}  // namespace

Bells::Bells(int tonic, const Character& character, double length, int rate, Random random) : sine_{1.0} {
  if (character.bells_per_minute <= 0.0) return;
  const double mean_gap = 60.0 / character.bells_per_minute;
  const double decay = character.bell_decay_seconds;
  // No bell in the first seconds (the track is still fading in) or the last ones.
  double time = random.uniform(6.0, 6.0 + mean_gap);
  while (time < length - 10.0) {
    Strike strike;
    strike.time = time;
    strike.life = 6.0 * decay;
    // An octave or so above the pad's top: clear but not piercing.
    strike.note = pentatonic_note(tonic + 12, 2 + random.below(7));
    strike.pan = equal_power_pan(random.uniform(-0.6, 0.6));
    strike.velocity = random.uniform(0.6, 1.0);
    std::vector<Partial> partials;
    for (const PartialShape& shape : kPartials) {
      Partial partial;
      partial.increment = phase_increment(midi_to_hz(strike.note) * shape.ratio, rate);
      partial.amplitude = shape.amplitude;
      partial.decay = decay * shape.decay;
      partials.push_back(partial);
    }
    strikes_.push_back(strike);
    partials_.push_back(std::move(partials));
    time += mean_gap * random.uniform(0.5, 1.5);
  }
}

double Bells::gain_at(const Strike& strike, const Partial& partial, double t) noexcept {
  const double age = t - strike.time;
  if (age >= strike.life) return 0.0;
  const double tail = raised_cosine((strike.life - age) / kTailSeconds);
  return strike.velocity * partial.amplitude * tail * demo::strike(age, kAttackSeconds, partial.decay);
}

void Bells::render(Block& block) {
  const double t0 = block.start_seconds();
  const double t1 = block.end_seconds();
  while (first_ringing_ < strikes_.size() && strikes_[first_ringing_].time + strikes_[first_ringing_].life <= t0) {
    ++first_ringing_;
  }
  for (std::size_t s = first_ringing_; s < strikes_.size() && strikes_[s].time < t1; ++s) {
    const Strike& strike = strikes_[s];
    if (strike.time + strike.life <= t0) continue;
    for (Partial& partial : partials_[s]) {
      const auto g0 = static_cast<float>(gain_at(strike, partial, t0));
      const float dg = (static_cast<float>(gain_at(strike, partial, t1)) - g0) / static_cast<float>(block.frames);
      std::uint32_t phase = partial.phase;
      for (int i = 0; i < block.frames; ++i) {
        const float value = (g0 + dg * static_cast<float>(i)) * sine_.at(phase);
        block.left[static_cast<std::size_t>(i)] += value * strike.pan.left;
        block.right[static_cast<std::size_t>(i)] += value * strike.pan.right;
        phase += partial.increment;
      }
      partial.phase = phase;
    }
  }
}

}  // namespace stillroom::demo

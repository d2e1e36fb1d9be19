#include "Envelope.hpp"

#include <cmath>
#include <numbers>

namespace stillroom::demo {

double raised_cosine(double x) noexcept {
  if (x <= 0.0) return 0.0;
  if (x >= 1.0) return 1.0;
  return 0.5 - 0.5 * std::cos(std::numbers::pi * x);
}

double swell(double t, double start, double end, double attack, double release) noexcept {
  if (t <= start || t >= end) return 0.0;
  const double rise = attack > 0.0 ? raised_cosine((t - start) / attack) : 1.0;
  const double fall = release > 0.0 ? raised_cosine((end - t) / release) : 1.0;
  return rise < fall ? rise : fall;
}

double strike(double age, double attack, double decay) noexcept {
  if (age <= 0.0) return 0.0;
  const double rise = attack > 0.0 ? raised_cosine(age / attack) : 1.0;
  // The decay starts with the strike: a slow mallet does not delay the ring.
  return rise * std::exp(-age / decay);
}

double track_fade(double t, double length, double fade_in, double fade_out) noexcept {
  return swell(t, 0.0, length, fade_in, fade_out);
}

double breathing(double t, double rate_hz, double phase, double depth) noexcept {
  const double cycle = 0.5 - 0.5 * std::cos(2.0 * std::numbers::pi * rate_hz * t + phase);
  return 1.0 - depth * cycle;
}

}  // namespace stillroom::demo

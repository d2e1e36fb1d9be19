#include "Scale.hpp"

#include <array>
#include <cmath>

namespace stillroom::demo {
namespace {

constexpr std::array<int, 5> kPentatonic = {0, 2, 4, 7, 9};

/** Floor division and its non-negative remainder. */
constexpr int floor_div(int a, int b) noexcept { return a >= 0 ? a / b : -((-a + b - 1) / b); }

}  // namespace

double midi_to_hz(double note) noexcept { return 440.0 * std::exp2((note - 69.0) / 12.0); }

double cents_to_ratio(double cents) noexcept { return std::exp2(cents / 1200.0); }

int pentatonic_note(int tonic, int step) noexcept {
  const int octave = floor_div(step, 5);
  const int degree = step - octave * 5;
  return tonic + 12 * octave + kPentatonic[static_cast<std::size_t>(degree)];
}

bool in_major_pentatonic(int tonic, int note) noexcept {
  const int interval = note - tonic;
  const int within = interval - 12 * floor_div(interval, 12);
  for (const int degree : kPentatonic) {
    if (degree == within) return true;
  }
  return false;
}

int into_octave(int note, int low) noexcept { return low + (note - low) - 12 * floor_div(note - low, 12); }

}  // namespace stillroom::demo

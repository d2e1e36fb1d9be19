// StateVariableFilter: a trapezoidal (zero-delay feedback) state-variable
// filter. It stays stable and click-free while its frequency moves, which the
// wind, surf and vowel formants need.
#pragma once

namespace stillroom::demo {

class StateVariableFilter {
 public:
  /** Sets the cutoff or centre frequency and Q; the state is kept, so a sounding filter can move. */
  void tune(double hz, double q, int rate) noexcept;

  struct Output {
    float low;
    /** Band-pass scaled to unity gain at the centre frequency. */
    float band;
  };

  Output process(float input) noexcept {
    const float v3 = input - ic2_;
    const float v1 = a1_ * ic1_ + a2_ * v3;
    const float v2 = ic2_ + a2_ * ic1_ + a3_ * v3;
    ic1_ = 2.0F * v1 - ic1_;
    ic2_ = 2.0F * v2 - ic2_;
    return {v2, k_ * v1};
  }

 private:
  /** Coefficients (Zavalishin's naming) and the two integrator states. */
  float a1_ = 0.0F;
  float a2_ = 0.0F;
  float a3_ = 0.0F;
  float k_ = 1.0F;
  float ic1_ = 0.0F;
  float ic2_ = 0.0F;
};

}  // namespace stillroom::demo

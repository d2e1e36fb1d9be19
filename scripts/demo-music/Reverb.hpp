// Reverb: a Schroeder reverberator (parallel damped feedback combs, then
// series all-passes) per channel, with slightly different delays left and
// right so the tail is wide. Gives the music its room. Runs on the
// generator's only thread.
#pragma once

#include <cstddef>
#include <vector>

namespace stillroom::demo {

/** Feedback of a comb of `delay` seconds that decays by 60 dB in `decay` seconds. */
[[nodiscard]] double comb_feedback(double delay, double decay) noexcept;

class Reverb {
 public:
  /** decay: seconds to -60 dB; damping 0..1: how much faster high frequencies die. */
  Reverb(int rate, double decay, double damping);

  /** Adds `mix` times the reverberated mono `input` to left and right. */
  void process(const float* input, int frames, float* left, float* right, float mix);

 private:
  class Comb {
   public:
    Comb(std::size_t length, double feedback, double damping);
    float process(float input) noexcept;

   private:
    /** The delay line and the position of its oldest sample. */
    std::vector<float> buffer_;
    std::size_t index_ = 0;
    float feedback_;
    float damping_;
    /** The one-pole low-pass in the feedback path. */
    float low_ = 0.0F;
  };

  class Allpass {
   public:
    explicit Allpass(std::size_t length);
    float process(float input) noexcept;

   private:
    /** The delay line and the position of its oldest sample. */
    std::vector<float> buffer_;
    std::size_t index_ = 0;
  };

  /** Parallel combs summed, then the all-passes in series. */
  struct Channel {
    std::vector<Comb> combs;
    std::vector<Allpass> allpasses;
    float process(float input) noexcept;
  };

  Channel left_;
  Channel right_;
};

}  // namespace stillroom::demo

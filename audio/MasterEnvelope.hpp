// MasterEnvelope: the master level (therapist volume plus talk duck) in dB over
// mixer frames, built from the plan's master cues. Following a new plan never
// steps the level: a ramp in progress whose cue is unchanged continues, and a
// cue learned late (its time already behind the mix position) starts where the
// mix is now with its full ramp length. Owned by the mixer; single-threaded.
#pragma once

#include "audio/Ramp.hpp"

#include <cstdint>
#include <vector>

namespace stillroom::audio {

/** A master cue translated to mixer frames. */
struct MasterStep {
  /** Mixer frame of the cue's time (may be behind the mix position). */
  std::int64_t at = 0;
  double target_db = 0.0;
  std::int64_t ramp = 0;

  friend bool operator==(const MasterStep&, const MasterStep&) = default;
};

class MasterEnvelope {
 public:
  /**
   * Replaces the cues (sorted by `at`) with the mix at frame `now`. The level
   * at `now` is kept; the first plan starts at its cue's target without a ramp.
   */
  void follow(const std::vector<MasterStep>& steps, std::int64_t now);

  /** Level at `frame` in dB (0 before any plan). */
  [[nodiscard]] double value_db(std::int64_t frame) const noexcept;
  /** Whether the level changes anywhere in [first, last). */
  [[nodiscard]] bool moving_in(std::int64_t first, std::int64_t last) const noexcept;
  /** The ramps, by start (for tests and diagnostics). */
  [[nodiscard]] const std::vector<Ramp>& ramps() const noexcept { return ramps_; }

 private:
  /** Index of the last ramp starting at or before `frame`, or -1. */
  [[nodiscard]] std::ptrdiff_t ramp_at(std::int64_t frame) const noexcept;

  /** By start; each begins where the previous stands at that frame. */
  std::vector<Ramp> ramps_;
  /** The cue each ramp in `ramps_` came from, same order. */
  std::vector<MasterStep> origins_;
  /** Hint for value_db: the mixer asks for increasing frames. */
  mutable std::size_t cursor_ = 0;
};

}  // namespace stillroom::audio

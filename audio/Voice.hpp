// Voice: the mixer's state for one plan segment that is about to sound or
// sounding: its stream, where it starts and stops in mixer frames, and the
// ramps that make up its gain (fade in, fade out, track gain, phase level).
// Owned by the Mixer; single-threaded.
#pragma once

#include "audio/Ramp.hpp"
#include "audio/Stream.hpp"
#include "playlists/Plan.hpp"

#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <vector>

namespace stillroom::audio {

constexpr std::int64_t kNever = std::numeric_limits<std::int64_t>::max();

/** The plan fade a voice's fade-out ramp was computed from, and the dose-clock anchor then. */
struct FadeKey {
  config::Millis at{0};
  config::Millis length{0};
  plan::FadeShape shape = plan::FadeShape::EqualPower;
  std::int64_t origin = 0;

  friend bool operator==(const FadeKey&, const FadeKey&) = default;
};

struct Voice {
  enum class State { Pending, Playing };

  /** The segment as the latest plan describes it. */
  plan::Segment seg;
  /** Decoded audio; null for planned silence. */
  std::shared_ptr<StreamState> stream;
  State state = State::Pending;
  /** Segment id this voice joins (starts when that voice ends); 0 = starts at `start`. */
  std::uint64_t pred = 0;
  /** Whether `start` is known (a joined voice learns it when its predecessor's end is known). */
  bool start_known = false;
  /** Mixer frame of the voice's first frame. */
  std::int64_t start = 0;
  /** Frames mixed so far. */
  std::int64_t consumed = 0;
  /** Latest mixer frame at which it stops: where a fade-out reaches 0, or a silence ends. */
  std::int64_t cut = kNever;
  /** Planned silence: its last frame + 1 (kNever for tracks). */
  std::int64_t silence_end = kNever;
  /** Source position the stream starts at (the plan's offset, or later after a restart). */
  double source_start_ms = 0.0;

  /** Gain factors; their product, with the master and the cap, is the voice's gain. */
  Ramp fade_in = Ramp::hold(1.0);
  /** The plan's fade-outs, in the plan's order (each 1 -> 0). */
  std::vector<Ramp> plan_fades;
  /** What each of `plan_fades` was computed from. */
  std::vector<FadeKey> plan_fade_keys;
  /** Fades the engine added: the segment vanished, its file failed, a cancelled fade's way back up. */
  std::vector<Ramp> engine_fades;
  Ramp track_db = Ramp::hold(0.0);
  Ramp level_db = Ramp::hold(0.0);
  /** Fade-in length and shape to apply from the start frame (joined voices learn it late). */
  std::int64_t fade_in_frames = 0;
  plan::FadeShape fade_in_shape = plan::FadeShape::EqualPower;
  /** Gain applied to the last mixed frame (the per-sample slew limit starts from here). */
  double applied = 0.0;

  /** It started before its file's loudness was measured (a cache miss): its gain is an estimate so far. */
  bool loudness_estimated = false;
  /** The stream ended early: the voice fades before its audio runs out. */
  bool failed = false;
  bool failure_reported = false;
  /** The engine added the fade that ends it before its audio runs out. */
  bool failure_faded = false;
  /** The segment vanished from the plan: fading out over a short ramp. */
  bool vanished = false;
  /** Played out; removed at the end of the block. */
  bool ended = false;

  /** Product of every fade-out at frame f. */
  [[nodiscard]] double fade_out_value(std::int64_t f) const noexcept {
    double g = 1.0;
    for (const Ramp& r : plan_fades) g *= r.value(f);
    for (const Ramp& r : engine_fades) g *= r.value(f);
    return g;
  }
  /** Whether any fade-out moves in [first, last). */
  [[nodiscard]] bool fade_out_moving(std::int64_t first, std::int64_t last) const noexcept {
    for (const Ramp& r : plan_fades) {
      if (r.moving_in(first, last)) return true;
    }
    for (const Ramp& r : engine_fades) {
      if (r.moving_in(first, last)) return true;
    }
    return false;
  }
  /** The first frame at which some fade-out has reached 0, or kNever. */
  [[nodiscard]] std::int64_t silent_from() const noexcept {
    std::int64_t at = kNever;
    for (const Ramp& r : plan_fades) {
      if (r.to == 0.0) at = std::min(at, r.end());
    }
    for (const Ramp& r : engine_fades) {
      if (r.to == 0.0) at = std::min(at, r.end());
    }
    return at;
  }

  /**
   * Mixer frame where the voice ends, if known yet: where its audio runs out
   * or its fades reach 0, whichever comes first. While the stream is still
   * decoding, a cut beyond what has been decoded is not yet an end: the audio
   * may run out first (a track that ends naturally inside the session's final
   * fade), and a segment joined to it must start there, not at the cut.
   */
  [[nodiscard]] std::optional<std::int64_t> end_frame() const noexcept {
    std::int64_t end = cut;
    if (stream) {
      if (!start_known) return std::nullopt;
      if (stream->is_finished()) {
        end = std::min(end, start + stream->total.load(std::memory_order_relaxed));
      } else if (end > start + static_cast<std::int64_t>(stream->ring.total_written())) {
        return std::nullopt;
      }
    }
    if (end == kNever) return std::nullopt;
    return end;
  }
};

}  // namespace stillroom::audio

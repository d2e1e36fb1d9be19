// Mixer: the single-threaded core shared by real-time playback (player thread)
// and offline rendering (render thread). It follows a plan on the dose clock:
// opens streams decode_ahead early, starts voices at frame(start) or the
// instant the segment they join runs out, and owns every gain: normalisation
// * entry gain * phase level * fades * master (volume, talk duck) clamped under
// the cap. Every change is a ramp; a per-sample slew limit catches anything
// that would still step. A new plan is followed by segment id so that what is
// already sounding carries on without a seam.
#pragma once

#include "audio/EngineEvent.hpp"
#include "audio/Frames.hpp"
#include "audio/MasterEnvelope.hpp"
#include "audio/Voice.hpp"
#include "config/Room.hpp"
#include "playlists/Plan.hpp"

#include <cstdint>
#include <limits>
#include <map>
#include <memory>
#include <set>
#include <vector>

namespace stillroom::audio {

class Mixer {
 public:
  /** Largest block mix() accepts. */
  static constexpr std::size_t kMaxBlock = 8192;
  /** No gain moves faster than full scale in this long (bounds the per-sample step). */
  static constexpr std::int64_t kMinRampMs = 10;

  /**
   * `real_time`: a voice whose first audio is not decoded yet when due starts a
   * little late instead of holding up the mix (the renderer never waits).
   */
  Mixer(const config::AudioSettings& settings, StreamProvider& streams, EngineListener& listener, bool real_time);
  ~Mixer();
  Mixer(const Mixer&) = delete;
  Mixer& operator=(const Mixer&) = delete;

  /**
   * Adopts a plan. `origin`: the dose-axis frame (round(t * rate / 1000)) of
   * mixer frame 0, so that frame_of(t) = round(t * rate / 1000) - origin.
   */
  void follow(plan::Plan plan, std::int64_t origin);
  /**
   * Mixes up to `frames` (<= kMaxBlock) frames into `out` (interleaved) and
   * returns how many; fewer, even 0, in real time when a stream is late.
   */
  std::size_t mix(float* out, std::size_t frames);
  /** Fades everything out over `length` and plays nothing new (shutdown). */
  void fade_all(config::Millis length);

  [[nodiscard]] AudioFormat format() const noexcept { return format_; }
  /** Mixer frame of the next frame mix() produces. */
  [[nodiscard]] std::int64_t position() const noexcept { return position_; }
  [[nodiscard]] std::int64_t origin() const noexcept { return origin_; }
  [[nodiscard]] bool has_plan() const noexcept { return has_plan_; }
  /** Mixer frame of dose time t. */
  [[nodiscard]] std::int64_t frame_of(config::Millis t) const noexcept {
    return ms_to_frames(t, format_.rate) - origin_;
  }
  /** Dose time of mixer frame f (floored to the millisecond). */
  [[nodiscard]] config::Millis dose_at(std::int64_t f) const noexcept { return frames_to_ms(f + origin_, format_.rate); }
  /** Voices pending or sounding. */
  [[nodiscard]] std::size_t voice_count() const noexcept { return voices_.size(); }
  /** Whether nothing sounds and the plan has nothing more to play. */
  [[nodiscard]] bool finished() const noexcept;
  /**
   * Mixer frames from the mix position until mix() has anything to do but
   * silence: 0 while a voice waits or sounds, kNever when the plan has nothing
   * more (or there is none). Opening a file decode_ahead early counts as work.
   */
  [[nodiscard]] std::int64_t quiet_for() const noexcept;
  /** Moves the mix position on by `frames` of silence; only while quiet_for() covers them (an idle engine). */
  void skip(std::int64_t frames) noexcept;
  /**
   * Opens the streams of what is due now (as mix() would) and says whether
   * every voice starting within `frames` of the mix position has audio to
   * start with. A waking engine waits for that before it primes its output,
   * so that music due at once does not slide behind a ring of silence.
   */
  [[nodiscard]] bool due_streams_ready(std::int64_t frames);
  /** Master level at the mix position, dB (for diagnostics). */
  [[nodiscard]] double master_db() const noexcept { return master_.value_db(position_); }

 private:
  [[nodiscard]] std::int64_t frames(config::Millis ms) const noexcept { return ms_to_frames(ms, format_.rate); }
  Voice* find(std::uint64_t segment) noexcept;
  void activate();
  void create_voice(const plan::Segment& seg, std::int64_t nominal_start, std::uint64_t pred);
  bool schedule(Voice& voice, std::int64_t nominal_start);
  void plan_fade_out(Voice& voice);
  void limit_to_audio(Voice& voice);
  void update_cut(Voice& voice);
  void vanish(Voice& voice, std::int64_t length);
  void update_playing(Voice& voice, const plan::Segment& seg);
  void check_streams();
  void resolve_starts();
  [[nodiscard]] std::size_t ready_frames(std::size_t want);
  /** A stream's loudness as the decoder has published it (final or estimated). */
  struct StreamLoudness {
    double norm_db = 0.0;
    double integrated_lufs = -std::numeric_limits<double>::infinity();
    double true_peak_dbtp = -std::numeric_limits<double>::infinity();
    bool final = true;
  };
  [[nodiscard]] StreamLoudness stream_loudness(const Voice& voice) const noexcept;
  void start_voice(Voice& voice);
  /** Voices that started on an estimated loudness ramp to the measured one once it is known. */
  void follow_measurements();
  /** Mixes the voice into out[0..n) (out starts at the mix position); true when it ended. */
  bool mix_voice(Voice& voice, float* out, std::int64_t first, std::int64_t last);
  void end_voice(Voice& voice, std::int64_t at);
  [[nodiscard]] double target_gain(const Voice& voice, std::int64_t f) const noexcept;
  [[nodiscard]] bool gain_moving(const Voice& voice, std::int64_t first, std::int64_t last) const noexcept;
  void emit(EngineEvent::Kind kind, const Voice& voice, std::int64_t at_frame, std::string detail = {});

  AudioFormat format_;
  config::AudioSettings settings_;
  StreamProvider& streams_;
  EngineListener& listener_;
  bool real_time_;
  /** Largest gain change between two consecutive frames. */
  double max_step_;
  std::int64_t lookahead_;
  /**
   * A segment learned up to this late starts from its beginning (with its whole
   * fade-in) rather than mid-way: the output latency and the second a device
   * may take to open when the engine wakes.
   */
  std::int64_t late_tolerance_;

  plan::Plan plan_;
  bool has_plan_ = false;
  bool stopping_ = false;
  std::int64_t origin_ = 0;
  std::int64_t position_ = 0;
  MasterEnvelope master_;
  Ramp cap_db_ = Ramp::hold(0.0);
  /** In creation order: a joined voice always comes after the voice it joins. */
  std::vector<std::unique_ptr<Voice>> voices_;
  /** Plan segments before this index are all done or over (activate() starts here). */
  std::size_t first_open_ = 0;
  /** Segments that played (or were skipped) and must not start again. */
  std::set<std::uint64_t> done_;
  /** How a voice ended, for the segment that joins it. */
  struct EndState {
    /** Mixer frame of the end. */
    std::int64_t frame = 0;
    double level_db = 0.0;
    /** Its loudness as normalised and gained (before phase level and master), LUFS; -inf unknown. */
    double loudness_lufs = 0.0;
    /** Gain applied to its last frame, and the gain its ramps wanted there. */
    double applied = 0.0;
    double target = 0.0;
    /** It failed and had faded out. */
    bool faded = false;
  };
  /** By segment id: ended voices, for segments that join them. */
  std::map<std::uint64_t, EndState> ended_at_;
};

}  // namespace stillroom::audio

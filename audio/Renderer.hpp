// Renderer: a session rendered offline to a file, as fast as the CPU allows,
// deterministic, with the same Mixer as real-time playback and an inline
// decoder that runs exactly decode_ahead ahead of the mix. Frame 0 of the file
// is the first plan's start_at. With sample_rate auto the file has the rate the
// engine would play the first plan at (that of most of its music). Runs
// entirely in the calling thread (events are delivered there too).
#pragma once

#include "audio/EngineEvent.hpp"
#include "audio/FileWriter.hpp"
#include "audio/InlineDecoder.hpp"
#include "audio/LoudnessCache.hpp"
#include "audio/Mixer.hpp"
#include "config/Room.hpp"
#include "playlists/Plan.hpp"

#include <memory>
#include <string>
#include <vector>

namespace stillroom::audio {

class Renderer {
 public:
  /** Opens `out_file` (.wav or .flac); throws std::runtime_error with the reason when it cannot. */
  Renderer(const config::AudioSettings& settings, LoudnessCache& cache, EngineListener& listener,
           const std::string& out_file);
  ~Renderer();
  Renderer(const Renderer&) = delete;
  Renderer& operator=(const Renderer&) = delete;

  /** Applies from the current render position (the first plan anchors frame 0 at its start_at). */
  void follow(plan::Plan plan);
  /** Renders up to dose time `dose_time` (exclusive). Throws std::runtime_error on a write error. */
  void render_until(config::Millis dose_time);
  /** Closes the file. */
  void finish();

  /** Dose time of the next frame to render. */
  [[nodiscard]] config::Millis position() const noexcept;
  [[nodiscard]] std::int64_t frames_written() const noexcept { return writer_.frames_written(); }
  /** The file's sample rate. */
  [[nodiscard]] int sample_rate() const noexcept { return format_.rate; }
  /** Whether the plan has nothing more to play. */
  [[nodiscard]] bool done() const noexcept { return mixer_->finished(); }

 private:
  /** Decoder and mixer at format_.rate. */
  void build();

  config::AudioSettings settings_;
  AudioFormat format_;
  LoudnessCache& cache_;
  EngineListener& listener_;
  std::string out_file_;
  std::unique_ptr<InlineDecoder> decoder_;
  std::unique_ptr<Mixer> mixer_;
  FileWriter writer_;
  std::vector<float> block_;
};

}  // namespace stillroom::audio

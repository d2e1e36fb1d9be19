// DecoderCore: decodes every open stream ahead of the mixer, one block at a
// time, the emptiest ring first; measures loudness cache misses in slices
// between blocks (the stream decodes meanwhile, at an estimated gain); and carries one resampler across a gapless join when both
// files share a rate, so a join at 44.1 kHz is as seamless as the source.
// Single-threaded: driven by DecoderThread (real time) or InlineDecoder
// (offline render).
#pragma once

#include "audio/DecodeJob.hpp"
#include "audio/Frames.hpp"
#include "audio/LoudnessCache.hpp"

#include <memory>
#include <string>
#include <vector>

namespace stillroom::audio {

class DecoderCore {
 public:
  DecoderCore(AudioFormat out, LoudnessCache& cache, double target_lufs, double ceiling_dbtp);

  /** Opens the stream's file and starts it (failures are published on the stream). */
  void add(std::shared_ptr<StreamState> stream);
  /** Forgets the stream (the mixer closed it). */
  void remove(const StreamState* stream);
  /** Does one unit of work: a block into the neediest ring, or a loudness slice. False when there is none. */
  bool work();
  [[nodiscard]] std::size_t jobs() const noexcept { return jobs_.size(); }

 private:
  DecodeJob* find(std::uint64_t segment) noexcept;
  void fail(DecodeJob& job, const std::string& why);
  void publish_loudness(DecodeJob& job, const Loudness& loudness, bool final);
  void begin_decoding(DecodeJob& job);
  void own_resampler(DecodeJob& job);
  void decode_block(DecodeJob& job);
  void end_of_source(DecodeJob& job, bool failed, const std::string& why);
  void flush(DecodeJob& job);
  void route(DecodeJob& job, const float* frames, std::size_t count);

  AudioFormat out_;
  LoudnessCache& cache_;
  double target_lufs_;
  double ceiling_dbtp_;
  std::vector<std::unique_ptr<DecodeJob>> jobs_;
};

}  // namespace stillroom::audio

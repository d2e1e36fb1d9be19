// DecodeJob: the decoder-side half of one stream: the open file positioned at
// the segment's source offset, its channel mapping, the resampler it feeds
// (its own, or one carried on from the segment it joins), and output that did
// not fit in the stream's ring yet. Driven by DecoderCore in the decoder thread
// (or inline by the offline renderer).
#pragma once

#include "audio/ChannelMapper.hpp"
#include "audio/Frames.hpp"
#include "audio/LoudnessMeter.hpp"
#include "audio/Resampler.hpp"
#include "audio/SndFile.hpp"
#include "audio/Stream.hpp"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace stillroom::audio {

class DecodeJob {
 public:
  enum class State {
    Deferred,   ///< waits for the segment it joins to hand over its resampler
    Decoding,   ///< reading the file into the ring
    Owed,       ///< file done; the last resampled frames come through the joined successor
    Done,       ///< finished and published
  };

  DecodeJob(std::shared_ptr<StreamState> stream, AudioFormat out);

  /** Opens and seeks; false with `error` when the file cannot be played from there. */
  bool open(std::string& error);

  [[nodiscard]] StreamState& stream() const noexcept { return *stream_; }
  [[nodiscard]] const std::shared_ptr<StreamState>& stream_ptr() const noexcept { return stream_; }
  [[nodiscard]] std::uint64_t segment() const noexcept { return stream_->request.segment; }
  [[nodiscard]] int source_rate() const noexcept { return file_.info().samplerate; }
  [[nodiscard]] int source_channels() const noexcept { return file_.info().channels; }
  [[nodiscard]] bool needs_resampling() const noexcept { return source_rate() != out_.rate; }

  /** Source frames one block reads. */
  static constexpr std::int64_t kBlock = 4096;
  /** Output frames one block can produce (the ring needs this much room). */
  [[nodiscard]] std::size_t block_output() const noexcept { return out_block_; }

  /**
   * Reads and maps up to one block of source frames into `mapped()`; returns
   * the count, 0 at the stop position or end of file, -1 on a decode error
   * (then `error` is set).
   */
  std::int64_t read_block(std::string& error);
  [[nodiscard]] const float* mapped() const noexcept { return mapped_.data(); }
  /** Source frames decoded so far (after the seek). */
  [[nodiscard]] std::int64_t decoded() const noexcept { return decoded_; }

  /** Appends output frames: into the ring while it has room, the rest waits in the carry. */
  void deliver(const float* frames, std::size_t count);
  /** Moves carried frames into the ring; true when the carry is empty. */
  bool drain_carry();
  [[nodiscard]] bool carry_empty() const noexcept { return carry_.empty(); }
  /** Publishes the end once the carry has drained. */
  void finish(bool failed, std::string why);
  [[nodiscard]] bool finishing() const noexcept { return finishing_; }
  /** Publishes the end if finish() was called and the carry is empty; true when published. */
  bool try_publish();

  /** Scratch for resampler output, sized for one block. */
  [[nodiscard]] float* scratch() noexcept { return scratch_.data(); }

  State state = State::Decoding;
  /** The resampler this job feeds (shared with its predecessor after a handoff). */
  std::shared_ptr<Resampler> resampler;
  /** After a handoff: the predecessor still owed this many of the resampler's next frames. */
  DecodeJob* owes_to = nullptr;
  std::int64_t owed = 0;
  /** While measuring a loudness cache miss (in slices, beside decoding). */
  std::unique_ptr<LoudnessMeter> meter;

 private:
  std::shared_ptr<StreamState> stream_;
  AudioFormat out_;
  SndFile file_;
  std::unique_ptr<ChannelMapper> mapper_;
  /** Source frame where reading stops, or -1 for the end of the file. */
  std::int64_t stop_frame_ = -1;
  std::int64_t decoded_ = 0;
  std::size_t out_block_ = 0;
  std::vector<float> in_;
  std::vector<float> mapped_;
  std::vector<float> scratch_;
  /** Output frames waiting for room in the ring. */
  std::vector<float> carry_;
  bool finishing_ = false;
  bool finish_failed_ = false;
  std::string finish_why_;
};

}  // namespace stillroom::audio

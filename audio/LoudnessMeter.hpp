// LoudnessMeter: measures one file's loudness with libebur128 (integrated and
// true peak) after the same channel mapping the player applies, in slices so
// the decoder thread can interleave it with keeping the playback rings full.
// Runs in whichever thread calls it (controller at preload, decoder thread on a
// cache miss); one instance per file.
#pragma once

#include "audio/ChannelMapper.hpp"
#include "audio/Loudness.hpp"
#include "audio/SndFile.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace stillroom::audio {

class LoudnessMeter {
 public:
  /** `out_channels`: the player's output channel count (the mapping measured). */
  explicit LoudnessMeter(int out_channels);
  ~LoudnessMeter();
  LoudnessMeter(const LoudnessMeter&) = delete;
  LoudnessMeter& operator=(const LoudnessMeter&) = delete;

  /** Opens `path`; false with `error` set when it cannot be read. */
  bool open(const std::string& path, std::string& error);
  /** Starts measuring audio fed with add() (no file of its own): `rate` and `in_channels` of the source. */
  bool begin(int rate, int in_channels);
  /** Maps `count` source frames (in_channels interleaved) as the player does and measures them. */
  void add(const float* frames, std::int64_t count);
  /** The loudness of everything measured so far (-inf when nothing, or only silence, was). */
  [[nodiscard]] Loudness current() const;
  /** Source frames measured so far. */
  [[nodiscard]] std::int64_t measured() const noexcept { return measured_; }
  /**
   * Measures up to `max_frames` more source frames. Returns true when the
   * whole file has been measured (then result() is set) or on error (then
   * error() is non-empty, and result() holds the loudness of the part that
   * decoded, if any).
   */
  bool step(std::int64_t max_frames);
  /** Opens and measures the whole file at once; nullopt with `error` on any decode error. */
  [[nodiscard]] std::optional<Loudness> measure(const std::string& path, std::string& error);

  [[nodiscard]] const std::optional<Loudness>& result() const noexcept { return result_; }
  [[nodiscard]] const std::string& error() const noexcept { return error_; }

 private:
  /** libebur128 state for the open file. */
  struct State;

  int out_channels_;
  SndFile file_;
  std::unique_ptr<ChannelMapper> mapper_;
  std::unique_ptr<State> state_;
  /** Decoded and mapped blocks. */
  std::vector<float> in_;
  std::vector<float> mapped_;
  std::int64_t measured_ = 0;
  std::optional<Loudness> result_;
  std::string error_;
};

}  // namespace stillroom::audio

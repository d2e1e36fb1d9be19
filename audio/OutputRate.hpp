// OutputRate: the output rate that spares the most resampling — the source
// rate of most of the music a plan has coming (by playing time), so that a
// library at 44.1 kHz plays at 44.1 kHz, bit for bit, and only tracks at other
// rates go through soxr. Used by the engine when it wakes from idle (and by the
// renderer before it starts) when `audio.sample_rate` is `auto`. Pure, with the
// files' rates from a probe the caller passes in.
#pragma once

#include "config/Duration.hpp"
#include "playlists/Plan.hpp"

#include <functional>
#include <map>
#include <string>

namespace stillroom::audio {

/**
 * The source rate with the most music in the plan's segments that sound in
 * [from, from + horizon); `fallback` when none does (or no rate is known).
 * A tie goes to `fallback` if it is one of the rates tied, else to the higher.
 * `rate_of` gives a file's sample rate, 0 when it cannot be read.
 */
[[nodiscard]] int music_rate(const plan::Plan& plan, config::Millis from, config::Millis horizon, int fallback,
                             const std::function<int(const std::string&)>& rate_of);

/** Files' sample rates read from their headers, each file once (player or render thread). */
class SourceRates {
 public:
  /** The file's sample rate, 0 when it cannot be opened. */
  int of(const std::string& file);

 private:
  std::map<std::string, int> rates_;
};

}  // namespace stillroom::audio

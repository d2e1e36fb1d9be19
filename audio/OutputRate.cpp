#include "audio/OutputRate.hpp"

#include "audio/SndFile.hpp"

#include <algorithm>

namespace stillroom::audio {

int music_rate(const plan::Plan& plan, config::Millis from, config::Millis horizon, int fallback,
               const std::function<int(const std::string&)>& rate_of) {
  const config::Millis until = from + horizon;
  std::map<int, long long> playing;  // rate -> milliseconds of music
  for (const auto& seg : plan.segments) {
    if (seg.silence || seg.file.empty()) continue;
    const config::Millis start = std::max(seg.start, from);
    const config::Millis end = std::min(seg.end, until);
    if (end <= start) continue;
    const int rate = rate_of(seg.file);
    if (rate > 0) playing[rate] += (end - start).count();
  }
  int best = fallback;
  long long most = -1;
  for (const auto& [rate, ms] : playing) {
    const bool better = ms > most || (ms == most && (rate == fallback || (best != fallback && rate > best)));
    if (better) {
      best = rate;
      most = ms;
    }
  }
  return best;
}

int SourceRates::of(const std::string& file) {
  if (const auto it = rates_.find(file); it != rates_.end()) return it->second;
  SndFile f;
  const int rate = f.open(file) ? f.info().samplerate : 0;
  rates_.emplace(file, rate);
  return rate;
}

}  // namespace stillroom::audio

#include "audio/MasterEnvelope.hpp"

namespace stillroom::audio {

void MasterEnvelope::follow(const std::vector<MasterStep>& steps, std::int64_t now) {
  std::vector<Ramp> ramps;
  std::vector<MasterStep> origins;
  const bool first = ramps_.empty();
  const double level_now = value_db(now);

  // The cue in force at `now`: the last one at or before it.
  std::ptrdiff_t in_force = -1;
  for (std::size_t i = 0; i < steps.size(); ++i) {
    if (steps[i].at <= now) in_force = static_cast<std::ptrdiff_t>(i);
  }
  if (in_force >= 0) {
    const MasterStep& cue = steps[static_cast<std::size_t>(in_force)];
    const std::ptrdiff_t current = ramp_at(now);
    if (first) {
      ramps.push_back(Ramp::hold(cue.target_db));
      ramps.back().start = now;
    } else if (current >= 0 && origins_[static_cast<std::size_t>(current)] == cue) {
      ramps.push_back(ramps_[static_cast<std::size_t>(current)]);  // unchanged: let it run on
    } else {
      Ramp r;
      r.start = now;
      r.length = cue.ramp;
      r.from = level_now;
      r.to = cue.target_db;
      ramps.push_back(r);
    }
    origins.push_back(cue);
  } else {
    Ramp r = Ramp::hold(first && !steps.empty() ? steps.front().target_db : level_now);
    r.start = now;
    ramps.push_back(r);
    origins.push_back(MasterStep{now, r.to, 0});
  }
  for (std::size_t i = static_cast<std::size_t>(in_force + 1); i < steps.size(); ++i) {
    const MasterStep& cue = steps[i];
    Ramp r;
    r.start = cue.at;
    r.length = cue.ramp;
    r.from = ramps.back().value(cue.at);
    r.to = cue.target_db;
    ramps.push_back(r);
    origins.push_back(cue);
  }
  ramps_ = std::move(ramps);
  origins_ = std::move(origins);
  cursor_ = 0;
}

std::ptrdiff_t MasterEnvelope::ramp_at(std::int64_t frame) const noexcept {
  if (ramps_.empty() || frame < ramps_.front().start) return ramps_.empty() ? -1 : 0;
  std::size_t i = cursor_ < ramps_.size() && ramps_[cursor_].start <= frame ? cursor_ : 0;
  while (i + 1 < ramps_.size() && ramps_[i + 1].start <= frame) ++i;
  cursor_ = i;
  return static_cast<std::ptrdiff_t>(i);
}

double MasterEnvelope::value_db(std::int64_t frame) const noexcept {
  const std::ptrdiff_t i = ramp_at(frame);
  return i < 0 ? 0.0 : ramps_[static_cast<std::size_t>(i)].value(frame);
}

bool MasterEnvelope::moving_in(std::int64_t first, std::int64_t last) const noexcept {
  for (const Ramp& r : ramps_) {
    if (r.start >= last) break;
    if (r.moving_in(first, last)) return true;
  }
  return false;
}

}  // namespace stillroom::audio

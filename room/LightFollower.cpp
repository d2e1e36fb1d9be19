#include "room/LightFollower.hpp"

#include <cmath>

namespace stillroom::room {
namespace {

/** Older unmatched commands than this are forgotten (a fade sends a few per second). */
constexpr std::size_t max_pending = 16;

}  // namespace

LightFollower::LightFollower(Millis timeout, double tolerance_pct) : timeout_(timeout), tolerance_(tolerance_pct) {}

bool LightFollower::matches(double a, double b) const noexcept { return std::fabs(a - b) <= tolerance_; }

std::optional<double> LightFollower::commanded_level() const noexcept {
  if (pending_.empty()) return std::nullopt;
  return pending_.back().pct;
}

void LightFollower::commanded(double pct, Millis transition, Millis now) {
  if (pending_.empty() && last_report_ && matches(*last_report_, pct)) return;  // already there
  if (pending_.empty()) unmatched_due_ = now + transition;
  pending_.push_back({pct, now + transition});
  while (pending_.size() > max_pending) pending_.pop_front();
}

void LightFollower::reported(double pct) {
  last_report_ = pct;
  // The newest command this report matches: everything up to it has been followed.
  for (auto i = pending_.size(); i-- > 0;) {
    if (!matches(pending_[i].pct, pct)) continue;
    pending_.erase(pending_.begin(), pending_.begin() + static_cast<std::ptrdiff_t>(i) + 1);
    unmatched_due_ = pending_.empty() ? std::nullopt : std::optional<Millis>(pending_.front().due);
    return;
  }
}

std::optional<bool> LightFollower::check(Millis now) {
  const bool late = unmatched_due_ && now >= *unmatched_due_ + timeout_;
  if (late == faulty_) return std::nullopt;
  faulty_ = late;
  return late;
}

}  // namespace stillroom::room

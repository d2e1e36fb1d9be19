// LightFollower: whether one light that reports its state is doing what it was
// told. A light "follows" when a report matches a recent command (reports lag
// behind a stepped fade, so any of the last few counts as progress); it is a
// fault when the light has not matched for follow_timeout past the moment it
// should have got there. Pure, clock-injected, one per light.
#pragma once

#include "config/Duration.hpp"

#include <deque>
#include <optional>

namespace stillroom::room {

using config::Millis;

class LightFollower {
 public:
  /** `tolerance_pct`: how far a report may be from the command and still count (device rounding). */
  LightFollower(Millis timeout, double tolerance_pct);

  /** A command for `pct` was sent at `now`, taking `transition`. */
  void commanded(double pct, Millis transition, Millis now);
  /** The light reported `pct` (0 when off). */
  void reported(double pct);
  /** Evaluates at `now`: true = the fault starts, false = it clears, nullopt = no change. */
  [[nodiscard]] std::optional<bool> check(Millis now);

  [[nodiscard]] bool faulty() const noexcept { return faulty_; }
  /** When check() would next change its answer (the fault's deadline), if it can. */
  [[nodiscard]] std::optional<Millis> deadline() const noexcept {
    if (!unmatched_due_ || faulty_) return std::nullopt;
    return *unmatched_due_ + timeout_;
  }
  [[nodiscard]] std::optional<double> last_report() const noexcept { return last_report_; }
  /** The level most recently commanded. */
  [[nodiscard]] std::optional<double> commanded_level() const noexcept;

 private:
  struct Sent {
    double pct;
    /** When the light should be there (sent + transition). */
    Millis due;
  };

  [[nodiscard]] bool matches(double a, double b) const noexcept;

  Millis timeout_;
  double tolerance_;
  /** Commands not yet matched, oldest first (the last one is the current target). */
  std::deque<Sent> pending_;
  /** When the oldest unmatched command should have been reached (kept when old commands are forgotten). */
  std::optional<Millis> unmatched_due_;
  std::optional<double> last_report_;
  bool faulty_ = false;
};

}  // namespace stillroom::room

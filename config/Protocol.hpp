// Protocol: how one route of administration divides the dose clock (T0 = the
// moment of administration) into phases, and what the room does in each.
// Plain data, filled and validated by Loader.
#pragma once

#include "config/Duration.hpp"
#include "config/SourceMark.hpp"

#include <optional>
#include <string>
#include <vector>

namespace stillroom::config {

struct Phase {
  std::string name;
  /** Dose-relative start; negative only for a pre-dose phase (settle). */
  Millis start{0};
  /** Dose-relative end; the next phase starts here (phases are contiguous). */
  Millis end{0};
  /** Music level of the phase relative to the loudness target, dB (<= room cap). */
  double volume_db = 0.0;
  /** Name of a scene in the room's `lights.scenes`. */
  std::string light_scene;
  /** How long the lights take to reach the scene from the phase start. */
  Millis light_fade{0};
  /** Crossfade from the previous phase's music into this phase's, starting at `start`. */
  Millis crossfade{0};
  /** Whether tracks flagged as having lyrics may play in this phase. */
  bool lyrics_allowed = false;
  SourceMark where;
};

/** What a reminder's time is counted from. */
enum class ReminderAnchor {
  Dose,           ///< T0; fixed whatever happens (a booster does not move it)
  SessionEnd,     ///< the end of the last phase (moves with boosters)
  MonitoringEnd,  ///< the end of monitoring (moves with boosters)
};

struct Reminder {
  std::string id;
  std::string text;
  ReminderAnchor anchor = ReminderAnchor::Dose;
  /** Offset from the anchor; negative = before it ("10m before monitoring end"). */
  Millis offset{0};
  /** Repeat interval until acknowledged; nullopt = announce once. */
  std::optional<Millis> repeat;
  SourceMark where;
};

/** The amounts a clinician may enter for one administration, mg. */
struct DoseRange {
  double min_mg = 0.0;
  double max_mg = 0.0;
  SourceMark where;

  [[nodiscard]] bool contains(double mg) const noexcept { return mg >= min_mg && mg <= max_mg; }
};

/** How a booster dose given at dose time B changes the later phases. */
enum class BoosterKind {
  None,      ///< boosters are not part of this protocol (a booster command is refused)
  Record,    ///< recorded only, the timeline is unchanged
  Extend,    ///< every boundary after B (and the session and monitoring ends) moves by `extend_by`
  Reanchor,  ///< the phase containing B starts again at B with its full length; later phases follow
};

struct BoosterRule {
  BoosterKind kind = BoosterKind::None;
  /** Earliest and latest dose time at which a booster is accepted. */
  Millis earliest{0};
  Millis latest{0};
  Millis extend_by{0};
  int max_boosters = 1;
  /** The amounts a booster may have; absent: the protocol's dose range. */
  std::optional<DoseRange> dose;
  SourceMark where;
};

struct Protocol {
  /** File stem unless `id:` is given; referenced by clients. */
  std::string id;
  std::string name;
  /** im | sublingual | iv | intranasal | oral | other */
  std::string route;
  /** What is administered, for the record ("ketamine", "esketamine", ...). */
  std::string medication;
  /** The amounts a clinician may enter for the dose. */
  DoseRange dose;
  /** Ordered, contiguous; the first may start before the dose (settle). */
  std::vector<Phase> phases;
  std::vector<Reminder> reminders;
  BoosterRule booster;
  /** Dose-relative end of monitoring (>= end of the last phase). */
  Millis monitoring_end{0};
  /** "N minutes left" notices before the end of the last phase. */
  std::vector<Millis> minutes_left;
  /** Music fade-out at the natural end of the last phase. */
  Millis end_fade{0};
  SourceMark where;

  /** End of the last phase (the music's end), 0 when there are no phases. */
  [[nodiscard]] Millis session_end() const noexcept {
    return phases.empty() ? Millis{0} : phases.back().end;
  }
  /** Dose time a reminder falls due on the timeline as written (before any booster moves the ends). */
  [[nodiscard]] Millis reminder_due(const Reminder& reminder) const noexcept;
  /** The amounts a booster may have (the booster's own range, else the dose range). */
  [[nodiscard]] const DoseRange& booster_dose() const noexcept { return booster.dose ? *booster.dose : dose; }
  /** Index of the phase named `name`, or -1. */
  [[nodiscard]] int phase_index(const std::string& name) const noexcept;
};

}  // namespace stillroom::config

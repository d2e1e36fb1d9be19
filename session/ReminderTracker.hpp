// ReminderTracker: which clinical reminders and "N minutes left" notices are
// due on the dose clock, repeated at their interval until acknowledged. Pure and
// clock-injected: the controller ticks it with the dose-clock time and turns the
// signals into `reminder_due` / `notice` events; nothing here sleeps or reads a clock.
#pragma once

#include "config/Duration.hpp"
#include "playlists/Plan.hpp"

#include <optional>
#include <string>
#include <vector>

namespace stillroom::session {

using config::Millis;

/** Something to tell the therapist now. */
struct ReminderSignal {
  enum class Kind { Due, Repeat, Notice };
  Kind kind = Kind::Due;
  /** Reminder id (empty for a notice). */
  std::string id;
  std::string text;
  /** Dose-clock time the reminder was due, or the notice's planned time. */
  Millis due{0};
  /** 1 for the first announcement, 2.. for repeats. */
  int count = 1;
  /** Notice: time left until the end of the last phase, as of now. */
  Millis remaining{0};
};

/** A reminder as shown to the therapist (state.next_reminder). */
struct ReminderView {
  std::string id;
  std::string text;
  Millis due{0};
  /** Due and not acknowledged. */
  bool outstanding = false;
};

enum class AckResult { Acked, AlreadyAcked, Unknown, NotYetDue };

[[nodiscard]] const char* to_string(AckResult result) noexcept;

class ReminderTracker {
 public:
  ReminderTracker() = default;
  ReminderTracker(std::vector<plan::ReminderCue> reminders, std::vector<plan::NoticeCue> notices);

  /**
   * Adopts a recomputed plan (a booster moved the session end): acknowledgements
   * are kept by id; a reminder whose time moved into the future is announced again
   * at its new time; notices already past stay announced.
   */
  void replan(std::vector<plan::ReminderCue> reminders, std::vector<plan::NoticeCue> notices, Millis now);

  /**
   * What to announce at dose time `now`: first announcements, repeats and
   * notices. A late tick (after a restart) announces each reminder once rather
   * than every repeat it missed, and only the latest of several missed notices.
   */
  [[nodiscard]] std::vector<ReminderSignal> tick(Millis now);

  /** Acknowledges reminder `id`; reminders not yet due cannot be acknowledged. */
  AckResult ack(const std::string& id, Millis now);

  /** The earliest outstanding reminder, else the next upcoming one. */
  [[nodiscard]] std::optional<ReminderView> next(Millis now) const;
  /** Due and unacknowledged, by due time. */
  [[nodiscard]] std::vector<ReminderView> outstanding(Millis now) const;
  /** Dose time of the next thing tick() will announce, if any. */
  [[nodiscard]] std::optional<Millis> next_wakeup() const;

 private:
  struct Reminder {
    plan::ReminderCue cue;
    bool acked = false;
    int announced = 0;
    /** Next repeat (valid once announced and when the cue repeats). */
    Millis next_repeat{0};
  };
  struct Notice {
    plan::NoticeCue cue;
    bool announced = false;
  };

  std::vector<Reminder> reminders_;
  std::vector<Notice> notices_;
};

}  // namespace stillroom::session

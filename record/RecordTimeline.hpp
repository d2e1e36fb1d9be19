// RecordTimeline: a session's events as people read them — seq, wall time,
// time on the dose clock when it is known, type, who, and a one-line summary.
// Dose-relative times come from the event's own dose-clock field when it has
// one, else from the monotonic clock since session_started (immune to wall
// clock steps), else (another boot) from wall time. Pure; any thread.
#pragma once

#include "config/Duration.hpp"
#include "record/RecordEvent.hpp"

#include <optional>
#include <string>
#include <vector>

namespace stillroom::record {

struct TimelineEntry {
  std::int64_t seq = 0;
  std::string utc;
  /** Time on the dose clock (T0 = administration), when known. */
  std::optional<config::Millis> dose_time;
  std::string type;
  /** "device (role)" */
  std::string actor;
  std::string summary;
};

/** One readable line about what the event says ("dose 50 mg im to c-017", "volume -6 dB"). */
[[nodiscard]] std::string summarize(const RecordEvent& event);

[[nodiscard]] std::vector<TimelineEntry> make_timeline(const std::vector<RecordEvent>& events);

/** Aligned text, one line per entry, with a header. */
[[nodiscard]] std::string format_timeline(const std::vector<TimelineEntry>& entries);

}  // namespace stillroom::record

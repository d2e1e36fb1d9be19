#include "playlists/PhaseTimeline.hpp"

#include <algorithm>

namespace stillroom::plan {

std::string booster_refusal(const config::Protocol& protocol, Millis at, int accepted, Millis session_end,
                            Millis final_fade) {
  const auto& rule = protocol.booster;
  if (rule.kind == config::BoosterKind::None) return "protocol '" + protocol.id + "' has no booster";
  if (accepted >= rule.max_boosters)
    return "protocol '" + protocol.id + "' allows " + std::to_string(rule.max_boosters) + " booster" +
           (rule.max_boosters == 1 ? "" : "s");
  if (at < rule.earliest || at > rule.latest)
    return "a booster is accepted from " + config::format_clock(rule.earliest) + " to " +
           config::format_clock(rule.latest) + " after the dose, not at " + config::format_clock(at);
  if (at >= session_end - final_fade)
    return "the music's final fade began at " + config::format_clock(session_end - final_fade);
  return {};
}

Millis final_fade(const config::Protocol& protocol, const config::Room& room) {
  return std::max(protocol.end_fade, room.audio.ramps.volume);
}

std::vector<ReminderCue> reminder_cues(const config::Protocol& protocol, Millis session_end, Millis monitoring_end,
                                       Millis start_at) {
  std::vector<ReminderCue> cues;
  for (const auto& r : protocol.reminders) {
    Millis anchor{0};
    if (r.anchor == config::ReminderAnchor::SessionEnd) anchor = session_end;
    if (r.anchor == config::ReminderAnchor::MonitoringEnd) anchor = monitoring_end;
    cues.push_back({r.id, r.text, std::max(anchor + r.offset, start_at), r.repeat});
  }
  std::stable_sort(cues.begin(), cues.end(), [](const auto& a, const auto& b) { return a.due < b.due; });
  return cues;
}

PhaseTimeline phase_timeline(const config::Protocol& protocol, const std::vector<Millis>& boosters,
                             Millis final_fade) {
  PhaseTimeline t;
  for (std::size_t i = 0; i < protocol.phases.size(); ++i) {
    const auto& p = protocol.phases[i];
    t.phases.push_back({static_cast<int>(i), p.name, p.start, p.end, p.volume_db, p.light_scene, p.lyrics_allowed});
  }
  t.session_end = protocol.session_end();
  t.monitoring_end = protocol.monitoring_end;

  for (const Millis at : boosters) {
    if (auto why = booster_refusal(protocol, at, static_cast<int>(t.accepted_boosters.size()), t.session_end, final_fade);
        !why.empty()) {
      t.refused_boosters.emplace_back(at, std::move(why));
      continue;
    }
    t.accepted_boosters.push_back(at);
    Millis shift{0};
    if (protocol.booster.kind == config::BoosterKind::Extend) {
      shift = protocol.booster.extend_by;
    } else if (protocol.booster.kind == config::BoosterKind::Reanchor) {
      for (const auto& span : t.phases)
        if (span.start <= at && at < span.end) shift = at - span.start;
    }
    if (shift <= Millis{0}) continue;
    for (auto& span : t.phases) {
      if (span.start > at) span.start += shift;
      if (span.end > at) span.end += shift;
    }
    if (t.session_end > at) t.session_end += shift;
    if (t.monitoring_end > at) t.monitoring_end += shift;
  }
  return t;
}

}  // namespace stillroom::plan

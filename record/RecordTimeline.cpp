#include "record/RecordTimeline.hpp"

#include "config/Scalars.hpp"
#include "record/RecordHappened.hpp"
#include "session/EventCodec.hpp"

#include <cstdio>
#include <sstream>

namespace stillroom::record {
namespace {

using nlohmann::json;
using namespace session;

std::string at(config::Millis t) { return config::format_clock(t); }
std::string list(const std::vector<std::string>& ids) {
  std::string out;
  for (const auto& id : ids) out += (out.empty() ? "" : ", ") + id;
  return out;
}
std::string or_dash(const std::optional<std::string>& s) { return s ? *s : "-"; }
std::string mg(double amount, const std::string& unit) { return config::format_number(amount) + " " + unit; }

/** One line per event type; the types and their fields are those of session/Event.hpp. */
struct Summary {
  std::string operator()(const SessionPreloaded& e) const {
    return "preloaded " + list(e.clients) + ": protocol " + e.protocol + ", playlist " + e.playlist +
           (e.session_number ? ", session #" + std::to_string(*e.session_number) : std::string());
  }
  std::string operator()(const DoseEntered& e) const {
    return "dose entered for " + e.client + ": " + mg(e.amount, e.unit) + " " + e.medication + " " + e.route +
           (e.lot ? ", lot " + *e.lot : std::string());
  }
  std::string operator()(const SessionStarted& e) const {
    return "started " + list(e.clients) + ": dose at " + config::format_instant(e.dose_at) + ", " + e.route + ", protocol " + e.protocol;
  }
  std::string operator()(const DoseGiven& e) const {
    return std::string(e.booster ? "booster dose " : "dose ") + mg(e.amount, e.unit) + " " + e.medication + " " + e.route +
           " to " + e.client + " at " + config::format_instant(e.given_at) + (e.lot ? ", lot " + *e.lot : std::string()) +
           " (entered by " + e.entered_by + ")";
  }
  std::string operator()(const BoosterGiven& e) const {
    return "booster for " + e.client + " at " + at(e.at_dose) + " (" + e.rule + (e.moves_music ? "" : ", own clock") + ")";
  }
  std::string operator()(const PhaseChanged& e) const { return "phase " + e.phase + " (#" + std::to_string(e.index) + ")"; }
  std::string operator()(const TrackChanged& e) const { return "track: " + e.title + " - " + e.artist; }
  std::string operator()(const Paused& e) const { return "paused at " + at(e.at_dose); }
  std::string operator()(const Resumed& e) const { return "resumed at " + at(e.at_dose); }
  std::string operator()(const TalkChanged& e) const { return e.on ? "talk on" : "talk off"; }
  std::string operator()(const VolumeChanged& e) const { return "volume " + config::format_number(e.db) + " dB"; }
  std::string operator()(const Skipped& e) const {
    return "skip: " + or_dash(e.from) + " -> " + or_dash(e.to) + (e.reason ? " (" + *e.reason + ")" : std::string());
  }
  std::string operator()(const Alternated& e) const { return "alternate: " + or_dash(e.from) + " -> " + or_dash(e.to); }
  std::string operator()(const ReminderDue& e) const { return "reminder " + e.reminder + " for " + e.client + ": " + e.text; }
  std::string operator()(const ReminderAcked& e) const { return "reminder " + e.reminder + " for " + e.client + " acknowledged"; }
  std::string operator()(const VitalsTaken& e) const {
    std::string out = "vitals " + e.client + ": BP " + std::to_string(e.bp_sys) + "/" + std::to_string(e.bp_dia) + " mmHg";
    if (e.hr) out += ", HR " + std::to_string(*e.hr) + "/min";
    if (e.spo2) out += ", SpO2 " + std::to_string(*e.spo2) + "%";
    return out;
  }
  std::string operator()(const Observed& e) const {
    std::string out = "observation " + e.client + ":";
    if (e.moaa_s) out += " MOAA/S " + std::to_string(*e.moaa_s);
    if (e.dissociation) out += " dissociation " + *e.dissociation;
    if (e.cadss) out += " (CADSS " + std::to_string(*e.cadss) + ")";
    if (e.respiratory) out += " breathing " + *e.respiratory;
    return out + " (by " + e.by + ")";
  }
  std::string operator()(const ReadyToLeave& e) const {
    return e.client + " ready to leave at " + config::format_instant(e.at) + " (by " + e.by + ")";
  }
  std::string operator()(const Discharged& e) const {
    return e.client + " discharged at " + config::format_instant(e.at) + " (by " + e.by + ")";
  }
  std::string operator()(const Signed& e) const {
    return "signed, " + e.meaning + ", by " + e.by + ": summary " + e.content_hash.substr(0, 12) + " up to seq " +
           std::to_string(e.covers_seq);
  }
  std::string operator()(const Addendum& e) const { return "addendum (" + e.section + ") by " + e.by + ": " + e.text; }
  std::string operator()(const EmergencyRaised&) const { return "EMERGENCY"; }
  std::string operator()(const SessionEnded& e) const { return "session ended (" + e.reason + ") at " + at(e.at_dose); }
  std::string operator()(const MonitoringEnded& e) const { return "monitoring of " + e.client + " ended at " + at(e.at_dose); }
  std::string operator()(const Cleared& e) const { return "room cleared" + (e.reason ? " (" + *e.reason + ")" : std::string()); }
  std::string operator()(const FaultRaised& e) const { return "fault " + e.code + ": " + e.message; }
  std::string operator()(const FaultCleared& e) const { return "fault " + e.code + " cleared"; }
  std::string operator()(const CommandRefused& e) const { return "refused " + e.cmd + " (" + e.reason + "): " + e.error; }
  std::string operator()(const Recovered& e) const {
    return "recovered after " + std::to_string(e.outage_ms) + " ms outage, dose clock from " + e.clock_source;
  }
  std::string operator()(const CheckpointTaken& e) const { return "checkpoint seq " + std::to_string(e.seq) + " " + e.hash.substr(0, 12); }
  std::string operator()(const ClockStepped& e) const {
    return "wall clock stepped " + std::to_string(e.step_ms) + " ms (" + e.old_utc + " -> " + e.new_utc + ")";
  }
  std::string operator()(const RecordReplaced& e) const {
    return "record replaced; old file " + e.old_file + " last good seq " + std::to_string(e.last_good_seq);
  }
  std::string operator()(const PreloadChecking&) const { return "checking"; }
  std::string operator()(const PreloadDropped&) const { return "check dropped"; }
};

/** The event's own dose-clock field, when it has one. */
std::optional<config::Millis> own_dose_time(const json& p) {
  for (const char* key : {"at_dose_ms", "due_dose_ms"}) {
    const auto it = p.find(key);
    if (it != p.end() && it->is_number_integer()) return config::Millis{it->get<std::int64_t>()};
  }
  return std::nullopt;
}

json parse_object(const std::string& payload) {
  auto p = json::parse(payload, nullptr, false);
  return p.is_object() ? p : json::object();
}

}  // namespace

std::string summarize(const RecordEvent& event) {
  try {
    return std::visit(Summary{}, to_happened(event).event);
  } catch (const session::EventError&) {
    return event.payload;  // a payload the vocabulary does not understand is shown as stored
  }
}

std::vector<TimelineEntry> make_timeline(const std::vector<RecordEvent>& events) {
  // The dose anchor: the last session_started with a readable dose_at.
  const RecordEvent* started = nullptr;
  std::optional<std::chrono::system_clock::time_point> dose_at, started_wall;
  for (const auto& e : events) {
    if (e.type != session::SessionStarted::kType) continue;
    const auto p = parse_object(e.payload);
    if (!p.contains("dose_at") || !p["dose_at"].is_string()) continue;
    const auto at = config::parse_instant(p["dose_at"].get<std::string>());
    const auto wall = config::parse_instant(e.utc);
    if (!at || !wall) continue;
    started = &e;
    dose_at = at;
    started_wall = wall;
  }

  std::vector<TimelineEntry> entries;
  for (const auto& e : events) {
    TimelineEntry t;
    t.seq = e.seq;
    t.utc = e.utc;
    t.type = e.type;
    t.actor = e.actor_device + " (" + e.actor_role + ")";
    t.summary = summarize(e);
    const auto p = parse_object(e.payload);
    t.dose_time = own_dose_time(p);
    if (!t.dose_time && started != nullptr) {
      using std::chrono::duration_cast;
      const auto offset_at_start = duration_cast<config::Millis>(*started_wall - *dose_at);
      if (e.boot_id == started->boot_id) {
        t.dose_time = offset_at_start + duration_cast<config::Millis>(
                                            std::chrono::nanoseconds{e.monotonic_ns - started->monotonic_ns});
      } else if (const auto wall = config::parse_instant(e.utc)) {
        t.dose_time = duration_cast<config::Millis>(*wall - *dose_at);
      }
    }
    entries.push_back(std::move(t));
  }
  return entries;
}

std::string format_timeline(const std::vector<TimelineEntry>& entries) {
  std::ostringstream out;
  char line[512];
  std::snprintf(line, sizeof line, "%6s  %-24s  %-9s  %-17s  %-22s  %s\n", "seq", "utc", "dose", "type", "actor",
                "summary");
  out << line;
  for (const auto& t : entries) {
    const std::string dose = t.dose_time ? config::format_clock(*t.dose_time) : "";
    std::snprintf(line, sizeof line, "%6lld  %-24s  %-9s  %-17s  %-22s  ", static_cast<long long>(t.seq),
                  t.utc.c_str(), dose.c_str(), t.type.c_str(), t.actor.c_str());
    out << line << t.summary << '\n';
  }
  return out.str();
}

}  // namespace stillroom::record

#include "record/RecordTimeline.hpp"

#include <cstdio>
#include <sstream>

namespace stillroom::record {
namespace {

using nlohmann::json;

std::string text(const json& payload, const char* key) {
  const auto it = payload.find(key);
  if (it == payload.end() || it->is_null()) return "-";
  return it->is_string() ? it->get<std::string>() : it->dump();
}

std::string number(const json& payload, const char* key, const char* unit) {
  const auto it = payload.find(key);
  if (it == payload.end() || !it->is_number()) return "";
  char buf[48];
  std::snprintf(buf, sizeof buf, "%g%s", it->get<double>(), unit);
  return buf;
}

std::string clock_at(const json& payload, const char* key) {
  const auto it = payload.find(key);
  if (it == payload.end() || !it->is_number_integer()) return "?";
  return config::format_clock(config::Millis{it->get<std::int64_t>()});
}

std::string client_list(const json& clients) {
  std::string out;
  if (!clients.is_array()) return out;
  for (const auto& c : clients) {
    const std::string id = c.is_string() ? c.get<std::string>() : (c.is_object() ? text(c, "client") : c.dump());
    out += (out.empty() ? "" : ", ") + id;
  }
  return out;
}

std::string summary_of(const std::string& type, const json& p) {
  if (type == "session_preloaded")
    return "preloaded " + client_list(p.value("clients", json::array())) + ": protocol " + text(p, "protocol") +
           ", playlist " + text(p, "playlist") + ", session #" + text(p, "session_number");
  if (type == "session_started")
    return "started " + client_list(p.value("clients", json::array())) + ": dose at " + text(p, "dose_at") + ", " +
           text(p, "route") + ", protocol " + text(p, "protocol");
  if (type == "dose") {
    const std::string mg = number(p, "dose_mg", " mg");
    return std::string(p.value("booster", false) ? "booster dose " : "dose ") + (mg.empty() ? "" : mg + " ") +
           text(p, "medication") + " " + text(p, "route") + " to " + text(p, "client") + " at " + text(p, "at");
  }
  if (type == "booster") {
    const std::string mg = number(p, "dose_mg", " mg");
    return "booster " + (mg.empty() ? std::string() : mg + " ") + "at " + clock_at(p, "at_dose_ms") + " (" +
           text(p, "rule") + ")";
  }
  if (type == "phase_changed") return "phase " + text(p, "phase") + " (#" + text(p, "index") + ")";
  if (type == "paused" || type == "resumed") return type + " at " + clock_at(p, "at_dose_ms");
  if (type == "talk") return p.value("on", false) ? "talk on" : "talk off";
  if (type == "volume") return "volume " + number(p, "db", " dB");
  if (type == "skip" || type == "alternate") return type + ": " + text(p, "from") + " -> " + text(p, "to");
  if (type == "track_changed") return "track: " + text(p, "title") + " - " + text(p, "artist");
  if (type == "reminder_due") return "reminder " + text(p, "reminder") + ": " + text(p, "text");
  if (type == "reminder_acked") return "reminder " + text(p, "reminder") + " acknowledged";
  if (type == "vitals") {
    std::string out = "vitals";
    if (p.contains("client")) out += " " + text(p, "client");
    out += ": BP " + number(p, "bp_sys", "") + "/" + number(p, "bp_dia", " mmHg");
    if (p.contains("hr")) out += ", HR " + number(p, "hr", "/min");
    if (p.contains("spo2")) out += ", SpO2 " + number(p, "spo2", "%");
    return out;
  }
  if (type == "fault") return "fault " + text(p, "code") + ": " + text(p, "message");
  if (type == "fault_cleared") return "fault " + text(p, "code") + " cleared";
  if (type == "emergency") return "EMERGENCY";
  if (type == "session_ended") return "session ended (" + text(p, "reason") + ") at " + clock_at(p, "at_dose_ms");
  if (type == "monitoring_ended") return "monitoring ended at " + clock_at(p, "at_dose_ms");
  if (type == "cleared") return "room cleared";
  if (type == "command_refused") return "refused " + text(p, "cmd") + ": " + text(p, "error");
  if (type == "recovered") return "recovered after " + text(p, "outage_ms") + " ms outage";
  if (type == "clock_stepped")
    return "wall clock stepped " + text(p, "step_ms") + " ms (" + text(p, "old_utc") + " -> " + text(p, "new_utc") + ")";
  if (type == "record_replaced")
    return "record replaced; old file " + text(p, "old_file") + " last good seq " + text(p, "last_good_seq");
  if (type == "checkpoint") return "checkpoint seq " + text(p, "seq") + " " + text(p, "hash").substr(0, 12);
  return p.dump();
}

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
    return summary_of(event.type, parse_object(event.payload));
  } catch (const json::exception&) {
    return event.payload;  // a payload the summary does not understand is shown as stored
  }
}

std::vector<TimelineEntry> make_timeline(const std::vector<RecordEvent>& events) {
  // The dose anchor: the last session_started with a readable dose_at.
  const RecordEvent* started = nullptr;
  std::optional<std::chrono::system_clock::time_point> dose_at, started_wall;
  for (const auto& e : events) {
    if (e.type != "session_started") continue;
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

#include "controller/PlanReport.hpp"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <ostream>
#include <vector>

namespace stillroom::controller {
namespace {

using config::format_clock;
using config::format_duration;
using config::Millis;

std::string db(double value) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%+.1f dB", value);
  return buf;
}

std::string minutes_seconds(Millis d) {
  const long long s = d.count() / 1000;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%lld:%02lld", s / 60, s % 60);
  return buf;
}

std::string label(const plan::Segment& s) {
  if (s.silence) return "silence";
  std::string text = s.title.empty() ? std::filesystem::path(s.file).filename().string() : s.title;
  if (!s.artist.empty()) text += " - " + s.artist;
  return text;
}

std::string scene_text(const plan::LightCue& c) {
  char buf[96];
  std::snprintf(buf, sizeof buf, "%s %.0f%%", c.scene.c_str(), c.brightness_pct);
  std::string text = buf;
  if (c.color_temp_k) {
    text += ' ';
    text += std::to_string(*c.color_temp_k);
    text += 'K';
  }
  if (c.fade > Millis{0}) {
    text += ", fade ";
    text += format_duration(c.fade);
  } else {
    text += ", at once";
  }
  return text;
}

const char* role_text(plan::Segment::Role role) {
  switch (role) {
    case plan::Segment::Role::Main: return "main";
    case plan::Segment::Role::Alternate: return "alternate";
    case plan::Segment::Role::Repeat: return "repeat";
  }
  return "?";
}

const char* light_reason(plan::LightCue::Reason reason) {
  switch (reason) {
    case plan::LightCue::Reason::Phase: return "phase";
    case plan::LightCue::Reason::Start: return "start";
    case plan::LightCue::Reason::End: return "end";
    case plan::LightCue::Reason::Stop: return "stop";
    case plan::LightCue::Reason::Emergency: return "emergency";
  }
  return "?";
}

struct Row {
  Millis at;
  int order;  // phase, lights, music, master, reminders at the same instant
  std::string phase;
  std::string what;
  std::string level;
  std::string lights;
};

}  // namespace

void print_plan_table(std::ostream& out, const plan::Plan& plan, const PlanHeading& h) {
  out << "client " << h.client << " | protocol " << h.protocol;
  if (!h.protocol_name.empty()) out << " (" << h.protocol_name << ", " << h.route << ")";
  out << " | playlist " << h.playlist;
  if (h.session_number > 0) out << " | session " << h.session_number;
  out << "\nmusic cap " << db(plan.cap_db) << " | music ends " << format_clock(plan.session_end)
      << " | monitoring ends " << format_clock(plan.monitoring_end) << "\n\n";

  std::vector<Row> rows;
  for (const auto& p : plan.phases) {
    if (p.end <= plan.start_at) continue;
    rows.push_back({std::max(p.start, plan.start_at), 0, p.name,
                    "-- " + p.name + " (" + format_duration(p.end - p.start) + (p.lyrics_allowed ? ", lyrics allowed" : "") + ")",
                    db(p.volume_db), ""});
  }
  for (const auto& c : plan.lights) {
    const auto* phase = plan.phase_at(c.at);
    rows.push_back({c.at, 1, phase ? phase->name : "", std::string("lights (") + light_reason(c.reason) + ")", "",
                    scene_text(c)});
  }
  for (const auto& s : plan.segments) {
    std::string what = (s.silence ? "   " : "   play ") + label(s) + "  [" + minutes_seconds(s.end - s.start);
    if (s.source_offset > Millis{0} && !s.silence) what += " from " + minutes_seconds(s.source_offset);
    what += "]";
    if (s.role != plan::Segment::Role::Main) what += std::string(" (") + role_text(s.role) + ")";
    if (s.fade_in > Millis{0}) what += ", in " + format_duration(s.fade_in);
    if (!s.fade_outs.empty()) what += ", out " + format_duration(s.fade_outs.front().length);
    if (s.lyrics) what += ", lyrics";
    rows.push_back({s.start, 2, s.phase, what, s.silence ? "" : db(s.level_db + s.gain_db), ""});
  }
  for (std::size_t i = 1; i < plan.master.size(); ++i) {
    const auto& c = plan.master[i];
    rows.push_back({c.at, 3, "", std::string(c.talk ? "talk, " : "") + "master " + db(c.volume_db) + " over " +
                                     format_duration(c.ramp), db(c.target_db), ""});
  }
  for (const auto& r : plan.reminders) {
    std::string what = "! reminder " + r.id + ": " + r.text;
    if (r.repeat) what += " (every " + format_duration(*r.repeat) + " until acknowledged)";
    rows.push_back({r.due, 4, "", what, "", ""});
  }
  for (const auto& n : plan.notices) rows.push_back({n.at, 4, "", format_duration(n.remaining) + " left", "", ""});
  if (plan.stopped_at) rows.push_back({*plan.stopped_at, 4, "", "music stops", "", ""});
  rows.push_back({plan.music_end, 5, "", "music over", "", ""});
  rows.push_back({plan.monitoring_end, 5, "", "end of monitoring", "", ""});
  std::stable_sort(rows.begin(), rows.end(),
                   [](const Row& a, const Row& b) { return a.at != b.at ? a.at < b.at : a.order < b.order; });

  char line[512];
  std::snprintf(line, sizeof line, "%-10s %-13s %-58s %-10s %s\n", "dose", "phase", "what", "level", "lights");
  out << line;
  for (const auto& r : rows) {
    std::snprintf(line, sizeof line, "%-10s %-13s %-58s %-10s %s", format_clock(r.at).c_str(), r.phase.c_str(),
                  r.what.c_str(), r.level.c_str(), r.lights.c_str());
    std::string text = line;
    while (!text.empty() && text.back() == ' ') text.pop_back();
    out << text << '\n';
  }
  for (const auto& f : plan.flags) out << "note: " << format_clock(f.at) << ": " << f.message << '\n';
}

nlohmann::json plan_to_json(const plan::Plan& plan, const PlanHeading& h) {
  using nlohmann::json;
  json j;
  j["client"] = h.client;
  j["protocol"] = h.protocol;
  j["playlist"] = h.playlist;
  if (h.session_number > 0) j["session_number"] = h.session_number;
  j["cap_db"] = plan.cap_db;
  j["start_at_ms"] = plan.start_at.count();
  j["session_end_ms"] = plan.session_end.count();
  j["monitoring_end_ms"] = plan.monitoring_end.count();
  j["music_end_ms"] = plan.music_end.count();
  j["stopped_at_ms"] = plan.stopped_at ? json(plan.stopped_at->count()) : json(nullptr);
  j["phases"] = json::array();
  for (const auto& p : plan.phases) {
    j["phases"].push_back({{"name", p.name}, {"start_ms", p.start.count()}, {"end_ms", p.end.count()},
                           {"volume_db", p.volume_db}, {"lights", p.light_scene}, {"lyrics_allowed", p.lyrics_allowed}});
  }
  j["segments"] = json::array();
  for (const auto& s : plan.segments) {
    json fades = json::array();
    for (const auto& f : s.fade_outs)
      fades.push_back({{"at_ms", f.at.count()}, {"length_ms", f.length.count()},
                       {"shape", f.shape == plan::FadeShape::EqualPower ? "equal_power" : "smooth"}});
    j["segments"].push_back({{"id", std::to_string(s.id)},
                             {"phase", s.phase},
                             {"role", role_text(s.role)},
                             {"silence", s.silence},
                             {"file", s.file},
                             {"title", s.title},
                             {"artist", s.artist},
                             {"lyrics", s.lyrics},
                             {"start_ms", s.start.count()},
                             {"end_ms", s.end.count()},
                             {"source_offset_ms", s.source_offset.count()},
                             {"fade_in_ms", s.fade_in.count()},
                             {"fade_outs", fades},
                             {"joins", s.joins ? json(std::to_string(s.joins)) : json(nullptr)},
                             {"natural_end", s.natural_end},
                             {"level_db", s.level_db},
                             {"gain_db", s.gain_db}});
  }
  j["master"] = json::array();
  for (const auto& c : plan.master)
    j["master"].push_back({{"at_ms", c.at.count()}, {"volume_db", c.volume_db}, {"talk", c.talk},
                           {"target_db", c.target_db}, {"ramp_ms", c.ramp.count()}});
  j["lights"] = json::array();
  for (const auto& c : plan.lights)
    j["lights"].push_back({{"at_ms", c.at.count()}, {"reason", light_reason(c.reason)}, {"scene", c.scene},
                           {"brightness_pct", c.brightness_pct},
                           {"color_temp_k", c.color_temp_k ? json(*c.color_temp_k) : json(nullptr)},
                           {"fade_ms", c.fade.count()}});
  j["reminders"] = json::array();
  for (const auto& r : plan.reminders)
    j["reminders"].push_back({{"id", r.id}, {"text", r.text}, {"due_ms", r.due.count()},
                              {"repeat_ms", r.repeat ? json(r.repeat->count()) : json(nullptr)}});
  j["notices"] = json::array();
  for (const auto& n : plan.notices) j["notices"].push_back({{"at_ms", n.at.count()}, {"remaining_ms", n.remaining.count()}});
  j["flags"] = json::array();
  for (const auto& f : plan.flags)
    j["flags"].push_back({{"at_ms", f.at.count()}, {"message", f.message}, {"where", f.where.str()}});
  return j;
}

}  // namespace stillroom::controller

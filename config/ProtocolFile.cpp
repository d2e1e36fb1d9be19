#include "config/ProtocolFile.hpp"

#include "config/FileKind.hpp"
#include "config/MapReader.hpp"
#include "config/Scalars.hpp"
#include "config/Suggest.hpp"

#include <algorithm>
#include <map>

namespace stillroom::config {
namespace {

using namespace std::chrono_literals;

constexpr double min_level_db = -60.0;
constexpr double max_level_db = 12.0;

/** A phase as read, with the positions later checks point at. */
struct PhaseRead {
  Phase phase;
  bool timed = false;
  SourceMark from_at;
  SourceMark to_at;
};

std::string in_quotes(const std::string& name) { return "'" + name + "'"; }

/** [min, max] in mg: what a clinician may enter for one administration. */
std::optional<DoseRange> read_dose_range(const Reader& r, const Value& v) {
  if (!v.present()) return std::nullopt;
  if (!v.node.IsSequence() || v.node.size() != 2) {
    r.error(v.at, "expected a dose range in mg like [20, 150], got " + Reader::describe(v.node));
    return std::nullopt;
  }
  const auto low = r.number(r.value(v.node[0]), 0.001, 10000);
  const auto high = r.number(r.value(v.node[1]), 0.001, 10000);
  if (!low || !high) return std::nullopt;
  if (*high < *low) {
    r.error(v.at, "dose range " + format_number(*low) + " to " + format_number(*high) + " mg ends below its start");
    return std::nullopt;
  }
  return DoseRange{*low, *high, v.at};
}

std::optional<PhaseRead> read_phase(const Reader& r, const Value& v, const Known& known) {
  const MapReader m(r, v, "phase", {"name", "from", "to", "volume_db", "lights", "light_fade", "crossfade", "lyrics"});
  if (!m) return std::nullopt;
  PhaseRead out;
  Phase& p = out.phase;
  p.where = m.at();
  p.name = r.name(m.get("name", Need::Required), "phase name").value_or("");
  const Value from = m.get("from", Need::Required);
  const Value to = m.get("to", Need::Required);
  out.from_at = from.at;
  out.to_at = to.at;
  const auto start = r.duration(from, {-24h, 24h});
  const auto end = r.duration(to, {-24h, 24h});
  if (start && end) {
    p.start = *start;
    p.end = *end;
    out.timed = true;
    const std::string label = p.name.empty() ? "phase" : "phase " + in_quotes(p.name);
    if (p.end < p.start) {
      r.error(to.at, label + " ends at " + format_duration(p.end) + ", before it starts at " + format_duration(p.start));
      out.timed = false;
    } else if (p.end == p.start) {
      r.error(to.at, label + " has no length (from " + format_duration(p.start) + " to " + format_duration(p.end) + ")");
      out.timed = false;
    }
  }
  const Value volume = m.get("volume_db");
  if (const auto db = r.decibels(volume, min_level_db, max_level_db)) {
    p.volume_db = *db;
    const Room& room = known.library->room;
    if (known.room_read && p.volume_db > room.audio.max_volume_db)
      r.error(volume.at, "phase " + in_quotes(p.name) + " volume_db " + format_number(p.volume_db) +
                             " is above the room's max_volume_db " + format_number(room.audio.max_volume_db));
  }
  const Value lights = m.get("lights", Need::Required);
  if (const auto scene = r.text(lights)) {
    const auto& scenes = known.library->room.lights.scenes;
    if (known.scenes_read && scenes.count(*scene) == 0) {
      std::vector<std::string> names;
      for (const auto& [name, s] : scenes) names.push_back(name);
      r.error(lights.at, "unknown scene '" + *scene + "'" + did_you_mean(*scene, names));
    }
    p.light_scene = *scene;
  }
  const Value fade = m.get("light_fade");
  p.light_fade = r.duration(fade, {0ms, 2h}).value_or(0ms);
  if (out.timed && p.light_fade > p.end - p.start)
    r.warning(fade.at, "light_fade " + format_duration(p.light_fade) + " is longer than phase " + in_quotes(p.name) +
                           " (" + format_duration(p.end - p.start) + "): the lights will not reach the scene");
  p.crossfade = r.duration(m.get("crossfade"), {0ms, 5min}).value_or(0ms);
  p.lyrics_allowed = r.boolean(m.get("lyrics")).value_or(false);
  return out;
}

/** Reads the phases and checks that they follow one another without gap or overlap. */
bool read_phases(const Reader& r, const MapReader& top, const Known& known, Protocol& protocol) {
  const Value list = top.get("phases", Need::Required);
  if (list.present() && list.node.IsSequence() && list.node.size() == 0) r.error(list.at, "a protocol needs at least one phase");
  std::vector<PhaseRead> phases;
  bool timeline_ok = true;
  std::map<std::string, int> first_line;
  for (const auto& item : r.items(list)) {
    auto read = read_phase(r, item, known);
    if (!read) {
      timeline_ok = false;
      continue;
    }
    const Phase& p = read->phase;
    if (!p.name.empty()) {
      const auto [it, inserted] = first_line.emplace(p.name, p.where.line);
      if (!inserted) r.error(p.where, "phase " + in_quotes(p.name) + " appears twice (first at line " + std::to_string(it->second) + ")");
    }
    if (!read->timed) timeline_ok = false;
    if (read->timed && !phases.empty() && phases.back().timed) {
      const Phase& before = phases.back().phase;
      if (p.start < before.end) {
        r.error(read->from_at, "phase " + in_quotes(p.name) + " starts at " + format_duration(p.start) + ", before phase " +
                                   in_quotes(before.name) + " ends at " + format_duration(before.end) +
                                   " (phases must not overlap)");
        timeline_ok = false;
      } else if (p.start > before.end) {
        r.error(read->from_at, "gap of " + format_duration(p.start - before.end) + " between phase " +
                                   in_quotes(before.name) + " (ends at " + format_duration(before.end) + ") and phase " +
                                   in_quotes(p.name) + " (starts at " + format_duration(p.start) +
                                   "): phases must be contiguous");
        timeline_ok = false;
      }
      if (p.crossfade > before.end - before.start)
        r.warning(p.where, "crossfade " + format_duration(p.crossfade) + " into phase " + in_quotes(p.name) +
                               " is longer than phase " + in_quotes(before.name));
    }
    phases.push_back(std::move(*read));
  }
  for (auto& read : phases) protocol.phases.push_back(std::move(read.phase));
  if (protocol.phases.empty()) return false;
  if (!timeline_ok) return false;
  const Millis session_end = protocol.session_end();
  if (session_end <= 0ms) {
    r.error(phases.back().to_at, "the last phase ends at " + format_duration(session_end) +
                                     ", not after the dose: a session needs phases after T0");
    return false;
  }
  if (protocol.phases.front().start > 0ms)
    r.warning(phases.front().from_at, "the first phase starts " + format_duration(protocol.phases.front().start) +
                                          " after the dose: the room is silent until then");
  return true;
}

void read_reminders(const Reader& r, const MapReader& top, Protocol& protocol, bool timeline_ok) {
  std::map<std::string, int> first_line;
  const std::vector<std::string> anchors = {"session_end", "monitoring_end"};
  for (const auto& item : r.items(top.get("reminders"))) {
    const MapReader m(r, item, "reminder", {"id", "text", "at", "repeat"});
    if (!m) continue;
    Reminder reminder;
    reminder.where = m.at();
    const Value id = m.get("id", Need::Required);
    reminder.id = r.name(id, "reminder id").value_or("");
    if (!reminder.id.empty()) {
      const auto [it, inserted] = first_line.emplace(reminder.id, id.at.line);
      if (!inserted) r.error(id.at, "reminder id '" + reminder.id + "' is used twice (first at line " + std::to_string(it->second) + ")");
    }
    reminder.text = r.nonempty_text(m.get("text", Need::Required)).value_or("");
    reminder.repeat = r.duration(m.get("repeat"), {10s, 2h});
    const Value at = m.get("at", Need::Required);
    const auto written = r.text(at);
    if (!written) continue;
    const auto time = parse_reminder_time(*written);
    if (!time) {
      const std::string word = reminder_anchor_word(*written);
      const auto near = word.empty() ? std::nullopt : nearest(word, anchors);
      if (near)
        r.error(at.at, "unknown anchor '" + word + "' in reminder time (did you mean '" + *near + "'?)");
      else
        r.error(at.at, "expected a dose time like 40m, or session_end/monitoring_end with an offset like "
                       "'monitoring_end - 10m', got '" + *written + "'");
      continue;
    }
    reminder.anchor = time->anchor;
    reminder.offset = time->offset;
    if (timeline_ok) {
      const Millis due = protocol.reminder_due(reminder);
      const Millis first = protocol.phases.front().start;
      const std::string label = "reminder '" + reminder.id + "' is due at " + format_duration(due);
      if (due < first)
        r.error(at.at, label + ", before the session starts at " + format_duration(first));
      else if (due > protocol.monitoring_end)
        r.error(at.at, label + ", after monitoring ends at " + format_duration(protocol.monitoring_end));
    }
    protocol.reminders.push_back(reminder);
  }
}

void read_booster(const Reader& r, const MapReader& top, Protocol& protocol, bool timeline_ok) {
  const MapReader m(r, top.get("booster"), "booster", {"rule", "window", "extend_by", "max", "dose_mg"});
  BoosterRule& b = protocol.booster;
  if (!m) return;
  b.where = m.at();
  const auto rule = r.choice(m.get("rule", Need::Required), "booster rule", {"none", "record", "extend", "reanchor"});
  if (!rule) return;
  if (*rule == "none") {
    b.kind = BoosterKind::None;
    for (const char* key : {"window", "extend_by", "max", "dose_mg"})
      if (m.has(key)) r.warning(m.get(key).at, std::string("'") + key + "' is ignored: booster rule is 'none'");
    return;
  }
  b.kind = *rule == "record" ? BoosterKind::Record : *rule == "extend" ? BoosterKind::Extend : BoosterKind::Reanchor;
  b.max_boosters = static_cast<int>(r.integer(m.get("max"), 1, 10).value_or(1));
  b.dose = read_dose_range(r, m.get("dose_mg"));
  const Value extend = m.get("extend_by", b.kind == BoosterKind::Extend ? Need::Required : Need::Optional);
  if (b.kind == BoosterKind::Extend) {
    b.extend_by = r.duration(extend, {1s, 4h}).value_or(0ms);
  } else if (extend.present()) {
    r.warning(extend.at, "'extend_by' is ignored: booster rule is '" + *rule + "'");
  }
  const Value window = m.get("window", Need::Required);
  if (!window.present()) return;
  if (!window.node.IsSequence() || window.node.size() != 2) {
    r.error(window.at, "expected a window of two dose times like [15m, 30m], got " + Reader::describe(window.node));
    return;
  }
  const auto earliest = r.duration(r.value(window.node[0]));
  const auto latest = r.duration(r.value(window.node[1]));
  if (!earliest || !latest) return;
  b.earliest = *earliest;
  b.latest = *latest;
  const std::string label = "booster window " + format_duration(b.earliest) + " to " + format_duration(b.latest);
  if (b.latest < b.earliest) {
    r.error(window.at, label + " ends before it starts");
  } else if (b.earliest <= 0ms) {
    r.error(window.at, label + " starts before the dose: a booster comes after T0");
  } else if (timeline_ok && b.latest >= protocol.session_end()) {
    r.error(window.at, label + " ends after the last phase ends at " + format_duration(protocol.session_end()));
  }
}

void read_notices(const Reader& r, const MapReader& top, Protocol& protocol, bool timeline_ok) {
  for (const auto& item : r.items(top.get("minutes_left"))) {
    const auto left = r.duration(item, {1s, 24h});
    if (!left) continue;
    if (std::find(protocol.minutes_left.begin(), protocol.minutes_left.end(), *left) != protocol.minutes_left.end()) {
      r.warning(item.at, "minutes_left " + format_duration(*left) + " is listed twice");
      continue;
    }
    const Millis length = timeline_ok ? protocol.session_end() - protocol.phases.front().start : Millis::max();
    if (*left >= length)
      r.warning(item.at, "minutes_left " + format_duration(*left) + " is not shorter than the session (" +
                             format_duration(length) + "): the notice would come at the start");
    protocol.minutes_left.push_back(*left);
  }
  std::sort(protocol.minutes_left.rbegin(), protocol.minutes_left.rend());
}

}  // namespace

const std::vector<std::string>& routes() {
  static const std::vector<std::string> list = {"im", "sublingual", "iv", "intranasal", "oral", "other"};
  return list;
}

std::optional<Protocol> read_protocol(const YamlFile& file, const Known& known, Problems& problems) {
  if (!file.parsed()) return std::nullopt;
  const Reader r(file, problems);
  if (!check_file_kind(r, "protocol")) return std::nullopt;
  const MapReader top(r, r.value(file.root()), "protocol file",
                      {"protocol", "phases", "reminders", "booster", "monitoring_end", "minutes_left", "end_fade"});
  const MapReader head(r, top.get("protocol", Need::Required), "protocol",
                       {"id", "name", "route", "medication", "dose_mg"});
  Protocol protocol;
  protocol.where = head ? head.at() : file.whole();
  const Value id = head.get("id");
  if (id.present()) {
    const auto name = r.name(id, "protocol id");
    if (!name) return std::nullopt;
    protocol.id = *name;
    if (protocol.id != file.stem())
      r.warning(id.at, "protocol id '" + protocol.id + "' differs from the file name '" + file.stem() +
                           "': clients refer to it as '" + protocol.id + "'");
  } else if (is_name(file.stem())) {
    protocol.id = file.stem();
  } else {
    r.error(file.whole(), "the file name '" + file.stem() + "' is not a valid protocol id: give one with 'id:'");
    return std::nullopt;
  }
  protocol.name = r.nonempty_text(head.get("name")).value_or(protocol.id);
  protocol.route = r.choice(head.get("route", Need::Required), "route", routes()).value_or("");
  // The record states what was given only as a person entered it: never guessed from the route.
  protocol.medication = r.nonempty_text(head.get("medication", Need::Required)).value_or("");
  if (const auto range = read_dose_range(r, head.get("dose_mg", Need::Required))) protocol.dose = *range;

  const bool timeline_ok = read_phases(r, top, known, protocol);
  const Value monitoring = top.get("monitoring_end");
  if (const auto end = r.duration(monitoring, {0ms, 24h})) {
    protocol.monitoring_end = *end;
    if (timeline_ok && *end < protocol.session_end())
      r.error(monitoring.at, "monitoring_end " + format_duration(*end) + " is before the last phase ends at " +
                                 format_duration(protocol.session_end()));
  } else {
    protocol.monitoring_end = protocol.session_end();
  }
  protocol.monitoring_end = std::max(protocol.monitoring_end, protocol.session_end());
  read_reminders(r, top, protocol, timeline_ok);
  read_booster(r, top, protocol, timeline_ok);
  read_notices(r, top, protocol, timeline_ok);
  const Value fade = top.get("end_fade");
  protocol.end_fade = r.duration(fade, {0ms, 10min}).value_or(30s);
  if (timeline_ok && fade.present()) {
    const Phase& last = protocol.phases.back();
    if (protocol.end_fade > last.end - last.start)
      r.error(fade.at, "end_fade " + format_duration(protocol.end_fade) + " is longer than the last phase " + in_quotes(last.name) +
                           " (" + format_duration(last.end - last.start) + ")");
  }
  return protocol;
}

}  // namespace stillroom::config

#include "config/SessionScript.hpp"

#include "config/MapReader.hpp"
#include "config/Reader.hpp"
#include "config/YamlFile.hpp"

#include <algorithm>

namespace stillroom::config {

const std::vector<std::string>& script_commands() {
  static const std::vector<std::string> commands = {"pause", "resume", "talk",   "volume", "skip",  "alternate",
                                                    "booster", "ack",  "vitals", "stop",  "emergency"};
  return commands;
}

std::vector<ScriptedCommand> load_session_script(const std::string& path, Problems& problems) {
  std::vector<ScriptedCommand> out;
  const auto file = YamlFile::load(path, problems);
  if (!file.parsed()) return out;
  const Reader reader(file, problems);
  const MapReader top(reader, reader.value(file.root()), "session script", {"events"});
  if (!top) return out;
  for (const auto& item : reader.items(top.get("events", Need::Required))) {
    const MapReader m(reader, item, "event",
                      {"at", "do", "on", "db", "dose_mg", "reminder", "bp_sys", "bp_dia", "hr", "spo2"});
    if (!m) continue;
    ScriptedCommand c;
    c.where = m.at();
    const auto at = reader.duration(m.get("at", Need::Required));
    const auto what = reader.choice(m.get("do", Need::Required), "command", script_commands());
    if (!at || !what) continue;
    c.at = *at;
    c.command = *what;
    const auto need = [&](const char* key) { return m.get(key, Need::Required); };
    if (c.command == "talk") {
      c.on = reader.boolean(need("on"));
      if (!c.on) continue;
    } else if (c.command == "volume") {
      c.db = reader.decibels(need("db"), -60.0, 12.0);
      if (!c.db) continue;
    } else if (c.command == "booster") {
      if (m.has("dose_mg")) c.dose_mg = reader.number(m.get("dose_mg"), 0.001, 10'000.0);
    } else if (c.command == "ack") {
      const auto id = reader.nonempty_text(need("reminder"));
      if (!id) continue;
      c.reminder = *id;
    } else if (c.command == "vitals") {
      const auto sys = reader.integer(need("bp_sys"), 40, 300);
      const auto dia = reader.integer(need("bp_dia"), 20, 200);
      if (!sys || !dia) continue;
      c.bp_sys = static_cast<int>(*sys);
      c.bp_dia = static_cast<int>(*dia);
      if (m.has("hr"))
        if (const auto hr = reader.integer(m.get("hr"), 20, 250)) c.hr = static_cast<int>(*hr);
      if (m.has("spo2"))
        if (const auto spo2 = reader.integer(m.get("spo2"), 50, 100)) c.spo2 = static_cast<int>(*spo2);
    }
    out.push_back(std::move(c));
  }
  std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.at < b.at; });
  return out;
}

}  // namespace stillroom::config

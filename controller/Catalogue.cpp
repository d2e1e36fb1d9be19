#include "controller/Catalogue.hpp"

#include "config/Duration.hpp"

namespace stillroom::controller {
namespace {

using nlohmann::json;

double secs(config::Millis ms) { return static_cast<double>(ms.count()) / 1000.0; }

json range(const config::DoseRange& r) { return {{"min_mg", r.min_mg}, {"max_mg", r.max_mg}}; }

json protocol_json(const config::Protocol& p) {
  json phases = json::array();
  for (const auto& ph : p.phases) phases.push_back({{"name", ph.name}, {"start_s", secs(ph.start)}, {"end_s", secs(ph.end)}});
  json reminders = json::array();
  for (const auto& r : p.reminders) reminders.push_back({{"id", r.id}, {"text", r.text}, {"at_s", secs(p.reminder_due(r))}});
  json boosters = nullptr;
  if (p.booster.kind != config::BoosterKind::None) {
    const char* rules[] = {"none", "record", "extend", "reanchor"};
    boosters = {{"rule", rules[static_cast<int>(p.booster.kind)]},
                {"earliest_s", secs(p.booster.earliest)},
                {"latest_s", secs(p.booster.latest)},
                {"max", p.booster.max_boosters},
                {"range", range(p.booster_dose())}};
  }
  return {{"id", p.id},           {"name", p.name},           {"route", p.route},
          {"medication", p.medication}, {"dose_range", range(p.dose)}, {"phases", phases},
          {"reminders", reminders}, {"boosters", boosters},    {"monitoring_end_s", secs(p.monitoring_end)}};
}

json playlist_json(const config::Playlist& pl, const std::map<std::string, config::Millis>& durations,
                   const std::map<std::string, PreflightVerdict>& preflights) {
  json phases = json::array();
  for (const auto& music : pl.phases) {
    config::Millis total{0};
    for (const auto& e : music.entries) {
      if (e.kind == config::Entry::Kind::Silence) {
        total += e.silence;
      } else if (const auto it = durations.find(e.file); it != durations.end()) {
        total += std::max(config::Millis{0}, it->second - e.trim_start - e.trim_end);
      }
    }
    phases.push_back({{"name", music.phase}, {"music_s", secs(total)}, {"tracks", music.entries.size()},
                      {"alternates", music.alternates.size()}, {"loop", music.loop}});
  }
  json preflight = nullptr;
  if (const auto it = preflights.find(pl.id); it != preflights.end())
    preflight = {{"ok", it->second.ok}, {"at", it->second.at}, {"problems", it->second.problems}};
  return {{"id", pl.id}, {"name", pl.name}, {"phases", phases}, {"preflight", preflight}};
}

}  // namespace

json make_catalogue(const config::Library& library, const std::map<std::string, config::Millis>& durations,
                    const std::map<std::string, PreflightVerdict>& preflights) {
  json clients = json::array();
  for (const auto& [id, c] : library.clients) {
    json series = json::array();
    for (const auto& [number, step] : c.series) {
      series.push_back({{"session", number},
                        {"protocol", step.protocol.empty() ? c.protocol : step.protocol},
                        {"playlist", step.playlist.empty() ? c.playlist : step.playlist},
                        {"dose_mg", step.dose_mg ? json(*step.dose_mg) : json(nullptr)}});
    }
    clients.push_back({{"id", id}, {"protocol", c.protocol}, {"playlist", c.playlist}, {"series", series},
                       {"max_volume_db", c.max_volume_db ? json(*c.max_volume_db) : json(nullptr)}});
  }
  json protocols = json::array();
  for (const auto& [id, p] : library.protocols) protocols.push_back(protocol_json(p));
  json playlists = json::array();
  for (const auto& [id, pl] : library.playlists) playlists.push_back(playlist_json(pl, durations, preflights));
  const auto& audio = library.room.audio;
  return {{"clients", clients},
          {"protocols", protocols},
          {"playlists", playlists},
          {"room",
           {{"id", library.room.id},
            {"name", library.room.name},
            {"max_volume_db", audio.max_volume_db},
            {"default_volume_db", audio.default_volume_db},
            {"talk_duck_db", audio.talk_duck_db},
            {"command_max_age_s", secs(library.room.mqtt.command_max_age)}}}};
}

}  // namespace stillroom::controller

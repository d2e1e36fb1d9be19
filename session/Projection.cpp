#include "session/Projection.hpp"

#include "session/ClientSchedule.hpp"

#include <algorithm>
#include <filesystem>

namespace stillroom::session {
namespace {

using nlohmann::json;

double secs(Millis ms) { return static_cast<double>(ms.count()) / 1000.0; }

json range_json(const config::DoseRange& r) { return {{"min_mg", r.min_mg}, {"max_mg", r.max_mg}}; }

template <class T>
json or_null(const std::optional<T>& v) {
  return v ? json(*v) : json(nullptr);
}

json mark_json(const std::optional<CareMark>& m) {
  if (!m) return nullptr;
  return {{"at", config::format_instant(m->at)}, {"at_dose_ms", m->at_dose ? json(m->at_dose->count()) : json(nullptr)},
          {"by", m->by}, {"device", m->device}};
}

}  // namespace

std::vector<ReminderInfo> reminders_of(const SessionState& s, Millis now, const config::Room& room) {
  std::vector<ReminderInfo> out;
  for (const auto& client : s.clients) {
    if (!client.dosed_at() || client.monitoring_over) continue;
    for (const auto& cue : client_schedule(s, client, room).reminders) {
      if (client.acked.count(cue.id) > 0) continue;
      out.push_back({cue.id, client.id, secs(cue.due), cue.text, cue.due <= now});
    }
  }
  std::stable_sort(out.begin(), out.end(), [](const ReminderInfo& a, const ReminderInfo& b) {
    if (a.due != b.due) return a.due;
    return a.at_s < b.at_s;
  });
  return out;
}

RoomState room_state(const SessionState& s, std::optional<Millis> now, const config::Room& room) {
  RoomState r;
  r.state = s.status;
  if (s.checking) r.checking = CheckingInfo{s.checking->clients, s.checking->protocol, s.checking->playlist};
  if (!s.id.empty()) r.session = s.id;
  for (const auto& c : s.clients) r.clients.push_back(c.id);
  if (!r.clients.empty()) r.client = r.clients.front();
  if (r.clients.size() == 1) r.clients.clear();
  if (!s.protocol_id.empty()) r.protocol = s.protocol_id;
  if (!s.playlist_id.empty()) r.playlist = s.playlist_id;
  r.talk = s.talk;
  r.emergency = s.emergency;
  if (s.status != SessionStatus::Idle) r.volume_db = s.volume_db;
  for (const auto& c : s.clients) {
    DoseInfo d;
    d.client = c.id;
    d.entered = c.entered.has_value() || !c.doses.empty();
    for (const auto& given : c.doses) {
      if (given.booster) {
        ++d.boosters;
      } else if (!d.given_at) {
        d.given_at = given.given_at;
        if (now) d.since_dose_s = secs(*now - given.at_dose);
      }
    }
    r.doses.push_back(d);
  }
  if (!s.dose_clock || !now) return r;

  r.dose_at = s.dose_clock->dose_at();
  r.since_dose_s = secs(*now);
  const bool over = s.status == SessionStatus::Ended || s.status == SessionStatus::Aborted;
  if (const auto* p = s.plan.phase_at(*now); p && !over) {
    r.phase = p->name;
    r.phase_ends_in_s = secs(p->end - *now);
  }
  if (const auto* seg = s.plan.segment_at(*now); seg && !seg->silence && s.status == SessionStatus::Running) {
    TrackInfo t;
    // A file without a title in its playlist is named by its file name: the therapist needs to say which it is.
    t.title = seg->title.empty() ? std::filesystem::path(seg->file).stem().string() : seg->title;
    t.artist = seg->artist;
    t.position_s = secs(seg->source_offset + (*now - seg->start));
    if (const auto it = s.durations.find(seg->file); it != s.durations.end()) t.duration_s = secs(it->second);
    r.track = t;
  }
  const auto reminders = reminders_of(s, *now, room);
  for (const auto& rem : reminders)
    if (rem.due) r.reminders_due.push_back(rem);
  if (!reminders.empty()) r.next_reminder = reminders.front();
  return r;
}

json plan_json(const SessionState& s, const config::Room& room) {
  if (s.id.empty() || s.protocol == nullptr) return json::object();
  json out = {{"session", s.id},
              {"start_at_s", secs(s.start_at)},
              {"session_end_s", secs(s.plan.session_end)},
              {"monitoring_end_s", secs(s.plan.monitoring_end)},
              {"phases", json::array()},
              {"reminders", json::array()},
              {"clients", json::array()}};
  for (const auto& p : s.plan.phases)
    out["phases"].push_back({{"name", p.name}, {"start_s", secs(p.start)}, {"end_s", secs(p.end)}, {"lights", p.light_scene}});
  for (const auto& c : s.clients) {
    const auto dosed = c.dosed_at();
    out["clients"].push_back({{"client", c.id}, {"offset_s", dosed ? json(secs(*dosed)) : json(nullptr)}});
    if (!dosed) continue;
    const auto schedule = client_schedule(s, c, room);
    for (const auto& cue : schedule.reminders)
      out["reminders"].push_back({{"id", cue.id}, {"client", c.id}, {"text", cue.text}, {"due_s", secs(cue.due)},
                                  {"acked", c.acked.count(cue.id) > 0}});
  }
  if (s.protocol != nullptr) {
    out["dose_range"] = range_json(s.protocol->dose);
    out["booster_range"] = range_json(s.protocol->booster_dose());
  }
  return out;
}

json clinical_session_json(const SessionState& s) {
  if (s.id.empty()) return json::object();
  json out = {{"session", s.id}, {"protocol", s.protocol_id}, {"medication", s.medication}, {"route", s.route},
              {"clients", json::array()}};
  if (s.protocol != nullptr) {
    out["dose_range"] = range_json(s.protocol->dose);
    out["booster_range"] = range_json(s.protocol->booster_dose());
  }
  for (const auto& c : s.clients) {
    json client = {{"client", c.id}, {"entered", nullptr}, {"doses", json::array()}, {"vitals", json::array()}};
    if (c.entered) {
      client["entered"] = {{"amount", c.entered->amount}, {"unit", c.entered->unit},
                           {"lot", c.entered->lot ? json(*c.entered->lot) : json(nullptr)},
                           {"entered_by", c.entered->entered_by}, {"at", config::format_instant(c.entered->at)}};
    }
    for (const auto& d : c.doses)
      client["doses"].push_back({{"amount", d.amount}, {"unit", d.unit}, {"lot", d.lot ? json(*d.lot) : json(nullptr)},
                                 {"given_at", config::format_instant(d.given_at)}, {"at_dose_ms", d.at_dose.count()},
                                 {"booster", d.booster}, {"entered_by", d.entered_by}, {"by", d.by}});
    for (const auto& v : c.vitals) {
      json entry = {{"at", config::format_instant(v.at)}, {"bp_sys", v.bp_sys}, {"bp_dia", v.bp_dia}, {"by", v.by}};
      entry["at_dose_ms"] = v.at_dose ? json(v.at_dose->count()) : json(nullptr);
      entry["hr"] = v.hr ? json(*v.hr) : json(nullptr);
      entry["spo2"] = v.spo2 ? json(*v.spo2) : json(nullptr);
      client["vitals"].push_back(entry);
    }
    client["observations"] = json::array();
    for (const auto& o : c.observations)
      client["observations"].push_back({{"at", config::format_instant(o.at)},
                                        {"at_dose_ms", o.at_dose ? json(o.at_dose->count()) : json(nullptr)},
                                        {"moaa_s", or_null(o.moaa_s)}, {"dissociation", or_null(o.dissociation)},
                                        {"dissociation_features", or_null(o.dissociation_features)},
                                        {"cadss", or_null(o.cadss)}, {"respiratory", or_null(o.respiratory)},
                                        {"by", o.by}, {"device", o.device}});
    client["ready_to_leave"] = mark_json(c.ready_to_leave);
    client["discharged"] = mark_json(c.discharged);
    client["monitoring_over"] = c.monitoring_over;
    out["clients"].push_back(client);
  }
  out["signature"] = nullptr;
  if (s.signature)
    out["signature"] = {{"meaning", s.signature->meaning}, {"by", s.signature->by}, {"device", s.signature->device},
                        {"at", config::format_instant(s.signature->at)}, {"content_hash", s.signature->content_hash}};
  out["addenda"] = json::array();
  for (const auto& a : s.addenda)
    out["addenda"].push_back({{"text", a.text}, {"section", a.section}, {"client", or_null(a.client)}, {"by", a.by},
                              {"device", a.device}, {"at", config::format_instant(a.at)}});
  out["status"] = to_string(s.status);
  return out;
}

}  // namespace stillroom::session

#include "report/SessionSummary.hpp"

#include "config/Instant.hpp"
#include "record/RecordHappened.hpp"
#include "record/RecordHash.hpp"

#include <algorithm>
#include <cstdio>

namespace stillroom::report {
namespace {

using nlohmann::json;
using namespace session;

/** How far from a reminder's due time a vitals entry still counts as taken for it. */
constexpr std::int64_t kPointWindowMs = 15 * 60'000;

template <class T>
json or_null(const std::optional<T>& v) {
  return v ? json(*v) : json(nullptr);
}

json care_json(const std::optional<CareLine>& c) {
  if (!c) return nullptr;
  return {{"utc", c->utc}, {"at_dose_ms", or_null(c->at_dose_ms)}, {"by", c->by}, {"device", c->device}};
}

/** Folds one decoded event into the summary. */
struct Folder {
  Summary& s;
  const record::RecordEvent& row;
  const Happened& h;

  ClientSummary& client(const std::string& id) {
    for (auto& c : s.clients)
      if (c.id == id) return c;
    s.clients.push_back(ClientSummary{});
    s.clients.back().id = id;
    return s.clients.back();
  }
  void mark(const char* kind, std::string text, std::optional<std::int64_t> at, std::optional<std::string> who = {}) {
    s.marks.push_back(Mark{kind, std::move(text), row.utc, at, std::move(who)});
  }
  void close_phase(std::int64_t at) {
    // The next phase's start is where this one really ended (a booster may have moved it either way).
    if (!s.phases.empty()) s.phases.back().to_ms = at;
  }

  void operator()(const SessionPreloaded& e) {
    s.protocol = e.protocol;
    s.route = e.route;
    s.medication = e.medication;
    s.playlist = e.playlist;
    for (const auto& c : e.clients) (void)client(c);
  }
  void operator()(const SessionStarted& e) {
    s.status = "running";
    s.started_utc = row.utc;
    s.dose_utc = config::format_instant(e.dose_at);
    if (s.protocol.empty()) s.protocol = e.protocol;
    for (const auto& c : e.clients) (void)client(c);
  }
  void operator()(const DoseGiven& e) {
    client(e.client).doses.push_back(DoseLine{e.medication, e.route, e.unit, config::format_instant(e.given_at),
                                              e.entered_by, h.actor.device, e.amount, e.lot, e.at_dose.count(), e.booster});
  }
  void operator()(const BoosterGiven& e) {
    mark("booster", "booster " + e.client + " (" + e.rule + ")", e.at_dose.count(), e.client);
    if (e.moves_music) s.session_end_ms = e.session_end.count();
  }
  void operator()(const PhaseChanged& e) {
    close_phase(e.at_dose.count());
    s.phases.push_back(PhaseBand{e.phase, e.index, e.at_dose.count(), e.ends_at_dose.count()});
  }
  void operator()(const Paused& e) { mark("pause", "paused", e.at_dose.count()); }
  void operator()(const Resumed& e) { mark("resume", "resumed", e.at_dose.count()); }
  void operator()(const TalkChanged& e) { mark("talk", e.on ? "talk on" : "talk off", e.at_dose.count()); }
  void operator()(const ReminderDue& e) {
    client(e.client).reminders.push_back(ReminderLine{e.reminder, e.text, row.utc, e.due.count(), {}, {}});
  }
  void operator()(const ReminderAcked& e) {
    auto& rs = client(e.client).reminders;
    for (auto it = rs.rbegin(); it != rs.rend(); ++it)
      if (it->reminder == e.reminder && !it->acked_utc) {
        it->acked_utc = row.utc;
        it->acked_after_ms = e.after.count();
        break;
      }
  }
  void operator()(const VitalsTaken& e) {
    VitalsLine v;
    v.utc = row.utc;
    v.device = h.actor.device;
    v.at_dose_ms = e.at_dose ? std::optional(e.at_dose->count()) : std::nullopt;
    v.bp_sys = e.bp_sys;
    v.bp_dia = e.bp_dia;
    v.hr = e.hr;
    v.spo2 = e.spo2;
    client(e.client).vitals.push_back(std::move(v));
  }
  void operator()(const Observed& e) {
    ObservationLine o;
    o.utc = row.utc;
    o.by = e.by;
    o.device = h.actor.device;
    o.at_dose_ms = e.at_dose ? std::optional(e.at_dose->count()) : std::nullopt;
    o.moaa_s = e.moaa_s;
    o.cadss = e.cadss;
    o.dissociation = e.dissociation;
    o.respiratory = e.respiratory;
    if (e.dissociation_features) o.dissociation_features = *e.dissociation_features;
    client(e.client).observations.push_back(std::move(o));
  }
  static std::optional<std::int64_t> ms(const std::optional<Millis>& m) {
    return m ? std::optional(m->count()) : std::nullopt;
  }
  void operator()(const ReadyToLeave& e) {
    client(e.client).ready_to_leave = CareLine{config::format_instant(e.at), e.by, h.actor.device, ms(e.at_dose)};
  }
  void operator()(const Discharged& e) {
    client(e.client).discharged = CareLine{config::format_instant(e.at), e.by, h.actor.device, ms(e.at_dose)};
  }
  void operator()(const Signed& e) {
    s.signature = Signature{e.meaning, e.by, h.actor.device, config::format_instant(e.at), e.content_hash, e.covers_hash,
                            e.covers_seq, row.seq, false};
  }
  void operator()(const Addendum& e) {
    s.addenda.push_back(AddendumLine{e.text, e.section, e.by, h.actor.device, row.utc, e.client, row.seq});
  }
  void operator()(const EmergencyRaised& e) {
    s.status = "aborted";
    mark("emergency", "EMERGENCY", ms(e.at_dose));
  }
  void operator()(const SessionEnded& e) {
    if (s.status != "aborted") s.status = "ended";
    s.ended_utc = row.utc;
    s.end_reason = e.reason;
    close_phase(e.at_dose.count());
    s.session_end_ms = e.at_dose.count();
    mark("end", "session ended (" + e.reason + ")", e.at_dose.count());
  }
  void operator()(const MonitoringEnded& e) { client(e.client).monitoring_ended_ms = e.at_dose.count(); }
  void operator()(const FaultRaised& e) {
    mark("fault", e.code + (e.subject.empty() ? "" : " " + e.subject) + ": " + e.message, std::nullopt);
  }
  template <class Other>
  void operator()(const Other&) {}
};

std::int64_t parse_ms(const std::string& utc) {
  const auto t = config::parse_instant(utc);
  return t ? std::chrono::duration_cast<std::chrono::milliseconds>(t->time_since_epoch()).count() : 0;
}

/** Names each vitals entry by the point of the monitoring form it answers. */
void name_points(ClientSummary& c) {
  const DoseLine* first = nullptr;
  for (const auto& d : c.doses)
    if (!d.booster) {
      first = &d;
      break;
    }
  for (std::size_t i = 0; i < c.vitals.size(); ++i) {
    auto& v = c.vitals[i];
    const std::int64_t since = parse_ms(v.utc) - (first ? parse_ms(first->utc) : parse_ms(v.utc));
    if (first == nullptr || since <= 0) {
      v.point = "baseline";
      continue;
    }
    const ReminderLine* nearest = nullptr;
    for (const auto& r : c.reminders) {
      const std::int64_t distance = std::llabs(parse_ms(r.due_utc) - parse_ms(v.utc));
      if (distance <= kPointWindowMs && (nearest == nullptr || distance < std::llabs(parse_ms(nearest->due_utc) - parse_ms(v.utc))))
        nearest = &r;
    }
    if (nearest != nullptr) {
      v.point = nearest->reminder;
    } else if (i + 1 == c.vitals.size() && (c.ready_to_leave || c.discharged)) {
      v.point = "before discharge";
    } else {
      v.point = "+" + std::to_string(since / 60'000) + " min";
    }
  }
  if (first != nullptr) {
    std::optional<std::int64_t> end;
    if (c.discharged) end = parse_ms(c.discharged->utc) - parse_ms(first->utc);
    else if (c.monitoring_ended_ms) end = *c.monitoring_ended_ms - first->at_dose_ms;
    if (end) c.monitored_minutes = std::max<std::int64_t>(0, *end / 60'000);
  }
}

}  // namespace

const ClientSummary* Summary::find_client(const std::string& id) const {
  for (const auto& c : clients)
    if (c.id == id) return &c;
  return nullptr;
}

Summary summarise(const std::string& session, const std::vector<record::RecordEvent>& rows) {
  Summary s;
  s.session = session;
  for (const auto& row : rows) {
    if (row.session != session && !(row.session.empty() && row.type == "fault")) continue;
    Happened h;
    try {
      h = record::to_happened(row);
    } catch (const std::exception&) {
      continue;  // verify names it; the summary shows what decodes
    }
    if (row.session == session) {
      s.last_seq = row.seq;
      s.last_hash = row.hash;
      if (h.actor.role == "system" && s.room_device.empty()) s.room_device = h.actor.device;
    }
    std::visit(Folder{s, row, h}, h.event);
  }
  for (auto& c : s.clients) name_points(c);
  if (s.signature) {
    std::vector<record::RecordEvent> covered;
    for (const auto& row : rows)
      if (row.seq <= s.signature->covers_seq) covered.push_back(row);
    if (s.signature->covers_seq < s.signature->seq) {
      const auto before = summarise(session, covered);
      s.signature->matches = content_hash(before) == s.signature->content_hash && before.last_hash == s.signature->covers_hash;
    }
  }
  return s;
}

json content_json(const Summary& s) {
  json out = {{"session", s.session}, {"room_device", s.room_device}, {"protocol", s.protocol}, {"route", s.route},
              {"medication", s.medication}, {"playlist", s.playlist}, {"status", s.status},
              {"started_utc", or_null(s.started_utc)}, {"dose_utc", or_null(s.dose_utc)},
              {"ended_utc", or_null(s.ended_utc)}, {"end_reason", or_null(s.end_reason)},
              {"session_end_dose_ms", or_null(s.session_end_ms)}};
  out["clients"] = json::array();
  for (const auto& c : s.clients) {
    json client = {{"id", c.id}, {"monitored_minutes", or_null(c.monitored_minutes)},
                   {"ready_to_leave", care_json(c.ready_to_leave)}, {"discharged", care_json(c.discharged)},
                   {"monitoring_ended_dose_ms", or_null(c.monitoring_ended_ms)}};
    client["doses"] = json::array();
    for (const auto& d : c.doses)
      client["doses"].push_back({{"medication", d.medication}, {"amount", d.amount}, {"unit", d.unit}, {"route", d.route},
                                 {"utc", d.utc}, {"at_dose_ms", d.at_dose_ms}, {"lot", or_null(d.lot)},
                                 {"entered_by", d.entered_by}, {"confirmed_by", d.confirmed_by}, {"booster", d.booster}});
    client["vitals"] = json::array();
    for (const auto& v : c.vitals)
      client["vitals"].push_back({{"point", v.point}, {"utc", v.utc}, {"at_dose_ms", or_null(v.at_dose_ms)},
                                  {"bp_sys", v.bp_sys}, {"bp_dia", v.bp_dia}, {"hr", or_null(v.hr)},
                                  {"spo2", or_null(v.spo2)}, {"device", v.device}});
    client["observations"] = json::array();
    for (const auto& o : c.observations)
      client["observations"].push_back({{"utc", o.utc}, {"at_dose_ms", or_null(o.at_dose_ms)}, {"moaa_s", or_null(o.moaa_s)},
                                        {"dissociation", or_null(o.dissociation)},
                                        {"dissociation_features", o.dissociation_features}, {"cadss", or_null(o.cadss)},
                                        {"respiratory", or_null(o.respiratory)}, {"by", o.by}, {"device", o.device}});
    client["reminders"] = json::array();
    for (const auto& r : c.reminders)
      client["reminders"].push_back({{"reminder", r.reminder}, {"text", r.text}, {"due_utc", r.due_utc},
                                     {"due_dose_ms", r.due_ms}, {"acked_utc", or_null(r.acked_utc)},
                                     {"acked_after_ms", or_null(r.acked_after_ms)}});
    out["clients"].push_back(std::move(client));
  }
  out["phases"] = json::array();
  for (const auto& p : s.phases)
    out["phases"].push_back({{"name", p.name}, {"index", p.index}, {"from_dose_ms", p.from_ms}, {"to_dose_ms", p.to_ms}});
  out["marks"] = json::array();
  for (const auto& m : s.marks)
    out["marks"].push_back({{"kind", m.kind}, {"text", m.text}, {"utc", m.utc}, {"at_dose_ms", or_null(m.at_dose_ms)},
                            {"client", or_null(m.client)}});
  return out;
}

std::string content_hash(const Summary& summary) { return record::sha256_hex(content_json(summary).dump()); }

json summary_json(const Summary& s) {
  json out = content_json(s);
  out["content_hash"] = content_hash(s);
  out["signature"] = nullptr;
  if (s.signature) {
    const auto& g = *s.signature;
    out["signature"] = {{"meaning", g.meaning}, {"by", g.by}, {"device", g.device}, {"utc", g.utc},
                        {"content_hash", g.content_hash}, {"covers_seq", g.covers_seq}, {"covers_hash", g.covers_hash},
                        {"seq", g.seq}, {"matches", g.matches}};
  }
  out["addenda"] = json::array();
  for (const auto& a : s.addenda)
    out["addenda"].push_back({{"text", a.text}, {"section", a.section}, {"by", a.by}, {"device", a.device},
                              {"utc", a.utc}, {"client", or_null(a.client)}, {"seq", a.seq}});
  out["record"] = {{"verified", s.verified}, {"verification", s.verification}, {"last_seq", s.last_seq},
                   {"last_hash", s.last_hash}};
  return out;
}

}  // namespace stillroom::report

#include "report/MonitoringCsv.hpp"

#include "record/ExportCsv.hpp"

#include <algorithm>
#include <cstdio>

namespace stillroom::report {
namespace {

std::string number(double v) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", v);
  return text;
}

/** The vitals entry a form's point asks for: baseline, the reminder nearest 40 minutes, before discharge. */
const VitalsLine* at_point(const ClientSummary& c, const std::string& point) {
  const VitalsLine* found = nullptr;
  for (const auto& v : c.vitals) {
    if (point == "baseline" && v.point == "baseline") found = &v;  // the last one before the dose
    if (point == "discharge" && v.point == "before discharge") found = &v;
    if (point == "40" && found == nullptr && v.point != "baseline" && v.point != "before discharge") found = &v;
  }
  return found;
}

void vitals_fields(std::vector<std::string>& row, const VitalsLine* v) {
  row.push_back(v ? v->utc : "");
  row.push_back(v ? std::to_string(v->bp_sys) + "/" + std::to_string(v->bp_dia) : "");
  row.push_back(v && v->hr ? std::to_string(*v->hr) : "");
  row.push_back(v && v->spo2 ? std::to_string(*v->spo2) : "");
}

std::string join(const std::vector<std::string>& items, const char* separator = "; ") {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : separator) + item;
  return out;
}

}  // namespace

const std::vector<std::string>& monitoring_columns() {
  static const std::vector<std::string> columns = {
      "session", "client", "protocol", "medication", "route", "dose_utc", "dose_mg", "lot", "entered_by",
      "boosters", "total_mg", "baseline_utc", "baseline_bp", "baseline_hr", "baseline_spo2", "mid_utc", "mid_bp",
      "mid_hr", "mid_spo2", "discharge_vitals_utc", "discharge_bp", "discharge_hr", "discharge_spo2",
      "lowest_moaa_s", "sedation", "dissociation", "respiratory_events", "emergency", "monitored_minutes",
      "ready_to_leave_utc", "discharged_utc", "discharged_by", "signed_by", "signed_utc", "signature_meaning",
      "addenda"};
  return columns;
}

std::string monitoring_csv(const std::vector<Summary>& summaries) {
  std::string out;
  auto emit = [&](const std::vector<std::string>& fields) {
    for (std::size_t i = 0; i < fields.size(); ++i) {
      if (i > 0) out += ',';
      out += record::csv_field(fields[i]);
    }
    out += "\r\n";
  };
  emit(monitoring_columns());
  for (const auto& s : summaries) {
    const bool emergency = std::any_of(s.marks.begin(), s.marks.end(), [](const Mark& m) { return m.kind == "emergency"; });
    for (const auto& c : s.clients) {
      std::vector<std::string> row = {s.session, c.id, s.protocol, s.medication, s.route};
      const DoseLine* first = nullptr;
      std::vector<std::string> boosters;
      double total = 0;
      for (const auto& d : c.doses) {
        total += d.amount;
        if (!d.booster && first == nullptr) first = &d;
        if (d.booster) boosters.push_back(number(d.amount) + " mg " + d.utc + (d.lot ? " lot " + *d.lot : ""));
      }
      row.push_back(first ? first->utc : "");
      row.push_back(first ? number(first->amount) : "");
      row.push_back(first ? first->lot.value_or("") : "");
      row.push_back(first ? first->entered_by : "");
      row.push_back(join(boosters));
      row.push_back(c.doses.empty() ? "" : number(total));
      vitals_fields(row, at_point(c, "baseline"));
      vitals_fields(row, at_point(c, "40"));
      vitals_fields(row, at_point(c, "discharge"));
      std::optional<std::int64_t> lowest;
      std::string dissociation = c.observations.empty() ? "" : "absent";
      std::vector<std::string> respiratory;
      for (const auto& o : c.observations) {
        if (o.moaa_s) lowest = std::min(lowest.value_or(*o.moaa_s), *o.moaa_s);
        if (o.dissociation == "present") dissociation = "present";
        if (o.respiratory && *o.respiratory != "none" &&
            std::find(respiratory.begin(), respiratory.end(), *o.respiratory) == respiratory.end())
          respiratory.push_back(*o.respiratory);
      }
      const bool breathing_seen =
          std::any_of(c.observations.begin(), c.observations.end(), [](const ObservationLine& o) { return o.respiratory.has_value(); });
      row.push_back(lowest ? std::to_string(*lowest) : "");
      row.push_back(lowest ? (*lowest < 5 ? "yes" : "no") : "");
      row.push_back(dissociation);
      row.push_back(respiratory.empty() ? (breathing_seen ? "none" : "") : join(respiratory));
      row.push_back(emergency ? "yes" : "no");
      row.push_back(c.monitored_minutes ? std::to_string(*c.monitored_minutes) : "");
      row.push_back(c.ready_to_leave ? c.ready_to_leave->utc : "");
      row.push_back(c.discharged ? c.discharged->utc : "");
      row.push_back(c.discharged ? c.discharged->by : "");
      row.push_back(s.signature ? s.signature->by : "");
      row.push_back(s.signature ? s.signature->utc : "");
      row.push_back(s.signature ? s.signature->meaning : "");
      row.push_back(std::to_string(s.addenda.size()));
      emit(row);
    }
  }
  return out;
}

}  // namespace stillroom::report

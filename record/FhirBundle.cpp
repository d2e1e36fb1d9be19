#include "record/FhirBundle.hpp"

#include "config/Duration.hpp"
#include "record/RecordHash.hpp"

#include <algorithm>
#include <map>
#include <set>

namespace stillroom::record {
namespace {

using nlohmann::json;

/** Namespace of the name-based UUIDs of exported resources. */
constexpr const char* kUuidNamespace = "3f6d2a1c-8b4e-5f70-9c12-6e5a4b3d2c1f";
constexpr const char* kSnomed = "http://snomed.info/sct";
constexpr const char* kLoinc = "http://loinc.org";
constexpr const char* kUcum = "http://unitsofmeasure.org";

std::string urn(const std::string& uuid) { return "urn:uuid:" + uuid; }

json reference(const std::string& uuid) { return {{"reference", urn(uuid)}}; }

/** A FHIR instant/dateTime from an ISO string, normalised to UTC with milliseconds; "" when unreadable. */
std::string instant(const std::string& iso) {
  const auto t = config::parse_instant(iso);
  return t ? config::format_instant(*t) : std::string();
}

json object_payload(const RecordEvent& e) {
  auto p = json::parse(e.payload, nullptr, false);
  return p.is_object() ? p : json::object();
}

std::string string_field(const json& p, const char* key) {
  const auto it = p.find(key);
  return it != p.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::optional<double> number_field(const json& p, const char* key) {
  const auto it = p.find(key);
  if (it == p.end() || !it->is_number()) return std::nullopt;
  return it->get<double>();
}

json quantity(double value, const char* unit, const char* code) {
  return {{"value", value}, {"unit", unit}, {"system", kUcum}, {"code", code}};
}

json loinc(const char* code, const char* display) {
  return {{"coding", json::array({{{"system", kLoinc}, {"code", code}, {"display", display}}})}, {"text", display}};
}

/** What the session's setup events say. */
struct SessionFacts {
  std::vector<std::string> clients;
  /** Per client: dose_at and dose_mg from session_started. */
  std::map<std::string, json> started_dose;
  std::string route;
  std::string protocol;
  std::string start;
  std::string end;
  bool finished = false;
  std::string end_reason;
  std::string room_device;
  /** Medication named by any dose event (for boosters and start-derived doses). */
  std::string medication;
  bool has_booster_doses = false;
  std::set<std::string> clients_with_initial_dose;
};

void add_client(SessionFacts& f, const std::string& client) {
  if (!client.empty() && std::find(f.clients.begin(), f.clients.end(), client) == f.clients.end())
    f.clients.push_back(client);
}

SessionFacts gather(const std::vector<RecordEvent>& events, const FhirOptions& options) {
  SessionFacts f;
  f.room_device = options.room_device;
  for (const auto& e : events) {
    const json p = object_payload(e);
    if (f.room_device.empty() && e.actor_role == "system") f.room_device = e.actor_device;
    if (e.type == "session_preloaded" || e.type == "session_started") {
      if (!string_field(p, "route").empty()) f.route = string_field(p, "route");
      if (!string_field(p, "protocol").empty()) f.protocol = string_field(p, "protocol");
      for (const auto& c : p.value("clients", json::array())) {
        if (c.is_string()) add_client(f, c.get<std::string>());
        if (c.is_object() && c.contains("client") && c["client"].is_string()) {
          add_client(f, c["client"].get<std::string>());
          f.started_dose[c["client"].get<std::string>()] = c;
        }
      }
      if (e.type == "session_started") f.start = e.utc;
    } else if (e.type == "dose" || e.type == "vitals") {
      add_client(f, string_field(p, "client"));
      if (e.type == "dose") {
        if (f.medication.empty()) f.medication = string_field(p, "medication");
        if (p.value("booster", false))
          f.has_booster_doses = true;
        else
          f.clients_with_initial_dose.insert(string_field(p, "client"));
      }
    } else if (e.type == "session_ended") {
      f.finished = true;
      f.end_reason = string_field(p, "reason");
      f.end = e.utc;
    } else if (e.type == "monitoring_ended") {
      f.finished = true;
      f.end = e.utc;
    }
  }
  if (f.start.empty() && !events.empty()) f.start = events.front().utc;
  if (f.room_device.empty()) f.room_device = "stillroom";
  return f;
}

json period(const SessionFacts& f) {
  json p = {{"start", instant(f.start)}};
  if (f.finished && !f.end.empty()) p["end"] = instant(f.end);
  return p;
}

json medication_concept(const std::string& medication) {
  return {{"text", medication.empty() ? std::string("medication not recorded") : medication}};
}

class BundleBuilder {
 public:
  BundleBuilder(std::string session, const std::vector<RecordEvent>& events, SessionFacts facts)
      : session_(std::move(session)), events_(events), f_(std::move(facts)) {}

  json build() {
    add_device(f_.room_device, "system", true);
    for (const auto& e : events_)
      if (e.actor_role != "system") add_device(e.actor_device, e.actor_role, false);
    for (const auto& client : f_.clients) add_client_resources(client);
    for (const auto& e : events_) add_event_resources(e);
    json bundle = {{"resourceType", "Bundle"},
                   {"id", id("bundle")},
                   {"identifier", {{"system", "urn:stillroom:session"}, {"value", session_}}},
                   {"type", "collection"},
                   {"entry", entries_}};
    if (!events_.empty()) bundle["timestamp"] = instant(events_.back().utc);
    return bundle;
  }

 private:
  std::string id(const std::string& what) const { return name_uuid(kUuidNamespace, session_ + "/" + what); }

  void add(const std::string& uuid, json resource) {
    resource["id"] = uuid;
    entries_.push_back({{"fullUrl", urn(uuid)}, {"resource", std::move(resource)}});
  }

  void add_device(const std::string& device, const std::string& role, bool room_box) {
    if (device.empty() || devices_.count(device)) return;
    const std::string uuid = id("device/" + device);
    devices_[device] = uuid;
    add(uuid, {{"resourceType", "Device"},
               {"identifier", json::array({{{"system", "urn:stillroom:device"}, {"value", device}}})},
               {"deviceName", json::array({{{"name", device}, {"type", "user-friendly-name"}}})},
               {"type", {{"text", room_box ? std::string("stillroom treatment room controller")
                                           : "device with role " + role}}}});
  }

  void add_client_resources(const std::string& client) {
    const std::string patient = id("patient/" + client);
    const std::string encounter = id("encounter/" + client);
    patients_[client] = patient;
    encounters_[client] = encounter;
    add(patient, {{"resourceType", "Patient"},
                  {"identifier", json::array({{{"system", "urn:stillroom:client"}, {"value", client}}})}});
    add(encounter, {{"resourceType", "Encounter"},
                    {"identifier", json::array({{{"system", "urn:stillroom:session"}, {"value", session_}}})},
                    {"status", f_.finished ? "finished" : "in-progress"},
                    {"class",
                     {{"system", "http://terminology.hl7.org/CodeSystem/v3-ActCode"},
                      {"code", "AMB"},
                      {"display", "ambulatory"}}},
                    {"type", json::array({{{"text", "Ketamine-assisted psychotherapy session"}}})},
                    {"subject", reference(patient)},
                    {"period", period(f_)}});
    std::string status = "in-progress";
    if (f_.finished) status = f_.end_reason == "stop" || f_.end_reason == "emergency" ? "stopped" : "completed";
    json procedure = {{"resourceType", "Procedure"},
                      {"identifier", json::array({{{"system", "urn:stillroom:session"}, {"value", session_}}})},
                      {"status", status},
                      {"code", {{"text", "Ketamine-assisted psychotherapy session"}}},
                      {"subject", reference(patient)},
                      {"encounter", reference(encounter)},
                      {"performedPeriod", period(f_)}};
    if (!f_.protocol.empty()) procedure["note"] = json::array({{{"text", "protocol " + f_.protocol}}});
    add(id("procedure/" + client), std::move(procedure));

    // The initial dose comes from the client's dose event; session_started stands in when there is none.
    if (!f_.clients_with_initial_dose.count(client) && f_.started_dose.count(client)) {
      const json& d = f_.started_dose.at(client);
      const std::string at = d.contains("dose_at") && d["dose_at"].is_string() ? d["dose_at"].get<std::string>() : "";
      if (!instant(at).empty())
        add_administration(id("dose-at-start/" + client), client, instant(at), number_field(d, "dose_mg"), f_.route,
                           f_.medication, false);
    }
  }

  void add_administration(const std::string& uuid, const std::string& client, const std::string& when,
                          std::optional<double> dose_mg, const std::string& route, const std::string& medication,
                          bool booster) {
    json dosage = json::object();
    if (booster) dosage["text"] = "booster dose";
    if (const auto coding = snomed_route(route)) {
      dosage["route"] = {{"coding", json::array({{{"system", kSnomed}, {"code", coding->code}, {"display", coding->display}}})},
                         {"text", route}};
    } else if (!route.empty()) {
      dosage["route"] = {{"text", route}};
    }
    if (dose_mg) dosage["dose"] = quantity(*dose_mg, "mg", "mg");
    json resource = {{"resourceType", "MedicationAdministration"},
                     {"status", "completed"},
                     {"medicationCodeableConcept", medication_concept(medication)},
                     {"subject", reference(patients_.at(client))},
                     {"context", reference(encounters_.at(client))},
                     {"effectiveDateTime", when}};
    if (!dosage.empty()) resource["dosage"] = std::move(dosage);
    add(uuid, std::move(resource));
  }

  /** The client an event is about: named in the payload, or the session's only client. */
  std::string client_of(const json& p) const {
    const std::string named = string_field(p, "client");
    if (!named.empty()) return patients_.count(named) ? named : std::string();
    return f_.clients.size() == 1 ? f_.clients.front() : std::string();
  }

  void add_observation(const std::string& uuid, const RecordEvent& e, const std::string& client, json fields) {
    json resource = {{"resourceType", "Observation"},
                     {"status", "final"},
                     {"category", json::array({{{"coding", json::array({{{"system",
                                                                           "http://terminology.hl7.org/CodeSystem/"
                                                                           "observation-category"},
                                                                          {"code", "vital-signs"},
                                                                          {"display", "Vital Signs"}}})}}})},
                     {"effectiveDateTime", instant(e.utc)}};
    if (!client.empty()) {
      resource["subject"] = reference(patients_.at(client));
      resource["encounter"] = reference(encounters_.at(client));
    } else {
      resource["note"] = json::array({{{"text", "the client was not named in a group session"}}});
    }
    resource.update(fields);
    add(uuid, std::move(resource));
  }

  void add_vitals(const RecordEvent& e, const json& p) {
    const std::string client = client_of(p);
    const auto sys = number_field(p, "bp_sys");
    const auto dia = number_field(p, "bp_dia");
    if (sys && dia)
      add_observation(id("vitals-bp/" + e.event_id), e, client,
                      {{"code", loinc("85354-9", "Blood pressure panel with all children optional")},
                       {"component",
                        json::array({{{"code", loinc("8480-6", "Systolic blood pressure")},
                                      {"valueQuantity", quantity(*sys, "mmHg", "mm[Hg]")}},
                                     {{"code", loinc("8462-4", "Diastolic blood pressure")},
                                      {"valueQuantity", quantity(*dia, "mmHg", "mm[Hg]")}}})}});
    if (const auto hr = number_field(p, "hr"))
      add_observation(id("vitals-hr/" + e.event_id), e, client,
                      {{"code", loinc("8867-4", "Heart rate")}, {"valueQuantity", quantity(*hr, "/min", "/min")}});
    if (const auto spo2 = number_field(p, "spo2"))
      add_observation(id("vitals-spo2/" + e.event_id), e, client,
                      {{"code", loinc("59408-5", "Oxygen saturation in Arterial blood by Pulse oximetry")},
                       {"valueQuantity", quantity(*spo2, "%", "%")}});
  }

  void add_audit(const RecordEvent& e, const json& p, const std::string& action_text, bool failure) {
    const bool system = e.actor_role == "system";
    json agent = {{"who", reference(devices_.count(e.actor_device) ? devices_.at(e.actor_device)
                                                                   : devices_.at(f_.room_device))},
                  {"requestor", !system},
                  {"role", json::array({{{"text", e.actor_role}}})},
                  {"name", e.actor_device}};
    json entity = json::array();
    for (const auto& [client, encounter] : encounters_) entity.push_back({{"what", reference(encounter)}});
    json resource = {
        {"resourceType", "AuditEvent"},
        {"type",
         {{"system", "http://dicom.nema.org/resources/ontology/DCM"}, {"code", "110100"}, {"display", "Application Activity"}}},
        {"subtype", json::array({{{"system", "urn:stillroom:event-type"}, {"code", e.type}, {"display", action_text}}})},
        {"action", "E"},
        {"recorded", instant(e.utc)},
        {"outcome", failure ? "4" : "0"},
        {"agent", json::array({agent})},
        {"source",
         {{"site", f_.room_device},
          {"observer", reference(devices_.at(f_.room_device))},
          {"type", json::array({{{"system", "http://terminology.hl7.org/CodeSystem/security-source-type"},
                                 {"code", "4"},
                                 {"display", "Application Server"}}})}}}};
    if (failure) resource["outcomeDesc"] = string_field(p, "error");
    if (!entity.empty()) resource["entity"] = std::move(entity);
    add(id("audit/" + e.event_id), std::move(resource));
  }

  void add_event_resources(const RecordEvent& e) {
    const json p = object_payload(e);
    if (e.type == "dose") {
      const std::string client = client_of(p);
      if (client.empty()) return;
      const std::string at = instant(string_field(p, "at"));
      add_administration(id("dose/" + e.event_id), client, at.empty() ? instant(e.utc) : at,
                         number_field(p, "dose_mg"), string_field(p, "route"), string_field(p, "medication"),
                         p.value("booster", false));
    } else if (e.type == "booster") {
      // Group sessions record boosters as dose events naming the client; a bare booster maps to the only client.
      if (f_.has_booster_doses || f_.clients.size() != 1) return;
      add_administration(id("booster/" + e.event_id), f_.clients.front(), instant(e.utc), number_field(p, "dose_mg"),
                         f_.route, f_.medication, true);
    } else if (e.type == "vitals") {
      add_vitals(e, p);
    } else if (e.type == "paused") {
      add_audit(e, p, "music paused", false);
    } else if (e.type == "resumed") {
      add_audit(e, p, "music resumed", false);
    } else if (e.type == "talk") {
      add_audit(e, p, p.value("on", false) ? "talk mode on" : "talk mode off", false);
    } else if (e.type == "session_ended" && string_field(p, "reason") == "stop") {
      add_audit(e, p, "session stopped", false);
    } else if (e.type == "emergency") {
      add_audit(e, p, "emergency", false);
    } else if (e.type == "command_refused") {
      add_audit(e, p, "command " + string_field(p, "cmd") + " refused", true);
    }
  }

  std::string session_;
  const std::vector<RecordEvent>& events_;
  SessionFacts f_;
  json entries_ = json::array();
  std::map<std::string, std::string> devices_;
  std::map<std::string, std::string> patients_;
  std::map<std::string, std::string> encounters_;
};

}  // namespace

std::optional<FhirCoding> snomed_route(const std::string& route) {
  if (route == "im") return FhirCoding{"78421000", "Intramuscular route"};
  if (route == "sublingual") return FhirCoding{"37839007", "Sublingual route"};
  if (route == "iv") return FhirCoding{"47625008", "Intravenous route"};
  if (route == "intranasal" || route == "nasal") return FhirCoding{"46713006", "Nasal route"};
  if (route == "oral") return FhirCoding{"26643006", "Oral route"};
  return std::nullopt;
}

json make_fhir_bundle(const std::string& session, const std::vector<RecordEvent>& events, const FhirOptions& options) {
  return BundleBuilder(session, events, gather(events, options)).build();
}

}  // namespace stillroom::record

#include "record/FhirBundle.hpp"

#include "config/Duration.hpp"
#include "config/Instant.hpp"
#include "record/RecordHash.hpp"
#include "record/RecordHappened.hpp"
#include "session/EventCodec.hpp"

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

json quantity(double value, const char* unit, const char* code) {
  return {{"value", value}, {"unit", unit}, {"system", kUcum}, {"code", code}};
}

json loinc(const char* code, const char* display) {
  return {{"coding", json::array({{{"system", kLoinc}, {"code", code}, {"display", display}}})}, {"text", display}};
}

/** One stored event with its typed content. */
struct Item {
  const RecordEvent* row;
  session::Happened event;
};

/** What the session's events say about the session as a whole. */
struct SessionFacts {
  std::vector<std::string> clients;
  std::string route, protocol, medication, start, end, end_reason, room_device;
  bool finished = false;
  /** When each client was discharged, as the clinician gave it: their encounter ends then. */
  std::map<std::string, std::string> discharged;
};

void add_client(SessionFacts& f, const std::string& client) {
  if (!client.empty() && std::find(f.clients.begin(), f.clients.end(), client) == f.clients.end())
    f.clients.push_back(client);
}

SessionFacts gather(const std::vector<Item>& items, const FhirOptions& options) {
  SessionFacts f;
  f.room_device = options.room_device;
  for (const auto& item : items) {
    const RecordEvent& e = *item.row;
    if (f.room_device.empty() && e.actor_role == "system") f.room_device = e.actor_device;
    if (const auto* p = std::get_if<session::SessionPreloaded>(&item.event.event)) {
      f.route = p->route;
      f.protocol = p->protocol;
      f.medication = p->medication;
      for (const auto& c : p->clients) add_client(f, c);
    } else if (const auto* s = std::get_if<session::SessionStarted>(&item.event.event)) {
      f.start = e.utc;
      for (const auto& c : s->clients) add_client(f, c);
    } else if (const auto* end = std::get_if<session::SessionEnded>(&item.event.event)) {
      f.finished = true;
      f.end_reason = end->reason;
      f.end = e.utc;
    } else if (std::holds_alternative<session::MonitoringEnded>(item.event.event)) {
      f.finished = true;
      f.end = e.utc;
    } else if (const auto* d = std::get_if<session::Discharged>(&item.event.event)) {
      f.discharged[d->client] = config::format_instant(d->at);
    }
  }
  if (f.start.empty() && !items.empty()) f.start = items.front().row->utc;
  if (f.room_device.empty()) f.room_device = "stillroom";
  return f;
}

json period(const SessionFacts& f) {
  json p = {{"start", instant(f.start)}};
  if (f.finished && !f.end.empty()) p["end"] = instant(f.end);
  return p;
}

/** The client's encounter: from the start until they were discharged, else as the session's period. */
json encounter_period(const SessionFacts& f, const std::string& client) {
  json p = period(f);
  if (const auto it = f.discharged.find(client); it != f.discharged.end()) p["end"] = it->second;
  return p;
}

class BundleBuilder {
 public:
  BundleBuilder(std::string session, const std::vector<Item>& items, SessionFacts facts)
      : session_(std::move(session)), items_(items), f_(std::move(facts)) {}

  json build() {
    add_device(f_.room_device, "system", true);
    for (const auto& item : items_)
      if (item.row->actor_role != "system") add_device(item.row->actor_device, item.row->actor_role, false);
    for (const auto& client : f_.clients) add_client_resources(client);
    for (const auto& item : items_) add_event_resources(item);
    json bundle = {{"resourceType", "Bundle"},
                   {"id", id("bundle")},
                   {"identifier", {{"system", "urn:stillroom:session"}, {"value", session_}}},
                   {"type", "transaction"},
                   {"entry", entries_}};
    if (!items_.empty()) bundle["timestamp"] = instant(items_.back().row->utc);
    return bundle;
  }

 private:
  std::string id(const std::string& what) const { return name_uuid(kUuidNamespace, session_ + "/" + what); }

  /** A transaction entry: PUT Type/id, so exporting the same session again updates rather than duplicates. */
  void add(const std::string& uuid, json resource) {
    resource["id"] = uuid;
    const std::string type = resource["resourceType"];
    entries_.push_back({{"fullUrl", urn(uuid)},
                        {"resource", std::move(resource)},
                        {"request", {{"method", "PUT"}, {"url", type + "/" + uuid}}}});
  }

  /** The clinic's staff member `staff` (an id, never a name) as a Practitioner. */
  std::string practitioner(const std::string& staff) {
    if (const auto it = practitioners_.find(staff); it != practitioners_.end()) return it->second;
    const std::string uuid = id("practitioner/" + staff);
    practitioners_[staff] = uuid;
    add(uuid, {{"resourceType", "Practitioner"},
               {"identifier", json::array({{{"system", "urn:stillroom:staff"}, {"value", staff}}})}});
    return uuid;
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
                    {"status", f_.finished || f_.discharged.contains(client) ? "finished" : "in-progress"},
                    {"class",
                     {{"system", "http://terminology.hl7.org/CodeSystem/v3-ActCode"},
                      {"code", "AMB"},
                      {"display", "ambulatory"}}},
                    {"type", json::array({{{"text", "Ketamine-assisted psychotherapy session"}}})},
                    {"subject", reference(patient)},
                    {"period", encounter_period(f_, client)}});
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
  }

  void add_administration(const Item& item, const session::DoseGiven& d) {
    if (!patients_.count(d.client)) return;
    json dosage = json::object();
    if (d.booster) dosage["text"] = "booster dose";
    if (const auto coding = snomed_route(d.route)) {
      dosage["route"] = {{"coding", json::array({{{"system", kSnomed}, {"code", coding->code}, {"display", coding->display}}})},
                         {"text", d.route}};
    } else if (!d.route.empty()) {
      dosage["route"] = {{"text", d.route}};
    }
    if (d.unit == "mg") dosage["dose"] = quantity(d.amount, "mg", "mg");
    // R4 keeps the lot on the Medication (batch.lotNumber): a contained one per administration.
    json code = {{"text", d.medication}};
    if (d.medication == "ketamine")
      code["coding"] = json::array({{{"system", "http://www.nlm.nih.gov/research/umls/rxnorm"}, {"code", "6130"}, {"display", "ketamine"}}});
    json medication = {{"resourceType", "Medication"}, {"id", "medication"}, {"code", code}};
    if (d.lot) medication["batch"] = {{"lotNumber", *d.lot}};
    json resource = {{"resourceType", "MedicationAdministration"},
                     {"status", "completed"},
                     {"contained", json::array({medication})},
                     {"medicationReference", {{"reference", "#medication"}}},
                     {"subject", reference(patients_.at(d.client))},
                     {"context", reference(encounters_.at(d.client))},
                     {"effectiveDateTime", config::format_instant(d.given_at)},
                     {"dosage", dosage}};
    // Who confirmed it was given; who entered the amount is noted.
    if (devices_.count(item.row->actor_device))
      resource["performer"] = json::array({{{"actor", reference(devices_.at(item.row->actor_device))}}});
    json notes = json::array({{{"text", "entered by " + d.entered_by}}});
    if (d.lot) notes.push_back({{"text", "lot " + *d.lot}});
    resource["note"] = notes;
    add(id("dose/" + item.row->event_id), std::move(resource));
  }

  void add_observation(const std::string& uuid, const RecordEvent& e, const std::string& client, json fields) {
    json resource = {{"resourceType", "Observation"},
                     {"status", "final"},
                     {"category", json::array({{{"coding", json::array({{{"system",
                                                                           "http://terminology.hl7.org/CodeSystem/"
                                                                           "observation-category"},
                                                                          {"code", "vital-signs"},
                                                                          {"display", "Vital Signs"}}})}}})},
                     {"subject", reference(patients_.at(client))},
                     {"encounter", reference(encounters_.at(client))},
                     {"effectiveDateTime", instant(e.utc)}};
    resource.update(fields);
    add(uuid, std::move(resource));
  }

  void add_vitals(const RecordEvent& e, const session::VitalsTaken& v) {
    if (!patients_.count(v.client)) return;
    add_observation(id("vitals-bp/" + e.event_id), e, v.client,
                    {{"code", loinc("85354-9", "Blood pressure panel with all children optional")},
                     {"component",
                      json::array({{{"code", loinc("8480-6", "Systolic blood pressure")},
                                    {"valueQuantity", quantity(static_cast<double>(v.bp_sys), "mmHg", "mm[Hg]")}},
                                   {{"code", loinc("8462-4", "Diastolic blood pressure")},
                                    {"valueQuantity", quantity(static_cast<double>(v.bp_dia), "mmHg", "mm[Hg]")}}})}});
    if (v.hr)
      add_observation(id("vitals-hr/" + e.event_id), e, v.client,
                      {{"code", loinc("8867-4", "Heart rate")},
                       {"valueQuantity", quantity(static_cast<double>(*v.hr), "/min", "/min")}});
    if (v.spo2)
      add_observation(id("vitals-spo2/" + e.event_id), e, v.client,
                      {{"code", loinc("59408-5", "Oxygen saturation in Arterial blood by Pulse oximetry")},
                       {"valueQuantity", quantity(static_cast<double>(*v.spo2), "%", "%")}});
  }

  static json stillroom_code(const char* code, const char* display) {
    return {{"coding", json::array({{{"system", "urn:stillroom:observation"}, {"code", code}, {"display", display}}})},
            {"text", display}};
  }

  /** An observation of the clinician (sedation, dissociation, breathing, ready to leave): category exam. */
  void add_clinical(const std::string& uuid, const RecordEvent& e, const std::string& client, const std::string& by,
                    json fields) {
    json resource = {{"resourceType", "Observation"},
                     {"status", "final"},
                     {"category", json::array({{{"coding", json::array({{{"system",
                                                                           "http://terminology.hl7.org/CodeSystem/"
                                                                           "observation-category"},
                                                                          {"code", "exam"},
                                                                          {"display", "Exam"}}})}}})},
                     {"subject", reference(patients_.at(client))},
                     {"encounter", reference(encounters_.at(client))},
                     {"effectiveDateTime", instant(e.utc)},
                     {"performer", json::array({reference(practitioner(by))})}};
    resource.update(fields);
    add(uuid, std::move(resource));
  }

  void add_observed(const RecordEvent& e, const session::Observed& o) {
    if (!patients_.count(o.client)) return;
    if (o.moaa_s)
      add_clinical(id("moaa-s/" + e.event_id), e, o.client, o.by,
                   {{"code", stillroom_code("moaa-s", "Modified Observer's Assessment of Alertness/Sedation (MOAA/S)")},
                    {"valueInteger", *o.moaa_s}});
    if (o.dissociation) {
      json fields = {{"code", stillroom_code("dissociation", "Dissociation")},
                     {"valueCodeableConcept", {{"text", *o.dissociation}}}};
      json components = json::array();
      if (o.dissociation_features)
        for (const auto& f : *o.dissociation_features)
          components.push_back({{"code", stillroom_code(f.c_str(), f.c_str())}, {"valueBoolean", true}});
      if (o.cadss)
        components.push_back({{"code", stillroom_code("cadss", "Clinician-Administered Dissociative States Scale total")},
                              {"valueInteger", *o.cadss}});
      if (!components.empty()) fields["component"] = components;
      add_clinical(id("dissociation/" + e.event_id), e, o.client, o.by, std::move(fields));
    }
    if (o.respiratory)
      add_clinical(id("respiratory/" + e.event_id), e, o.client, o.by,
                   {{"code", stillroom_code("respiratory-events", "Respiratory events")},
                    {"valueCodeableConcept", {{"text", *o.respiratory}}}});
  }

  void add_ready(const RecordEvent& e, const session::ReadyToLeave& r) {
    if (!patients_.count(r.client)) return;
    add_clinical(id("ready/" + e.event_id), e, r.client, r.by,
                 {{"code", stillroom_code("ready-to-leave", "Ready to leave (clinician's judgement)")},
                  {"valueDateTime", config::format_instant(r.at)}});
  }

  /** The signed summary: a DocumentReference per client, the signature as a Provenance naming the signer. */
  void add_signed(const RecordEvent& e, const session::Signed& g) {
    const std::string signer = practitioner(g.by);
    json targets = json::array();
    for (const auto& [client, patient] : patients_) {
      const std::string uuid = id("summary/" + client);
      summaries_[client] = uuid;
      targets.push_back(reference(uuid));
      add(uuid, {{"resourceType", "DocumentReference"},
                 {"identifier", json::array({{{"system", "urn:stillroom:summary-sha256"}, {"value", g.content_hash}}})},
                 {"status", "current"},
                 {"docStatus", "final"},
                 {"type", {{"text", "Ketamine-assisted psychotherapy session summary"}}},
                 {"subject", reference(patient)},
                 {"date", config::format_instant(g.at)},
                 {"authenticator", reference(signer)},
                 {"description", g.meaning},
                 {"content", json::array({{{"attachment",
                                            {{"contentType", "application/json"},
                                             {"url", "urn:stillroom:summary:" + session_},
                                             {"title", "session summary " + session_ + " (stillroom record report)"}}}}})},
                 {"context", {{"encounter", json::array({reference(encounters_.at(client))})}}}});
    }
    const bool approval = g.meaning == "reviewed and approved";
    const bool author = g.meaning == "authored";
    json type = {{"system", "urn:iso-astm:E1762-95:2013"},
                 {"code", author ? "1.2.840.10065.1.12.1.1" : approval ? "1.2.840.10065.1.12.1.6" : "1.2.840.10065.1.12.1.5"},
                 {"display", author ? "Author's Signature" : approval ? "Approval Signature" : "Verification Signature"}};
    add(id("provenance/" + e.event_id),
        {{"resourceType", "Provenance"},
         {"target", targets},
         {"recorded", config::format_instant(g.at)},
         {"agent", json::array({{{"who", reference(signer)},
                                 {"onBehalfOf", reference(devices_.count(e.actor_device) ? devices_.at(e.actor_device)
                                                                                         : devices_.at(f_.room_device))}}})},
         {"signature", json::array({{{"type", json::array({type})},
                                     {"when", config::format_instant(g.at)},
                                     {"who", reference(signer)},
                                     {"sigFormat", "text/plain"},
                                     {"data", base64(g.content_hash)}}})}});
  }

  void add_addendum(const RecordEvent& e, const session::Addendum& a) {
    for (const auto& [client, patient] : patients_) {
      if (a.client && *a.client != client) continue;
      json resource = {{"resourceType", "DocumentReference"},
                       {"status", "current"},
                       {"docStatus", "amended"},
                       {"type", {{"text", "Addendum to the session summary (" + a.section + ")"}}},
                       {"subject", reference(patient)},
                       {"date", instant(e.utc)},
                       {"author", json::array({reference(practitioner(a.by))})},
                       {"content", json::array({{{"attachment", {{"contentType", "text/plain; charset=utf-8"},
                                                                  {"data", base64(a.text)}}}}})},
                       {"context", {{"encounter", json::array({reference(encounters_.at(client))})}}}};
      if (summaries_.count(client))
        resource["relatesTo"] = json::array({{{"code", "appends"}, {"target", reference(summaries_.at(client))}}});
      add(id("addendum/" + client + "/" + e.event_id), std::move(resource));
    }
  }

  static std::string base64(const std::string& bytes) {
    static constexpr char digits[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    std::size_t i = 0;
    for (; i + 2 < bytes.size(); i += 3) {
      const unsigned n = (static_cast<unsigned char>(bytes[i]) << 16) | (static_cast<unsigned char>(bytes[i + 1]) << 8) |
                         static_cast<unsigned char>(bytes[i + 2]);
      out += {digits[(n >> 18) & 63], digits[(n >> 12) & 63], digits[(n >> 6) & 63], digits[n & 63]};
    }
    if (i + 1 == bytes.size()) {
      const unsigned n = static_cast<unsigned char>(bytes[i]) << 16;
      out += {digits[(n >> 18) & 63], digits[(n >> 12) & 63], '=', '='};
    } else if (i + 2 == bytes.size()) {
      const unsigned n = (static_cast<unsigned char>(bytes[i]) << 16) | (static_cast<unsigned char>(bytes[i + 1]) << 8);
      out += {digits[(n >> 18) & 63], digits[(n >> 12) & 63], digits[(n >> 6) & 63], '='};
    }
    return out;
  }

  void add_audit(const RecordEvent& e, const std::string& action_text, const std::string& failure) {
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
        {"outcome", failure.empty() ? "0" : "4"},
        {"agent", json::array({agent})},
        {"source",
         {{"site", f_.room_device},
          {"observer", reference(devices_.at(f_.room_device))},
          {"type", json::array({{{"system", "http://terminology.hl7.org/CodeSystem/security-source-type"},
                                 {"code", "4"},
                                 {"display", "Application Server"}}})}}}};
    if (!failure.empty()) resource["outcomeDesc"] = failure;
    if (!entity.empty()) resource["entity"] = std::move(entity);
    add(id("audit/" + e.event_id), std::move(resource));
  }

  void add_event_resources(const Item& item) {
    const RecordEvent& e = *item.row;
    const auto& ev = item.event.event;
    if (const auto* d = std::get_if<session::DoseGiven>(&ev)) {
      add_administration(item, *d);
    } else if (const auto* v = std::get_if<session::VitalsTaken>(&ev)) {
      add_vitals(e, *v);
    } else if (std::holds_alternative<session::Paused>(ev)) {
      add_audit(e, "music paused", {});
    } else if (std::holds_alternative<session::Resumed>(ev)) {
      add_audit(e, "music resumed", {});
    } else if (const auto* t = std::get_if<session::TalkChanged>(&ev)) {
      add_audit(e, t->on ? "talk mode on" : "talk mode off", {});
    } else if (const auto* end = std::get_if<session::SessionEnded>(&ev); end && end->reason == "stop") {
      add_audit(e, "session stopped", {});
    } else if (const auto* o = std::get_if<session::Observed>(&ev)) {
      add_observed(e, *o);
    } else if (const auto* ready = std::get_if<session::ReadyToLeave>(&ev)) {
      add_ready(e, *ready);
    } else if (std::holds_alternative<session::Discharged>(ev)) {
      add_audit(e, "discharged", {});
    } else if (const auto* g = std::get_if<session::Signed>(&ev)) {
      add_signed(e, *g);
    } else if (const auto* a = std::get_if<session::Addendum>(&ev)) {
      add_addendum(e, *a);
    } else if (std::holds_alternative<session::EmergencyRaised>(ev)) {
      add_audit(e, "emergency", {});
    } else if (const auto* r = std::get_if<session::CommandRefused>(&ev)) {
      add_audit(e, "command " + r->cmd + " refused", r->error);
    }
  }

  std::string session_;
  const std::vector<Item>& items_;
  SessionFacts f_;
  json entries_ = json::array();
  std::map<std::string, std::string> devices_;
  std::map<std::string, std::string> patients_;
  std::map<std::string, std::string> encounters_;
  std::map<std::string, std::string> practitioners_;
  std::map<std::string, std::string> summaries_;
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
  std::vector<Item> items;
  for (const auto& e : events) {
    try {
      items.push_back({&e, to_happened(e)});
    } catch (const session::EventError&) {
      // An event the vocabulary cannot read contributes nothing (verify names it).
    }
  }
  return BundleBuilder(session, items, gather(items, options)).build();
}

}  // namespace stillroom::record

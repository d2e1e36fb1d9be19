// FHIR R4 export: a one-client IM session and a group session mapped to a
// transaction Bundle, validated structurally — required R4 elements per resource
// type, no empty or null values, fullUrls unique urn:uuids, every reference
// resolving inside the bundle to a resource of the right type — and checked for
// the codes and values the clinic imports (LOINC, SNOMED CT routes, UCUM).
#include "RecordTestFixture.hpp"

#include "config/Duration.hpp"
#include "record/FhirBundle.hpp"
#include "record/Record.hpp"
#include "record/RecordHash.hpp"
#include "support/TempDir.hpp"

#include <doctest/doctest.h>

#include <cctype>
#include <set>

using namespace std::chrono_literals;
using namespace stillroom::record;
namespace session = stillroom::session;
using stillroom::config::Millis;
using stillroom::session::ManualClock;
using nlohmann::json;
using stillroom::test::draft;
using stillroom::test::kSystem;
using stillroom::test::TempDir;

namespace {

const RecordActor kObserver{"tablet-9", "observer"};
const RecordActor kNurse{"tablet-5", "nurse"};

/** FHIR instant: YYYY-MM-DDThh:mm:ss[.fff](Z|+hh:mm|-hh:mm). */
bool is_instant(const json& v) {
  if (!v.is_string()) return false;
  const std::string s = v.get<std::string>();
  const std::string shape = "dddd-dd-ddTdd:dd:dd";
  if (s.size() < shape.size() + 1) return false;
  for (std::size_t i = 0; i < shape.size(); ++i)
    if (shape[i] == 'd' ? !std::isdigit(static_cast<unsigned char>(s[i])) : s[i] != shape[i]) return false;
  std::size_t i = shape.size();
  if (s[i] == '.') {
    const std::size_t digits = ++i;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
    if (i == digits) return false;
  }
  const std::string zone = s.substr(i);
  return zone == "Z" || (zone.size() == 6 && (zone[0] == '+' || zone[0] == '-') && std::isdigit(static_cast<unsigned char>(zone[1])) &&
                         std::isdigit(static_cast<unsigned char>(zone[2])) && zone[3] == ':' &&
                         std::isdigit(static_cast<unsigned char>(zone[4])) && std::isdigit(static_cast<unsigned char>(zone[5])));
}

bool has_coding(const json& codeable, const std::string& system, const std::string& code) {
  if (!codeable.contains("coding")) return false;
  for (const auto& c : codeable["coding"])
    if (c.value("system", "") == system && c.value("code", "") == code) return true;
  return false;
}

/** Every problem found; empty when the bundle is structurally valid R4 as far as this export uses it. */
std::vector<std::string> validate(const json& bundle) {
  std::vector<std::string> problems;
  auto problem = [&](const std::string& p) { problems.push_back(p); };
  if (bundle.value("resourceType", "") != "Bundle") problem("not a Bundle");
  if (bundle.value("type", "") != "transaction") problem("Bundle.type is not transaction");
  if (!bundle.contains("entry") || !bundle["entry"].is_array() || bundle["entry"].empty()) {
    problem("no entries");
    return problems;
  }
  std::map<std::string, std::string> types;  // fullUrl -> resourceType
  for (const auto& entry : bundle["entry"]) {
    const std::string url = entry.value("fullUrl", "");
    if (url.rfind("urn:uuid:", 0) != 0 || !is_uuid(url.substr(9))) problem("bad fullUrl " + url);
    if (types.count(url)) problem("duplicate fullUrl " + url);
    const auto& r = entry["resource"];
    types[url] = r.value("resourceType", "");
    if (r.value("id", "") != url.substr(9)) problem("resource id differs from its fullUrl " + url);
  }
  // No nulls, empty strings, empty arrays or empty objects anywhere (FHIR JSON forbids them).
  std::function<void(const json&, const std::string&)> walk = [&](const json& v, const std::string& where) {
    if (v.is_null()) problem("null at " + where);
    if (v.is_string() && v.get<std::string>().empty()) problem("empty string at " + where);
    if ((v.is_array() || v.is_object()) && v.empty()) problem("empty container at " + where);
    if (v.is_object())
      for (const auto& [k, item] : v.items()) walk(item, where + "." + k);
    if (v.is_array())
      for (std::size_t i = 0; i < v.size(); ++i) walk(v[i], where + "[" + std::to_string(i) + "]");
  };
  walk(bundle, "Bundle");
  // References resolve, to the right kind of resource.
  auto expect_ref = [&](const json& r, const char* field, const std::string& type, bool required) {
    if (!r.contains(field)) {
      if (required) problem(r.value("resourceType", "") + "." + field + " missing");
      return;
    }
    const std::string ref = r[field].value("reference", "");
    if (!types.count(ref))
      problem(r.value("resourceType", "") + "." + field + " does not resolve: " + ref);
    else if (types[ref] != type)
      problem(r.value("resourceType", "") + "." + field + " points to a " + types[ref]);
  };
  std::function<void(const json&)> all_refs = [&](const json& v) {
    if (v.is_object()) {
      if (v.contains("reference") && v["reference"].is_string() && v["reference"].get<std::string>().rfind('#', 0) != 0 &&
          !types.count(v["reference"].get<std::string>()))
        problem("dangling reference " + v["reference"].get<std::string>());
      for (const auto& [k, item] : v.items()) all_refs(item);
    } else if (v.is_array()) {
      for (const auto& item : v) all_refs(item);
    }
  };
  all_refs(bundle);

  static const std::set<std::string> encounter_status = {"planned", "arrived", "triaged", "in-progress", "onleave",
                                                          "finished", "cancelled", "entered-in-error", "unknown"};
  static const std::set<std::string> procedure_status = {"preparation", "in-progress", "not-done", "on-hold",
                                                          "stopped", "completed", "entered-in-error", "unknown"};
  static const std::set<std::string> administration_status = {"in-progress", "not-done", "on-hold", "completed",
                                                               "entered-in-error", "stopped", "unknown"};
  static const std::set<std::string> observation_status = {"registered", "preliminary", "final", "amended",
                                                            "corrected", "cancelled", "entered-in-error", "unknown"};
  for (const auto& entry : bundle["entry"]) {
    const auto& r = entry["resource"];
    const std::string type = r.value("resourceType", "");
    if (type == "Patient") {
      for (const auto& [k, v] : r.items())
        if (k != "resourceType" && k != "id" && k != "identifier") problem("Patient carries more than an identifier: " + k);
      if (r["identifier"][0].value("system", "") != "urn:stillroom:client") problem("Patient identifier system");
    } else if (type == "Encounter") {
      if (!encounter_status.count(r.value("status", ""))) problem("Encounter.status");
      if (r["class"].value("code", "") != "AMB") problem("Encounter.class");
      expect_ref(r, "subject", "Patient", true);
      if (!is_instant(r["period"]["start"])) problem("Encounter.period.start");
    } else if (type == "Procedure") {
      if (!procedure_status.count(r.value("status", ""))) problem("Procedure.status");
      expect_ref(r, "subject", "Patient", true);
      expect_ref(r, "encounter", "Encounter", true);
      if (!is_instant(r["performedPeriod"]["start"])) problem("Procedure.performedPeriod.start");
    } else if (type == "MedicationAdministration") {
      if (!administration_status.count(r.value("status", ""))) problem("MedicationAdministration.status");
      if (!r.contains("medicationReference") || r["contained"][0]["resourceType"] != "Medication")
        problem("MedicationAdministration.medication[x]");
      expect_ref(r, "subject", "Patient", true);
      expect_ref(r, "context", "Encounter", true);
      if (!is_instant(r["effectiveDateTime"])) problem("MedicationAdministration.effective[x]");
    } else if (type == "Observation") {
      if (!observation_status.count(r.value("status", ""))) problem("Observation.status");
      if (!r.contains("code")) problem("Observation.code");
      expect_ref(r, "subject", "Patient", false);
      expect_ref(r, "encounter", "Encounter", false);
      if (!is_instant(r["effectiveDateTime"])) problem("Observation.effectiveDateTime");
      if (!has_coding(r["category"][0], "http://terminology.hl7.org/CodeSystem/observation-category", "vital-signs"))
        problem("Observation.category");
    } else if (type == "AuditEvent") {
      if (!r["type"].contains("system") || !r["type"].contains("code")) problem("AuditEvent.type");
      if (!is_instant(r["recorded"])) problem("AuditEvent.recorded");
      if (!r.contains("agent") || r["agent"].empty()) problem("AuditEvent.agent");
      for (const auto& agent : r["agent"]) {
        if (!agent.contains("requestor") || !agent["requestor"].is_boolean()) problem("AuditEvent.agent.requestor");
        expect_ref(agent, "who", "Device", true);
      }
      if (!r.contains("source")) problem("AuditEvent.source");
      else expect_ref(r["source"], "observer", "Device", true);
    } else if (type != "Device") {
      problem("unexpected resource type " + type);
    }
  }
  return problems;
}

std::vector<json> of_type(const json& bundle, const std::string& type) {
  std::vector<json> out;
  for (const auto& e : bundle["entry"])
    if (e["resource"]["resourceType"] == type) out.push_back(e["resource"]);
  return out;
}

const json* resolve(const json& bundle, const json& reference) {
  for (const auto& e : bundle["entry"])
    if (e["fullUrl"] == reference["reference"]) return &e["resource"];
  return nullptr;
}

/** The pseudonymous id of the Patient or the identifier of the Device a reference points to. */
std::string identifier_of(const json& bundle, const json& reference) {
  const json* target = resolve(bundle, reference);
  REQUIRE(target != nullptr);
  return (*target)["identifier"][0]["value"].get<std::string>();
}

std::vector<std::string> notes_of(const json& resource) {
  std::vector<std::string> out;
  for (const auto& note : resource.value("note", json::array())) out.push_back(note["text"]);
  return out;
}

session::Instant instant(const char* iso) { return *stillroom::config::parse_instant(iso); }

session::DoseGiven given(const std::string& client, const std::string& route, double mg, const char* given_at,
                         Millis at_dose, bool booster, std::optional<std::string> lot, const std::string& entered_by) {
  return {client, "ketamine", route, mg, "mg", std::move(lot), instant(given_at), at_dose, booster, entered_by};
}

std::vector<RecordEvent> im_session(Record& record, ManualClock& clock) {
  std::vector<RecordEvent> events;
  const std::string s = "s-im";
  events.push_back(record.append(
      draft(session::SessionPreloaded{{"c-017"}, "im-standard", "im", "ketamine", "calm", 3, 11, -12.0, {}}, s)));
  // Entered on the nurse's tablet; given and confirmed by the therapist.
  events.push_back(record.append(draft(session::DoseEntered{"c-017", "ketamine", "im", 50, "mg", "L-2231"}, s, kNurse)));
  clock.advance(2min);
  events.push_back(record.append(draft(session::VitalsTaken{"c-017", std::nullopt, 128, 82, 72, 98}, s)));
  clock.advance(3min);
  events.push_back(record.append(
      draft(session::SessionStarted{instant("2026-01-01T00:05:00Z"), {"c-017"}, "im-standard", "im", "calm", 0ms}, s)));
  EventDraft dose = draft(given("c-017", "im", 50, "2026-01-01T00:05:00Z", 0ms, false, "L-2231", "tablet-5"), s);
  dose.payload["given_at"] = "2026-01-01T01:05:00+01:00";  // as a tablet in another zone sent it
  events.push_back(record.append(dose));
  clock.advance(10min);
  events.push_back(record.append(draft(session::PhaseChanged{"peak", 2, 600'000ms, 1'800'000ms}, s)));
  events.push_back(record.append(draft(session::Paused{600'000ms}, s)));
  clock.advance(1min);
  events.push_back(record.append(draft(session::Resumed{660'000ms}, s)));
  events.push_back(record.append(draft(session::TalkChanged{true, 660'000ms}, s)));
  events.push_back(record.append(draft(session::TalkChanged{false, 660'000ms}, s)));
  clock.advance(9min);
  events.push_back(record.append(
      draft(given("c-017", "im", 25, "2026-01-01T00:25:00Z", 1'200'000ms, true, std::nullopt, "tablet-3"), s)));
  events.push_back(
      record.append(draft(session::BoosterGiven{"c-017", 1'200'000ms, "extend", true, 3'300'000ms, 6'900'000ms}, s)));
  events.push_back(
      record.append(draft(session::VitalsTaken{"c-017", 1'200'000ms, 135, 88, std::nullopt, std::nullopt}, s)));
  events.push_back(record.append(
      draft(session::CommandRefused{"skip", "42", "refused", "observer may not skip", {}, {}, {}}, s, kObserver)));
  events.push_back(record.append(draft(session::FaultRaised{"light_offline", "lamp", "lamp"}, s, kSystem)));
  clock.advance(30min);
  events.push_back(record.append(draft(session::SessionEnded{"stop", 3'000'000ms}, s)));
  clock.advance(60min);
  events.push_back(record.append(draft(session::MonitoringEnded{"c-017", 6'600'000ms}, s, kSystem)));
  return events;
}

}  // namespace

TEST_CASE("record: SNOMED CT route codes") {
  CHECK(snomed_route("im")->code == "78421000");
  CHECK(snomed_route("sublingual")->code == "37839007");
  CHECK(snomed_route("iv")->code == "47625008");
  CHECK(snomed_route("intranasal")->code == "46713006");
  CHECK(snomed_route("oral")->code == "26643006");
  CHECK_FALSE(snomed_route("other").has_value());
}

TEST_CASE("record: a one-client IM session becomes a valid FHIR R4 transaction bundle") {
  TempDir dir;
  ManualClock clock;
  Record record(dir / "record.db", clock, RecordOptions{"room-1"});
  const auto events = im_session(record, clock);
  REQUIRE(events[3].type == "session_started");
  REQUIRE(events[6].type == "paused");
  const json bundle = make_fhir_bundle("s-im", events);
  INFO(bundle.dump(2));
  const auto problems = validate(bundle);
  for (const auto& p : problems) FAIL_CHECK(p);
  CHECK(problems.empty());

  CHECK(of_type(bundle, "Patient").size() == 1);
  CHECK(of_type(bundle, "Device").size() == 4);  // the room box; the therapist's, the nurse's and the observer's tablets
  const auto patient = of_type(bundle, "Patient")[0];
  CHECK(patient["identifier"][0]["value"] == "c-017");

  const auto encounters = of_type(bundle, "Encounter");
  REQUIRE(encounters.size() == 1);
  CHECK(encounters[0]["status"] == "finished");
  CHECK(encounters[0]["period"]["start"] == events[3].utc);
  CHECK(encounters[0]["period"]["end"] == events.back().utc);
  CHECK(encounters[0]["identifier"][0]["value"] == "s-im");

  const auto procedures = of_type(bundle, "Procedure");
  REQUIRE(procedures.size() == 1);
  CHECK(procedures[0]["status"] == "stopped");
  CHECK(procedures[0]["performedPeriod"] == encounters[0]["period"]);

  // One per dose given: the dose and the booster dose; neither the entered dose nor the booster's timeline event.
  const auto administrations = of_type(bundle, "MedicationAdministration");
  REQUIRE(administrations.size() == 2);
  const auto& dose = administrations[0];
  CHECK(identifier_of(bundle, dose["subject"]) == "c-017");
  CHECK(dose["effectiveDateTime"] == "2026-01-01T00:05:00.000Z");  // +01:00 normalised to UTC
  CHECK(dose["contained"][0]["code"]["text"] == "ketamine");
  CHECK(dose["contained"][0]["batch"]["lotNumber"] == "L-2231");
  CHECK(has_coding(dose["dosage"]["route"], "http://snomed.info/sct", "78421000"));
  CHECK(dose["dosage"]["dose"] ==
        json({{"value", 50.0}, {"unit", "mg"}, {"system", "http://unitsofmeasure.org"}, {"code", "mg"}}));
  CHECK_FALSE(dose["dosage"].contains("text"));
  // The device that confirmed it is the performer; who entered the amount, and the lot, are noted.
  REQUIRE(dose["performer"].size() == 1);
  CHECK(identifier_of(bundle, dose["performer"][0]["actor"]) == "tablet-3");
  CHECK(notes_of(dose) == std::vector<std::string>{"entered by tablet-5", "lot L-2231"});
  const auto& booster = administrations[1];
  CHECK(identifier_of(bundle, booster["subject"]) == "c-017");
  CHECK(booster["dosage"]["dose"]["value"] == 25.0);
  CHECK(booster["dosage"]["text"] == "booster dose");
  CHECK(booster["effectiveDateTime"] == "2026-01-01T00:25:00.000Z");
  CHECK(identifier_of(bundle, booster["performer"][0]["actor"]) == "tablet-3");
  CHECK(notes_of(booster) == std::vector<std::string>{"entered by tablet-3"});  // no lot was given

  const auto observations = of_type(bundle, "Observation");
  REQUIRE(observations.size() == 4);  // BP, HR, SpO2 from the first entry; BP from the second
  const auto& bp = observations[0];
  CHECK(has_coding(bp["code"], "http://loinc.org", "85354-9"));
  REQUIRE(bp["component"].size() == 2);
  CHECK(has_coding(bp["component"][0]["code"], "http://loinc.org", "8480-6"));
  CHECK(bp["component"][0]["valueQuantity"]["value"] == 128.0);
  CHECK(bp["component"][0]["valueQuantity"]["code"] == "mm[Hg]");
  CHECK(has_coding(bp["component"][1]["code"], "http://loinc.org", "8462-4"));
  CHECK(bp["component"][1]["valueQuantity"]["value"] == 82.0);
  CHECK(has_coding(observations[1]["code"], "http://loinc.org", "8867-4"));
  CHECK(observations[1]["valueQuantity"]["value"] == 72.0);
  CHECK(observations[1]["valueQuantity"]["code"] == "/min");
  CHECK(has_coding(observations[2]["code"], "http://loinc.org", "59408-5"));
  CHECK(observations[2]["valueQuantity"]["value"] == 98.0);
  CHECK(observations[2]["valueQuantity"]["code"] == "%");
  CHECK(observations[3]["component"][0]["valueQuantity"]["value"] == 135.0);
  CHECK(observations[3]["component"][1]["valueQuantity"]["value"] == 88.0);
  for (const auto& o : observations) {
    CHECK(identifier_of(bundle, o["subject"]) == "c-017");
    CHECK(o["encounter"]["reference"] == "urn:uuid:" + encounters[0]["id"].get<std::string>());
  }

  const auto audits = of_type(bundle, "AuditEvent");
  std::vector<std::string> subtypes;
  for (const auto& a : audits) subtypes.push_back(a["subtype"][0]["code"]);
  CHECK(subtypes == std::vector<std::string>{"paused", "resumed", "talk", "talk", "command_refused", "session_ended"});
  const auto& refused = audits[4];
  CHECK(refused["outcome"] == "4");
  CHECK(refused["outcomeDesc"] == "observer may not skip");
  CHECK(refused["agent"][0]["requestor"] == true);
  CHECK(refused["agent"][0]["role"][0]["text"] == "observer");
  CHECK(identifier_of(bundle, refused["agent"][0]["who"]) == "tablet-9");
  CHECK(identifier_of(bundle, refused["source"]["observer"]) == "room-1");
  CHECK(audits[0]["recorded"] == events[6].utc);

  // The same session exports to the same bytes.
  CHECK(make_fhir_bundle("s-im", events).dump() == bundle.dump());
}

TEST_CASE("record: a discharged client's encounter ends at the discharge time the clinician gave") {
  TempDir dir;
  ManualClock clock;
  Record record(dir / "record.db", clock, RecordOptions{"room-1"});
  auto events = im_session(record, clock);
  const std::string monitoring_ended = events.back().utc;
  clock.advance(20min);
  // Entered later than it happened: the time given is what the encounter says, not when it was typed.
  events.push_back(record.append(
      draft(session::Discharged{"c-017", instant("2026-01-01T01:58:00Z"), 6'780'000ms, "Dr Okafor"}, "s-im", kNurse)));
  const json bundle = make_fhir_bundle("s-im", events);
  INFO(bundle.dump(2));
  const auto problems = validate(bundle);
  for (const auto& p : problems) FAIL_CHECK(p);
  const auto encounters = of_type(bundle, "Encounter");
  REQUIRE(encounters.size() == 1);
  CHECK(encounters[0]["status"] == "finished");
  CHECK(encounters[0]["period"]["end"] == "2026-01-01T01:58:00.000Z");
  // The procedure (the dosing session and its monitoring) still ends when monitoring ended.
  const auto procedures = of_type(bundle, "Procedure");
  REQUIRE(procedures.size() == 1);
  CHECK(procedures[0]["performedPeriod"]["end"] == monitoring_ended);
}

TEST_CASE("record: a group session maps each dose and each vitals entry to its own client") {
  TempDir dir;
  ManualClock clock;
  Record record(dir / "record.db", clock, RecordOptions{"room-2"});
  const std::string s = "s-group";
  std::vector<RecordEvent> events;
  events.push_back(record.append(draft(session::SessionPreloaded{{"c-020", "c-021"}, "group-sublingual", "sublingual",
                                                                 "ketamine", "calm", std::nullopt, 9, -12.0, {}},
                                       s)));
  events.push_back(record.append(draft(session::DoseEntered{"c-020", "ketamine", "sublingual", 60, "mg", "L-1"}, s)));
  events.push_back(
      record.append(draft(session::DoseEntered{"c-021", "ketamine", "sublingual", 70, "mg", "L-2"}, s, kNurse)));
  // The music follows c-020's dose; c-021 is dosed a minute later, on their own clock.
  events.push_back(record.append(draft(session::SessionStarted{instant("2026-01-01T00:00:00Z"), {"c-020"},
                                                               "group-sublingual", "sublingual", "calm", 0ms},
                                       s)));
  events.push_back(
      record.append(draft(given("c-020", "sublingual", 60, "2026-01-01T00:00:00Z", 0ms, false, "L-1", "tablet-3"), s)));
  clock.advance(1min);
  events.push_back(record.append(
      draft(given("c-021", "sublingual", 70, "2026-01-01T00:01:00Z", 60'000ms, false, "L-2", "tablet-5"), s, kNurse)));
  events.push_back(record.append(draft(session::VitalsTaken{"c-020", 60'000ms, 118, 76, 64, std::nullopt}, s)));
  clock.advance(24min);
  events.push_back(record.append(
      draft(given("c-021", "sublingual", 30, "2026-01-01T00:25:00Z", 1'500'000ms, true, std::nullopt, "tablet-3"), s)));
  events.push_back(
      record.append(draft(session::BoosterGiven{"c-021", 1'500'000ms, "record", false, 3'000'000ms, 6'600'000ms}, s)));
  events.push_back(
      record.append(draft(session::VitalsTaken{"c-021", 1'500'000ms, 120, 80, std::nullopt, std::nullopt}, s)));
  events.push_back(record.append(draft(session::EmergencyRaised{1'500'000ms}, s)));
  events.push_back(record.append(draft(session::SessionEnded{"emergency", 1'600'000ms}, s, kSystem)));

  const json bundle = make_fhir_bundle(s, events);
  INFO(bundle.dump(2));
  const auto problems = validate(bundle);
  for (const auto& p : problems) FAIL_CHECK(p);
  CHECK(problems.empty());
  std::set<std::string> patients;
  for (const auto& p : of_type(bundle, "Patient")) patients.insert(p["identifier"][0]["value"].get<std::string>());
  CHECK(patients == std::set<std::string>{"c-020", "c-021"});  // c-021 too, though not dosed at the start
  CHECK(of_type(bundle, "Encounter").size() == 2);
  const auto procedures = of_type(bundle, "Procedure");
  REQUIRE(procedures.size() == 2);
  CHECK(procedures[0]["status"] == "stopped");
  CHECK(procedures[1]["status"] == "stopped");

  // c-020: its dose; c-021: its first dose and its booster — each with its own amount, lot and confirming device.
  std::map<std::string, std::vector<json>> by_client;
  for (const auto& a : of_type(bundle, "MedicationAdministration"))
    by_client[identifier_of(bundle, a["subject"])].push_back(a);
  CHECK(by_client.size() == 2);
  REQUIRE(by_client["c-020"].size() == 1);
  REQUIRE(by_client["c-021"].size() == 2);
  const auto& first = by_client["c-020"][0];
  CHECK(first["effectiveDateTime"] == "2026-01-01T00:00:00.000Z");
  CHECK(first["dosage"]["dose"]["value"] == 60.0);
  CHECK(identifier_of(bundle, first["performer"][0]["actor"]) == "tablet-3");
  CHECK(notes_of(first) == std::vector<std::string>{"entered by tablet-3", "lot L-1"});
  const auto& second = by_client["c-021"][0];
  CHECK(second["effectiveDateTime"] == "2026-01-01T00:01:00.000Z");
  CHECK(second["dosage"]["dose"]["value"] == 70.0);
  CHECK_FALSE(second["dosage"].contains("text"));
  CHECK(identifier_of(bundle, second["performer"][0]["actor"]) == "tablet-5");
  CHECK(notes_of(second) == std::vector<std::string>{"entered by tablet-5", "lot L-2"});
  const auto& boost = by_client["c-021"][1];
  CHECK(boost["effectiveDateTime"] == "2026-01-01T00:25:00.000Z");
  CHECK(boost["dosage"]["dose"]["value"] == 30.0);
  CHECK(boost["dosage"]["text"] == "booster dose");
  CHECK(has_coding(boost["dosage"]["route"], "http://snomed.info/sct", "37839007"));
  CHECK(identifier_of(bundle, boost["performer"][0]["actor"]) == "tablet-3");
  // Each administration's context is its own client's encounter.
  for (const auto& [client, list] : by_client)
    for (const auto& a : list) CHECK(identifier_of(bundle, (*resolve(bundle, a["context"]))["subject"]) == client);

  // Vitals: c-020's BP and heart rate, c-021's BP; each under the client it names, in that client's encounter.
  std::map<std::string, std::vector<json>> vitals;
  for (const auto& o : of_type(bundle, "Observation")) {
    const std::string client = identifier_of(bundle, o["subject"]);
    CHECK(identifier_of(bundle, (*resolve(bundle, o["encounter"]))["subject"]) == client);
    vitals[client].push_back(o);
  }
  CHECK(vitals.size() == 2);
  REQUIRE(vitals["c-020"].size() == 2);
  REQUIRE(vitals["c-021"].size() == 1);
  CHECK(vitals["c-020"][0]["component"][0]["valueQuantity"]["value"] == 118.0);
  CHECK(vitals["c-020"][0]["component"][1]["valueQuantity"]["value"] == 76.0);
  CHECK(has_coding(vitals["c-020"][1]["code"], "http://loinc.org", "8867-4"));
  CHECK(vitals["c-020"][1]["valueQuantity"]["value"] == 64.0);
  CHECK(vitals["c-021"][0]["component"][0]["valueQuantity"]["value"] == 120.0);
  CHECK(vitals["c-021"][0]["component"][1]["valueQuantity"]["value"] == 80.0);

  const auto audits = of_type(bundle, "AuditEvent");
  REQUIRE(audits.size() == 1);
  CHECK(audits[0]["subtype"][0]["code"] == "emergency");
  CHECK(audits[0]["entity"].size() == 2);  // both clients' encounters
}

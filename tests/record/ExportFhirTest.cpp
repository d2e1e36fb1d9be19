// FHIR R4 export: a one-client IM session and a group session mapped to a
// collection Bundle, validated structurally — required R4 elements per resource
// type, no empty or null values, fullUrls unique urn:uuids, every reference
// resolving inside the bundle to a resource of the right type — and checked for
// the codes and values the clinic imports (LOINC, SNOMED CT routes, UCUM).
#include "RecordTestFixture.hpp"

#include "record/FhirBundle.hpp"
#include "record/Record.hpp"
#include "record/RecordHash.hpp"
#include "support/TempDir.hpp"

#include <doctest/doctest.h>

#include <cctype>
#include <set>

using namespace std::chrono_literals;
using namespace stillroom::record;
using stillroom::session::ManualClock;
using nlohmann::json;
using stillroom::test::draft;
using stillroom::test::kSystem;
using stillroom::test::TempDir;

namespace {

const RecordActor kObserver{"tablet-9", "observer"};

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
  if (bundle.value("type", "") != "collection") problem("Bundle.type is not collection");
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
      if (v.contains("reference") && v["reference"].is_string() && !types.count(v["reference"].get<std::string>()))
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
      if (!r.contains("medicationCodeableConcept")) problem("MedicationAdministration.medication[x]");
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

std::vector<RecordEvent> im_session(Record& record, ManualClock& clock) {
  std::vector<RecordEvent> events;
  const std::string s = "s-im";
  events.push_back(record.append(draft("session_preloaded", {{"clients", {"c-017"}},
                                                            {"protocol", "im-standard"},
                                                            {"route", "im"},
                                                            {"playlist", "calm"},
                                                            {"session_number", 3},
                                                            {"dose_mg", 50},
                                                            {"shuffle_seed", 11}},
                                       s)));
  clock.advance(2min);
  events.push_back(
      record.append(draft("vitals", {{"client", "c-017"}, {"bp_sys", 128}, {"bp_dia", 82}, {"hr", 72}, {"spo2", 98}}, s)));
  clock.advance(3min);
  events.push_back(record.append(draft("session_started",
                                       {{"dose_at", "2026-01-01T00:05:00Z"},
                                        {"clients", {{{"client", "c-017"}, {"dose_at", "2026-01-01T00:05:00Z"}, {"dose_mg", 50}}}},
                                        {"protocol", "im-standard"},
                                        {"route", "im"},
                                        {"playlist", "calm"}},
                                       s)));
  events.push_back(record.append(draft("dose", {{"client", "c-017"},
                                                {"at", "2026-01-01T01:05:00+01:00"},
                                                {"dose_mg", 50},
                                                {"route", "im"},
                                                {"medication", "ketamine"},
                                                {"booster", false}},
                                       s)));
  clock.advance(10min);
  events.push_back(record.append(draft("phase_changed", {{"phase", "peak"}, {"index", 2}, {"at_dose_ms", 600000}}, s)));
  events.push_back(record.append(draft("paused", {{"at_dose_ms", 600000}}, s)));
  clock.advance(1min);
  events.push_back(record.append(draft("resumed", {{"at_dose_ms", 660000}}, s)));
  events.push_back(record.append(draft("talk", {{"on", true}}, s)));
  events.push_back(record.append(draft("talk", {{"on", false}}, s)));
  clock.advance(9min);
  events.push_back(record.append(draft("booster", {{"dose_mg", 25}, {"at_dose_ms", 1200000}, {"rule", "extend"}}, s)));
  events.push_back(record.append(draft("vitals", {{"bp_sys", 135}, {"bp_dia", 88}}, s)));
  events.push_back(record.append(draft("command_refused", {{"cmd", "skip"}, {"id", "42"}, {"error", "observer may not skip"}},
                                       s, kObserver)));
  events.push_back(record.append(draft("fault", {{"code", "light_offline"}, {"message", "lamp"}}, s, kSystem)));
  clock.advance(30min);
  events.push_back(record.append(draft("session_ended", {{"reason", "stop"}, {"at_dose_ms", 3000000}}, s)));
  clock.advance(60min);
  events.push_back(record.append(draft("monitoring_ended", {{"at_dose_ms", 6600000}}, s, kSystem)));
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

TEST_CASE("record: a one-client IM session becomes a valid FHIR R4 collection bundle") {
  TempDir dir;
  ManualClock clock;
  Record record(dir / "record.db", clock, RecordOptions{"room-1"});
  const auto events = im_session(record, clock);
  const json bundle = make_fhir_bundle("s-im", events);
  INFO(bundle.dump(2));
  const auto problems = validate(bundle);
  for (const auto& p : problems) FAIL_CHECK(p);
  CHECK(problems.empty());

  CHECK(of_type(bundle, "Patient").size() == 1);
  CHECK(of_type(bundle, "Device").size() == 3);  // the room box, the therapist's and the observer's tablets
  const auto patient = of_type(bundle, "Patient")[0];
  CHECK(patient["identifier"][0]["value"] == "c-017");

  const auto encounters = of_type(bundle, "Encounter");
  REQUIRE(encounters.size() == 1);
  CHECK(encounters[0]["status"] == "finished");
  CHECK(encounters[0]["period"]["start"] == events[2].utc);
  CHECK(encounters[0]["period"]["end"] == events.back().utc);
  CHECK(encounters[0]["identifier"][0]["value"] == "s-im");

  const auto procedures = of_type(bundle, "Procedure");
  REQUIRE(procedures.size() == 1);
  CHECK(procedures[0]["status"] == "stopped");
  CHECK(procedures[0]["performedPeriod"] == encounters[0]["period"]);

  const auto administrations = of_type(bundle, "MedicationAdministration");
  REQUIRE(administrations.size() == 2);  // the dose and the booster
  const auto& dose = administrations[0];
  CHECK(dose["effectiveDateTime"] == "2026-01-01T00:05:00.000Z");  // +01:00 normalised to UTC
  CHECK(dose["medicationCodeableConcept"]["text"] == "ketamine");
  CHECK(has_coding(dose["dosage"]["route"], "http://snomed.info/sct", "78421000"));
  CHECK(dose["dosage"]["dose"] ==
        json({{"value", 50.0}, {"unit", "mg"}, {"system", "http://unitsofmeasure.org"}, {"code", "mg"}}));
  const auto& booster = administrations[1];
  CHECK(booster["dosage"]["dose"]["value"] == 25.0);
  CHECK(booster["dosage"]["text"] == "booster dose");
  CHECK(booster["effectiveDateTime"] == events[9].utc);
  CHECK((*resolve(bundle, booster["subject"]))["identifier"][0]["value"] == "c-017");

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
  CHECK(observations[1]["valueQuantity"]["code"] == "/min");
  CHECK(has_coding(observations[2]["code"], "http://loinc.org", "59408-5"));
  CHECK(observations[2]["valueQuantity"]["code"] == "%");
  CHECK(observations[3]["component"][0]["valueQuantity"]["value"] == 135.0);
  CHECK(observations[3].contains("subject"));  // the only client of the session

  const auto audits = of_type(bundle, "AuditEvent");
  std::vector<std::string> subtypes;
  for (const auto& a : audits) subtypes.push_back(a["subtype"][0]["code"]);
  CHECK(subtypes == std::vector<std::string>{"paused", "resumed", "talk", "talk", "command_refused", "session_ended"});
  const auto& refused = audits[4];
  CHECK(refused["outcome"] == "4");
  CHECK(refused["outcomeDesc"] == "observer may not skip");
  CHECK(refused["agent"][0]["requestor"] == true);
  CHECK(refused["agent"][0]["role"][0]["text"] == "observer");
  CHECK((*resolve(bundle, refused["agent"][0]["who"]))["identifier"][0]["value"] == "tablet-9");
  CHECK((*resolve(bundle, refused["source"]["observer"]))["identifier"][0]["value"] == "room-1");
  CHECK(audits[0]["recorded"] == events[5].utc);

  // The same session exports to the same bytes.
  CHECK(make_fhir_bundle("s-im", events).dump() == bundle.dump());
}

TEST_CASE("record: a group session maps doses per client and never invents a subject") {
  TempDir dir;
  ManualClock clock;
  Record record(dir / "record.db", clock, RecordOptions{"room-2"});
  const std::string s = "s-group";
  std::vector<RecordEvent> events;
  events.push_back(record.append(draft("session_started",
                                       {{"dose_at", "2026-01-01T00:00:00Z"},
                                        {"clients",
                                         {{{"client", "c-020"}, {"dose_at", "2026-01-01T00:00:00Z"}, {"dose_mg", 60}},
                                          {{"client", "c-021"}, {"dose_at", "2026-01-01T00:01:00Z"}, {"dose_mg", 70}}}},
                                        {"protocol", "group-sublingual"},
                                        {"route", "sublingual"},
                                        {"playlist", "calm"}},
                                       s)));
  events.push_back(record.append(draft("dose", {{"client", "c-020"},
                                                {"at", "2026-01-01T00:00:00Z"},
                                                {"dose_mg", 60},
                                                {"route", "sublingual"},
                                                {"medication", "ketamine"},
                                                {"booster", false}},
                                       s)));
  clock.advance(25min);
  events.push_back(record.append(draft("booster", {{"dose_mg", 30}, {"at_dose_ms", 1500000}, {"rule", "record"}}, s)));
  events.push_back(record.append(draft("dose", {{"client", "c-021"},
                                                {"at", "2026-01-01T00:25:00Z"},
                                                {"dose_mg", 30},
                                                {"route", "sublingual"},
                                                {"medication", "ketamine"},
                                                {"booster", true}},
                                       s)));
  events.push_back(record.append(draft("vitals", {{"bp_sys", 120}, {"bp_dia", 80}}, s)));
  events.push_back(record.append(draft("emergency", json::object(), s)));
  events.push_back(record.append(draft("session_ended", {{"reason", "emergency"}, {"at_dose_ms", 1600000}}, s, kSystem)));

  const json bundle = make_fhir_bundle(s, events);
  INFO(bundle.dump(2));
  const auto problems = validate(bundle);
  for (const auto& p : problems) FAIL_CHECK(p);
  CHECK(problems.empty());
  CHECK(of_type(bundle, "Patient").size() == 2);
  CHECK(of_type(bundle, "Encounter").size() == 2);
  const auto procedures = of_type(bundle, "Procedure");
  REQUIRE(procedures.size() == 2);
  CHECK(procedures[0]["status"] == "stopped");

  // c-020: its dose event; c-021: its dose at the start (from session_started) and its booster dose.
  std::map<std::string, std::vector<json>> by_client;
  for (const auto& a : of_type(bundle, "MedicationAdministration"))
    by_client[(*resolve(bundle, a["subject"]))["identifier"][0]["value"]].push_back(a);
  REQUIRE(by_client["c-020"].size() == 1);
  REQUIRE(by_client["c-021"].size() == 2);
  CHECK(by_client["c-021"][0]["effectiveDateTime"] == "2026-01-01T00:01:00.000Z");
  CHECK(by_client["c-021"][0]["dosage"]["dose"]["value"] == 70.0);
  CHECK(by_client["c-021"][1]["dosage"]["text"] == "booster dose");
  CHECK(has_coding(by_client["c-021"][1]["dosage"]["route"], "http://snomed.info/sct", "37839007"));
  // Each administration's context is its own client's encounter.
  for (const auto& [client, list] : by_client)
    for (const auto& a : list)
      CHECK((*resolve(bundle, (*resolve(bundle, a["context"]))["subject"]))["identifier"][0]["value"] == client);

  const auto observations = of_type(bundle, "Observation");
  REQUIRE(observations.size() == 1);
  CHECK_FALSE(observations[0].contains("subject"));  // nobody was named: no subject is guessed
  CHECK(observations[0]["note"][0]["text"].get<std::string>().find("not named") != std::string::npos);

  const auto audits = of_type(bundle, "AuditEvent");
  REQUIRE(audits.size() == 1);
  CHECK(audits[0]["subtype"][0]["code"] == "emergency");
  CHECK(audits[0]["entity"].size() == 2);  // both clients' encounters
}

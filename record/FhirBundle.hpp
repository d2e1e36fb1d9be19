// FhirBundle: one session of the clinical record as a FHIR R4 Bundle of type
// "collection". Per client: Patient (only the pseudonymous id), Encounter (the
// session), Procedure (the KAP session); MedicationAdministration per dose and
// booster; Observation per vitals entry (BP panel, heart rate, SpO2); AuditEvent
// per pause, resume, talk, stop, emergency and refused command; Device for the
// room box (AuditEvent source) and for each commanding device. Every reference
// is a urn:uuid fullUrl inside the bundle; ids are name-based UUIDs, so the same
// session exports to the same bytes. Pure; any thread. Mapping: docs/record.md.
#pragma once

#include "record/RecordEvent.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace stillroom::record {

struct FhirOptions {
  /** Id of the room box; empty: the actor device of the session's system events. */
  std::string room_device;
};

/** SNOMED CT route code and display for a protocol route (im, sublingual, iv, intranasal, oral); nullopt otherwise. */
struct FhirCoding {
  std::string code;
  std::string display;
};
[[nodiscard]] std::optional<FhirCoding> snomed_route(const std::string& route);

/** The Bundle for `session`, built from that session's events in seq order. */
[[nodiscard]] nlohmann::json make_fhir_bundle(const std::string& session, const std::vector<RecordEvent>& events,
                                              const FhirOptions& options = {});

}  // namespace stillroom::record

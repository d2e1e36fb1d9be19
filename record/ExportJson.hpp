// ExportJson: a session's events as one JSON document — every field of every
// event (payload as an object), the record's checkpoint at export time (seq and
// hash of the newest event of the whole record, to tie the export to the chain)
// and the verification verdict. Pure; any thread.
#pragma once

#include "record/RecordEvent.hpp"
#include "record/RecordVerifier.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace stillroom::record {

struct JsonExportInput {
  std::string session;
  std::vector<RecordEvent> events;
  /** The newest event of the record when the export was made. */
  std::optional<Checkpoint> checkpoint;
  /** The chain verification run before exporting, when there was one. */
  std::optional<VerifyResult> verification;
};

/** {"format":"stillroom-record-export","version":1,"session":…,"events":[…],"checkpoint":{…},"verification":{…}} */
[[nodiscard]] nlohmann::json export_json(const JsonExportInput& input);

/**
 * An export document (JSON or FHIR) as indented text. Bytes of a damaged record
 * that are not UTF-8 become U+FFFD: the clinic still gets the rest, and the
 * verification in the export says the record is broken.
 */
[[nodiscard]] std::string export_text(const nlohmann::json& document);

}  // namespace stillroom::record

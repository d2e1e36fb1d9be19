// RecordVocabulary: the event types of the clinical record and the payload
// fields each one carries. Every draft is checked against it before anything is
// written, so a malformed event is refused with a message naming the field
// instead of reaching the record (and the exports) half-formed. Pure; any thread.
#pragma once

#include "record/RecordEvent.hpp"

#include <string>
#include <vector>

namespace stillroom::record {

/** Every event type, in the vocabulary's order (docs/record.md). */
[[nodiscard]] const std::vector<std::string>& record_event_types();

/** Types only the record itself writes (clock_stepped, record_replaced). */
[[nodiscard]] bool is_record_internal_type(const std::string& type) noexcept;

/**
 * Throws RecordError(InvalidEvent) naming the first problem: unknown type, a
 * missing or mistyped payload field, a non-finite number, a missing session for
 * a session event, an empty actor. `internal` admits the record's own types.
 */
void validate_draft(const EventDraft& draft, bool internal = false);

}  // namespace stillroom::record

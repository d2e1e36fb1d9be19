// RecordVocabulary: what the record accepts — the event types and fields that
// session/Event.hpp defines, checked by decoding each draft with the same codec
// replay uses, plus the record's own rules (a session for session events, a
// named actor, finite numbers, valid UTF-8, at most 64 KiB). A malformed event
// is refused with a message naming the field instead of reaching the record
// (and the exports) half-formed. Pure; any thread.
#pragma once

#include "record/RecordEvent.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace stillroom::record {

/** Every type the record stores, in the vocabulary's order (docs/record.md). */
[[nodiscard]] std::vector<std::string> record_event_types();

/** Types only the record itself writes (clock_stepped, record_replaced). */
[[nodiscard]] bool is_record_internal_type(std::string_view type) noexcept;

/**
 * Throws RecordError(InvalidEvent) naming the first problem: an unknown or live-only type, a
 * missing or mistyped payload field, a non-finite number, a missing session for
 * a session event, an empty actor. `internal` admits the record's own types.
 */
void validate_draft(const EventDraft& draft, bool internal = false);

}  // namespace stillroom::record

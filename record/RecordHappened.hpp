// RecordHappened: the one bridge between the session's events and the
// record's rows — an event that happened becomes the draft the record stores,
// and a stored row becomes the event again for replay and the exports. The
// command id travels in the payload as `command_id`. Pure; any thread.
#pragma once

#include "record/RecordEvent.hpp"
#include "session/Happened.hpp"

#include <vector>

namespace stillroom::record {

/** The draft the record stores for `event` (type, session, actor, time, payload). */
[[nodiscard]] EventDraft to_draft(const session::Happened& event);

/** A stored row as the event that happened; throws session::EventError when its payload is not its type. */
[[nodiscard]] session::Happened to_happened(const RecordEvent& row);

/** Every row that decodes, in order; rows of unknown or malformed shape are left out (verify reports them). */
[[nodiscard]] std::vector<session::Happened> to_happened(const std::vector<RecordEvent>& rows);

}  // namespace stillroom::record

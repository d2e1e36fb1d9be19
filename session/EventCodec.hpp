// EventCodec: an Event to its JSON payload and back, walking the fields that
// session/Event.hpp describes — the only place the payload's shape is derived.
// Encoding for a reader leaves out what that reader may not see (the `events`
// topic gets Public fields only); decoding checks every field and names the
// first one that is missing or mistyped, which is how the record validates a
// draft before writing it. Pure; any thread.
#pragma once

#include "session/Event.hpp"

#include <nlohmann/json.hpp>

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace stillroom::session {

/** A payload that is not the event it claims to be; what() names the type and the field. */
class EventError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/** The payload object with the fields a reader at `reader` may see (Internal: every field). */
[[nodiscard]] nlohmann::json encode(const Event& event, Visibility reader = Visibility::Internal);

/** The event of type `type` from its payload; extra fields are ignored. Throws EventError. */
[[nodiscard]] Event decode(std::string_view type, const nlohmann::json& payload);

/** `payload` reduced to what a reader at `reader` may see, for an event of `type` (unknown types: nothing but `type`). */
[[nodiscard]] nlohmann::json redact(std::string_view type, const nlohmann::json& payload, Visibility reader);

/** Every type name, in the vocabulary's order (docs/record.md). */
[[nodiscard]] const std::vector<std::string_view>& event_types();
/** The type exists and is stored (not a live-only event). */
[[nodiscard]] bool is_recorded_type(std::string_view type) noexcept;
/** Events of this type must name their session. */
[[nodiscard]] bool type_needs_session(std::string_view type) noexcept;

}  // namespace stillroom::session

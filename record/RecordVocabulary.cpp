#include "record/RecordVocabulary.hpp"

#include "record/RecordError.hpp"
#include "session/Event.hpp"
#include "session/EventCodec.hpp"

#include <algorithm>
#include <cmath>

namespace stillroom::record {
namespace {

using Kind = RecordError::Kind;

/** The path of the first non-finite number inside `v`, or "" when all are finite. */
std::string non_finite_path(const nlohmann::json& v, const std::string& path) {
  if (v.is_number_float() && !std::isfinite(v.get<double>())) return path;
  if (v.is_object()) {
    for (const auto& [key, item] : v.items()) {
      auto found = non_finite_path(item, path + "." + key);
      if (!found.empty()) return found;
    }
  } else if (v.is_array()) {
    for (std::size_t i = 0; i < v.size(); ++i) {
      auto found = non_finite_path(v[i], path + "[" + std::to_string(i) + "]");
      if (!found.empty()) return found;
    }
  }
  return {};
}

[[noreturn]] void refuse(const std::string& type, const std::string& message) {
  throw RecordError(Kind::InvalidEvent, (type.empty() ? std::string("event") : type) + ": " + message);
}

void check_text(const std::string& type, const char* what, const std::string& value, bool allow_empty) {
  if (!allow_empty && value.empty()) refuse(type, std::string(what) + " is empty");
  if (value.size() > 256) refuse(type, std::string(what) + " is longer than 256 bytes");
  for (unsigned char c : value)
    if (c < 0x20 || c == 0x7f) refuse(type, std::string(what) + " contains a control character");
}

constexpr std::size_t kMaxPayloadBytes = 64 * 1024;

}  // namespace

std::vector<std::string> record_event_types() {
  std::vector<std::string> out;
  for (const auto type : session::event_types())
    if (session::is_recorded_type(type)) out.emplace_back(type);
  return out;
}

bool is_record_internal_type(std::string_view type) noexcept {
  return type == session::ClockStepped::kType || type == session::RecordReplaced::kType;
}

void validate_draft(const EventDraft& draft, bool internal) {
  const std::string& type = draft.type;
  if (!session::is_recorded_type(type)) {
    const auto& known = session::event_types();
    if (std::find(known.begin(), known.end(), type) != known.end())
      refuse(type, "this type is applied live and never recorded");
    refuse("", "unknown event type '" + type + "'");
  }
  if (is_record_internal_type(type) && !internal) refuse(type, "this type is written by the record itself");
  check_text(type, "session", draft.session, !session::type_needs_session(type));
  check_text(type, "actor device", draft.actor.device, false);
  check_text(type, "actor role", draft.actor.role, false);
  if (!draft.payload.is_object()) refuse(type, "payload is not a JSON object");
  try {
    (void)session::decode(type, draft.payload);
  } catch (const session::EventError& error) {
    throw RecordError(Kind::InvalidEvent, error.what());
  }
  const std::string bad_number = non_finite_path(draft.payload, "payload");
  if (!bad_number.empty()) refuse(type, bad_number + " is not a finite number");
  std::string text;
  try {
    text = canonical_payload(draft.payload);
  } catch (const nlohmann::json::exception& error) {
    refuse(type, std::string("payload is not valid UTF-8: ") + error.what());
  }
  if (text.size() > kMaxPayloadBytes) refuse(type, "payload is larger than 64 KiB");
  for (const std::string* s : {&draft.session, &draft.actor.device, &draft.actor.role}) {
    try {
      (void)nlohmann::json(*s).dump();
    } catch (const nlohmann::json::exception&) {
      refuse(type, "session or actor is not valid UTF-8");
    }
  }
}

}  // namespace stillroom::record

#include "record/RecordVocabulary.hpp"

#include "config/Duration.hpp"
#include "record/RecordError.hpp"

#include <algorithm>
#include <cmath>

namespace stillroom::record {
namespace {

using Kind = RecordError::Kind;

enum class Value { String, NullableString, Number, Integer, Bool, Array, Instant, EndReason };

struct Field {
  const char* name;
  Value value;
  bool required;
};

struct TypeSpec {
  const char* type;
  /** Session events must name their session. */
  bool needs_session;
  /** Written by the record only. */
  bool internal;
  std::vector<Field> fields;
};

constexpr bool kReq = true;
constexpr bool kOpt = false;

const std::vector<TypeSpec>& specs() {
  static const std::vector<TypeSpec> list = {
      {"session_preloaded", true, false,
       {{"clients", Value::Array, kReq},
        {"protocol", Value::String, kReq},
        {"route", Value::String, kReq},
        {"playlist", Value::String, kReq},
        {"session_number", Value::Integer, kReq},
        {"dose_mg", Value::Number, kOpt},
        {"shuffle_seed", Value::Integer, kReq}}},
      {"session_started", true, false,
       {{"dose_at", Value::Instant, kReq},
        {"clients", Value::Array, kReq},
        {"protocol", Value::String, kReq},
        {"route", Value::String, kReq},
        {"playlist", Value::String, kReq}}},
      {"dose", true, false,
       {{"client", Value::String, kReq},
        {"at", Value::Instant, kReq},
        {"dose_mg", Value::Number, kOpt},
        {"route", Value::String, kReq},
        {"medication", Value::String, kReq},
        {"booster", Value::Bool, kReq}}},
      {"booster", true, false,
       {{"dose_mg", Value::Number, kOpt}, {"at_dose_ms", Value::Integer, kReq}, {"rule", Value::String, kReq}}},
      {"phase_changed", true, false,
       {{"phase", Value::String, kReq}, {"index", Value::Integer, kReq}, {"at_dose_ms", Value::Integer, kReq}}},
      {"paused", true, false, {{"at_dose_ms", Value::Integer, kReq}}},
      {"resumed", true, false, {{"at_dose_ms", Value::Integer, kReq}}},
      {"talk", false, false, {{"on", Value::Bool, kReq}}},
      {"volume", false, false, {{"db", Value::Number, kReq}}},
      {"skip", false, false, {{"from", Value::NullableString, kReq}, {"to", Value::NullableString, kReq}}},
      {"alternate", false, false, {{"from", Value::NullableString, kReq}, {"to", Value::NullableString, kReq}}},
      {"track_changed", true, false,
       {{"title", Value::String, kReq},
        {"artist", Value::String, kReq},
        {"file", Value::String, kReq},
        {"phase", Value::String, kReq}}},
      {"reminder_due", true, false,
       {{"reminder", Value::String, kReq}, {"text", Value::String, kReq}, {"due_dose_ms", Value::Integer, kReq}}},
      {"reminder_acked", true, false, {{"reminder", Value::String, kReq}, {"after_ms", Value::Integer, kReq}}},
      {"vitals", false, false,
       {{"client", Value::String, kOpt},
        {"bp_sys", Value::Number, kReq},
        {"bp_dia", Value::Number, kReq},
        {"hr", Value::Number, kOpt},
        {"spo2", Value::Number, kOpt}}},
      {"fault", false, false, {{"code", Value::String, kReq}, {"message", Value::String, kReq}}},
      {"fault_cleared", false, false, {{"code", Value::String, kReq}}},
      {"emergency", false, false, {}},
      {"session_ended", true, false, {{"reason", Value::EndReason, kReq}, {"at_dose_ms", Value::Integer, kReq}}},
      {"monitoring_ended", true, false, {{"at_dose_ms", Value::Integer, kReq}}},
      {"cleared", false, false, {}},
      {"command_refused", false, false,
       {{"cmd", Value::String, kReq}, {"id", Value::NullableString, kReq}, {"error", Value::String, kReq}}},
      {"recovered", false, false, {{"outage_ms", Value::Integer, kReq}, {"position_ms", Value::Integer, kReq}}},
      {"clock_stepped", false, true, {{"step_ms", Value::Integer, kReq}}},
      {"record_replaced", false, true, {{"old_file", Value::String, kReq}, {"reason", Value::String, kReq}}},
      {"checkpoint", false, false, {{"seq", Value::Integer, kReq}, {"hash", Value::String, kReq}}},
  };
  return list;
}

const TypeSpec* find_spec(const std::string& type) {
  const auto& list = specs();
  const auto it = std::find_if(list.begin(), list.end(), [&](const TypeSpec& s) { return type == s.type; });
  return it == list.end() ? nullptr : &*it;
}

const char* describe(Value value) {
  switch (value) {
    case Value::String: return "a string";
    case Value::NullableString: return "a string or null";
    case Value::Number: return "a number";
    case Value::Integer: return "an integer";
    case Value::Bool: return "true or false";
    case Value::Array: return "an array";
    case Value::Instant: return "an RFC 3339 instant (e.g. 2026-11-22T09:30:00Z)";
    case Value::EndReason: return "one of stop, protocol_end, emergency";
  }
  return "a value";
}

bool matches(const nlohmann::json& v, Value value) {
  switch (value) {
    case Value::String: return v.is_string();
    case Value::NullableString: return v.is_string() || v.is_null();
    case Value::Number: return v.is_number();
    case Value::Integer: return v.is_number_integer();
    case Value::Bool: return v.is_boolean();
    case Value::Array: return v.is_array();
    case Value::Instant: return v.is_string() && config::parse_instant(v.get<std::string>()).has_value();
    case Value::EndReason: {
      if (!v.is_string()) return false;
      const auto& s = v.get_ref<const std::string&>();
      return s == "stop" || s == "protocol_end" || s == "emergency";
    }
  }
  return false;
}

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

const std::vector<std::string>& record_event_types() {
  static const std::vector<std::string> types = [] {
    std::vector<std::string> out;
    for (const auto& spec : specs()) out.emplace_back(spec.type);
    return out;
  }();
  return types;
}

bool is_record_internal_type(const std::string& type) noexcept {
  const TypeSpec* spec = find_spec(type);
  return spec != nullptr && spec->internal;
}

void validate_draft(const EventDraft& draft, bool internal) {
  const std::string& type = draft.type;
  const TypeSpec* spec = find_spec(type);
  if (spec == nullptr) refuse("", "unknown event type '" + type + "'");
  if (spec->internal && !internal) refuse(type, "this type is written by the record itself");
  check_text(type, "session", draft.session, !spec->needs_session);
  check_text(type, "actor device", draft.actor.device, false);
  check_text(type, "actor role", draft.actor.role, false);
  if (!draft.payload.is_object()) refuse(type, "payload is not a JSON object");
  for (const Field& f : spec->fields) {
    const auto it = draft.payload.find(f.name);
    if (it == draft.payload.end()) {
      if (f.required) refuse(type, std::string("payload field '") + f.name + "' is missing");
      continue;
    }
    if (!matches(*it, f.value))
      refuse(type, std::string("payload field '") + f.name + "' must be " + describe(f.value) + ", got " + it->dump());
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

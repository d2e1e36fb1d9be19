#include "record/RecordEvent.hpp"

#include "record/RecordHash.hpp"

#include <stdexcept>

namespace stillroom::record {

std::string canonical_form(const RecordEvent& e) {
  // nlohmann::json keeps object keys in a std::map, so dump() sorts them byte-wise.
  const nlohmann::json canonical = {
      {"actor_device", e.actor_device},
      {"actor_role", e.actor_role},
      {"boot_id", e.boot_id},
      {"clock_synced", e.clock_synced ? 1 : 0},
      {"event_id", e.event_id},
      {"monotonic_ns", e.monotonic_ns},
      {"payload", e.payload},
      {"prev_hash", e.prev_hash},
      {"seq", e.seq},
      {"session", e.session},
      {"type", e.type},
      {"utc", e.utc},
  };
  return canonical.dump();
}

bool is_valid_utf8(std::string_view text) noexcept {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  const auto continuation = [&](std::size_t i) { return i < text.size() && (byte(i) & 0xC0) == 0x80; };
  for (std::size_t i = 0; i < text.size();) {
    const unsigned char lead = byte(i);
    if (lead < 0x80) {
      ++i;
      continue;
    }
    std::size_t length = 0;
    unsigned char low = 0x80;  // the allowed range of the second byte (no overlongs, surrogates, > U+10FFFF)
    unsigned char high = 0xBF;
    if (lead >= 0xC2 && lead <= 0xDF) {
      length = 2;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
      length = 3;
      if (lead == 0xE0) low = 0xA0;
      if (lead == 0xED) high = 0x9F;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
      length = 4;
      if (lead == 0xF0) low = 0x90;
      if (lead == 0xF4) high = 0x8F;
    } else {
      return false;
    }
    if (i + 1 >= text.size() || byte(i + 1) < low || byte(i + 1) > high) return false;
    for (std::size_t k = 2; k < length; ++k)
      if (!continuation(i + k)) return false;
    i += length;
  }
  return true;
}

bool has_valid_text(const RecordEvent& e) noexcept {
  for (const std::string* field : {&e.event_id, &e.session, &e.utc, &e.boot_id, &e.type, &e.actor_device,
                                   &e.actor_role, &e.payload, &e.prev_hash, &e.hash})
    if (!is_valid_utf8(*field)) return false;
  return true;
}

std::string compute_hash(const RecordEvent& event) { return sha256_hex(canonical_form(event)); }

std::string canonical_payload(const nlohmann::json& payload) { return payload.dump(); }

namespace {

/** The stored payload as JSON; a damaged row's text that is not JSON stays the text it is. */
nlohmann::json payload_or_text(const std::string& payload) {
  auto parsed = nlohmann::json::parse(payload, nullptr, false);
  return parsed.is_discarded() ? nlohmann::json(payload) : parsed;
}

}  // namespace

nlohmann::json to_json(const RecordEvent& e) {
  return {
      {"seq", e.seq},
      {"event_id", e.event_id},
      {"session", e.session},
      {"utc", e.utc},
      {"monotonic_ns", e.monotonic_ns},
      {"boot_id", e.boot_id},
      {"clock_synced", e.clock_synced},
      {"type", e.type},
      {"actor", {{"device", e.actor_device}, {"role", e.actor_role}}},
      {"payload", payload_or_text(e.payload)},
      {"prev_hash", e.prev_hash},
      {"hash", e.hash},
  };
}

namespace {

const nlohmann::json& field(const nlohmann::json& json, const char* name) {
  const auto it = json.find(name);
  if (it == json.end()) throw std::invalid_argument(std::string("event JSON has no field '") + name + "'");
  return *it;
}

}  // namespace

RecordEvent event_from_json(const nlohmann::json& json) {
  if (!json.is_object()) throw std::invalid_argument("event JSON is not an object");
  RecordEvent e;
  try {
    e.seq = field(json, "seq").get<std::int64_t>();
    e.event_id = field(json, "event_id").get<std::string>();
    e.session = field(json, "session").get<std::string>();
    e.utc = field(json, "utc").get<std::string>();
    e.monotonic_ns = field(json, "monotonic_ns").get<std::int64_t>();
    e.boot_id = field(json, "boot_id").get<std::string>();
    e.clock_synced = field(json, "clock_synced").get<bool>();
    e.type = field(json, "type").get<std::string>();
    const auto& actor = field(json, "actor");
    e.actor_device = field(actor, "device").get<std::string>();
    e.actor_role = field(actor, "role").get<std::string>();
    e.payload = canonical_payload(field(json, "payload"));
    e.prev_hash = field(json, "prev_hash").get<std::string>();
    e.hash = field(json, "hash").get<std::string>();
  } catch (const nlohmann::json::type_error& error) {
    throw std::invalid_argument(std::string("event JSON has a field of the wrong type: ") + error.what());
  }
  return e;
}

}  // namespace stillroom::record

#include "record/RecordLink.hpp"

#include "record/RecordHash.hpp"

namespace stillroom::record {
namespace {

LinkCheck problem(VerifyResult::Problem p, std::string detail) { return {p, std::move(detail)}; }

bool has_nul(const std::string& text) { return text.find('\0') != std::string::npos; }

}  // namespace

LinkCheck check_event(const RecordEvent& e) {
  using P = VerifyResult::Problem;
  const std::string at = "seq " + std::to_string(e.seq) + ": ";
  if (e.seq < 1) return problem(P::MalformedRow, at + "seq must be 1 or more");
  if (!is_hex_sha256(e.hash)) return problem(P::MalformedRow, at + "hash is not 64 lower-case hex digits");
  if (!is_hex_sha256(e.prev_hash)) return problem(P::MalformedRow, at + "prev_hash is not 64 lower-case hex digits");
  if (!is_uuid(e.event_id)) return problem(P::MalformedRow, at + "event_id is not a lower-case UUID");
  for (const std::string* text : {&e.session, &e.utc, &e.boot_id, &e.type, &e.actor_device, &e.actor_role, &e.payload})
    if (has_nul(*text)) return problem(P::MalformedRow, at + "a text field holds a NUL byte");
  if (e.type.empty()) return problem(P::MalformedRow, at + "type is empty");
  const std::string computed = compute_hash(e);
  if (computed != e.hash)
    return problem(P::HashMismatch, at + "the content hashes to " + computed + ", not to its hash " + e.hash);
  return {};
}

LinkCheck check_link(const RecordEvent& e, std::string_view previous_hash) {
  LinkCheck own = check_event(e);
  if (!own.ok()) return own;
  if (e.prev_hash != previous_hash)
    return problem(VerifyResult::Problem::ChainBroken,
                   "seq " + std::to_string(e.seq) + ": prev_hash " + e.prev_hash + " is not the previous event's hash " +
                       std::string(previous_hash));
  return {};
}

}  // namespace stillroom::record

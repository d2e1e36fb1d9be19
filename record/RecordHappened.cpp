#include "record/RecordHappened.hpp"

#include "config/Duration.hpp"
#include "session/EventCodec.hpp"

namespace stillroom::record {

EventDraft to_draft(const session::Happened& h) {
  EventDraft draft;
  draft.session = h.session;
  draft.type = std::string(session::type_name(h.event));
  draft.actor = h.actor;
  draft.payload = session::encode(h.event);
  if (!h.command_id.empty()) draft.payload["command_id"] = h.command_id;
  draft.at = h.at;
  return draft;
}

session::Happened to_happened(const RecordEvent& row) {
  nlohmann::json payload;
  try {
    payload = row.payload_json();
  } catch (const nlohmann::json::exception&) {
    throw session::EventError(row.type + ": payload is not JSON");
  }
  session::Happened h{session::decode(row.type, payload), row.session, {row.actor_device, row.actor_role}, {}, {}};
  if (const auto wall = config::parse_instant(row.utc)) h.at.reading.wall = *wall;
  h.at.reading.monotonic = std::chrono::nanoseconds{row.monotonic_ns};
  h.at.reading.synced = row.clock_synced;
  h.at.boot_id = row.boot_id;
  if (const auto it = payload.find("command_id"); it != payload.end() && it->is_string()) h.command_id = it->get<std::string>();
  return h;
}

std::vector<session::Happened> to_happened(const std::vector<RecordEvent>& rows) {
  std::vector<session::Happened> out;
  out.reserve(rows.size());
  for (const auto& row : rows) {
    try {
      out.push_back(to_happened(row));
    } catch (const session::EventError&) {
    }
  }
  return out;
}

}  // namespace stillroom::record

#include "record/RecordQueries.hpp"

#include "record/RecordSchema.hpp"
#include "session/Event.hpp"

#include <algorithm>
#include <limits>

namespace stillroom::record {
namespace {

std::string select_events(const std::string& tail) { return std::string("SELECT ") + kEventColumns + " FROM events " + tail; }

using namespace session;

std::string quoted(std::string_view type) {
  std::string out(1, '\'');  // appended piece by piece: "'" + std::string trips GCC 12's -Wrestrict
  out += type;
  out += '\'';
  return out;
}

/** The events that say where a session stands, newest wins. */
const std::string& state_types() {
  static const std::string list = [] {
    std::string out;
    for (const auto type : {SessionPreloaded::kType, SessionStarted::kType, Paused::kType, Resumed::kType,
                            EmergencyRaised::kType, SessionEnded::kType, MonitoringEnded::kType, Cleared::kType})
      out += (out.empty() ? "" : ", ") + quoted(type);
    return out;
  }();
  return list;
}

std::string state_of(const std::string& type, const nlohmann::json& payload) {
  if (type == SessionPreloaded::kType) return "preloaded";
  if (type == SessionStarted::kType || type == Resumed::kType) return "running";
  if (type == Paused::kType) return "paused";
  if (type == EmergencyRaised::kType) return "emergency";
  if (type == SessionEnded::kType) {
    const auto reason = payload.find("reason");
    return "ended:" + (reason != payload.end() && reason->is_string() ? reason->get<std::string>() : "unknown");
  }
  if (type == MonitoringEnded::kType) return "monitoring_ended";
  if (type == Cleared::kType) return "cleared";
  return "unknown";
}

nlohmann::json parse_or_empty(const std::string& text) {
  auto json = nlohmann::json::parse(text, nullptr, false);
  return json.is_object() ? json : nlohmann::json::object();
}

}  // namespace

RecordEvent read_event(const RecordStatement& row) {
  RecordEvent e;
  e.seq = row.column_int(0);
  e.event_id = row.column_text(1);
  e.session = row.column_text(2);
  e.utc = row.column_text(3);
  e.monotonic_ns = row.column_int(4);
  e.boot_id = row.column_text(5);
  e.clock_synced = row.column_int(6) != 0;
  e.type = row.column_text(7);
  e.actor_device = row.column_text(8);
  e.actor_role = row.column_text(9);
  e.payload = row.column_text(10);
  e.prev_hash = row.column_text(11);
  e.hash = row.column_text(12);
  return e;
}

std::optional<RecordEvent> query_newest(RecordDatabase& db) {
  auto statement = db.prepare(select_events("ORDER BY seq DESC LIMIT 1"));
  if (!statement.step()) return std::nullopt;
  return read_event(statement);
}

std::optional<RecordEvent> query_event(RecordDatabase& db, std::int64_t seq) {
  auto statement = db.prepare(select_events("WHERE seq = ?1"));
  statement.bind(1, seq);
  if (!statement.step()) return std::nullopt;
  return read_event(statement);
}

std::vector<RecordEvent> query_events_after(RecordDatabase& db, std::int64_t after, std::size_t limit) {
  auto statement = db.prepare(select_events("WHERE seq > ?1 ORDER BY seq LIMIT ?2"));
  const auto capped = limit > static_cast<std::size_t>(std::numeric_limits<std::int64_t>::max())
                          ? std::numeric_limits<std::int64_t>::max()
                          : static_cast<std::int64_t>(limit);
  statement.bind(1, after).bind(2, capped);
  std::vector<RecordEvent> events;
  while (statement.step()) events.push_back(read_event(statement));
  return events;
}

std::vector<RecordEvent> query_session_events(RecordDatabase& db, const std::string& session) {
  auto statement = db.prepare(select_events("WHERE session = ?1 ORDER BY seq"));
  statement.bind(1, session);
  std::vector<RecordEvent> events;
  while (statement.step()) events.push_back(read_event(statement));
  return events;
}

std::vector<SessionSummary> query_sessions(RecordDatabase& db) {
  std::vector<SessionSummary> sessions;
  {
    auto statement = db.prepare(
        "SELECT session, count(*), min(seq), max(seq) FROM events WHERE session <> '' GROUP BY session "
        "ORDER BY min(seq)");
    while (statement.step()) {
      SessionSummary s;
      s.session = statement.column_text(0);
      s.events = statement.column_int(1);
      s.first_seq = statement.column_int(2);
      s.last_seq = statement.column_int(3);
      sessions.push_back(std::move(s));
    }
  }
  auto utc_at = db.prepare("SELECT utc FROM events WHERE seq = ?1");
  // Every client the preload and the start name: a group member dosed after the start is not in session_started.
  auto setup = db.prepare("SELECT payload FROM events WHERE session = ?1 AND type IN (" + quoted(SessionPreloaded::kType) +
                          ", " + quoted(SessionStarted::kType) + ") ORDER BY seq");
  auto last_state = db.prepare("SELECT type, payload FROM events WHERE session = ?1 AND type IN (" + state_types() +
                               ") ORDER BY seq DESC LIMIT 1");
  for (auto& s : sessions) {
    utc_at.bind(1, s.first_seq);
    if (utc_at.step()) s.first_utc = utc_at.column_text(0);
    utc_at.reset();
    utc_at.bind(1, s.last_seq);
    if (utc_at.step()) s.last_utc = utc_at.column_text(0);
    utc_at.reset();

    setup.bind(1, s.session);
    while (setup.step()) {
      const auto payload = parse_or_empty(setup.column_text(0));
      if (payload.contains("protocol") && payload["protocol"].is_string()) s.protocol = payload["protocol"];
      const auto clients = payload.contains("clients") && payload["clients"].is_array() ? payload["clients"]
                                                                                          : nlohmann::json::array();
      for (const auto& client : clients) {
        std::string id;
        if (client.is_string()) id = client.get<std::string>();
        if (client.is_object() && client.contains("client") && client["client"].is_string())
          id = client["client"].get<std::string>();
        if (!id.empty() && std::find(s.clients.begin(), s.clients.end(), id) == s.clients.end()) s.clients.push_back(id);
      }
    }
    setup.reset();

    last_state.bind(1, s.session);
    s.state = last_state.step() ? state_of(last_state.column_text(0), parse_or_empty(last_state.column_text(1)))
                                : "unknown";
    last_state.reset();
  }
  return sessions;
}

std::int64_t query_acknowledged(RecordDatabase& db) {
  return db.query_int("SELECT acked_seq FROM outbox WHERE id = 1", 0);
}

std::int64_t query_issued(RecordDatabase& db) {
  return db.query_int("SELECT seq FROM sqlite_sequence WHERE name = 'events'", 0);
}

}  // namespace stillroom::record

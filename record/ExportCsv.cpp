#include "record/ExportCsv.hpp"

namespace stillroom::record {

const std::vector<std::string>& csv_columns() {
  static const std::vector<std::string> columns = {
      "seq",        "event_id",     "session",    "utc",     "monotonic_ns", "boot_id", "clock_synced",
      "type",       "actor_device", "actor_role", "payload", "prev_hash",    "hash"};
  return columns;
}

std::string csv_field(std::string_view value) {
  const bool needs_quotes = value.find_first_of(",\"\r\n") != std::string_view::npos ||
                            (!value.empty() && (value.front() == ' ' || value.back() == ' '));
  if (!needs_quotes) return std::string(value);
  std::string quoted = "\"";
  for (char c : value) {
    if (c == '"') quoted.push_back('"');
    quoted.push_back(c);
  }
  quoted.push_back('"');
  return quoted;
}

std::string export_csv(const std::vector<RecordEvent>& events) {
  std::string out;
  const auto& columns = csv_columns();
  for (std::size_t i = 0; i < columns.size(); ++i) out += (i ? "," : "") + columns[i];
  out += "\r\n";
  for (const auto& e : events) {
    const std::string fields[] = {std::to_string(e.seq),
                                  e.event_id,
                                  e.session,
                                  e.utc,
                                  std::to_string(e.monotonic_ns),
                                  e.boot_id,
                                  e.clock_synced ? "1" : "0",
                                  e.type,
                                  e.actor_device,
                                  e.actor_role,
                                  e.payload,
                                  e.prev_hash,
                                  e.hash};
    bool first = true;
    for (const auto& field : fields) {
      if (!first) out.push_back(',');
      out += csv_field(field);
      first = false;
    }
    out += "\r\n";
  }
  return out;
}

}  // namespace stillroom::record

#include "record/ExportJson.hpp"

namespace stillroom::record {

nlohmann::json export_json(const JsonExportInput& input) {
  nlohmann::json events = nlohmann::json::array();
  for (const auto& e : input.events) events.push_back(to_json(e));
  nlohmann::json out = {
      {"format", "stillroom-record-export"},
      {"version", 1},
      {"session", input.session},
      {"hash_algorithm", "sha256 over the canonical form (docs/record.md)"},
      {"events", std::move(events)},
      {"checkpoint", input.checkpoint ? input.checkpoint->to_json() : nlohmann::json(nullptr)},
  };
  if (input.verification) {
    const VerifyResult& v = *input.verification;
    out["verification"] = {{"ok", v.ok()},
                           {"problem", to_string(v.problem)},
                           {"broken_seq", v.broken_seq},
                           {"message", v.message()}};
  }
  return out;
}

std::string export_text(const nlohmann::json& document) {
  return document.dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace stillroom::record

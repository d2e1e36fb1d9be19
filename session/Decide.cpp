#include "session/Decide.hpp"

#include "config/Scalars.hpp"

namespace stillroom::session {

std::optional<Millis> dose_now(const SessionState& state, const Stamp& now) {
  if (!state.dose_clock) return std::nullopt;
  return state.dose_clock->at(now.reading, now.boot_id);
}

std::string in_state(const SessionState& state) { return std::string("state ") + to_string(state.status); }

const ClientState* client_of(const SessionState& state, const Command& command, const char* what, std::string& error) {
  if (!command.client.empty()) {
    if (const auto* c = state.find_client(command.client)) return c;
    std::string ids;
    for (const auto& c : state.clients) ids += (ids.empty() ? "" : ", ") + c.id;
    error = "client '" + command.client + "' is not in this session (" + (ids.empty() ? std::string("none") : ids) + ")";
    return nullptr;
  }
  if (state.clients.size() == 1) return &state.clients.front();
  if (state.clients.empty()) {
    error = std::string("no session: ") + what + " needs a preloaded session";
  } else {
    error = std::string(what) + " in a group session needs 'client': which of ";
    for (std::size_t i = 0; i < state.clients.size(); ++i) error += (i ? ", " : "") + state.clients[i].id;
    error += "?";
  }
  return nullptr;
}

std::string dose_range_refusal(double mg, const config::DoseRange& range, const std::string& protocol, const char* what) {
  if (range.contains(mg)) return {};
  const std::string side = mg < range.min_mg ? "below" : "above";
  return config::format_number(mg) + " mg is " + side + " protocol '" + protocol + "''s " + what + " range of " +
         config::format_number(range.min_mg) + "-" + config::format_number(range.max_mg) + " mg";
}

bool is_clinical_entry(CommandKind kind) noexcept {
  switch (kind) {
    case CommandKind::EnterDose:
    case CommandKind::Dose:
    case CommandKind::Booster:
    case CommandKind::Ack:
    case CommandKind::Vitals:
    case CommandKind::Observe:
    case CommandKind::ReadyToLeave:
    case CommandKind::Discharge: return true;
    default: return false;
  }
}

bool is_after_care(CommandKind kind) noexcept {
  switch (kind) {
    case CommandKind::Observe:
    case CommandKind::ReadyToLeave:
    case CommandKind::Discharge:
    case CommandKind::Sign:
    case CommandKind::Addendum: return true;
    default: return false;
  }
}

Decision decide(const SessionState& state, const Command& command, const DecideContext& context) {
  if (state.checking && command.kind != CommandKind::Emergency && command.kind != CommandKind::Vitals)
    return Decision::refuse("a preload is still checking the music: try again in a moment");
  if (is_clinical_entry(command.kind))
    if (auto problem = signed_refusal(state); !problem.empty()) return Decision::refuse(problem);
  switch (command.kind) {
    case CommandKind::Preload: return decide_preload(state, command, context);
    case CommandKind::EnterDose: return decide_enter_dose(state, command, context);
    case CommandKind::Start: return decide_start(state, command, context);
    case CommandKind::Dose: return decide_dose(state, command, context);
    case CommandKind::Booster: return decide_booster(state, command, context);
    case CommandKind::Pause:
    case CommandKind::Resume:
    case CommandKind::Talk:
    case CommandKind::Volume:
    case CommandKind::Skip:
    case CommandKind::Alternate: return decide_music(state, command, context);
    case CommandKind::Ack: return decide_ack(state, command, context);
    case CommandKind::Vitals: return decide_vitals(state, command, context);
    case CommandKind::Stop: return decide_stop(state, command, context);
    case CommandKind::Emergency: return decide_emergency(state, command, context);
    case CommandKind::Clear: return decide_clear(state, command, context);
    case CommandKind::Observe: return decide_observe(state, command, context);
    case CommandKind::ReadyToLeave: return decide_ready_to_leave(state, command, context);
    case CommandKind::Discharge: return decide_discharge(state, command, context);
    case CommandKind::Sign: return decide_sign(state, command, context);
    case CommandKind::Addendum: return decide_addendum(state, command, context);
    case CommandKind::History:
    case CommandKind::Summary: break;
  }
  return Decision::refuse(std::string("'") + to_string(command.kind) + "' is not a session command");
}

}  // namespace stillroom::session

// decide: what a command means for the session as it is now — the events it
// causes, or a refusal that says why in words. Pure: it reads the state and
// never changes it; the events it returns change the session only when they
// are applied (session/Apply). One file per group of commands.
#pragma once

#include "config/Library.hpp"
#include "session/Command.hpp"
#include "session/Event.hpp"
#include "session/Preflight.hpp"
#include "session/SessionState.hpp"

#include <optional>
#include <string>
#include <vector>

namespace stillroom::session {

/** What decide() reads besides the state. */
struct DecideContext {
  const config::Library& library;
  /** Now on this box. */
  Stamp now;
};

struct Decision {
  /** In order; the caller stamps, applies and records them. */
  std::vector<Event> events;
  /** Set: the command is refused (with events, the refusal follows them). */
  std::optional<Reply> refusal;
  /** A preload: the checks to run before it can be answered (finish_preload). */
  std::optional<PreflightJob> preflight;
  /** The id of the session a SessionPreloaded among `events` opens. */
  std::string new_session;
  /** What took effect, for a reply that must say it is not recorded yet ("the pause"). */
  std::string what;

  [[nodiscard]] static Decision refuse(std::string why, std::string reason = "refused") {
    Decision d;
    d.refusal = Reply::failure(std::move(why), std::move(reason));
    return d;
  }
};

/** The dose time now, when the session's dose clock runs. */
[[nodiscard]] std::optional<Millis> dose_now(const SessionState& state, const Stamp& now);

[[nodiscard]] Decision decide(const SessionState& state, const Command& command, const DecideContext& context);

/** The pending preload's checks finished. */
[[nodiscard]] Decision finish_preload(const SessionState& state, const Command& command, const PreflightResult& result,
                                      const DecideContext& context);

/** The audio engine cannot play `segment` (a file) from dose time `audio_until` on: skip past it. */
[[nodiscard]] Decision file_failed(const SessionState& state, std::uint64_t segment, const std::string& error,
                                   Millis audio_until, const DecideContext& context);

// The groups of commands (Decide*.cpp); decide() dispatches to them.
[[nodiscard]] Decision decide_preload(const SessionState& state, const Command& command, const DecideContext& context);
[[nodiscard]] Decision decide_enter_dose(const SessionState& state, const Command& command, const DecideContext& context);
[[nodiscard]] Decision decide_start(const SessionState& state, const Command& command, const DecideContext& context);
[[nodiscard]] Decision decide_dose(const SessionState& state, const Command& command, const DecideContext& context);
[[nodiscard]] Decision decide_booster(const SessionState& state, const Command& command, const DecideContext& context);
[[nodiscard]] Decision decide_music(const SessionState& state, const Command& command, const DecideContext& context);
[[nodiscard]] Decision decide_ack(const SessionState& state, const Command& command, const DecideContext& context);
[[nodiscard]] Decision decide_vitals(const SessionState& state, const Command& command, const DecideContext& context);
[[nodiscard]] Decision decide_stop(const SessionState& state, const Command& command, const DecideContext& context);
[[nodiscard]] Decision decide_emergency(const SessionState& state, const Command& command, const DecideContext& context);
[[nodiscard]] Decision decide_clear(const SessionState& state, const Command& command, const DecideContext& context);

/** "state running" words for messages. */
[[nodiscard]] std::string in_state(const SessionState& state);
/** The client a per-client command means: the named one, or the only one; sets `error` when neither works. */
[[nodiscard]] const ClientState* client_of(const SessionState& state, const Command& command, const char* what,
                                           std::string& error);
/** "" when `mg` is within `range`, else the refusal naming the range. */
[[nodiscard]] std::string dose_range_refusal(double mg, const config::DoseRange& range, const std::string& protocol,
                                             const char* what);

}  // namespace stillroom::session

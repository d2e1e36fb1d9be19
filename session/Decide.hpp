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

/**
 * What a signature covers: the SHA-256 of the session summary's canonical JSON and the newest recorded event
 * of the session it was computed from. Computed outside the session core (report/ reads the record).
 */
struct SignedContent {
  std::string content_hash;
  std::int64_t covers_seq = 0;
  std::string covers_hash;
};

/** What decide() reads besides the state. */
struct DecideContext {
  const config::Library& library;
  /** Now on this box. */
  Stamp now;
  /** sign: the summary being signed (null: it could not be computed). */
  const SignedContent* content = nullptr;
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
[[nodiscard]] Decision decide_observe(const SessionState& state, const Command& command, const DecideContext& context);
[[nodiscard]] Decision decide_ready_to_leave(const SessionState& state, const Command& command, const DecideContext& context);
[[nodiscard]] Decision decide_discharge(const SessionState& state, const Command& command, const DecideContext& context);
[[nodiscard]] Decision decide_sign(const SessionState& state, const Command& command, const DecideContext& context);
[[nodiscard]] Decision decide_addendum(const SessionState& state, const Command& command, const DecideContext& context);

/** "" unless the session is signed; then why a clinical entry is refused. */
[[nodiscard]] std::string signed_refusal(const SessionState& state);
/** "" when the session may be signed as far as its course goes (ended, every client's monitoring over), else why not. */
[[nodiscard]] std::string unfinished_refusal(const SessionState& state, const config::Room& room);
/** Whether the command enters something clinical about a client (refused once the session is signed). */
[[nodiscard]] bool is_clinical_entry(CommandKind kind) noexcept;
/** Whether the command concerns a session's after-care and may name a past session. */
[[nodiscard]] bool is_after_care(CommandKind kind) noexcept;

/** "state running" words for messages. */
[[nodiscard]] std::string in_state(const SessionState& state);
/** The client a per-client command means: the named one, or the only one; sets `error` when neither works. */
[[nodiscard]] const ClientState* client_of(const SessionState& state, const Command& command, const char* what,
                                           std::string& error);
/** "" when `mg` is within `range`, else the refusal naming the range. */
[[nodiscard]] std::string dose_range_refusal(double mg, const config::DoseRange& range, const std::string& protocol,
                                             const char* what);

}  // namespace stillroom::session

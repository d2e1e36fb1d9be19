// CommandParser: turns one message on `<prefix>/<room>/cmd/<device>` into a
// typed Command, or into a Rejection that says exactly what is wrong. Pure: no
// MQTT, no clock, no session state (whether a valid command makes sense now is
// the controller's call). Runs on the link thread.
#pragma once

#include "config/Room.hpp"
#include "session/Command.hpp"
#include "room/Topics.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace stillroom::room {

/** Why a command was refused before reaching the controller (one counter each). */
enum class RejectReason {
  Oversize,          ///< payload larger than mqtt.max_payload
  MalformedJson,     ///< not JSON (or not UTF-8)
  DuplicateKey,      ///< the same key twice in one object
  NotObject,         ///< JSON, but not an object
  MissingId,         ///< no "id"
  BadId,             ///< "id" not a non-empty string of at most 128 bytes
  MissingCmd,        ///< no "cmd"
  BadCmd,            ///< "cmd" not a string
  UnknownCommand,    ///< "cmd" names no command
  UnknownDevice,     ///< the topic's device is not in the room's devices
  NotAllowed,        ///< the device's role does not allow the command
  BadResponseTopic,  ///< v5 response topic outside the device's reply topic
  MissingArgument,   ///< a required argument is absent
  WrongType,         ///< an argument has the wrong JSON type
  OutOfRange,        ///< an argument's value is not plausible
  UnknownArgument,   ///< an argument the command does not take
};
inline constexpr int reject_reason_count = 16;

/** snake_case name used in replies ("reason") and in the stats counters. */
[[nodiscard]] const char* to_string(RejectReason reason) noexcept;

/** The MQTT v5 request properties that matter for the reply. */
struct RequestProperties {
  std::optional<std::string> response_topic;
  std::optional<std::string> correlation_data;
};

struct Rejection {
  RejectReason reason = RejectReason::MalformedJson;
  /** Human-readable and specific: what is wrong and what was expected. */
  std::string error;
  /** The request's id when it had a usable one. */
  std::optional<std::string> id;
  /** The topic's device (replies go to `reply/<device>`). */
  std::string device;
  /** The command's name when it was recognised. */
  std::string command;
  session::ReplyRoute route;
};

using ParseResult = std::variant<session::Command, Rejection>;

class CommandParser {
 public:
  /** Keeps references: `room` and `topics` must outlive the parser. */
  CommandParser(const config::Room& room, const Topics& topics);

  [[nodiscard]] ParseResult parse(std::string_view topic, std::string_view payload,
                                  const RequestProperties& properties = {}) const;

  /** Whether `role` may send `kind` ("all" in a role grants every command). */
  [[nodiscard]] bool allowed(const std::string& role, session::CommandKind kind) const;

 private:
  const config::Room& room_;
  const Topics& topics_;
};

/** Pseudonymous id: 1..64 of letters, digits, '-' and '_'. */
[[nodiscard]] bool is_pseudonymous_id(std::string_view text) noexcept;

}  // namespace stillroom::room

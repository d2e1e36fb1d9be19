// Command: one validated request from a device on `cmd/<device>`, with typed
// arguments, and the Reply the controller sends back. Plain data: the parser
// fills it, the controller's handler reads it, the link routes the reply.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace stillroom::session {

enum class CommandKind {
  Preload, Start, Pause, Resume, Talk, Volume, Skip, Alternate,
  Booster, Ack, Vitals, Stop, Emergency, Clear,
};

/** The command's wire name ("preload", "start", ...), as in config::all_commands(). */
[[nodiscard]] const char* to_string(CommandKind kind) noexcept;
/** The kind for a wire name, or nullopt. */
[[nodiscard]] std::optional<CommandKind> command_kind(std::string_view name) noexcept;

/** Where a reply goes besides `reply/<device>`: the MQTT v5 request/response properties. */
struct ReplyRoute {
  /** Response topic of the request (already checked to lie under the device's reply topic). */
  std::string response_topic;
  /** Correlation data of the request, echoed unchanged (binary-safe). */
  std::string correlation_data;
  bool has_correlation = false;
};

/** Blood pressure and the optional pulse and oxygen saturation, as measured. */
struct Vitals {
  int bp_sys = 0;
  int bp_dia = 0;
  std::optional<int> hr;
  std::optional<int> spo2;
};

struct Command {
  /** The requester's id for this command, echoed in the reply. */
  std::string id;
  CommandKind kind = CommandKind::Pause;
  /** MQTT user name of the sender, proven by the broker ACL on `cmd/%u`. */
  std::string device;
  /** The device's role in the room configuration. */
  std::string role;
  ReplyRoute route;

  /** preload: pseudonymous client id. */
  std::string client;
  /** preload: every client of a group session (empty for an individual session). */
  std::vector<std::string> clients;
  /** preload: protocol and playlist ids overriding the client's defaults. */
  std::optional<std::string> protocol;
  std::optional<std::string> playlist;
  /** preload, booster: dose in mg (> 0). */
  std::optional<double> dose_mg;
  /** start: when the dose was given (absent: now). */
  std::optional<std::chrono::system_clock::time_point> dose_at;
  /** talk: on or off. */
  bool on = false;
  /** volume: master volume, dB. */
  double db = 0.0;
  /** ack: the reminder id acknowledged. */
  std::string reminder;
  /** vitals */
  Vitals vitals;
};

/** The controller's answer to an accepted command; `error` is empty when ok. */
struct Reply {
  bool ok = true;
  std::string error;

  [[nodiscard]] static Reply success() { return {}; }
  [[nodiscard]] static Reply failure(std::string why) { return {false, std::move(why)}; }
};

}  // namespace stillroom::session

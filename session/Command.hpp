// Command: one validated request from a device on `cmd/<device>`, with typed
// arguments, and the Reply the controller sends back. Plain data: the link's
// parser fills it, the session decides on it, the link routes the reply.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace stillroom::session {

enum class CommandKind {
  Preload, EnterDose, Start, Dose, Pause, Resume, Talk, Volume, Skip, Alternate,
  Booster, Ack, Vitals, Stop, Emergency, Clear, History,
  // After-care: per client during and after the session, then the signed summary (they may name a past session).
  Observe, ReadyToLeave, Discharge, Sign, Addendum, Summary,
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

/** What a clinician observed (observe): at least one of sedation, dissociation, breathing. */
struct ObservationEntry {
  std::optional<int> moaa_s;
  std::optional<std::string> dissociation;
  std::optional<std::vector<std::string>> dissociation_features;
  std::optional<int> cadss;
  std::optional<std::string> respiratory;
};

/** A dose as a clinician entered it: the amount and, when known, the lot. */
struct DoseEntry {
  std::string client;
  double amount_mg = 0.0;
  std::optional<std::string> lot;
};

struct Command {
  /** The requester's id for this command, echoed in the reply; (device, id) identifies it. */
  std::string id;
  CommandKind kind = CommandKind::Pause;
  /** MQTT user name of the sender, proven by the broker ACL on `cmd/%u`. */
  std::string device;
  /** The device's role in the room configuration. */
  std::string role;
  ReplyRoute route;
  /** When the sender sent it, in the room's clock as the sender estimates it. */
  std::optional<std::chrono::system_clock::time_point> sent_at;

  /** preload: the (first) client; enter_dose, dose, booster, ack, vitals: whose it is (group sessions). */
  std::string client;
  /** preload: every client of a group session; start: the clients dosed now. */
  std::vector<std::string> clients;
  /** preload: protocol and playlist ids overriding the client's defaults. */
  std::optional<std::string> protocol;
  std::optional<std::string> playlist;
  /** preload: the client's place in their course, as the clinic records it. */
  std::optional<int> session_number;
  /** preload: the doses entered for its clients. */
  std::vector<DoseEntry> doses;
  /** enter_dose, dose, booster: the amount and lot entered with the command. */
  std::optional<double> amount_mg;
  std::optional<std::string> lot;
  /** start: when the first dose was given; dose, booster: when this one was (absent: now). */
  std::optional<std::chrono::system_clock::time_point> given_at;
  /** start: the clinician checked the room's clock against their device's (needed when it is not synchronised). */
  bool clock_confirmed = false;
  /** talk: on or off. */
  bool on = false;
  /** volume: master volume, dB. */
  double db = 0.0;
  /** ack: the reminder id acknowledged. */
  std::string reminder;
  /** vitals */
  Vitals vitals;
  /** history, the after-care commands: the session meant (absent: the current or last one). */
  std::optional<std::string> session;
  /** The after-care commands: the staff member who entered it (the device is `device`). */
  std::string by;
  /** ready_to_leave, discharge: when (absent: now). */
  std::optional<std::chrono::system_clock::time_point> at;
  /** observe */
  ObservationEntry observation;
  /** sign: what the signature means. */
  std::string meaning;
  /** addendum: the text, the part of the summary it concerns. */
  std::string text;
  std::string section;
  /** summary: json | svg */
  std::string format = "json";
};

/** The controller's answer to an accepted command; `error` is empty when ok. */
struct Reply {
  bool ok = true;
  std::string error;
  /** refused | stale | clock_skew (docs/mqtt.md); empty when ok. */
  std::string reason;

  [[nodiscard]] static Reply success() { return {}; }
  [[nodiscard]] static Reply failure(std::string why, std::string reason = "refused") {
    return {false, std::move(why), std::move(reason)};
  }
};

}  // namespace stillroom::session

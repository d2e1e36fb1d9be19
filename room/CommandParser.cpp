#include "room/CommandParser.hpp"

#include "config/Duration.hpp"
#include "config/Suggest.hpp"
#include "session/Event.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cstdio>
#include <set>
#include <vector>

namespace stillroom::room {
namespace {

using nlohmann::json;
using session::Command;
using session::CommandKind;

constexpr std::size_t max_id_bytes = 128;
constexpr std::size_t max_name_bytes = 128;
constexpr double max_dose_mg = 2000.0;
constexpr double min_volume_db = -60.0;

/** Thrown inside the parser only; becomes a Rejection. */
struct Refusal {
  RejectReason reason;
  std::string error;
};

[[noreturn]] void refuse(RejectReason reason, std::string error) { throw Refusal{reason, std::move(error)}; }

std::string type_name(const json& value) {
  if (value.is_number_integer()) return "an integer";
  if (value.is_number()) return "a number";
  if (value.is_string()) return "a string";
  if (value.is_boolean()) return "a boolean";
  if (value.is_null()) return "null";
  if (value.is_array()) return "an array";
  return "an object";
}

std::string format_db(double db) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", db);
  return text;
}

bool has_control_chars(std::string_view text) noexcept {
  for (const char c : text)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return true;
  return false;
}

/** Argument access for one command: every read is type- and range-checked with a specific error. */
class Arguments {
 public:
  Arguments(const json& object, std::string command) : object_(object), command_(std::move(command)) {}

  /** Refuses any key other than id, cmd and `allowed`. */
  void only(const std::vector<std::string>& allowed) const {
    for (const auto& [key, value] : object_.items()) {
      if (key == "id" || key == "cmd" || key == "sent_at") continue;
      bool known = false;
      for (const auto& a : allowed) known = known || a == key;
      if (known) continue;
      const std::string expected = allowed.empty() ? " takes no arguments" : " takes: " + config::join(allowed);
      std::string hint;
      if (auto near = config::nearest(key, allowed)) hint = " (did you mean '" + *near + "'?)";
      refuse(RejectReason::UnknownArgument,
             "unknown argument '" + key + "' for '" + command_ + "'" + hint + "; '" + command_ + "'" + expected);
    }
  }

  [[nodiscard]] const json* find(const std::string& key) const {
    const auto it = object_.find(key);
    return it == object_.end() ? nullptr : &*it;
  }

  [[nodiscard]] const json& required(const std::string& key, std::string_view what) const {
    const json* value = find(key);
    if (value == nullptr)
      refuse(RejectReason::MissingArgument, "'" + command_ + "' needs '" + key + "' (" + std::string(what) + ")");
    return *value;
  }

  void wrong_type(const std::string& key, std::string_view expected, const json& value) const {
    refuse(RejectReason::WrongType,
           "'" + key + "' of '" + command_ + "' must be " + std::string(expected) + ", not " + type_name(value));
  }

  void out_of_range(const std::string& key, const std::string& why) const {
    refuse(RejectReason::OutOfRange, "'" + key + "' of '" + command_ + "' " + why);
  }

  [[nodiscard]] std::string text(const std::string& key, const json& value) const {
    if (!value.is_string()) wrong_type(key, "a string", value);
    const auto& s = value.get_ref<const std::string&>();
    if (s.empty()) out_of_range(key, "must not be empty");
    if (s.size() > max_name_bytes) out_of_range(key, "is longer than " + std::to_string(max_name_bytes) + " bytes");
    if (has_control_chars(s)) out_of_range(key, "contains control characters");
    return s;
  }

  [[nodiscard]] std::string client_id(const std::string& key, const json& value) const {
    if (!value.is_string()) wrong_type(key, "a pseudonymous client id (string)", value);
    const auto& s = value.get_ref<const std::string&>();
    if (!is_pseudonymous_id(s))
      out_of_range(key, "must be a pseudonymous client id: 1 to 64 letters, digits, '-' or '_' (never a name)");
    return s;
  }

  [[nodiscard]] double number(const std::string& key, const json& value) const {
    if (!value.is_number()) wrong_type(key, "a number", value);
    return value.get<double>();
  }

  [[nodiscard]] double dose(const std::string& key, const json& value) const {
    const double mg = number(key, value);
    if (!(mg > 0.0)) out_of_range(key, "must be greater than 0 mg");
    if (mg > max_dose_mg) out_of_range(key, "must be at most " + std::to_string(static_cast<int>(max_dose_mg)) + " mg");
    return mg;
  }

  [[nodiscard]] int integer(const std::string& key, const json& value, int low, int high) const {
    if (!value.is_number_integer()) wrong_type(key, "an integer", value);
    const auto v = value.get<std::int64_t>();
    if (v < low || v > high)
      out_of_range(key, "must be between " + std::to_string(low) + " and " + std::to_string(high) + ", not " +
                            std::to_string(v));
    return static_cast<int>(v);
  }

  [[nodiscard]] std::chrono::system_clock::time_point instant(const std::string& key, const json& value) const {
    if (!value.is_string()) wrong_type(key, "an RFC 3339 time string", value);
    const auto parsed = config::parse_instant(value.get_ref<const std::string&>());
    if (!parsed)
      out_of_range(key, "must be an RFC 3339 time with offset, e.g. 2026-11-22T09:30:00Z, not '" +
                            value.get<std::string>() + "'");
    return *parsed;
  }

  [[nodiscard]] std::string lot(const std::string& key, const json& value) const {
    std::string value_text = text(key, value);
    if (value_text.size() > 64) out_of_range(key, "is longer than 64 bytes");
    return value_text;
  }

  [[nodiscard]] std::vector<std::string> client_ids(const std::string& key, const json& value) const {
    if (!value.is_array()) wrong_type(key, "an array of pseudonymous client ids", value);
    if (value.empty()) out_of_range(key, "must list at least one client when given");
    if (value.size() > 32) out_of_range(key, "lists more than 32 clients");
    std::set<std::string> seen;
    std::vector<std::string> out;
    for (const auto& entry : value) {
      std::string id = client_id(key, entry);
      if (!seen.insert(id).second) out_of_range(key, "lists '" + id + "' twice");
      out.push_back(std::move(id));
    }
    return out;
  }

  /** A staff member's id (who entered it): the same shape as a client id, never a name. */
  [[nodiscard]] std::string staff_id(const std::string& key, const json& value) const {
    if (!value.is_string()) wrong_type(key, "a staff id (string)", value);
    const auto& s = value.get_ref<const std::string&>();
    if (!is_pseudonymous_id(s))
      out_of_range(key, "must be a staff id: 1 to 64 letters, digits, '-' or '_' (the clinic's id for the person, never a name)");
    return s;
  }

  /** One word of a fixed vocabulary. */
  template <std::size_t N>
  [[nodiscard]] std::string word(const std::string& key, const json& value,
                                 const std::array<std::string_view, N>& words) const {
    if (!value.is_string()) wrong_type(key, "one of " + session::vocabulary::listed(words), value);
    const auto& s = value.get_ref<const std::string&>();
    if (!session::vocabulary::contains(words, s))
      out_of_range(key, "must be " + session::vocabulary::listed(words) + ", not '" + s.substr(0, 64) + "'");
    return s;
  }

  /** Free text a clinician wrote: 1..max bytes of UTF-8 (the JSON parser checked the encoding), line breaks allowed. */
  [[nodiscard]] std::string note(const std::string& key, const json& value, std::size_t max_bytes) const {
    if (!value.is_string()) wrong_type(key, "a string", value);
    const auto& s = value.get_ref<const std::string&>();
    if (s.empty()) out_of_range(key, "must not be empty");
    if (s.size() > max_bytes) out_of_range(key, "is longer than " + std::to_string(max_bytes) + " bytes");
    for (const char c : s)
      if ((static_cast<unsigned char>(c) < 0x20 && c != '\n') || c == 0x7f) out_of_range(key, "contains control characters");
    return s;
  }

  /** The optional `session` and the required `by` of an after-care command. */
  void after_care(Command& command) const {
    if (const json* session = find("session")) command.session = text("session", *session);
    command.by = staff_id("by", required("by", "the staff id of who entered it"));
  }

  /** The optional `client` of a per-client command. */
  void optional_client(std::string& out) const {
    if (const json* c = find("client")) out = client_id("client", *c);
  }

 private:
  const json& object_;
  std::string command_;
};

void read_arguments(Command& command, const Arguments& args, const config::Room& room) {
  switch (command.kind) {
    case CommandKind::Preload: {
      args.only({"client", "clients", "protocol", "playlist", "session_number", "doses"});
      command.client = args.client_id("client", args.required("client", "the pseudonymous client id"));
      if (const json* clients = args.find("clients")) command.clients = args.client_ids("clients", *clients);
      if (const json* p = args.find("protocol")) command.protocol = args.text("protocol", *p);
      if (const json* p = args.find("playlist")) command.playlist = args.text("playlist", *p);
      if (const json* n = args.find("session_number")) command.session_number = args.integer("session_number", *n, 1, 1000);
      if (const json* doses = args.find("doses")) {
        if (!doses->is_array()) args.wrong_type("doses", "an array of {client, amount_mg, lot}", *doses);
        if (doses->size() > 32) args.out_of_range("doses", "lists more than 32 doses");
        for (const auto& entry : *doses) {
          if (!entry.is_object()) args.wrong_type("doses", "an array of {client, amount_mg, lot}", entry);
          for (const auto& [key, value] : entry.items())
            if (key != "client" && key != "amount_mg" && key != "lot")
              refuse(RejectReason::UnknownArgument,
                     "unknown field '" + key + "' in a dose of 'preload'; a dose has: client, amount_mg, lot");
          const Arguments dose(entry, "preload");
          session::DoseEntry d;
          d.client = dose.client_id("client", dose.required("client", "whose dose it is"));
          d.amount_mg = dose.dose("amount_mg", dose.required("amount_mg", "the amount entered, mg"));
          if (const json* lot = dose.find("lot")) d.lot = dose.lot("lot", *lot);
          command.doses.push_back(std::move(d));
        }
      }
      break;
    }
    case CommandKind::EnterDose: {
      args.only({"client", "amount_mg", "lot"});
      args.optional_client(command.client);
      command.amount_mg = args.dose("amount_mg", args.required("amount_mg", "the amount entered, mg"));
      if (const json* lot = args.find("lot")) command.lot = args.lot("lot", *lot);
      break;
    }
    case CommandKind::Start: {
      args.only({"dose_at", "clients", "clock_confirmed"});
      if (const json* at = args.find("dose_at")) command.given_at = args.instant("dose_at", *at);
      if (const json* confirmed = args.find("clock_confirmed")) {
        if (!confirmed->is_boolean()) args.wrong_type("clock_confirmed", "true or false", *confirmed);
        else command.clock_confirmed = confirmed->get<bool>();
      }
      if (const json* clients = args.find("clients")) command.clients = args.client_ids("clients", *clients);
      break;
    }
    case CommandKind::Dose: {
      args.only({"client", "given_at", "amount_mg", "lot"});
      args.optional_client(command.client);
      if (const json* at = args.find("given_at")) command.given_at = args.instant("given_at", *at);
      if (const json* d = args.find("amount_mg")) command.amount_mg = args.dose("amount_mg", *d);
      if (const json* lot = args.find("lot")) command.lot = args.lot("lot", *lot);
      break;
    }
    case CommandKind::Booster: {
      args.only({"client", "amount_mg", "lot", "given_at"});
      args.optional_client(command.client);
      command.amount_mg = args.dose("amount_mg", args.required("amount_mg", "the booster's amount, mg"));
      if (const json* lot = args.find("lot")) command.lot = args.lot("lot", *lot);
      if (const json* at = args.find("given_at")) command.given_at = args.instant("given_at", *at);
      break;
    }
    case CommandKind::Talk: {
      args.only({"on"});
      const json& on = args.required("on", "true or false");
      if (!on.is_boolean()) args.wrong_type("on", "true or false", on);
      command.on = on.get<bool>();
      break;
    }
    case CommandKind::Volume: {
      args.only({"db"});
      const double db = args.number("db", args.required("db", "master volume in dB"));
      const double high = room.audio.max_volume_db;
      if (db > high) args.out_of_range("db", "is above the room's maximum of " + format_db(high) + " dB");
      if (db < min_volume_db) args.out_of_range("db", "must be at least -60 dB");
      command.db = db;
      break;
    }
    case CommandKind::Ack: {
      args.only({"reminder", "client"});
      command.reminder = args.text("reminder", args.required("reminder", "the id of the reminder acknowledged"));
      args.optional_client(command.client);
      break;
    }
    case CommandKind::Vitals: {
      args.only({"client", "bp_sys", "bp_dia", "hr", "spo2"});
      args.optional_client(command.client);
      command.vitals.bp_sys = args.integer("bp_sys", args.required("bp_sys", "systolic mmHg"), 40, 300);
      command.vitals.bp_dia = args.integer("bp_dia", args.required("bp_dia", "diastolic mmHg"), 20, 200);
      if (command.vitals.bp_dia >= command.vitals.bp_sys)
        args.out_of_range("bp_dia", "must be below bp_sys (" + std::to_string(command.vitals.bp_sys) + ")");
      if (const json* hr = args.find("hr")) command.vitals.hr = args.integer("hr", *hr, 20, 250);
      if (const json* spo2 = args.find("spo2")) command.vitals.spo2 = args.integer("spo2", *spo2, 50, 100);
      break;
    }
    case CommandKind::Observe: {
      args.only({"session", "client", "by", "moaa_s", "dissociation", "dissociation_features", "cadss", "respiratory"});
      args.after_care(command);
      args.optional_client(command.client);
      namespace v = session::vocabulary;
      auto& o = command.observation;
      if (const json* m = args.find("moaa_s"))
        o.moaa_s = args.integer("moaa_s", *m, static_cast<int>(v::kMoaasMin), static_cast<int>(v::kMoaasMax));
      if (const json* d = args.find("dissociation")) o.dissociation = args.word("dissociation", *d, v::kDissociation);
      if (const json* f = args.find("dissociation_features")) {
        if (!f->is_array()) args.wrong_type("dissociation_features", "an array of " + v::listed(v::kDissociationFeatures), *f);
        std::vector<std::string> features;
        for (const auto& item : *f) {
          auto feature = args.word("dissociation_features", item, v::kDissociationFeatures);
          if (std::find(features.begin(), features.end(), feature) != features.end())
            args.out_of_range("dissociation_features", "lists '" + feature + "' twice");
          features.push_back(std::move(feature));
        }
        o.dissociation_features = std::move(features);
      }
      if (const json* c = args.find("cadss")) o.cadss = args.integer("cadss", *c, 0, static_cast<int>(v::kCadssMax));
      if (const json* r = args.find("respiratory")) o.respiratory = args.word("respiratory", *r, v::kRespiratory);
      if (!o.moaa_s && !o.dissociation && !o.respiratory)
        refuse(RejectReason::MissingArgument,
               "'observe' needs at least one of 'moaa_s' (sedation, 0-5), 'dissociation', 'respiratory'");
      if ((o.dissociation_features || o.cadss) && o.dissociation != "present")
        args.out_of_range(o.cadss ? "cadss" : "dissociation_features", "belongs to \"dissociation\": \"present\"");
      break;
    }
    case CommandKind::ReadyToLeave:
    case CommandKind::Discharge: {
      args.only({"session", "client", "by", "at"});
      args.after_care(command);
      args.optional_client(command.client);
      if (const json* at = args.find("at")) command.at = args.instant("at", *at);
      break;
    }
    case CommandKind::Sign: {
      args.only({"session", "by", "meaning"});
      args.after_care(command);
      command.meaning =
          args.word("meaning", args.required("meaning", "what the signature means"), session::vocabulary::kSignatureMeanings);
      break;
    }
    case CommandKind::Addendum: {
      args.only({"session", "by", "text", "section", "client"});
      args.after_care(command);
      command.text = args.note("text", args.required("text", "the correction or addition, in words"), 2000);
      command.section = "other";
      if (const json* section = args.find("section"))
        command.section = args.word("section", *section, session::vocabulary::kAddendumSections);
      args.optional_client(command.client);
      break;
    }
    case CommandKind::Summary: {
      args.only({"session", "format"});
      if (const json* session = args.find("session")) command.session = args.text("session", *session);
      if (const json* format = args.find("format")) {
        static constexpr std::array<std::string_view, 2> formats = {"json", "svg"};
        command.format = args.word("format", *format, formats);
      }
      break;
    }
    case CommandKind::History: {
      args.only({"session"});
      if (const json* session = args.find("session")) command.session = args.text("session", *session);
      break;
    }
    case CommandKind::Pause:
    case CommandKind::Resume:
    case CommandKind::Skip:
    case CommandKind::Alternate:
    case CommandKind::Stop:
    case CommandKind::Emergency:
    case CommandKind::Clear:
      args.only({});
      break;
  }
}

/** Parses with a check the JSON library does not make: a key given twice in one object. */
json parse_json(std::string_view payload, std::optional<std::string>& id) {
  if (payload.empty()) refuse(RejectReason::MalformedJson, "empty payload (expected a JSON object)");
  std::vector<std::set<std::string>> open_objects;
  std::optional<std::string> duplicate;
  const json::parser_callback_t watch = [&](int, json::parse_event_t event, json& parsed) {
    if (event == json::parse_event_t::object_start) {
      open_objects.emplace_back();
    } else if (event == json::parse_event_t::object_end) {
      if (!open_objects.empty()) open_objects.pop_back();
    } else if (event == json::parse_event_t::key && !open_objects.empty()) {
      const auto& key = parsed.get_ref<const std::string&>();
      if (!open_objects.back().insert(key).second && !duplicate) duplicate = key;
    }
    return true;
  };
  json value;
  try {
    value = json::parse(payload.begin(), payload.end(), watch);
  } catch (const json::parse_error& e) {
    std::string what = e.what();
    if (const auto close = what.find("] "); what.rfind("[json.exception", 0) == 0 && close != std::string::npos)
      what = what.substr(close + 2);
    refuse(RejectReason::MalformedJson, "malformed JSON: " + what);
  } catch (const json::out_of_range& e) {
    // A number beyond a double (1e999): the library refuses it as it parses (found by the command fuzz target).
    std::string what = e.what();
    if (const auto close = what.find("] "); what.rfind("[json.exception", 0) == 0 && close != std::string::npos)
      what = what.substr(close + 2);
    refuse(RejectReason::MalformedJson, "malformed JSON: " + what);
  }
  if (duplicate) {
    // The reply can still name the command when its id is readable and not itself the duplicate.
    if (*duplicate != "id" && value.is_object())
      if (const auto it = value.find("id"); it != value.end() && it->is_string() && !it->get_ref<const std::string&>().empty())
        id = it->get<std::string>();
    refuse(RejectReason::DuplicateKey, "key '" + *duplicate + "' appears twice");
  }
  return value;
}

bool response_topic_allowed(std::string_view topic, const std::string& reply_topic) noexcept {
  if (topic.find_first_of("+#") != std::string_view::npos) return false;
  if (topic == reply_topic) return true;
  return topic.size() > reply_topic.size() + 1 && topic.substr(0, reply_topic.size()) == reply_topic &&
         topic[reply_topic.size()] == '/';
}

}  // namespace

const char* to_string(RejectReason reason) noexcept {
  switch (reason) {
    case RejectReason::Oversize: return "oversize";
    case RejectReason::MalformedJson: return "malformed_json";
    case RejectReason::DuplicateKey: return "duplicate_key";
    case RejectReason::NotObject: return "not_object";
    case RejectReason::MissingId: return "missing_id";
    case RejectReason::BadId: return "bad_id";
    case RejectReason::MissingCmd: return "missing_cmd";
    case RejectReason::BadCmd: return "bad_cmd";
    case RejectReason::UnknownCommand: return "unknown_command";
    case RejectReason::UnknownDevice: return "unknown_device";
    case RejectReason::NotAllowed: return "not_allowed";
    case RejectReason::BadResponseTopic: return "bad_response_topic";
    case RejectReason::MissingArgument: return "missing_argument";
    case RejectReason::WrongType: return "wrong_type";
    case RejectReason::OutOfRange: return "out_of_range";
    case RejectReason::UnknownArgument: return "unknown_argument";
  }
  return "?";
}

bool is_pseudonymous_id(std::string_view text) noexcept {
  if (text.empty() || text.size() > 64) return false;
  for (const char c : text) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    if (!ok) return false;
  }
  return true;
}

CommandParser::CommandParser(const config::Room& room, const Topics& topics) : room_(room), topics_(topics) {}

bool CommandParser::allowed(const std::string& role, CommandKind kind) const {
  const auto it = room_.roles.find(role);
  if (it == room_.roles.end()) return false;
  return it->second.count("all") > 0 || it->second.count(to_string(kind)) > 0;
}

ParseResult CommandParser::parse(std::string_view topic, std::string_view payload,
                                 const RequestProperties& properties) const {
  Rejection rejection;
  rejection.device = topics_.command_device(topic).value_or("");
  if (properties.correlation_data) {
    rejection.route.correlation_data = *properties.correlation_data;
    rejection.route.has_correlation = true;
  }
  const std::string reply_topic = topics_.reply(rejection.device);
  const bool response_ok =
      properties.response_topic && response_topic_allowed(*properties.response_topic, reply_topic);
  if (response_ok && *properties.response_topic != reply_topic) rejection.route.response_topic = *properties.response_topic;

  try {
    if (rejection.device.empty()) refuse(RejectReason::UnknownDevice, "not a command topic: '" + std::string(topic) + "'");
    if (payload.size() > room_.mqtt.max_payload)
      refuse(RejectReason::Oversize, "payload of " + std::to_string(payload.size()) + " bytes is larger than the " +
                                         std::to_string(room_.mqtt.max_payload) + " bytes allowed");
    const json request = parse_json(payload, rejection.id);
    if (!request.is_object())
      refuse(RejectReason::NotObject, "the payload must be a JSON object like {\"id\": \"1\", \"cmd\": \"pause\"}, not " +
                                          type_name(request));

    const auto id = request.find("id");
    if (id == request.end()) refuse(RejectReason::MissingId, "missing 'id' (a string the reply will echo)");
    if (!id->is_string()) refuse(RejectReason::BadId, "'id' must be a string, not " + type_name(*id));
    const auto& id_text = id->get_ref<const std::string&>();
    if (id_text.empty() || id_text.size() > max_id_bytes)
      refuse(RejectReason::BadId, "'id' must be 1 to " + std::to_string(max_id_bytes) + " bytes long");
    rejection.id = id_text;

    const auto cmd = request.find("cmd");
    if (cmd == request.end()) refuse(RejectReason::MissingCmd, "missing 'cmd' (one of: " + config::join(config::all_commands()) + ")");
    if (!cmd->is_string()) refuse(RejectReason::BadCmd, "'cmd' must be a string, not " + type_name(*cmd));
    const auto& name = cmd->get_ref<const std::string&>();
    const auto kind = session::command_kind(name);
    if (!kind) {
      std::string hint;
      if (auto near = config::nearest(name, config::all_commands())) hint = " (did you mean '" + *near + "'?)";
      else hint = " (one of: " + config::join(config::all_commands()) + ")";
      refuse(RejectReason::UnknownCommand, "unknown command '" + name + "'" + hint);
    }
    rejection.command = name;

    const auto device = room_.devices.find(rejection.device);
    if (device == room_.devices.end())
      refuse(RejectReason::UnknownDevice, "device '" + rejection.device + "' is not one of this room's devices");
    if (!allowed(device->second.role, *kind))
      refuse(RejectReason::NotAllowed, "device '" + rejection.device + "' (role '" + device->second.role +
                                           "') may not send '" + name + "'");
    if (properties.response_topic && !response_ok)
      refuse(RejectReason::BadResponseTopic, "response topic '" + *properties.response_topic + "' must be '" +
                                                 reply_topic + "' or lie under it");

    Command command;
    if (const auto sent = request.find("sent_at"); sent != request.end())
      command.sent_at = Arguments(request, name).instant("sent_at", *sent);
    command.id = id_text;
    command.kind = *kind;
    command.device = rejection.device;
    command.role = device->second.role;
    command.route = rejection.route;
    read_arguments(command, Arguments(request, name), room_);
    return command;
  } catch (const Refusal& refusal) {
    rejection.reason = refusal.reason;
    // The reason quotes what was sent (a key, a name), cut to a length that may split a character: the reply
    // must stay publishable JSON, so bytes that are not UTF-8 become U+FFFD (found by the command fuzz target).
    rejection.error =
        json::parse(json(refusal.error).dump(-1, ' ', false, json::error_handler_t::replace)).get<std::string>();
    return rejection;
  }
}

}  // namespace stillroom::room

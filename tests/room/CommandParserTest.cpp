#include "RoomFixture.hpp"
#include "room/CommandParser.hpp"

#include "config/Duration.hpp"

#include <doctest/doctest.h>

#include <map>
#include <set>

using namespace stillroom;
using session::CommandKind;
using room::RejectReason;

namespace {

struct Parsing {
  config::Room room = test::test_room();
  room::Topics topics{"stillroom", "room-1"};
  room::CommandParser parser{room, topics};

  room::ParseResult parse(const std::string& device, const std::string& payload,
                          const room::RequestProperties& properties = {}) const {
    return parser.parse("stillroom/room-1/cmd/" + device, payload, properties);
  }
  session::Command accept(const std::string& device, const std::string& payload) const {
    auto result = parse(device, payload);
    if (const auto* rejection = std::get_if<room::Rejection>(&result)) FAIL_CHECK("refused: " << rejection->error);
    REQUIRE(std::holds_alternative<session::Command>(result));
    return std::get<session::Command>(result);
  }
  room::Rejection refuse(const std::string& device, const std::string& payload,
                         const room::RequestProperties& properties = {}) const {
    auto result = parse(device, payload, properties);
    REQUIRE_MESSAGE(std::holds_alternative<room::Rejection>(result), "accepted: " << payload);
    return std::get<room::Rejection>(result);
  }
};

}  // namespace

TEST_CASE("command names agree with the configuration's list of commands") {
  for (const auto& name : config::all_commands()) {
    const auto kind = session::command_kind(name);
    REQUIRE_MESSAGE(kind.has_value(), name);
    CHECK(std::string(session::to_string(*kind)) == name);
  }
  CHECK_FALSE(session::command_kind("Pause").has_value());
}

TEST_CASE("a tablet may send every command - with typed arguments") {
  Parsing p;
  auto preload = p.accept("tablet-1",
                          R"({"id":"a1","cmd":"preload","client":"c-0042","clients":["c-0042","c-0043"],)"
                          R"("protocol":"im-standard","playlist":"calm-1","session_number":3,)"
                          R"("doses":[{"client":"c-0042","amount_mg":35.5,"lot":"L-7"},{"client":"c-0043","amount_mg":40}],)"
                          R"("sent_at":"2026-11-22T09:29:58.250Z"})");
  CHECK(preload.kind == CommandKind::Preload);
  CHECK(preload.id == "a1");
  CHECK(preload.device == "tablet-1");
  CHECK(preload.role == "tablet");
  CHECK(preload.client == "c-0042");
  CHECK(preload.clients == std::vector<std::string>{"c-0042", "c-0043"});
  CHECK(preload.protocol == "im-standard");
  CHECK(preload.playlist == "calm-1");
  CHECK(preload.session_number == 3);
  REQUIRE(preload.doses.size() == 2);
  CHECK(preload.doses[0].client == "c-0042");
  CHECK(preload.doses[0].amount_mg == doctest::Approx(35.5));
  CHECK(preload.doses[0].lot == "L-7");
  CHECK_FALSE(preload.doses[1].lot.has_value());
  REQUIRE(preload.sent_at.has_value());
  CHECK(config::format_instant(*preload.sent_at) == "2026-11-22T09:29:58.250Z");

  auto start = p.accept("tablet-1", R"({"id":"a2","cmd":"start","dose_at":"2026-11-22T09:30:00+01:00","clients":["c-0042"]})");
  CHECK(start.kind == CommandKind::Start);
  REQUIRE(start.given_at.has_value());
  CHECK(config::format_instant(*start.given_at) == "2026-11-22T08:30:00.000Z");
  CHECK(start.clients == std::vector<std::string>{"c-0042"});
  CHECK_FALSE(p.accept("tablet-1", R"({"id":"a3","cmd":"start"})").given_at.has_value());
  auto dose = p.accept("tablet-1", R"({"id":"a3b","cmd":"dose","client":"c-0043","given_at":"2026-11-22T09:35:00Z"})");
  CHECK(dose.client == "c-0043");
  CHECK(dose.given_at.has_value());
  auto entered = p.accept("tablet-1", R"({"id":"a3c","cmd":"enter_dose","client":"c-0043","amount_mg":45,"lot":"X"})");
  CHECK(entered.amount_mg == doctest::Approx(45.0));
  CHECK(entered.lot == "X");
  CHECK(p.accept("tablet-1", R"({"id":"a3d","cmd":"history"})").kind == CommandKind::History);

  CHECK(p.accept("tablet-1", R"({"id":"a4","cmd":"talk","on":true})").on);
  CHECK_FALSE(p.accept("tablet-1", R"({"id":"a5","cmd":"talk","on":false})").on);
  CHECK(p.accept("tablet-1", R"({"id":"a6","cmd":"volume","db":-6.5})").db == doctest::Approx(-6.5));
  CHECK(p.accept("tablet-1", R"({"id":"a7","cmd":"booster","amount_mg":20})").amount_mg == doctest::Approx(20.0));
  CHECK(p.accept("tablet-1", R"({"id":"a8","cmd":"booster","amount_mg":20,"client":"c-2"})").client == "c-2");
  CHECK(p.accept("tablet-1", R"({"id":"a9","cmd":"ack","reminder":"bp-40"})").reminder == "bp-40");
  CHECK(p.accept("tablet-1", R"({"id":"a9b","cmd":"ack","reminder":"bp-40","client":"c-2"})").client == "c-2");
  auto vitals = p.accept("tablet-1", R"({"id":"b1","cmd":"vitals","bp_sys":128,"bp_dia":82,"hr":71,"spo2":98})");
  CHECK(vitals.vitals.bp_sys == 128);
  CHECK(vitals.vitals.bp_dia == 82);
  CHECK(vitals.vitals.hr == 71);
  CHECK(vitals.vitals.spo2 == 98);
  CHECK_FALSE(p.accept("tablet-1", R"({"id":"b2","cmd":"vitals","bp_sys":128,"bp_dia":82})").vitals.hr.has_value());

  std::set<CommandKind> seen;
  for (const char* bare : {"pause", "resume", "skip", "alternate", "stop", "emergency", "clear"}) {
    auto command = p.accept("tablet-1", std::string(R"({"id":"x","cmd":")") + bare + "\"}");
    CHECK(session::to_string(command.kind) == std::string(bare));
    seen.insert(command.kind);
  }
  CHECK(seen.size() == 7);
}

TEST_CASE("a panel may send only its role's commands, an observer none") {
  Parsing p;
  const std::set<std::string> panel = {"start", "pause", "resume", "talk", "stop", "emergency", "ack"};
  const std::map<std::string, std::string> minimal = {
      {"preload", R"(,"client":"c-1")"}, {"talk", R"(,"on":true)"}, {"volume", R"(,"db":-3)"},
      {"ack", R"(,"reminder":"r1")"},    {"vitals", R"(,"bp_sys":120,"bp_dia":80)"}};
  for (const auto& name : config::all_commands()) {
    const auto extra = minimal.count(name) ? minimal.at(name) : std::string();
    const std::string payload = R"({"id":"p-)" + name + R"(","cmd":")" + name + "\"" + extra + "}";
    CAPTURE(payload);
    auto from_panel = p.parse("panel-1", payload);
    if (panel.count(name)) {
      CHECK(std::holds_alternative<session::Command>(from_panel));
    } else {
      REQUIRE(std::holds_alternative<room::Rejection>(from_panel));
      const auto& r = std::get<room::Rejection>(from_panel);
      CHECK(r.reason == RejectReason::NotAllowed);
      CHECK(r.error == "device 'panel-1' (role 'panel') may not send '" + name + "'");
      CHECK(r.id == "p-" + name);
    }
    const auto from_observer = p.refuse("observer-1", payload);
    CHECK(from_observer.reason == RejectReason::NotAllowed);
    CHECK(from_observer.device == "observer-1");
  }
}

TEST_CASE("malformed - unknown and oversize requests get a specific refusal") {
  Parsing p;
  struct Case {
    std::string payload;
    RejectReason reason;
    std::string error_has;
  };
  const std::vector<Case> cases = {
      {"", RejectReason::MalformedJson, "empty payload"},
      {"{\"id\":\"1\",\"cmd\":\"pause\"", RejectReason::MalformedJson, "malformed JSON: parse error at line 1, column 24"},
      {"pause", RejectReason::MalformedJson, "malformed JSON"},
      {"[1,2]", RejectReason::NotObject, "not an array"},
      {"\"pause\"", RejectReason::NotObject, "not a string"},
      {R"({"id":"1","cmd":"pause","cmd":"emergency"})", RejectReason::DuplicateKey, "key 'cmd' appears twice"},
      {R"({"cmd":"pause"})", RejectReason::MissingId, "missing 'id'"},
      {R"({"id":7,"cmd":"pause"})", RejectReason::BadId, "'id' must be a string, not an integer"},
      {R"({"id":"","cmd":"pause"})", RejectReason::BadId, "1 to 128 bytes"},
      {R"({"id":")" + std::string(129, 'x') + R"(","cmd":"pause"})", RejectReason::BadId, "1 to 128 bytes"},
      {R"({"id":"1"})", RejectReason::MissingCmd, "missing 'cmd' (one of: preload, enter_dose, start"},
      {R"({"id":"1","cmd":["pause"]})", RejectReason::BadCmd, "'cmd' must be a string, not an array"},
      {R"({"id":"1","cmd":"puase"})", RejectReason::UnknownCommand, "unknown command 'puase' (did you mean 'pause'?)"},
      {R"({"id":"1","cmd":"dance"})", RejectReason::UnknownCommand, "(one of: preload, enter_dose, start"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.payload);
    const auto r = p.refuse("tablet-1", c.payload);
    CHECK(to_string(r.reason) == std::string(to_string(c.reason)));
    CHECK_MESSAGE(r.error.find(c.error_has) != std::string::npos, r.error);
    CHECK(r.device == "tablet-1");
  }
  // The id is echoed once it has been read.
  CHECK(p.refuse("tablet-1", R"({"id":"q7","cmd":"puase"})").id == "q7");
  CHECK_FALSE(p.refuse("tablet-1", R"({"cmd":"pause"})").id.has_value());

  const std::string big = R"({"id":"1","cmd":"pause","pad":")" + std::string(4096, 'x') + "\"}";
  const auto oversize = p.refuse("tablet-1", big);
  CHECK(oversize.reason == RejectReason::Oversize);
  CHECK(oversize.error == "payload of " + std::to_string(big.size()) + " bytes is larger than the 4096 bytes allowed");

  const auto stranger = p.refuse("intruder", R"({"id":"1","cmd":"pause"})");
  CHECK(stranger.reason == RejectReason::UnknownDevice);
  CHECK(stranger.error == "device 'intruder' is not one of this room's devices");
  CHECK(stranger.device == "intruder");

  const auto not_command = p.parser.parse("stillroom/room-1/state", R"({"id":"1","cmd":"pause"})", {});
  CHECK(std::get<room::Rejection>(not_command).reason == RejectReason::UnknownDevice);
}

TEST_CASE("arguments are checked for presence - type - range and spelling") {
  Parsing p;
  struct Case {
    std::string payload;
    RejectReason reason;
    std::string error;
  };
  const std::vector<Case> cases = {
      {R"({"id":"1","cmd":"preload"})", RejectReason::MissingArgument, "'preload' needs 'client' (the pseudonymous client id)"},
      {R"({"id":"1","cmd":"preload","client":"Jane Doe"})", RejectReason::OutOfRange,
       "'client' of 'preload' must be a pseudonymous client id: 1 to 64 letters, digits, '-' or '_' (never a name)"},
      {R"({"id":"1","cmd":"preload","client":42})", RejectReason::WrongType,
       "'client' of 'preload' must be a pseudonymous client id (string), not an integer"},
      {R"({"id":"1","cmd":"preload","client":"c-1","clients":"c-2"})", RejectReason::WrongType,
       "'clients' of 'preload' must be an array of pseudonymous client ids, not a string"},
      {R"({"id":"1","cmd":"preload","client":"c-1","clients":["c-2","c-2"]})", RejectReason::OutOfRange,
       "'clients' of 'preload' lists 'c-2' twice"},
      {R"({"id":"1","cmd":"preload","client":"c-1","doses":[{"client":"c-1","amount_mg":0}]})", RejectReason::OutOfRange,
       "'amount_mg' of 'preload' must be greater than 0 mg"},
      {R"({"id":"1","cmd":"preload","client":"c-1","doses":[{"client":"c-1","amount_mg":"35"}]})", RejectReason::WrongType,
       "'amount_mg' of 'preload' must be a number, not a string"},
      {R"({"id":"1","cmd":"preload","client":"c-1","doses":[{"client":"c-1"}]})", RejectReason::MissingArgument,
       "'preload' needs 'amount_mg' (the amount entered, mg)"},
      {R"({"id":"1","cmd":"preload","client":"c-1","doses":[{"client":"c-1","amount_mg":35,"mg":3}]})",
       RejectReason::UnknownArgument, "unknown field 'mg' in a dose of 'preload'; a dose has: client, amount_mg, lot"},
      {R"({"id":"1","cmd":"preload","client":"c-1","dose_mg":35})", RejectReason::UnknownArgument,
       "unknown argument 'dose_mg' for 'preload'; 'preload' takes: client, clients, protocol, playlist, session_number, "
       "doses"},
      {R"({"id":"1","cmd":"preload","client":"c-1","session_number":0})", RejectReason::OutOfRange,
       "'session_number' of 'preload' must be between 1 and 1000, not 0"},
      {R"({"id":"1","cmd":"pause","sent_at":"yesterday"})", RejectReason::OutOfRange,
       "'sent_at' of 'pause' must be an RFC 3339 time with offset, e.g. 2026-11-22T09:30:00Z, not 'yesterday'"},
      {R"({"id":"1","cmd":"booster"})", RejectReason::MissingArgument, "'booster' needs 'amount_mg' (the booster's amount, mg)"},
      {R"({"id":"1","cmd":"pause","now":true})", RejectReason::UnknownArgument,
       "unknown argument 'now' for 'pause'; 'pause' takes no arguments"},
      {R"({"id":"1","cmd":"start","dose_at":"09:30"})", RejectReason::OutOfRange,
       "'dose_at' of 'start' must be an RFC 3339 time with offset, e.g. 2026-11-22T09:30:00Z, not '09:30'"},
      {R"({"id":"1","cmd":"talk"})", RejectReason::MissingArgument, "'talk' needs 'on' (true or false)"},
      {R"({"id":"1","cmd":"talk","on":"yes"})", RejectReason::WrongType, "'on' of 'talk' must be true or false, not a string"},
      {R"({"id":"1","cmd":"volume","db":3})", RejectReason::OutOfRange, "'db' of 'volume' is above the room's maximum of 0 dB"},
      {R"({"id":"1","cmd":"volume","db":-75})", RejectReason::OutOfRange, "'db' of 'volume' must be at least -60 dB"},
      {R"({"id":"1","cmd":"volume","db":null})", RejectReason::WrongType, "'db' of 'volume' must be a number, not null"},
      {R"({"id":"1","cmd":"booster","amount_mg":2500})", RejectReason::OutOfRange, "'amount_mg' of 'booster' must be at most 2000 mg"},
      {R"({"id":"1","cmd":"ack"})", RejectReason::MissingArgument, "'ack' needs 'reminder'"},
      {R"({"id":"1","cmd":"ack","reminder":""})", RejectReason::OutOfRange, "'reminder' of 'ack' must not be empty"},
      {R"({"id":"1","cmd":"vitals","bp_sys":120})", RejectReason::MissingArgument, "'vitals' needs 'bp_dia' (diastolic mmHg)"},
      {R"({"id":"1","cmd":"vitals","bp_sys":120.5,"bp_dia":80})", RejectReason::WrongType,
       "'bp_sys' of 'vitals' must be an integer, not a number"},
      {R"({"id":"1","cmd":"vitals","bp_sys":400,"bp_dia":80})", RejectReason::OutOfRange,
       "'bp_sys' of 'vitals' must be between 40 and 300, not 400"},
      {R"({"id":"1","cmd":"vitals","bp_sys":80,"bp_dia":120})", RejectReason::OutOfRange,
       "'bp_dia' of 'vitals' must be below bp_sys (80)"},
      {R"({"id":"1","cmd":"vitals","bp_sys":120,"bp_dia":80,"spo2":101})", RejectReason::OutOfRange,
       "'spo2' of 'vitals' must be between 50 and 100, not 101"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.payload);
    const auto r = p.refuse("tablet-1", c.payload);
    CHECK(to_string(r.reason) == std::string(to_string(c.reason)));
    CHECK_MESSAGE(r.error.find(c.error) != std::string::npos, r.error);
    CHECK(r.id == "1");
  }
}

TEST_CASE("a v5 response topic must lie under the device's own reply topic") {
  Parsing p;
  room::RequestProperties props{"stillroom/room-1/reply/tablet-1/req-9", "\x01\x02corr"};
  const auto command = std::get<session::Command>(p.parse("tablet-1", R"({"id":"1","cmd":"pause"})", props));
  CHECK(command.route.response_topic == "stillroom/room-1/reply/tablet-1/req-9");
  CHECK(command.route.has_correlation);
  CHECK(command.route.correlation_data == "\x01\x02corr");

  // The plain reply topic is where replies go anyway: no second copy.
  props.response_topic = "stillroom/room-1/reply/tablet-1";
  CHECK(std::get<session::Command>(p.parse("tablet-1", R"({"id":"1","cmd":"pause"})", props)).route.response_topic.empty());

  for (const char* elsewhere : {"stillroom/room-1/reply/panel-1", "zigbee2mqtt/ceiling/set", "stillroom/room-1/reply/tablet-10",
                                "stillroom/room-1/reply/tablet-1/#"}) {
    props.response_topic = elsewhere;
    const auto r = p.refuse("tablet-1", R"({"id":"1","cmd":"pause"})", props);
    CHECK(r.reason == RejectReason::BadResponseTopic);
    CHECK(r.error == std::string("response topic '") + elsewhere +
                         "' must be 'stillroom/room-1/reply/tablet-1' or lie under it");
    CHECK(r.route.response_topic.empty());
    CHECK(r.route.correlation_data == "\x01\x02corr");
  }
}

TEST_CASE("pseudonymous ids and topic filters") {
  CHECK(room::is_pseudonymous_id("c-0042_b"));
  CHECK_FALSE(room::is_pseudonymous_id(""));
  CHECK_FALSE(room::is_pseudonymous_id("Jane Doe"));
  CHECK_FALSE(room::is_pseudonymous_id("jane.doe@example.org"));
  CHECK_FALSE(room::is_pseudonymous_id(std::string(65, 'a')));

  room::Topics topics("stillroom", "room-1");
  CHECK(topics.command_device("stillroom/room-1/cmd/panel-1") == "panel-1");
  CHECK_FALSE(topics.command_device("stillroom/room-1/cmd/").has_value());
  CHECK_FALSE(topics.command_device("stillroom/room-1/cmd/a/b").has_value());
  CHECK_FALSE(topics.command_device("stillroom/room-2/cmd/panel-1").has_value());
  CHECK(topics.reply("tablet-1") == "stillroom/room-1/reply/tablet-1");

  CHECK(room::topic_matches("a/+/c", "a/b/c"));
  CHECK(room::topic_matches("a/#", "a"));
  CHECK(room::topic_matches("a/#", "a/b/c"));
  CHECK_FALSE(room::topic_matches("a/+", "a"));
  CHECK_FALSE(room::topic_matches("a/b", "a/b/c"));
  CHECK_FALSE(room::topic_matches("a/b/c", "a/b"));
}

TEST_CASE("the after-care commands: who entered it, a fixed vocabulary, specific refusals") {
  Parsing p;
  const auto observe = p.accept("tablet-1", R"({"id":"o1","cmd":"observe","client":"c-0042","by":"nurse-7","moaa_s":3,)"
                                            R"("dissociation":"present","dissociation_features":["derealization"],"cadss":12,)"
                                            R"("respiratory":"snoring"})");
  CHECK(observe.kind == CommandKind::Observe);
  CHECK(observe.by == "nurse-7");
  CHECK(observe.observation.moaa_s == 3);
  CHECK(observe.observation.dissociation == "present");
  CHECK(observe.observation.respiratory == "snoring");
  const auto sign = p.accept("tablet-1", R"({"id":"s1","cmd":"sign","by":"dr-3","meaning":"reviewed and approved"})");
  CHECK(sign.meaning == "reviewed and approved");
  const auto ready = p.accept("tablet-1", R"({"id":"r1","cmd":"ready_to_leave","by":"nurse-7","at":"2026-11-22T11:05:00Z"})");
  CHECK(ready.at.has_value());
  const auto addendum = p.accept("tablet-1", R"({"id":"a1","cmd":"addendum","by":"dr-3","text":"Lot was L-2.\nChecked.","section":"dose"})");
  CHECK(addendum.text == "Lot was L-2.\nChecked.");

  const auto refused = [&](const std::string& payload) { return p.refuse("tablet-1", payload).error; };
  CHECK(refused(R"({"id":"1","cmd":"observe","by":"nurse-7"})") ==
        "'observe' needs at least one of 'moaa_s' (sedation, 0-5), 'dissociation', 'respiratory'");
  CHECK(refused(R"({"id":"1","cmd":"observe","moaa_s":3})").find("'by'") != std::string::npos);
  CHECK(refused(R"({"id":"1","cmd":"observe","by":"nurse-7","moaa_s":6})").find("'moaa_s'") != std::string::npos);
  CHECK(refused(R"({"id":"1","cmd":"observe","by":"nurse-7","respiratory":"wheezing"})").find(
            "must be none, snoring, desaturation, apnoea or airway_support, not 'wheezing'") != std::string::npos);
  CHECK(refused(R"({"id":"1","cmd":"observe","by":"nurse-7","dissociation":"absent","cadss":4})").find(
            "belongs to \"dissociation\": \"present\"") != std::string::npos);
  CHECK(refused(R"({"id":"1","cmd":"sign","by":"dr-3","meaning":"ok"})").find(
            "must be authored, reviewed or reviewed and approved, not 'ok'") != std::string::npos);
  CHECK(refused(R"({"id":"1","cmd":"sign","by":"Dr. Jane Doe","meaning":"reviewed"})").find("never a name") !=
        std::string::npos);
  CHECK(refused(R"({"id":"1","cmd":"addendum","by":"dr-3","text":""})").find("must not be empty") != std::string::npos);
  // The panel's role has none of them.
  CHECK(p.refuse("panel-1", R"({"id":"1","cmd":"sign","by":"dr-3","meaning":"reviewed"})").reason == RejectReason::NotAllowed);
}

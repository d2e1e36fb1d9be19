// The ACL matrix: every user kind the shipped broker configuration knows
// (controller, panel, tablet, observer, Home Assistant, zigbee2mqtt, a Tasmota
// light, a Shelly light, the archive) x every topic of the room contract and
// of the systems beside it x publish and subscribe, against the shipped
// configuration run by scripts/broker with its own users (real mosquitto, real
// passwords). Each cell is asserted allowed or refused by what happens, not by
// what the broker answers alone:
//   publish   — the PUBACK (success, or reason 135 "not authorised") and
//               whether a witness subscribed to '#' receives the message;
//   subscribe — whether a message published on the topic arrives (mosquitto
//               can acknowledge a subscription and then deliver nothing).
// A test-only witness (read '#', write everything) publishes and watches;
// per-user sentinels tell when everything sent before them has arrived.
#include "MqttProbe.hpp"
#include "ShippedBroker.hpp"

#include <doctest/doctest.h>

#include <map>
#include <set>
#include <sstream>
#include <thread>

using namespace stillroom::test;

namespace {

const std::string kRoom = "stillroom/room-1/";

enum class Kind { Controller, Panel, Tablet, Observer, HomeAssistant, Zigbee2mqtt, Tasmota, Shelly, Archive };

struct User {
  Kind kind;
  std::string name;
  const char* label;
};

const std::vector<User>& users() {
  static const std::vector<User> list = {
      {Kind::Controller, "controller", "controller"},     {Kind::Panel, "panel-1", "panel"},
      {Kind::Tablet, "tablet-1", "tablet"},               {Kind::Observer, "observer-1", "observer"},
      {Kind::HomeAssistant, "homeassistant", "homeassistant"}, {Kind::Zigbee2mqtt, "zigbee2mqtt", "zigbee2mqtt"},
      {Kind::Tasmota, "lamp", "tasmota light"},            {Kind::Shelly, "shellyplus-strip", "shelly light"},
      {Kind::Archive, "archive", "archive"},
  };
  return list;
}

bool is_device(Kind k) {
  return k == Kind::Panel || k == Kind::Tablet || k == Kind::Observer || k == Kind::HomeAssistant;
}
bool is_clinician(Kind k) { return k == Kind::Panel || k == Kind::Tablet; }

/** A topic of the matrix: its name, the concrete topic for a user, and who may read and write it. */
struct Topic {
  std::string name;
  std::function<std::string(const User&)> topic;
  /** What the contract (docs/mqtt.md, the room contract) allows `user`. */
  std::function<bool(const User&)> may_read;
  std::function<bool(const User&)> may_write;
};

std::string other_device(const User& u) { return u.name == "tablet-1" ? "panel-1" : "tablet-1"; }

const std::vector<Topic>& topics() {
  const auto fixed = [](std::string t) { return [t](const User&) { return t; }; };
  const auto only = [](std::set<Kind> kinds) { return [kinds](const User& u) { return kinds.count(u.kind) > 0; }; };
  const auto nobody = [](const User&) { return false; };
  // The room's public topics: every device user reads them, the controller writes them.
  const auto device_or = [](std::set<Kind> also) {
    return [also](const User& u) { return is_device(u.kind) || also.count(u.kind) > 0; };
  };
  const auto clinical_reader = [](const User& u) { return is_clinician(u.kind) || u.kind == Kind::Archive; };
  const auto controller = only({Kind::Controller});
  static const std::vector<Topic> list = {
      {"status", fixed(kRoom + "status"), device_or({}), controller},
      {"state", fixed(kRoom + "state"), device_or({}), controller},
      {"plan", fixed(kRoom + "plan"), device_or({}), controller},
      {"events", fixed(kRoom + "events"), device_or({}), controller},
      {"stats", fixed(kRoom + "stats"), device_or({}), controller},
      {"clinical/events", fixed(kRoom + "clinical/events"), clinical_reader, controller},
      {"clinical/session", fixed(kRoom + "clinical/session"), clinical_reader, controller},
      {"clinical/catalogue", fixed(kRoom + "clinical/catalogue"), clinical_reader, controller},
      // Commands: a device writes its own, the room reads them all.
      {"cmd/<self>", [](const User& u) { return kRoom + "cmd/" + u.name; }, controller,
       [](const User& u) { return is_device(u.kind); }},
      {"cmd/<other>", [](const User& u) { return kRoom + "cmd/" + other_device(u); }, controller, nobody},
      // Replies: to that device only.
      {"reply/<self>", [](const User& u) { return kRoom + "reply/" + u.name; },
       [](const User& u) { return is_device(u.kind); }, controller},
      {"reply/<self>/<v5 response>", [](const User& u) { return kRoom + "reply/" + u.name + "/r-7"; },
       [](const User& u) { return is_device(u.kind); }, controller},
      {"reply/<other>", [](const User& u) { return kRoom + "reply/" + other_device(u); }, nobody, controller},
      // The record: the archive only (the controller writes it and reads the acknowledgements).
      {"record", fixed(kRoom + "record"), only({Kind::Archive}), controller},
      {"record/ack", fixed(kRoom + "record/ack"), controller, only({Kind::Archive})},
      {"record/checkpoint", fixed(kRoom + "record/checkpoint"), only({Kind::Archive}), controller},
      // Home Assistant's discovery prefix: Home Assistant, and those who announce themselves there.
      {"homeassistant/…/config", fixed("homeassistant/device/stillroom-room-1/config"),
       only({Kind::Controller, Kind::HomeAssistant, Kind::Zigbee2mqtt}),
       only({Kind::Controller, Kind::HomeAssistant, Kind::Zigbee2mqtt})},
      {"homeassistant/status", fixed("homeassistant/status"),
       only({Kind::Controller, Kind::HomeAssistant, Kind::Zigbee2mqtt}),
       only({Kind::Controller, Kind::HomeAssistant, Kind::Zigbee2mqtt})},
      // zigbee2mqtt: the bridge and the controller driving its lights.
      {"zigbee2mqtt/<light>/set", fixed("zigbee2mqtt/ceiling/set"), only({Kind::Controller, Kind::Zigbee2mqtt}),
       only({Kind::Controller, Kind::Zigbee2mqtt})},
      {"zigbee2mqtt/<light>", fixed("zigbee2mqtt/ceiling"), only({Kind::Controller, Kind::Zigbee2mqtt}),
       only({Kind::Controller, Kind::Zigbee2mqtt})},
      // Tasmota: the light reads its commands and writes its results; the controller the other way round.
      {"cmnd/<tasmota>/Dimmer", fixed("cmnd/lamp/Dimmer"), only({Kind::Tasmota}), controller},
      {"stat/<tasmota>/RESULT", fixed("stat/lamp/RESULT"), controller, only({Kind::Tasmota})},
      {"tele/<tasmota>/STATE", fixed("tele/lamp/STATE"), nobody, only({Kind::Tasmota})},
      // Shelly: RPC in, status out.
      {"<shelly>/rpc", fixed("shellyplus-strip/rpc"), only({Kind::Shelly}), controller},
      {"<shelly>/status/light:0", fixed("shellyplus-strip/status/light:0"), controller, only({Kind::Shelly})},
      {"<shelly>/events/rpc", fixed("shellyplus-strip/events/rpc"), nobody, only({Kind::Shelly})},
  };
  return list;
}

std::string payload(const std::string& phase, const User& u, const Topic& t) {
  return phase + "|" + u.name + "|" + t.name;
}

/** Every message `probe` received, as (topic, payload). */
std::set<std::pair<std::string, std::string>> received(const MqttProbe& probe) {
  std::set<std::pair<std::string, std::string>> out;
  for (const auto& m : probe.received_all()) out.emplace(m.topic, m.payload);
  return out;
}

}  // namespace

TEST_CASE("ACL matrix: every shipped user kind x every contract topic x publish and subscribe, against the shipped broker") {
  const std::string witness_acl =
      "\n# Test only: sees and may write everything; each user's sentinel.\nuser witness\ntopic readwrite #\n"
      "pattern read matrix/sentinel/%u\n";
  ShippedBroker broker(false, {{"witness", "w-secret"}}, witness_acl);
  MqttProbe witness(broker.port(), "matrix-witness", "witness", "w-secret");
  witness.subscribe("#");

  std::map<std::string, std::unique_ptr<MqttProbe>> probes;
  for (const auto& u : users())
    probes[u.name] = std::make_unique<MqttProbe>(broker.port(), "matrix-" + u.name, u.name, broker.password(u.name));

  struct Cell {
    std::string user, topic, op;
    bool expected, observed;
    std::string why;
  };
  std::vector<Cell> cells;
  std::mutex cells_mutex;

  // --- publish: every user publishes on every topic (one thread per user: the PUBACKs take a round trip each).
  {
    std::vector<std::thread> threads;
    for (const auto& u : users()) {
      threads.emplace_back([&, u] {
        for (const auto& t : topics()) {
          const auto result = probes[u.name]->publish(t.topic(u), payload("pub", u, t), 1, false);
          std::lock_guard lock(cells_mutex);
          cells.push_back({u.label, t.name, "publish", t.may_write(u), result.ok,
                           "PUBACK reason " + std::to_string(result.reason)});
        }
      });
    }
    for (auto& t : threads) t.join();
  }
  // Every PUBACK is in: what was accepted is queued for the witness before this sentinel.
  REQUIRE(witness.publish("matrix/sentinel/witness", "publish phase done").ok);
  REQUIRE(witness.wait_for("matrix/sentinel/witness", nullptr, std::chrono::seconds(10)));
  const auto witnessed = received(witness);
  for (auto& c : cells) {
    const User& u = *std::find_if(users().begin(), users().end(), [&](const User& x) { return x.label == c.user; });
    const Topic& t = *std::find_if(topics().begin(), topics().end(), [&](const Topic& x) { return x.name == c.topic; });
    const bool delivered = witnessed.count({t.topic(u), payload("pub", u, t)}) > 0;
    // Allowed: acknowledged and delivered. Refused: reason 135 and not delivered.
    if (c.observed != delivered) c.why += ", but delivered=" + std::to_string(delivered);
    if (!c.observed && c.why != "PUBACK reason 135") c.why += " (a refusal must be 135)";
    c.observed = c.observed && delivered;
  }

  // --- subscribe: every user subscribes to every topic; the witness publishes on each; each user's sentinel.
  {
    std::vector<std::thread> threads;
    for (const auto& u : users()) {
      threads.emplace_back([&, u] {
        for (const auto& t : topics()) probes[u.name]->subscribe(t.topic(u), 1);
        probes[u.name]->subscribe("matrix/sentinel/" + u.name, 1);
      });
    }
    for (auto& t : threads) t.join();
  }
  for (auto& [name, probe] : probes) probe->clear();  // what the publish phase delivered to them is not evidence
  std::set<std::string> published;
  for (const auto& u : users())
    for (const auto& t : topics())
      if (published.insert(t.topic(u)).second) REQUIRE(witness.publish(t.topic(u), "sub|" + t.topic(u), 1, false).ok);
  for (const auto& u : users()) {
    REQUIRE(witness.publish("matrix/sentinel/" + u.name, "subscribe phase done").ok);
    REQUIRE_MESSAGE(probes[u.name]->wait_for("matrix/sentinel/" + u.name, nullptr, std::chrono::seconds(10)),
                    u.name << " never got its sentinel");
  }
  for (const auto& u : users()) {
    const auto got = received(*probes[u.name]);
    for (const auto& t : topics()) {
      const bool delivered = got.count({t.topic(u), "sub|" + t.topic(u)}) > 0;
      cells.push_back({u.label, t.name, "subscribe", t.may_read(u), delivered, delivered ? "delivered" : "not delivered"});
    }
  }

  // --- the verdict, and the matrix itself.
  std::ostringstream table;
  table << "user \\ topic: publish/subscribe (P/S allowed, -/- refused)\n";
  int held = 0;
  std::vector<std::string> broken;
  for (const auto& u : users()) {
    table << "  " << u.label << ":";
    for (const auto& t : topics()) {
      const auto find = [&](const char* op) {
        return *std::find_if(cells.begin(), cells.end(),
                             [&](const Cell& c) { return c.user == u.label && c.topic == t.name && c.op == op; });
      };
      const Cell p = find("publish");
      const Cell s = find("subscribe");
      table << " " << (p.observed ? "P" : "-") << (s.observed ? "S" : "-");
      for (const Cell& c : {p, s}) {
        if (c.expected == c.observed) ++held;
        else broken.push_back(c.user + " " + c.op + " " + c.topic + ": expected " + (c.expected ? "allowed" : "refused") +
                              ", " + c.why);
      }
    }
    table << "\n";
  }
  table << "  topics:";
  for (const auto& t : topics()) table << " " << t.name;
  MESSAGE("ACL matrix: " << users().size() << " users x " << topics().size() << " topics x 2 operations = "
                         << cells.size() << " cells, " << held << " held\n"
                         << table.str());
  std::string first;
  for (std::size_t i = 0; i < broken.size() && i < 20; ++i) first += broken[i] + "\n";
  INFO(first);
  CHECK(cells.size() == users().size() * topics().size() * 2);
  CHECK(broken.empty());
}

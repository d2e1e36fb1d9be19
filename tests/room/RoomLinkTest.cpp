#include "LinkHarness.hpp"

#include "room/TcpNoDelay.hpp"

#include <doctest/doctest.h>

using namespace stillroom;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

/** A connected link for the example room, with a ToyRoom behind it. */
struct Room {
  test::Mosquitto broker{test::room_broker_options()};
  test::TempDir dir{"stillroom-link"};
  config::Room config = test::room_for(broker, dir);
  test::ToyRoom toy;
  room::RoomLink link;
  /** After the link: it lets go of the link before the link goes away. */
  test::ToyRoom::Attachment attached;

  explicit Room(room::LinkOptions options = {})
      : link(config, toy, std::move(options)), attached(toy.attach(link)) {
    link.start();
    REQUIRE(link.wait_connected(10s));
  }

  std::unique_ptr<test::MqttProbe> device(const std::string& user, const std::string& password) {
    auto probe = std::make_unique<test::MqttProbe>(broker.port(), "probe-" + user, user, password);
    probe->subscribe("stillroom/room-1/reply/" + user + "/#");
    return probe;
  }
};

/** Sends a command as `probe` on its own command topic and waits for the reply with the same id. */
json command(test::MqttProbe& probe, const std::string& user, const std::string& id, const std::string& body) {
  const std::string payload = R"({"id":")" + id + R"(")" + (body.empty() ? "" : "," + body) + "}";
  REQUIRE(probe.publish("stillroom/room-1/cmd/" + user, payload).ok);
  const auto reply = probe.wait_for("stillroom/room-1/reply/" + user, [&](const test::ProbeMessage& m) {
    return json::parse(m.payload).value("id", json()) == json(id);
  });
  REQUIRE_MESSAGE(reply.has_value(), "no reply to " << payload);
  return reply->json();
}

/**
 * Has the link itself refuse a command of the panel (it may not preload) and waits for that reply. The link
 * publishes in order, so once it is here any earlier message the broker would route to the panel is here too.
 */
void panel_barrier(test::MqttProbe& panel) {
  CHECK(command(panel, "panel-1", "barrier", R"("cmd":"preload","client":"c-1")")["reason"] == "not_allowed");
}

}  // namespace

TEST_CASE("commands from a panel - a tablet and an observer: replies - refusals by role and by state") {
  Room room;
  auto panel = room.device("panel-1", "p-secret");
  auto tablet = room.device("tablet-1", "t-secret");
  auto observer = room.device("observer-1", "o-secret");

  // Refused by the room's state (the toy rule), after passing every check of the link.
  auto early = command(*panel, "panel-1", "p1", R"("cmd":"start")");
  CHECK(early["ok"] == false);
  CHECK(early["error"] == "'start' needs state ready (the room is idle)");
  CHECK(early["reason"] == "refused");

  auto preload = command(*tablet, "tablet-1", "t1", R"("cmd":"preload","client":"c-0042","doses":[{"client":"c-0042","amount_mg":35}])");
  CHECK(preload["ok"] == true);
  CHECK_FALSE(preload.contains("error"));
  CHECK(preload["state"]["state"] == "ready");

  auto start = command(*panel, "panel-1", "p2", R"("cmd":"start")");
  CHECK(start["ok"] == true);
  CHECK(start["state"]["state"] == "running");
  CHECK(start["state"]["session"] == "s-1");

  // Refused by role: a panel may not skip; an observer may not do anything.
  auto skip = command(*panel, "panel-1", "p3", R"("cmd":"skip")");
  CHECK(skip["ok"] == false);
  CHECK(skip["reason"] == "not_allowed");
  CHECK(skip["error"] == "device 'panel-1' (role 'panel') may not send 'skip'");
  CHECK(skip["state"]["state"] == "running");  // the reply shows the room as it is
  for (const auto& name : config::all_commands()) {
    auto refused = command(*observer, "observer-1", "o-" + name, R"("cmd":")" + name + "\"");
    CHECK(refused["ok"] == false);
    CHECK(refused["reason"] == "not_allowed");
  }

  // The tablet may send everything; each gets exactly one reply with its id.
  CHECK(command(*tablet, "tablet-1", "t2", R"("cmd":"pause")")["ok"] == true);
  CHECK(command(*panel, "panel-1", "p4", R"("cmd":"resume")")["ok"] == true);
  for (const auto& [id, body] : std::vector<std::pair<std::string, std::string>>{
           {"t3", R"("cmd":"talk","on":true)"},
           {"t4", R"("cmd":"volume","db":-6)"},
           {"t5", R"("cmd":"skip")"},
           {"t6", R"("cmd":"alternate")"},
           {"t7", R"("cmd":"booster","amount_mg":15)"},
           {"t8", R"("cmd":"ack","reminder":"bp-40")"},
           {"t9", R"("cmd":"vitals","bp_sys":121,"bp_dia":79,"spo2":97)"},
           {"t10", R"("cmd":"emergency")"},
           {"t11", R"("cmd":"clear")"},
           {"t12", R"("cmd":"stop")"}}) {
    CAPTURE(body);
    CHECK(command(*tablet, "tablet-1", id, body)["ok"] == true);
  }
  CHECK(command(*tablet, "tablet-1", "t13", R"("cmd":"pause")")["error"] == "'pause' needs state running (the room is ended)");

  // Only valid commands reached the handler, in order; nobody saw another device's replies.
  const auto seen = room.toy.commands();
  REQUIRE(seen.size() == 16);
  CHECK(seen[0].id == "p1");
  CHECK(seen[0].device == "panel-1");
  CHECK(seen[1].client == "c-0042");
  CHECK(seen.back().id == "t13");

  const auto stats = room.link.stats();
  CHECK(stats.commands_accepted == 16);
  CHECK(stats.replies_ok == 14);
  CHECK(stats.replies_refused == 2);
  CHECK(stats.rejected_for(room::RejectReason::NotAllowed) == 1 + config::all_commands().size());
  CHECK(room.toy.rejected() == static_cast<int>(1 + config::all_commands().size()));

  panel_barrier(*panel);
  CHECK(panel->received("stillroom/room-1/reply/tablet-1").empty());
}

TEST_CASE("malformed - unknown and oversize payloads: specific refusals - counters - nothing else changes") {
  Room room;
  auto tablet = room.device("tablet-1", "t-secret");
  auto watcher = test::MqttProbe(room.broker.port(), "watcher", "observer-1", "o-secret");
  watcher.subscribe("stillroom/room-1/stats");

  const std::vector<std::pair<std::string, std::string>> bad = {
      {"{not json", "malformed_json"},
      {"[1,2,3]", "not_object"},
      {R"({"cmd":"pause"})", "missing_id"},
      {R"({"id":"b1","cmd":"puase"})", "unknown_command"},
      {R"({"id":"b2","cmd":"volume","db":"loud"})", "wrong_type"},
      {R"({"id":"b3","cmd":"talk"})", "missing_argument"},
      {R"({"id":"b4","cmd":"volume","db":12})", "out_of_range"},
      {R"({"id":"b5","cmd":"pause","force":true})", "unknown_argument"},
      {R"({"id":"b6","cmd":"pause","cmd":"stop"})", "duplicate_key"},
      {R"({"id":"b7","cmd":"pause","pad":")" + std::string(5000, 'x') + "\"}", "oversize"},
  };
  for (const auto& [payload, reason] : bad) {
    CAPTURE(reason);
    tablet->clear();
    REQUIRE(tablet->publish("stillroom/room-1/cmd/tablet-1", payload).ok);
    const auto reply = tablet->wait_for("stillroom/room-1/reply/tablet-1");
    REQUIRE(reply.has_value());
    const auto body = reply->json();
    CHECK(body["ok"] == false);
    CHECK(body["reason"] == reason);
    CHECK(body["error"].get<std::string>().size() > 10);
    CHECK(body["state"].is_null());  // the toy never published a state: nothing changed
  }
  CHECK(room.toy.commands().empty());

  const auto stats = room.link.stats();
  CHECK(stats.rejected_total() == bad.size());
  CHECK(stats.rejected_for(room::RejectReason::Oversize) == 1);
  CHECK(stats.rejected_for(room::RejectReason::MalformedJson) == 1);
  CHECK(stats.commands_accepted == 0);

  // The retained stats topic catches up (at most once a second).
  const auto published = watcher.wait_for(
      "stillroom/room-1/stats", [&](const test::ProbeMessage& m) { return m.json()["commands"]["rejected"] == bad.size(); },
      5s);
  REQUIRE(published.has_value());
  const auto counters = published->json()["commands"]["rejected_by_reason"];
  CHECK(counters["unknown_command"] == 1);
  CHECK(counters["duplicate_key"] == 1);
  CHECK(counters["not_allowed"] == 0);
  CHECK(published->json()["link"]["connects"] == 1);
}

TEST_CASE("the broker refuses a command on another device's topic - and nothing reaches the handler") {
  Room room;
  auto panel = room.device("panel-1", "p-secret");
  const auto forged = panel->publish("stillroom/room-1/cmd/tablet-1", R"({"id":"f1","cmd":"skip"})");
  CHECK_FALSE(forged.ok);
  CHECK(forged.reason == 135);  // not authorised
  // Nor may it read another device's replies.
  panel->subscribe("stillroom/room-1/reply/tablet-1");
  auto tablet = room.device("tablet-1", "t-secret");
  CHECK(command(*tablet, "tablet-1", "t1", R"("cmd":"skip")")["ok"] == true);
  panel_barrier(*panel);
  CHECK(panel->received("stillroom/room-1/reply/tablet-1").empty());
  // A device without a broker account cannot even connect.
  CHECK_THROWS(test::MqttProbe(room.broker.port(), "stranger", "stranger", "guess"));
  // Only the tablet's own command arrived.
  REQUIRE(room.toy.commands().size() == 1);
  CHECK(room.toy.commands()[0].device == "tablet-1");
}

TEST_CASE("a v5 response topic and correlation data are honoured") {
  Room room;
  auto tablet = room.device("tablet-1", "t-secret");
  REQUIRE(tablet->publish("stillroom/room-1/cmd/tablet-1", R"({"id":"r1","cmd":"talk","on":true})", 1, false,
                          "stillroom/room-1/reply/tablet-1/ui-7", "corr-\x01\x02")
              .ok);
  const auto plain = tablet->wait_for("stillroom/room-1/reply/tablet-1");
  const auto routed = tablet->wait_for("stillroom/room-1/reply/tablet-1/ui-7");
  REQUIRE(plain.has_value());
  REQUIRE(routed.has_value());
  CHECK(routed->json()["id"] == "r1");
  CHECK(routed->json()["ok"] == true);
  CHECK(routed->correlation_data == "corr-\x01\x02");
  CHECK(plain->correlation_data == "corr-\x01\x02");

  // A response topic outside the device's reply space is refused (the room never publishes there).
  tablet->clear();
  REQUIRE(tablet->publish("stillroom/room-1/cmd/tablet-1", R"({"id":"r2","cmd":"talk","on":false})", 1, false,
                         "zigbee2mqtt/ceiling/set", "c2")
              .ok);
  const auto refused = tablet->wait_for("stillroom/room-1/reply/tablet-1");
  REQUIRE(refused.has_value());
  CHECK(refused->json()["reason"] == "bad_response_topic");
  CHECK(refused->correlation_data == "c2");
}

TEST_CASE("status - state and events: retained where they should be - events numbered within the epoch") {
  room::LinkOptions options;
  options.epoch = "e-1";
  Room room(options);
  auto observer = std::make_unique<test::MqttProbe>(room.broker.port(), "observer", "observer-1", "o-secret");
  observer->subscribe("stillroom/room-1/#");
  const auto status = observer->wait_for("stillroom/room-1/status");
  REQUIRE(status.has_value());
  CHECK(status->payload == "online");
  CHECK(status->retained);

  session::RoomState running;
  running.state = session::SessionStatus::Running;
  running.session = "s-7";
  running.since_dose_s = 100.0;
  room.link.publish_state(session::to_json(running));
  const auto state = observer->wait_for("stillroom/room-1/state");
  REQUIRE(state.has_value());
  CHECK(state->json()["session"] == "s-7");
  // The clinicians' copy goes to clinical/events, which a tablet may read.
  test::MqttProbe clinician(room.broker.port(), "clinician", "tablet-1", "t-secret");
  clinician.subscribe("stillroom/room-1/clinical/events");

  CHECK(room.link.publish_event({{"event", "session_started"}}, {{"event", "session_started"}}) == 1);
  CHECK(room.link.publish_event({{"event", "phase_changed"}, {"phase", "onset"}}, {{"event", "phase_changed"}, {"phase", "onset"}}) == 2);
  CHECK(room.link.publish_event({{"event", "talk"}, {"on", true}, {"session", "other"}}, {{"event", "talk"}, {"on", true}, {"session", "other"}}) == 3);
  REQUIRE(observer->wait_for("stillroom/room-1/events", [](const test::ProbeMessage& m) { return m.json()["seq"] == 3; }));
  const auto events = observer->received("stillroom/room-1/events");
  REQUIRE(events.size() == 3);
  CHECK(events[0].json()["event"] == "session_started");
  CHECK(events[0].json()["epoch"] == "e-1");
  CHECK(events[1].json()["phase"] == "onset");
  CHECK(events[2].json()["session"] == "other");  // given fields are kept
  REQUIRE(clinician.wait_for("stillroom/room-1/clinical/events", [](const test::ProbeMessage& m) { return m.json()["seq"] == 3; }));
  const auto clinical = clinician.received("stillroom/room-1/clinical/events");
  REQUIRE(clinical.size() == 3);
  CHECK(clinical[1].json()["epoch"] == "e-1");
  CHECK(clinical[1].json()["seq"] == 2);
  CHECK_FALSE(events[0].retained);
  CHECK(events[0].qos == 1);

  // A late subscriber gets the retained status, state and stats at once.
  test::MqttProbe late(room.broker.port(), "late", "observer-1", "o-secret");
  late.subscribe("stillroom/room-1/+");
  CHECK(late.wait_for("stillroom/room-1/state", [](const test::ProbeMessage& m) { return m.retained; }));
  CHECK(late.wait_for("stillroom/room-1/stats", [](const test::ProbeMessage& m) { return m.retained; }));
  CHECK(late.received("stillroom/room-1/events").empty());
}

TEST_CASE("extra subscriptions reach the listener") {
  Room room;
  room.link.subscribe("stillroom/room-1/record/ack");
  // The subscription is made on the link thread, which says nothing when it is in place: publish until it is.
  test::MqttProbe recorder(room.broker.port(), "recorder", "archive", "a-secret");  // only the archive acknowledges
  bool arrived = false;
  for (int attempt = 0; attempt < 50 && !arrived; ++attempt) {
    REQUIRE(recorder.publish("stillroom/room-1/record/ack", R"({"upto":41})").ok);
    arrived = room.toy.wait([](const test::ToyRoom& t) { return !t.messages_locked().empty(); }, 100ms);
  }
  REQUIRE(arrived);
  CHECK(room.toy.messages()[0] == std::pair<std::string, std::string>{"stillroom/room-1/record/ack", R"({"upto":41})"});
  CHECK(room.link.publish("record", R"({"seq":42})"));
}

TEST_CASE("TCP_NODELAY is set on the link's socket to the broker - and only when asked") {
  {
    Room room;
    const auto count = room::count_tcp_nodelay_to("127.0.0.1", room.broker.port());
    CHECK(count.total == 1);
    CHECK(count.with_nodelay == 1);
    CHECK(room.link.stats().tcp_nodelay_sockets == 1);
  }
  {
    room::LinkOptions options;
    options.tcp_nodelay = false;
    Room room(options);
    const auto count = room::count_tcp_nodelay_to("127.0.0.1", room.broker.port());
    CHECK(count.total == 1);
    CHECK(count.with_nodelay == 0);
  }
}

TEST_CASE("wrong credentials are a specific fault - not a crash") {
  test::Mosquitto broker(test::room_broker_options());
  test::TempDir dir("stillroom-link");
  auto config = test::room_for(broker, dir);
  test::ToyRoom toy;
  room::LinkOptions options;
  options.password = "wrong";
  room::RoomLink link(config, toy, options);
  const auto attached = toy.attach(link);
  link.start();
  REQUIRE(toy.wait([](const test::ToyRoom& t) { return !t.faults_locked().empty(); }, 10s));
  const auto fault = toy.faults()[0];
  CHECK(fault.code == "broker");
  CHECK(fault.active);
  CHECK(fault.message.find("refused the room's credentials (user 'controller')") != std::string::npos);
  CHECK_FALSE(link.connected());

  config.mqtt.password_file = (dir / "missing").string();
  room::RoomLink unreadable(config, toy);
  const std::string expected = "mqtt.password_file '" + (dir / "missing").string() + "' cannot be read";
  CHECK_THROWS_WITH(unreadable.start(), doctest::Contains(expected.c_str()));
}

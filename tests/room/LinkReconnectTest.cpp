#include "LinkChild.hpp"
#include "LinkHarness.hpp"

#include <doctest/doctest.h>

using namespace stillroom;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

std::vector<int> event_numbers(const std::vector<test::ProbeMessage>& events, const char* field) {
  std::vector<int> numbers;
  for (const auto& e : events) numbers.push_back(e.json()[field].get<int>());
  return numbers;
}

std::vector<int> range(int first, int last) {
  std::vector<int> out;
  for (int i = first; i <= last; ++i) out.push_back(i);
  return out;
}

/** A live (not retained) "online" on the room's status: the link announced itself. */
bool live_online(const test::ProbeMessage& m) { return m.payload == "online" && !m.retained; }

}  // namespace

TEST_CASE("broker killed and restarted mid-session: the link comes back and every event arrives in order") {
  test::Mosquitto broker(test::room_broker_options());
  test::TempDir dir("stillroom-link");
  const auto config = test::room_for(broker, dir);
  test::ToyRoom toy;
  // A slow, fixed retry here (the default is 100 ms doubling to 1 s) leaves the test time to
  // put the tablet on the restarted broker before the room comes back.
  room::LinkOptions options;
  options.reconnect_first = 3s;
  options.reconnect_cap = 3s;
  room::RoomLink link(config, toy, options);
  const auto attached = toy.attach(link);
  link.start();
  REQUIRE(link.wait_connected(10s));
  link.subscribe("stillroom/room-1/record/ack");

  session::RoomState running;
  running.state = session::SessionStatus::Running;
  running.session = "s-9";
  link.publish_state(session::to_json(running));
  {
    test::MqttProbe tablet(broker.port(), "tablet-probe", "tablet-1", "t-secret");
    tablet.subscribe("stillroom/room-1/events");
    for (int i = 1; i <= 3; ++i) link.publish_event({{"event", "test"}, {"n", i}}, {{"event", "test"}, {"n", i}});
    REQUIRE(tablet.wait_for("stillroom/room-1/events", [](const test::ProbeMessage& m) { return m.json()["n"] == 3; }));
  }

  broker.kill();
  REQUIRE(toy.wait([](const test::ToyRoom& t) { return t.connection_changes_locked().size() == 2; }, 10s));
  CHECK(toy.connection_changes() == std::vector<bool>{true, false});
  CHECK_FALSE(link.connected());
  // Produced while the broker is away: kept, and sent in order when it returns.
  for (int i = 4; i <= 12; ++i) link.publish_event({{"event", "test"}, {"n", i}}, {{"event", "test"}, {"n", i}});

  broker.start();
  test::MqttProbe tablet(broker.port(), "tablet-probe", "tablet-1", "t-secret");
  tablet.subscribe("stillroom/room-1/events");
  tablet.subscribe("stillroom/room-1/status");
  tablet.subscribe("stillroom/room-1/state");
  REQUIRE(link.wait_connected(10s));
  CHECK(tablet.wait_for("stillroom/room-1/status", live_online, 10s).has_value());
  CHECK(tablet.wait_for("stillroom/room-1/state", [](const test::ProbeMessage& m) {
    return !m.retained && m.json()["session"] == "s-9";
  }, 10s));
  REQUIRE(tablet.wait_for("stillroom/room-1/events", [](const test::ProbeMessage& m) { return m.json()["n"] == 12; }, 10s));
  const auto events = tablet.received("stillroom/room-1/events");
  auto numbers = event_numbers(events, "n");
  // QoS 1 allows a duplicate of an event in flight at the kill; order and completeness are what matter.
  numbers.erase(std::unique(numbers.begin(), numbers.end()), numbers.end());
  CHECK(numbers == range(4, 12));
  CHECK(event_numbers(events, "seq").back() == 12);

  // The fault came and went, and the subscriptions were renewed.
  REQUIRE(toy.wait([](const test::ToyRoom& t) { return t.faults_locked().size() >= 2; }));
  const auto faults = toy.faults();
  CHECK(faults[0].code == "broker");
  CHECK(faults[0].active);
  CHECK(faults.back().code == "broker");
  CHECK_FALSE(faults.back().active);
  test::MqttProbe recorder(broker.port(), "recorder", "archive", "a-secret");  // only the archive acknowledges
  REQUIRE(recorder.publish("stillroom/room-1/record/ack", "{}").ok);
  CHECK(toy.wait([](const test::ToyRoom& t) { return !t.messages_locked().empty(); }));
  CHECK(link.stats().connects == 2);
  CHECK(link.stats().connection_losses == 1);
}

TEST_CASE("the Last Will says offline after kill -9 of the client, an orderly stop says it itself - once") {
  test::Mosquitto broker(test::room_broker_options());
  test::TempDir dir("stillroom-link");
  test::MqttProbe observer(broker.port(), "observer", "observer-1", "o-secret");
  observer.subscribe("stillroom/room-1/status");

  {
    test::LinkChild child({broker.port(), broker.password_file("controller").string(), (dir / "paho-child").string(), 0,
                           (dir / "child-ready").string()});
    REQUIRE(child.wait_ready(10000));
    REQUIRE(observer.wait_for("stillroom/room-1/status", live_online, 10s).has_value());
    observer.clear();
    child.kill_hard();
    const auto will = observer.wait_for("stillroom/room-1/status", nullptr, 10s);
    REQUIRE(will.has_value());
    CHECK(will->payload == "offline");
  }

  const auto config = test::room_for(broker, dir);
  test::ToyRoom toy;
  room::RoomLink link(config, toy);
  const auto attached = toy.attach(link);
  link.start();
  REQUIRE(link.wait_connected(10s));
  REQUIRE(observer.wait_for("stillroom/room-1/status", live_online, 10s).has_value());
  observer.clear();
  link.stop();
  CHECK_FALSE(link.connected());
  const auto goodbye = observer.wait_for("stillroom/room-1/status", nullptr, 5s);
  REQUIRE(goodbye.has_value());
  CHECK(goodbye->payload == "offline");
  {
    // The broker sends a Will as soon as it sees the connection drop, so before anything published on the topic
    // later: once this marker (not retained) is back, a Will would have arrived.
    test::MqttProbe marker(broker.port(), "marker", "controller", "c-secret");
    REQUIRE(marker.publish("stillroom/room-1/status", "marker").ok);
  }
  REQUIRE(observer.wait_for("stillroom/room-1/status", [](const test::ProbeMessage& m) { return m.payload == "marker"; }));
  const auto statuses = observer.received("stillroom/room-1/status");
  REQUIRE(statuses.size() == 2);  // no Will on top of the goodbye
  CHECK(statuses[0].payload == "offline");
  // And the retained status a newcomer sees is offline.
  test::MqttProbe late(broker.port(), "late", "observer-1", "o-secret");
  late.subscribe("stillroom/room-1/status");
  const auto retained = late.wait_for("stillroom/room-1/status");
  REQUIRE(retained.has_value());
  CHECK(retained->payload == "offline");
}

TEST_CASE("events buffered while the broker is away survive a crash of the client") {
  test::Mosquitto broker(test::room_broker_options());
  test::TempDir dir("stillroom-link");
  const auto persistence = (dir / "paho").string();
  broker.kill();  // the room starts while the broker is away

  {
    test::LinkChild child({broker.port(), broker.password_file("controller").string(), persistence, 6,
                           (dir / "child-ready").string()});
    REQUIRE(child.wait_ready(10000));  // every event is in the client's persistence
    child.kill_hard();
  }

  broker.start();
  test::MqttProbe observer(broker.port(), "observer", "observer-1", "o-secret");
  observer.subscribe("stillroom/room-1/events");
  // The controller restarts with the same client id and persistence directory.
  auto config = test::room_for(broker, dir);
  config.mqtt.persistence_dir = persistence;
  test::ToyRoom toy;
  room::RoomLink link(config, toy);
  const auto attached = toy.attach(link);
  link.start();
  REQUIRE(link.wait_connected(10s));
  REQUIRE(observer.wait_for("stillroom/room-1/events", [](const test::ProbeMessage& m) { return m.json()["n"] == 6; }, 10s));
  CHECK(event_numbers(observer.received("stillroom/room-1/events"), "n") == range(1, 6));
}

TEST_CASE("a full offline buffer is a fault - never a crash, what fitted arrives - the gap shows in seq") {
  test::Mosquitto broker(test::room_broker_options());
  test::TempDir dir("stillroom-link");
  const auto config = test::room_for(broker, dir);
  broker.kill();

  test::ToyRoom toy;
  room::LinkOptions options;
  options.max_buffered = 10;  // five events: each goes out twice, on events and on clinical/events
  options.reconnect_first = 3s;  // time to put the observer on the broker first
  options.reconnect_cap = 3s;
  room::RoomLink link(config, toy, options);
  const auto attached = toy.attach(link);
  link.start();
  for (int i = 1; i <= 8; ++i) link.publish_event({{"event", "test"}, {"n", i}}, {{"event", "test"}, {"n", i}});
  CHECK(link.stats().buffer_full == 6);  // events 6, 7 and 8, on both topics
  CHECK(link.stats().events_published == 5);
  CHECK(link.publish("lights", "step", 0) == false);  // QoS 0 is never buffered
  CHECK(link.stats().dropped_offline == 1);
  REQUIRE(toy.wait([](const test::ToyRoom& t) { return !t.faults_locked().empty(); }));
  CHECK(toy.faults()[0].code == "mqtt_buffer");
  CHECK(toy.faults()[0].active);
  CHECK(toy.faults()[0].message == "offline buffer full (10 messages): new messages are lost until the broker is back");

  broker.start();
  test::MqttProbe observer(broker.port(), "observer", "observer-1", "o-secret");
  observer.subscribe("stillroom/room-1/events");
  REQUIRE(link.wait_connected(10s));
  REQUIRE(toy.wait([](const test::ToyRoom& t) {
    for (const auto& f : t.faults_locked())
      if (f.code == "mqtt_buffer" && !f.active) return true;
    return false;
  }));
  CHECK(link.publish_event({{"event", "test"}, {"n", 9}}, {{"event", "test"}, {"n", 9}}) == 9);
  REQUIRE(observer.wait_for("stillroom/room-1/events", [](const test::ProbeMessage& m) { return m.json()["n"] == 9; }, 10s));
  const auto events = observer.received("stillroom/room-1/events");
  CHECK(event_numbers(events, "n") == std::vector<int>{1, 2, 3, 4, 5, 9});
  CHECK(event_numbers(events, "seq") == std::vector<int>{1, 2, 3, 4, 5, 9});
}

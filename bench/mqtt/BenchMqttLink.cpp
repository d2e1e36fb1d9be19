// bench_mqtt_link: measures the room's MQTT link on loopback with a broker it
// starts itself (the shipped ACL, set_tcp_nodelay as asked).
//
//   bench_mqtt_link latency [--count N] [--no-nodelay]
//       N QoS 1 commands from a tablet, each waiting for its reply, through the
//       real RoomLink with a handler that answers at once; prints percentiles.
//       --no-nodelay: neither the clients nor the broker set TCP_NODELAY.
//   bench_mqtt_link reconnect [--rounds N]
//       kill -9 the broker, start it again, time until the retained `online`
//       is back (a fresh subscriber sees it).
//   bench_mqtt_link serve
//       broker with websockets + link; prints "ws_port=P password=W" and runs
//       until standard input closes (for the MQTT.js run).
#include "room/RoomLink.hpp"
#include "room/TcpNoDelay.hpp"
#include "support/Mosquitto.hpp"
#include "support/TempDir.hpp"

#include <mqtt/async_client.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <iostream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

using namespace stillroom;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

namespace {

/** Answers every command at once, from the link thread. */
class Echo final : public room::RoomLinkListener {
 public:
  room::RoomLink* link = nullptr;
  void on_command(const session::Command& command) override { link->reply(command, {{"id", command.id}, {"ok", true}}); }
};

test::MosquittoOptions broker_options(bool nodelay, bool websockets) {
  test::MosquittoOptions options;
  options.users = {{"controller", "c-bench"}, {"tablet-1", "t-bench"}, {"observer-1", "o-bench"}};
  options.acl = test::read_file(test::source_path("config/mosquitto/stillroom.acl"));
  options.tcp_nodelay = nodelay;
  options.websockets = websockets;
  return options;
}

config::Room bench_room(const test::Mosquitto& broker) {
  config::Room room;
  room.id = "room-1";
  room.name = "Bench room";
  room.mqtt.port = broker.port();
  room.mqtt.username = "controller";
  room.mqtt.password_file = broker.password_file("controller").string();
  room.mqtt.discovery_prefix.clear();
  room.devices["tablet-1"] = {"tablet-1", "tablet", {}};
  room.devices["observer-1"] = {"observer-1", "observer", {}};
  room.roles["tablet"] = {"all"};
  room.roles["observer"] = {};
  return room;
}

/** A plain Paho v5 client that waits for messages on one topic. */
class Client {
 public:
  Client(int port, const std::string& id, const std::string& user, const std::string& password)
      : client_("tcp://127.0.0.1:" + std::to_string(port), id, mqtt::create_options(MQTTVERSION_5)) {
    client_.set_message_callback([this](mqtt::const_message_ptr m) {
      {
        std::lock_guard lock(mutex_);
        payloads_.push_back(m->get_payload_str());
      }
      arrived_.notify_all();
    });
    auto options = mqtt::connect_options_builder().mqtt_version(MQTTVERSION_5).clean_start(true).finalize();
    options.set_user_name(user);
    options.set_password(password);
    client_.connect(options)->wait();
  }
  ~Client() {
    client_.disable_callbacks();
    try {
      client_.disconnect()->wait_for(2s);
    } catch (const mqtt::exception&) {
    }
  }
  void subscribe(const std::string& topic) { client_.subscribe(topic, 1)->wait(); }
  void publish(const std::string& topic, const std::string& payload) { client_.publish(topic, payload, 1, false); }
  /** Waits for a message whose payload contains `needle`; consumes everything before it. */
  bool wait(const std::string& needle, std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    return arrived_.wait_for(lock, timeout, [&] {
      while (!payloads_.empty()) {
        const bool hit = payloads_.front().find(needle) != std::string::npos;
        payloads_.erase(payloads_.begin());
        if (hit) return true;
      }
      return false;
    });
  }

 private:
  mqtt::async_client client_;
  std::mutex mutex_;
  std::condition_variable arrived_;
  std::vector<std::string> payloads_;
};

double percentile(std::vector<double> values, double p) {
  std::sort(values.begin(), values.end());
  const auto index = static_cast<std::size_t>(p / 100.0 * static_cast<double>(values.size() - 1) + 0.5);
  return values[std::min(index, values.size() - 1)];
}

int latency(int count, bool nodelay) {
  test::Mosquitto broker(broker_options(nodelay, false));
  test::TempDir dir("stillroom-bench");
  auto room = bench_room(broker);
  room.mqtt.persistence_dir = (dir / "paho").string();
  Echo echo;
  room::LinkOptions options;
  options.tcp_nodelay = nodelay;
  room::RoomLink link(room, echo, options);
  echo.link = &link;
  link.start();
  if (!link.wait_connected(10s)) {
    std::cerr << "link did not connect\n";
    return 1;
  }
  Client tablet(broker.port(), "bench-tablet", "tablet-1", "t-bench");
  if (nodelay) room::set_tcp_nodelay_to("127.0.0.1", broker.port());  // the tablet's socket too, as a panel would
  tablet.subscribe("stillroom/room-1/reply/tablet-1");

  std::vector<double> ms;
  ms.reserve(static_cast<std::size_t>(count));
  const int warmup = 20;
  for (int i = -warmup; i < count; ++i) {
    const std::string id = "b" + std::to_string(i + warmup);
    const auto t0 = Clock::now();
    tablet.publish("stillroom/room-1/cmd/tablet-1", R"({"id":")" + id + R"(","cmd":"talk","on":true})");
    if (!tablet.wait("\"id\":\"" + id + "\"", 5s)) {
      std::cerr << "no reply to " << id << "\n";
      return 1;
    }
    if (i >= 0) ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
  }
  const auto nodelay_sockets = room::count_tcp_nodelay_to("127.0.0.1", broker.port());
  std::printf("mqtt latency %s: %d QoS 1 command->reply  p50 %.3f ms  p90 %.3f ms  p99 %.3f ms  max %.3f ms"
              "  (sockets with TCP_NODELAY: %d of %d)\n",
              nodelay ? "TCP_NODELAY on" : "TCP_NODELAY off (reference)", count, percentile(ms, 50),
              percentile(ms, 90), percentile(ms, 99), *std::max_element(ms.begin(), ms.end()),
              nodelay_sockets.with_nodelay, nodelay_sockets.total);
  link.stop();
  return 0;
}

int reconnect(int rounds) {
  test::Mosquitto broker(broker_options(true, false));
  test::TempDir dir("stillroom-bench");
  auto room = bench_room(broker);
  Echo echo;
  room::RoomLink link(room, echo);
  echo.link = &link;
  link.start();
  if (!link.wait_connected(10s)) return 1;
  std::vector<double> seconds;
  std::vector<double> linked;
  for (int round = 0; round < rounds; ++round) {
    broker.kill();
    std::this_thread::sleep_for(std::chrono::milliseconds(300 + 137 * round));  // different phases of the backoff
    broker.start();
    const auto back = Clock::now();  // the broker accepts connections
    if (!link.wait_connected(10s)) return 1;
    linked.push_back(std::chrono::duration<double>(Clock::now() - back).count());
    // A fresh subscriber: without broker persistence the retained status is the link's new `online`.
    Client observer(broker.port(), "bench-observer", "observer-1", "o-bench");
    observer.subscribe("stillroom/room-1/status");
    if (!observer.wait("online", 10s)) {
      std::cerr << "the room did not come back\n";
      return 1;
    }
    seconds.push_back(std::chrono::duration<double>(Clock::now() - back).count());
  }
  std::printf("mqtt reconnect: broker killed and restarted %d times; back online after  median %.2f s  max %.2f s\n",
              rounds, percentile(seconds, 50), *std::max_element(seconds.begin(), seconds.end()));
  std::printf("mqtt reconnect: the link itself connected after  median %.2f s  max %.2f s\n", percentile(linked, 50),
              *std::max_element(linked.begin(), linked.end()));
  link.stop();
  return 0;
}

int serve() {
  test::Mosquitto broker(broker_options(true, true));
  test::TempDir dir("stillroom-bench");
  auto room = bench_room(broker);
  Echo echo;
  room::RoomLink link(room, echo);
  echo.link = &link;
  link.start();
  if (!link.wait_connected(10s)) return 1;
  std::printf("ws_port=%d password=t-bench\n", broker.websockets_port());
  std::fflush(stdout);
  std::string line;
  while (std::getline(std::cin, line)) {
  }
  link.stop();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  const auto number = [&](const std::string& flag, int fallback) {
    for (std::size_t i = 0; i + 1 < args.size(); ++i)
      if (args[i] == flag) return std::stoi(args[i + 1]);
    return fallback;
  };
  const auto has = [&](const std::string& flag) { return std::find(args.begin(), args.end(), flag) != args.end(); };
  try {
    if (!args.empty() && args[0] == "latency") return latency(number("--count", 1000), !has("--no-nodelay"));
    if (!args.empty() && args[0] == "reconnect") return reconnect(number("--rounds", 10));
    if (!args.empty() && args[0] == "serve") return serve();
  } catch (const std::exception& e) {
    std::cerr << "bench_mqtt_link: " << e.what() << "\n";
    return 1;
  }
  std::cerr << "usage: bench_mqtt_link latency [--count N] [--no-nodelay] | reconnect [--rounds N] | serve\n";
  return 2;
}

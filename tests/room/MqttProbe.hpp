// MqttProbe: a plain MQTT v5 client for tests — a panel, a tablet, an
// observer, a light — that publishes (with v5 request properties) and records
// every message it receives, so tests can wait for what a real device would see.
#pragma once

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace mqtt {
class async_client;
}

namespace stillroom::test {

struct ProbeMessage {
  std::string topic;
  std::string payload;
  bool retained = false;
  std::string correlation_data;
  int qos = 0;
  /** Arrival order at this probe: 1, 2, 3, ... over its whole life (clear() does not reset it). */
  std::uint64_t order = 0;
  /** When it arrived here. */
  std::chrono::steady_clock::time_point arrived{};

  [[nodiscard]] nlohmann::json json() const { return nlohmann::json::parse(payload); }
};

struct PublishResult {
  bool ok = false;
  /** MQTT v5 reason code of the PUBACK (0 = success, 135 = not authorised). */
  int reason = 0;
};

class MqttProbe {
 public:
  /**
   * Connects (MQTT v5) as `user`, anonymous when empty; throws when it cannot.
   * `persistent`: the broker keeps the session (and queues QoS 1 messages) while the probe is away.
   * `ca_file`: connect over TLS, verifying the broker's certificate against this CA.
   */
  MqttProbe(int port, const std::string& client_id, const std::string& user = {}, const std::string& password = {},
            bool persistent = false, const std::string& ca_file = {});
  ~MqttProbe();
  MqttProbe(const MqttProbe&) = delete;
  MqttProbe& operator=(const MqttProbe&) = delete;

  void subscribe(const std::string& filter, int qos = 1);
  /** Publishes and waits for the broker's answer (QoS 1: the PUBACK and its reason code). */
  PublishResult publish(const std::string& topic, const std::string& payload, int qos = 1, bool retained = false,
                        const std::string& response_topic = {}, const std::string& correlation = {});

  /** Waits for the first message on `topic` (received so far or later) that `match` accepts. */
  std::optional<ProbeMessage> wait_for(const std::string& topic,
                                       const std::function<bool(const ProbeMessage&)>& match = nullptr,
                                       std::chrono::milliseconds timeout = std::chrono::seconds(5));
  /** Everything received on `topic` so far, in order. */
  [[nodiscard]] std::vector<ProbeMessage> received(const std::string& topic) const;
  /** Everything received so far on any topic, in order. */
  [[nodiscard]] std::vector<ProbeMessage> received_all() const;
  /** Forgets what was received. */
  void clear();
  /** Waits until the client is connected again after a broker restart (it reconnects by itself). */
  bool wait_connected(std::chrono::milliseconds timeout);

 private:
  std::unique_ptr<mqtt::async_client> client_;
  mutable std::mutex mutex_;
  std::condition_variable arrived_;
  std::vector<ProbeMessage> messages_;
  std::uint64_t arrived_count_ = 0;
  std::vector<std::pair<std::string, int>> subscriptions_;
  /** Set by the connected / connection-lost handlers. */
  bool connected_ = false;
};

}  // namespace stillroom::test

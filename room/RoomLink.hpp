// RoomLink: the room's connection to the clinic's MQTT broker (Paho MQTT C++,
// MQTT v5). It keeps a persistent session, reconnects by itself with a short
// backoff, resubscribes on every connect, publishes `status` (online, with
// `offline` as Last Will and on an orderly stop), the retained `state` (and
// republishes it every few seconds while a session runs), `events` with a
// sequence number, `stats`, the Home Assistant discovery message, and answers
// on `reply/<device>`. Commands arriving on `cmd/<device>` are validated here
// and only valid ones reach the listener.
//
// Threads: one link thread owns the Paho client's lifecycle and calls the
// listener; Paho's callbacks only queue work for it (they must never block).
// The publishing functions may be called from any thread.
#pragma once

#include "config/Room.hpp"
#include "session/Command.hpp"
#include "room/LinkStats.hpp"
#include "room/MqttMessage.hpp"
#include "room/RoomLinkListener.hpp"
#include "session/RoomState.hpp"
#include "room/Topics.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace stillroom::room {

struct LinkOptions {
  /** MQTT client id; default "stillroom-<room id>" (must be stable: the session and the persistence hang on it). */
  std::string client_id;
  /** Password used instead of reading mqtt.password_file (tools and tests). */
  std::optional<std::string> password;
  /** Set TCP_NODELAY on the connection (off only to measure what it saves). */
  bool tcp_nodelay = true;
  config::Millis reconnect_first{100};
  config::Millis reconnect_cap{500};
  /** How long the broker keeps the session (and queued commands) while the room is away. */
  std::chrono::seconds session_expiry{600};
  config::Millis connect_timeout{5000};
  /** Messages buffered (and persisted) while the broker is away; beyond that a fault. */
  int max_buffered = 10000;
  /** Names this run of the controller: events are numbered 1, 2, 3… within it (seq restarts with a new epoch). */
  std::string epoch = "0";
  /** Software version announced in Home Assistant discovery. */
  std::string version = "0.1.0";
};

class RoomLink {
 public:
  /** Keeps references: `room` and `listener` must outlive the link. Nothing connects before start(). */
  RoomLink(const config::Room& room, RoomLinkListener& listener, LinkOptions options = {});
  /** Stops (publishing `offline`) if still running. */
  ~RoomLink();
  RoomLink(const RoomLink&) = delete;
  RoomLink& operator=(const RoomLink&) = delete;

  /**
   * Creates the client and starts connecting in the background. Throws
   * std::runtime_error with a specific message when the configuration cannot
   * work (unreadable password file, persistence directory not creatable).
   */
  void start();
  /** Publishes `offline`, disconnects cleanly and joins the link thread. Idempotent; never throws (also while a connect is pending). */
  void stop() noexcept;
  /** Waits until connected (false after `timeout`). Not for use inside a listener callback. */
  bool wait_connected(std::chrono::milliseconds timeout) const;
  [[nodiscard]] bool connected() const noexcept;

  /** Publishes the state (retained) now and keeps it for the replies the link sends itself (refusals). */
  void publish_state(const nlohmann::json& state);
  /**
   * Publishes one event twice with the same `epoch` and `seq` (QoS 1, not retained,
   * buffered while the broker is away): `public_event` on `events`, `clinical_event`
   * (every field) on `clinical/events`. Returns its seq.
   */
  std::uint64_t publish_event(nlohmann::json public_event, nlohmann::json clinical_event);
  /** Sends `body` ({"id", "ok", "state", ...}) on `reply/<device>` (and the v5 response topic, with correlation data). */
  void reply(const session::Command& command, const nlohmann::json& body);
  /** When the current broker connection came up (nullopt while away): commands sent before it were queued. */
  [[nodiscard]] std::optional<std::chrono::system_clock::time_point> connected_at() const;
  /** Publishes on `<prefix>/<room>/<subtopic>`. QoS 0 is dropped while offline; QoS >= 1 is buffered. */
  bool publish(const std::string& subtopic, const std::string& payload, int qos = 1, bool retained = false);
  /** Publishes on an absolute topic (lights, other systems), same rules as publish(). */
  bool publish_message(const MqttMessage& message);
  /** Adds a subscription (absolute filter), kept across reconnects; messages go to on_message(). */
  void subscribe(const std::string& filter, int qos = 1);
  /** Publishes the empty retained discovery message that removes the room from Home Assistant. */
  void remove_discovery();

  [[nodiscard]] const Topics& topics() const noexcept;
  [[nodiscard]] LinkStats stats() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace stillroom::room

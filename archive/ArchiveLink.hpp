// ArchiveLink: the archive's one MQTT v5 client on the clinic broker — TLS,
// a persistent session (clean start off, a long session expiry) so the broker
// queues every room's stream while the archive is away, one wildcard
// subscription per stream (<prefix>/+/record, <prefix>/+/record/checkpoint)
// renewed on every connect, and reconnects driven by tick(). Paho's threads
// only hand messages and connection changes to the handlers (which must not
// block); tick() and publish() are called by the archive's worker thread.
// Standard MQTT v5 only: any broker will do.
#pragma once

#include "archive/ArchiveConfig.hpp"

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>

namespace mqtt {
class async_client;
class connect_options;
class iaction_listener;
}  // namespace mqtt

namespace stillroom::archive {

struct InboundMessage {
  std::string topic;
  std::string payload;
  /** Delivered because it was retained when the archive subscribed (not sent just now). */
  bool retained = false;
};

class ArchiveLink {
 public:
  struct Handlers {
    std::function<void(InboundMessage)> message;
    /** The session is up (again) and the subscriptions are renewed. */
    std::function<void()> connected;
    /** The connection was lost or could not be made: why. */
    std::function<void(const std::string&)> lost;
  };

  /** Throws std::runtime_error when the client cannot be created (a bad URI, an unreadable password file). */
  ArchiveLink(const ArchiveConfig::Mqtt& mqtt, Handlers handlers);
  ~ArchiveLink();
  ArchiveLink(const ArchiveLink&) = delete;
  ArchiveLink& operator=(const ArchiveLink&) = delete;

  /** Starts a connection attempt when none is up or under way and the backoff has passed. */
  void tick();
  /** Publishes (QoS 0/1) without waiting; false when not connected or the client refused it. */
  bool publish(const std::string& topic, const std::string& payload, int qos, bool retained) noexcept;
  [[nodiscard]] bool connected() const noexcept { return connected_; }
  /** An orderly DISCONNECT (the broker keeps the session). */
  void stop() noexcept;

 private:
  void on_connected();
  void on_failed(const std::string& why);

  ArchiveConfig::Mqtt mqtt_;
  Handlers handlers_;
  std::unique_ptr<mqtt::connect_options> options_;
  /** Told when a connection attempt fails (one attempt is under way at a time). */
  std::unique_ptr<mqtt::iaction_listener> listener_;
  /** Declared last, destroyed first: no callback outlives what it uses. */
  std::unique_ptr<mqtt::async_client> client_;
  std::atomic<bool> connected_{false};
  std::atomic<bool> attempting_{false};
  std::atomic<bool> stopping_{false};
  std::chrono::steady_clock::time_point next_attempt_{};
  std::chrono::milliseconds backoff_{250};
};

}  // namespace stillroom::archive

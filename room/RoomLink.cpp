#include "room/RoomLink.hpp"

#include "room/Backoff.hpp"
#include "room/BrokerProbe.hpp"
#include "room/CommandParser.hpp"
#include "room/Discovery.hpp"
#include "room/TcpNoDelay.hpp"

#include <mqtt/async_client.h>
#include <pthread.h>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <fstream>
#include <functional>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

namespace stillroom::room {
namespace {

using steady = std::chrono::steady_clock;
using nlohmann::json;

/** Stats are republished at most this often (a burst of commands makes one message). */
constexpr auto stats_interval = std::chrono::seconds(1);
/** How long an orderly stop waits for `offline` to be acknowledged and for the disconnect. */
constexpr auto stop_grace = std::chrono::seconds(2);
/** How long a reconnect attempt waits for the broker's TCP port before trying again later. */
constexpr auto probe_limit = std::chrono::milliseconds(250);

std::string read_password(const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw std::runtime_error("mqtt.password_file '" + file + "' cannot be read");
  std::string password;
  std::getline(in, password);
  while (!password.empty() && (password.back() == '\r' || password.back() == '\n')) password.pop_back();
  if (password.empty()) throw std::runtime_error("mqtt.password_file '" + file + "' is empty");
  return password;
}

/** A message from Paho, copied so that it can cross to the link thread. */
struct Incoming {
  std::string topic;
  std::string payload;
  RequestProperties properties;
};

}  // namespace

struct RoomLink::Impl : public mqtt::iaction_listener {
  Impl(const config::Room& r, RoomLinkListener& l, LinkOptions o)
      : room(r),
        listener(l),
        options(std::move(o)),
        topics(r.mqtt.topic_prefix, r.id),
        parser(r, topics),
        backoff(options.reconnect_first, options.reconnect_cap) {
    if (options.client_id.empty()) options.client_id = "stillroom-" + r.id;
  }

  const config::Room& room;
  RoomLinkListener& listener;
  LinkOptions options;
  Topics topics;
  CommandParser parser;
  std::unique_ptr<mqtt::async_client> client;
  mqtt::connect_options connect_options;

  // The link thread's queue: Paho callbacks and public calls post work here.
  std::mutex queue_mutex;
  std::condition_variable queue_cv;
  std::deque<std::function<void()>> queue;
  bool quit = false;
  std::thread thread;

  // Owned by the link thread.
  Backoff backoff;
  std::optional<steady::time_point> reconnect_at;
  bool attempt_in_flight = false;
  bool stopping = false;
  bool stats_dirty = true;
  steady::time_point stats_published_at{};
  /** The broker refused the credentials (reported once until a connect succeeds). */
  bool credentials_fault = false;
  /** The TLS connect failed (reported once until a connect succeeds). */
  bool tls_fault = false;

  // Shared with publishing threads; `mutex` also keeps publishes in call order.
  std::atomic<bool> is_connected{false};
  mutable std::mutex mutex;
  mutable std::condition_variable connected_cv;
  /** The last state published: retained again on every connect, and in the link's own replies. */
  json state = nullptr;
  std::uint64_t next_seq = 1;
  std::optional<std::chrono::system_clock::time_point> connected_since;
  LinkStats stats;
  std::vector<std::pair<std::string, int>> subscriptions;
  bool buffer_fault = false;
  bool started = false;

  // ---- any thread ----

  void post(std::function<void()> work) {
    {
      std::lock_guard lock(queue_mutex);
      if (quit) return;
      queue.push_back(std::move(work));
    }
    queue_cv.notify_one();
  }

  /** Publishes under `mutex` (held by the caller). False when dropped or refused. */
  bool send_locked(const std::string& topic, const std::string& payload, int qos, bool retained,
                   const mqtt::properties* properties = nullptr) {
    if (!client) return false;
    if (qos == 0 && !is_connected) {
      ++stats.dropped_offline;
      return false;
    }
    try {
      auto message = mqtt::make_message(topic, payload, qos, retained);
      if (properties != nullptr) message->set_properties(*properties);
      client->publish(message);
      return true;
    } catch (const mqtt::exception& e) {
      if (e.get_return_code() == MQTTASYNC_MAX_BUFFERED_MESSAGES) {
        ++stats.buffer_full;
        if (!buffer_fault) {
          buffer_fault = true;
          const std::string why = "offline buffer full (" + std::to_string(options.max_buffered) +
                                  " messages): new messages are lost until the broker is back";
          post([this, why] { listener.on_link_fault("mqtt_buffer", why, true); });
        }
      } else {
        ++stats.publish_errors;
      }
      return false;
    }
  }

  void publish_state_locked() {
    if (state.is_null() || !is_connected) return;
    send_locked(topics.state(), state.dump(), 1, true);
  }

  void reply_locked(const std::string& device, const session::ReplyRoute& route, const std::string& payload) {
    mqtt::properties properties;
    if (route.has_correlation)
      properties.add(mqtt::property(mqtt::property::CORRELATION_DATA, route.correlation_data));
    send_locked(topics.reply(device), payload, 1, false, &properties);
    if (!route.response_topic.empty()) send_locked(route.response_topic, payload, 1, false, &properties);
  }

  // ---- Paho callbacks (Paho's threads): only queue work ----

  void on_failure(const mqtt::token& token) override {
    const int rc = token.get_return_code();
    const int reason = static_cast<int>(token.get_reason_code());
    post([this, rc, reason] { connect_failed(rc, reason); });
  }
  void on_success(const mqtt::token&) override {}

  // ---- link thread ----

  void run() {
    reconnect_at = steady::now();
    for (;;) {
      std::function<void()> work;
      const auto wake = next_wake();  // before queue_mutex: it takes `mutex`, which is held while posting
      {
        std::unique_lock lock(queue_mutex);
        const auto ready = [this] { return quit || !queue.empty(); };
        if (wake) queue_cv.wait_until(lock, *wake, ready);
        else queue_cv.wait(lock, ready);
        if (quit && queue.empty()) return;
        if (!queue.empty()) {
          work = std::move(queue.front());
          queue.pop_front();
        }
      }
      if (work) work();
      timers();
    }
  }

  std::optional<steady::time_point> next_wake() {
    std::optional<steady::time_point> wake = reconnect_at;
    const auto consider = [&](steady::time_point t) {
      if (!wake || t < *wake) wake = t;
    };
    if (is_connected && stats_dirty) consider(stats_published_at + stats_interval);
    return wake;
  }

  void timers() {
    const auto now = steady::now();
    if (reconnect_at && now >= *reconnect_at && !stopping) {
      reconnect_at.reset();
      attempt_connect();
    }
    if (!is_connected) return;
    if (stats_dirty && now >= stats_published_at + stats_interval) publish_stats();
  }

  void attempt_connect() {
    if (attempt_in_flight || is_connected || stopping) return;
    if (!broker_accepts(room.mqtt.host, room.mqtt.port, probe_limit)) {
      reconnect_at = steady::now() + backoff.next();
      return;
    }
    try {
      attempt_in_flight = true;
      client->connect(connect_options, nullptr, *this);
    } catch (const mqtt::exception&) {
      attempt_in_flight = false;
      reconnect_at = steady::now() + backoff.next();
    }
  }

  void connect_failed(int rc, int reason) {
    attempt_in_flight = false;
    if (stopping || is_connected) return;
    // Paho reports a v5 CONNACK refusal as the return code (0x86 bad user name or
    // password, 0x87 not authorised), v3 as 4 / 5.
    const auto refused = [](int code) { return code == 0x86 || code == 0x87 || code == 4 || code == 5; };
    if ((refused(rc) || refused(reason)) && !credentials_fault) {
      credentials_fault = true;
      listener.on_link_fault("broker",
                             "the broker refused the room's credentials (user '" + room.mqtt.username +
                                 "'): check mqtt.username, mqtt.password_file and the broker's password file",
                             true);
    }
    // Over TLS a refused attempt on a port that accepts is the handshake or the certificate: the room must
    // not keep trying in silence.
    if (room.mqtt.tls && !credentials_fault && !tls_fault) {
      tls_fault = true;
      listener.on_link_fault("broker", tls_refusal(rc), true);
    }
    reconnect_at = steady::now() + backoff.next();
  }

  /** The broker fault's message for a TLS connect that failed: the certificate, or the handshake itself. */
  [[nodiscard]] std::string tls_refusal(int rc) const {
    const std::string broker = room.mqtt.host + ":" + std::to_string(room.mqtt.port);
    return "the certificate of the broker at " + broker + " did not verify, or the TLS handshake failed (code " +
           std::to_string(rc) + "): check that mqtt.tls.ca_file signed the broker's certificate, that the " +
           "certificate names " + room.mqtt.host + ", and the broker's TLS listener; not connecting";
  }

  void connected() {
    attempt_in_flight = false;
    backoff.reset();
    if (stopping) return;
    const bool first = stats.connects == 0;
    int nodelay = 0;
    if (options.tcp_nodelay) nodelay = set_tcp_nodelay_to(room.mqtt.host, room.mqtt.port);

    // Subscriptions do not survive an automatic reconnect: make them on every connect.
    std::vector<std::pair<std::string, int>> wanted = {{topics.commands_filter(), 1}};
    if (!room.mqtt.discovery_prefix.empty()) wanted.emplace_back(room.mqtt.discovery_prefix + "/status", 1);
    bool buffer_was_full = false;
    {
      std::lock_guard lock(mutex);
      for (const auto& s : subscriptions) wanted.push_back(s);
      is_connected = true;
      connected_since = std::chrono::system_clock::now();
      ++stats.connects;
      stats.tcp_nodelay_sockets = nodelay;
      buffer_was_full = buffer_fault;
      buffer_fault = false;
    }
    subscribe_all(wanted);
    {
      std::lock_guard lock(mutex);
      send_locked(topics.status(), "online", 1, true);
      publish_state_locked();
      const auto discovery = make_discovery(room, topics, options.version);
      if (!discovery.topic.empty()) send_locked(discovery.topic, discovery.payload, 1, true);
    }
    connected_cv.notify_all();
    stats_dirty = true;
    publish_stats();
    if (buffer_was_full) listener.on_link_fault("mqtt_buffer", "offline buffer drained", false);
    if (!first || credentials_fault || tls_fault) listener.on_link_fault("broker", "connected to the broker again", false);
    credentials_fault = false;
    tls_fault = false;
    listener.on_connection_changed(true);
  }

  void subscribe_all(const std::vector<std::pair<std::string, int>>& wanted) {
    for (const auto& [filter, qos] : wanted) {
      try {
        client->subscribe(filter, qos);
      } catch (const mqtt::exception&) {
        // The connection dropped again; the next connect subscribes anew.
      }
    }
  }

  void connection_lost(const std::string& cause) {
    attempt_in_flight = false;
    if (!is_connected) {
      if (!stopping && !reconnect_at) reconnect_at = steady::now() + backoff.next();
      return;
    }
    {
      std::lock_guard lock(mutex);
      is_connected = false;
      connected_since.reset();
      ++stats.connection_losses;
    }
    stats_dirty = true;
    if (stopping) return;
    reconnect_at = steady::now() + backoff.next();
    listener.on_link_fault("broker",
                           "lost the broker connection" + (cause.empty() ? std::string() : " (" + cause + ")") +
                               "; reconnecting, events are kept until it is back",
                           true);
    listener.on_connection_changed(false);
  }

  void incoming(const Incoming& message) {
    if (topics.command_device(message.topic)) {
      handle_command(message);
      return;
    }
    if (!room.mqtt.discovery_prefix.empty() && message.topic == room.mqtt.discovery_prefix + "/status") {
      if (message.payload == "online") {
        // Home Assistant restarted: it forgets devices that are not retained or resent.
        std::lock_guard lock(mutex);
        const auto discovery = make_discovery(room, topics, options.version);
        if (!discovery.topic.empty()) send_locked(discovery.topic, discovery.payload, 1, true);
      }
      return;
    }
    listener.on_message(message.topic, message.payload);
  }

  void handle_command(const Incoming& message) {
    auto result = parser.parse(message.topic, message.payload, message.properties);
    if (auto* command = std::get_if<session::Command>(&result)) {
      {
        std::lock_guard lock(mutex);
        ++stats.commands_accepted;
      }
      stats_dirty = true;
      listener.on_command(*command);
      return;
    }
    const auto& rejection = std::get<Rejection>(result);
    {
      std::lock_guard lock(mutex);
      ++stats.rejected[static_cast<std::size_t>(rejection.reason)];
      const json body = {{"id", rejection.id ? json(*rejection.id) : json(nullptr)},
                         {"ok", false},
                         {"error", rejection.error},
                         {"reason", to_string(rejection.reason)},
                         {"state", state}};
      reply_locked(rejection.device, rejection.route, body.dump());
    }
    stats_dirty = true;
    listener.on_rejected(rejection);
  }

  void publish_stats() {
    std::lock_guard lock(mutex);
    if (!is_connected) return;
    send_locked(topics.stats(), stats.to_json().dump(), 1, true);
    stats_published_at = steady::now();
    stats_dirty = false;
  }

  /** Orderly stop on the link thread: `offline` first (the Will is not sent on a clean disconnect). */
  void shut_down() {
    stopping = true;
    reconnect_at.reset();
    if (is_connected) {
      try {
        auto token = client->publish(mqtt::make_message(topics.status(), "offline", 1, true));
        token->wait_for(stop_grace);
        client->disconnect(std::chrono::milliseconds(500))->wait_for(stop_grace);
      } catch (const std::exception&) {
        // The broker went away meanwhile: its Will says offline for us.
      }
    } else {
      try {
        client->disconnect(0)->wait_for(stop_grace);
      } catch (const std::exception&) {
        // Not connected, or a connect still pending: nothing to close.
      }
    }
    is_connected = false;
    std::lock_guard lock(queue_mutex);
    quit = true;
  }
};

RoomLink::RoomLink(const config::Room& room, RoomLinkListener& listener, LinkOptions options)
    : impl_(std::make_unique<Impl>(room, listener, std::move(options))) {}

RoomLink::~RoomLink() { stop(); }

void RoomLink::start() {
  Impl& d = *impl_;
  if (d.started) return;
  const auto& mqtt = d.room.mqtt;

  std::string password;
  if (d.options.password) password = *d.options.password;
  else if (!mqtt.password_file.empty()) password = read_password(mqtt.password_file);

  std::string persistence = mqtt.persistence_dir;
  if (!persistence.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(persistence, ec);
    if (ec || !std::filesystem::is_directory(persistence))
      throw std::runtime_error("mqtt.persistence_dir '" + persistence + "' cannot be created: " + ec.message());
  }

  auto create = mqtt::create_options(MQTTVERSION_5);
  create.set_send_while_disconnected(true, true);  // events queue up before the first connect and while away
  create.set_max_buffered_messages(d.options.max_buffered);
  create.set_restore_messages(true);
  create.set_persist_qos0(false);

  const std::string uri = std::string(mqtt.tls ? "ssl://" : "tcp://") + mqtt.host + ":" + std::to_string(mqtt.port);
  try {
    if (persistence.empty())
      d.client = std::make_unique<mqtt::async_client>(uri, d.options.client_id, create, nullptr);
    else
      d.client = std::make_unique<mqtt::async_client>(uri, d.options.client_id, create, persistence);
  } catch (const mqtt::exception& e) {
    throw std::runtime_error("cannot create the MQTT client for " + uri + ": " + e.what());
  }

  mqtt::properties connect_properties;
  connect_properties.add(mqtt::property(mqtt::property::SESSION_EXPIRY_INTERVAL,
                                        static_cast<uint32_t>(d.options.session_expiry.count())));
  auto builder = mqtt::connect_options_builder()
                     .mqtt_version(MQTTVERSION_5)
                     .clean_start(false)
                     .keep_alive_interval(std::chrono::duration_cast<std::chrono::seconds>(mqtt.keepalive))
                     .connect_timeout(std::chrono::duration_cast<std::chrono::seconds>(d.options.connect_timeout))
                     .automatic_reconnect(false)
                     .will(mqtt::message(d.topics.status(), "offline", 1, true));
  if (!mqtt.username.empty()) builder.user_name(mqtt.username);
  if (!password.empty()) builder.password(password);
  if (mqtt.tls) {
    auto ssl = mqtt::ssl_options_builder();
    if (!mqtt.tls->ca_file.empty()) ssl.trust_store(mqtt.tls->ca_file);
    if (!mqtt.tls->cert_file.empty()) ssl.key_store(mqtt.tls->cert_file);
    if (!mqtt.tls->key_file.empty()) ssl.private_key(mqtt.tls->key_file);
    ssl.enable_server_cert_auth(mqtt.tls->verify).verify(mqtt.tls->verify);
    // No error_handler: Paho C++ 1.2.0 hands the C library a pointer to the copy of these options that
    // async_client::connect() takes by value, gone when connect() returns; a handshake that fails later
    // calls the handler through it (a SIGSEGV at a wild address under ASan and TSan). The fault says
    // what can be known without OpenSSL's reason.
    builder.ssl(ssl.finalize());
  }
  d.connect_options = builder.finalize();
  // Paho C++ 1.2.0 copies connect options with a pointer to the source's properties
  // (fixed upstream later): set them on the object that lives as long as the client,
  // so every copy connect() makes points at live memory.
  d.connect_options.set_properties(connect_properties);

  d.client->set_connected_handler([&d](const std::string&) { d.post([&d] { d.connected(); }); });
  d.client->set_connection_lost_handler(
      [&d](const std::string& cause) { d.post([&d, cause] { d.connection_lost(cause); }); });
  d.client->set_disconnected_handler([&d](const mqtt::properties&, mqtt::ReasonCode reason) {
    const std::string cause = "the broker disconnected the room, reason " + std::to_string(static_cast<int>(reason));
    d.post([&d, cause] { d.connection_lost(cause); });
  });
  d.client->set_message_callback([&d](mqtt::const_message_ptr message) {
    Incoming in{message->get_topic(), message->get_payload_str(), {}};
    const auto& props = message->get_properties();
    if (props.contains(mqtt::property::RESPONSE_TOPIC))
      in.properties.response_topic = mqtt::get<std::string>(props, mqtt::property::RESPONSE_TOPIC);
    if (props.contains(mqtt::property::CORRELATION_DATA))
      in.properties.correlation_data = mqtt::get<std::string>(props, mqtt::property::CORRELATION_DATA);
    d.post([&d, in = std::move(in)] { d.incoming(in); });
  });

  d.started = true;
  d.thread = std::thread([&d] {
    pthread_setname_np(pthread_self(), "room-link");  // Paho's threads, started from here, inherit it
    d.run();
  });
}

void RoomLink::stop() noexcept {
  Impl& d = *impl_;
  if (!d.started) return;
  d.started = false;
  // Called on the way out (a signal, a fault): whatever the client library throws here
  // must not turn an orderly stop into an abort.
  // A connect still pending (a broker refused at the TLS handshake) makes Paho's disconnect fail with
  // MQTT error [-1]: each step is tried on its own, so the thread is joined and the client freed regardless.
  try {
    d.post([&d] { d.shut_down(); });
  } catch (...) {
  }
  if (d.thread.joinable()) d.thread.join();
  try {
    d.client->disable_callbacks();
  } catch (...) {
  }
  try {
    d.client.reset();
  } catch (...) {
  }
}

bool RoomLink::wait_connected(std::chrono::milliseconds timeout) const {
  std::unique_lock lock(impl_->mutex);
  return impl_->connected_cv.wait_for(lock, timeout, [this] { return impl_->is_connected.load(); });
}

bool RoomLink::connected() const noexcept { return impl_->is_connected; }

void RoomLink::publish_state(const nlohmann::json& state) {
  Impl& d = *impl_;
  std::lock_guard lock(d.mutex);
  d.state = state;
  d.publish_state_locked();
}

std::uint64_t RoomLink::publish_event(nlohmann::json public_event, nlohmann::json clinical_event) {
  Impl& d = *impl_;
  std::lock_guard lock(d.mutex);
  const std::uint64_t seq = d.next_seq++;
  for (auto* event : {&public_event, &clinical_event}) {
    (*event)["epoch"] = d.options.epoch;
    (*event)["seq"] = seq;
  }
  if (d.send_locked(d.topics.events(), public_event.dump(), 1, false)) ++d.stats.events_published;
  d.send_locked(d.topics.at("clinical/events"), clinical_event.dump(), 1, false);
  return seq;
}

void RoomLink::reply(const session::Command& command, const nlohmann::json& body) {
  Impl& d = *impl_;
  {
    std::lock_guard lock(d.mutex);
    ++(body.value("ok", false) ? d.stats.replies_ok : d.stats.replies_refused);
    d.reply_locked(command.device, command.route, body.dump());
  }
  d.post([&d] { d.stats_dirty = true; });
}

std::optional<std::chrono::system_clock::time_point> RoomLink::connected_at() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->connected_since;
}

bool RoomLink::publish(const std::string& subtopic, const std::string& payload, int qos, bool retained) {
  return publish_message(MqttMessage{impl_->topics.at(subtopic), payload, qos, retained});
}

bool RoomLink::publish_message(const MqttMessage& message) {
  Impl& d = *impl_;
  std::lock_guard lock(d.mutex);
  return d.send_locked(message.topic, message.payload, message.qos, message.retained);
}

void RoomLink::subscribe(const std::string& filter, int qos) {
  Impl& d = *impl_;
  {
    std::lock_guard lock(d.mutex);
    d.subscriptions.emplace_back(filter, qos);
  }
  d.post([&d, filter, qos] {
    if (d.is_connected) d.subscribe_all({{filter, qos}});
  });
}

void RoomLink::remove_discovery() {
  const auto removal = make_discovery_removal(impl_->room);
  if (!removal.topic.empty()) publish_message(removal);
}

const Topics& RoomLink::topics() const noexcept { return impl_->topics; }

LinkStats RoomLink::stats() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->stats;
}

}  // namespace stillroom::room

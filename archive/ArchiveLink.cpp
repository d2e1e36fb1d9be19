#include "archive/ArchiveLink.hpp"

#include "room/TcpNoDelay.hpp"

#include <mqtt/async_client.h>

#include <stdexcept>

namespace stillroom::archive {
namespace {

constexpr std::chrono::milliseconds kMaxBackoff{5000};

/** Calls back into the link when a connection attempt fails (success arrives through the connected handler). */
class FailureListener : public mqtt::iaction_listener {
 public:
  explicit FailureListener(std::function<void(const std::string&)> failed) : failed_(std::move(failed)) {}
  void on_failure(const mqtt::token& token) override {
    failed_("connection attempt failed (MQTT reason " + std::to_string(static_cast<int>(token.get_reason_code())) +
            ", return code " + std::to_string(token.get_return_code()) + ")");
  }
  void on_success(const mqtt::token&) override {}

 private:
  std::function<void(const std::string&)> failed_;
};

}  // namespace

ArchiveLink::ArchiveLink(const ArchiveConfig::Mqtt& mqtt, Handlers handlers)
    : mqtt_(mqtt), handlers_(std::move(handlers)) {
  const std::string uri = std::string(mqtt_.tls ? "ssl://" : "tcp://") + mqtt_.host + ":" + std::to_string(mqtt_.port);
  try {
    client_ = std::make_unique<mqtt::async_client>(uri, mqtt_.client_id, mqtt::create_options(MQTTVERSION_5), nullptr);
  } catch (const mqtt::exception& e) {
    throw std::runtime_error("cannot create the MQTT client for " + uri + ": " + e.what());
  }
  auto builder = mqtt::connect_options_builder()
                     .mqtt_version(MQTTVERSION_5)
                     .clean_start(false)
                     .keep_alive_interval(std::chrono::duration_cast<std::chrono::seconds>(mqtt_.keepalive))
                     .connect_timeout(std::chrono::seconds(10))
                     .automatic_reconnect(false);
  if (!mqtt_.username.empty()) builder.user_name(mqtt_.username);
  if (!mqtt_.password_file.empty()) builder.password(read_password(mqtt_.password_file));
  if (mqtt_.tls) {
    auto ssl = mqtt::ssl_options_builder();
    if (!mqtt_.tls->ca_file.empty()) ssl.trust_store(mqtt_.tls->ca_file);
    if (!mqtt_.tls->cert_file.empty()) ssl.key_store(mqtt_.tls->cert_file);
    if (!mqtt_.tls->key_file.empty()) ssl.private_key(mqtt_.tls->key_file);
    ssl.enable_server_cert_auth(mqtt_.tls->verify).verify(mqtt_.tls->verify);
    builder.ssl(ssl.finalize());
  }
  options_ = std::make_unique<mqtt::connect_options>(builder.finalize());
  // Set on the object that lives as long as the client: Paho C++ 1.2.0 copies options with a
  // pointer to the source's properties.
  const auto expiry = std::chrono::duration_cast<std::chrono::seconds>(mqtt_.session_expiry).count();
  options_->set_properties({mqtt::property(mqtt::property::SESSION_EXPIRY_INTERVAL, static_cast<uint32_t>(expiry))});

  listener_ = std::make_unique<FailureListener>([this](const std::string& why) { on_failed(why); });
  client_->set_connected_handler([this](const std::string&) { on_connected(); });
  client_->set_connection_lost_handler([this](const std::string& cause) {
    on_failed("connection lost" + (cause.empty() ? std::string() : ": " + cause));
  });
  client_->set_disconnected_handler([this](const mqtt::properties&, mqtt::ReasonCode reason) {
    on_failed("the broker disconnected the archive, reason " + std::to_string(static_cast<int>(reason)));
  });
  client_->set_message_callback([this](mqtt::const_message_ptr m) {
    handlers_.message({m->get_topic(), m->get_payload_str(), m->is_retained()});
  });
}

ArchiveLink::~ArchiveLink() {
  stop();
  try {
    client_->disable_callbacks();
  } catch (...) {
  }
}

void ArchiveLink::on_connected() {
  attempting_ = false;
  backoff_ = std::chrono::milliseconds(250);
  room::set_tcp_nodelay_to(mqtt_.host, mqtt_.port);
  // The broker keeps the subscriptions of a persistent session; renewing them costs nothing and
  // covers a broker that lost its state.
  const std::string prefix = mqtt_.topic_prefix + "/+/";
  try {
    auto filters = std::make_shared<mqtt::string_collection>();
    filters->push_back(prefix + "record");
    filters->push_back(prefix + "record/checkpoint");
    client_->subscribe(filters, {1, 1});
  } catch (const mqtt::exception& e) {
    on_failed(std::string("subscribe failed: ") + e.what());
    return;
  }
  connected_ = true;
  handlers_.connected();
}

void ArchiveLink::on_failed(const std::string& why) {
  const bool was = connected_.exchange(false);
  attempting_ = false;
  if (stopping_) return;
  if (was || !why.empty()) handlers_.lost(why);
}

void ArchiveLink::tick() {
  if (stopping_ || connected_ || attempting_) return;
  const auto now = std::chrono::steady_clock::now();
  if (now < next_attempt_) return;
  next_attempt_ = now + backoff_;
  backoff_ = std::min(kMaxBackoff, backoff_ * 2);
  attempting_ = true;
  try {
    client_->connect(*options_, nullptr, *listener_);
  } catch (const mqtt::exception& e) {
    attempting_ = false;
    handlers_.lost(std::string("cannot connect: ") + e.what());
  }
}

bool ArchiveLink::publish(const std::string& topic, const std::string& payload, int qos, bool retained) noexcept {
  if (!connected_) return false;
  try {
    client_->publish(topic, payload.data(), payload.size(), qos, retained);
    return true;
  } catch (...) {
    return false;
  }
}

void ArchiveLink::stop() noexcept {
  if (stopping_.exchange(true)) return;
  try {
    if (client_->is_connected()) client_->disconnect()->wait_for(std::chrono::seconds(2));
  } catch (...) {
  }
  connected_ = false;
}

}  // namespace stillroom::archive

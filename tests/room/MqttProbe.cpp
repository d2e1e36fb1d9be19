#include "MqttProbe.hpp"

#include <mqtt/async_client.h>

#include <stdexcept>

namespace stillroom::test {

MqttProbe::MqttProbe(int port, const std::string& client_id, const std::string& user, const std::string& password,
                     bool persistent, const std::string& ca_file) {
  const std::string scheme = ca_file.empty() ? "tcp://" : "ssl://";
  client_ = std::make_unique<mqtt::async_client>(scheme + "127.0.0.1:" + std::to_string(port), client_id,
                                                 mqtt::create_options(MQTTVERSION_5));
  client_->set_message_callback([this](mqtt::const_message_ptr m) {
    ProbeMessage message{m->get_topic(), m->get_payload_str(), m->is_retained(), {}, m->get_qos()};
    if (m->get_properties().contains(mqtt::property::CORRELATION_DATA))
      message.correlation_data = mqtt::get<std::string>(m->get_properties(), mqtt::property::CORRELATION_DATA);
    {
      std::lock_guard lock(mutex_);
      message.order = ++arrived_count_;
      message.arrived = std::chrono::steady_clock::now();
      messages_.push_back(std::move(message));
    }
    arrived_.notify_all();
  });
  // Subscriptions are not restored by an automatic reconnect: renew them (without waiting, in a callback).
  client_->set_connected_handler([this](const std::string&) {
    std::vector<std::pair<std::string, int>> subscriptions;
    {
      std::lock_guard lock(mutex_);
      subscriptions = subscriptions_;
    }
    for (const auto& [filter, qos] : subscriptions) client_->subscribe(filter, qos);
    {
      std::lock_guard lock(mutex_);
      connected_ = true;
    }
    arrived_.notify_all();
  });
  client_->set_connection_lost_handler([this](const std::string&) {
    std::lock_guard lock(mutex_);
    connected_ = false;
  });
  auto options = mqtt::connect_options_builder()
                     .mqtt_version(MQTTVERSION_5)
                     .clean_start(!persistent)
                     .automatic_reconnect(std::chrono::seconds(1), std::chrono::seconds(1))
                     .finalize();
  // Set on the final object: Paho C++ 1.2.0 does not re-point copied properties.
  options.set_properties({mqtt::property(mqtt::property::SESSION_EXPIRY_INTERVAL, persistent ? 3600 : 0)});
  if (!ca_file.empty()) options.set_ssl(mqtt::ssl_options_builder().trust_store(ca_file).finalize());
  if (!user.empty()) {
    options.set_user_name(user);
    options.set_password(password);
  }
  client_->connect(options)->wait_for(std::chrono::seconds(5));
  if (!client_->is_connected()) throw std::runtime_error("probe " + client_id + " could not connect");
}

MqttProbe::~MqttProbe() {
  try {
    client_->disable_callbacks();
    if (client_->is_connected()) client_->disconnect()->wait_for(std::chrono::seconds(2));
  } catch (const mqtt::exception&) {
  }
}

void MqttProbe::subscribe(const std::string& filter, int qos) {
  {
    std::lock_guard lock(mutex_);
    subscriptions_.emplace_back(filter, qos);
  }
  client_->subscribe(filter, qos)->wait_for(std::chrono::seconds(5));
}

PublishResult MqttProbe::publish(const std::string& topic, const std::string& payload, int qos, bool retained,
                                 const std::string& response_topic, const std::string& correlation) {
  auto message = mqtt::make_message(topic, payload, qos, retained);
  mqtt::properties properties;
  if (!response_topic.empty()) properties.add(mqtt::property(mqtt::property::RESPONSE_TOPIC, response_topic));
  if (!correlation.empty()) properties.add(mqtt::property(mqtt::property::CORRELATION_DATA, correlation));
  message->set_properties(properties);
  auto token = client_->publish(message);
  PublishResult result;
  try {
    result.ok = token->wait_for(std::chrono::seconds(5));
    result.reason = static_cast<int>(token->get_reason_code());
    result.ok = result.ok && result.reason < 0x80;
  } catch (const mqtt::exception& e) {
    result.ok = false;
    result.reason = static_cast<int>(e.get_reason_code());
  }
  return result;
}

std::optional<ProbeMessage> MqttProbe::wait_for(const std::string& topic,
                                                const std::function<bool(const ProbeMessage&)>& match,
                                                std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  std::optional<ProbeMessage> found;
  arrived_.wait_for(lock, timeout, [&] {
    for (const auto& m : messages_)
      if (m.topic == topic && (!match || match(m))) {
        found = m;
        return true;
      }
    return false;
  });
  return found;
}

std::vector<ProbeMessage> MqttProbe::received(const std::string& topic) const {
  std::lock_guard lock(mutex_);
  std::vector<ProbeMessage> out;
  for (const auto& m : messages_)
    if (m.topic == topic) out.push_back(m);
  return out;
}

std::vector<ProbeMessage> MqttProbe::received_all() const {
  std::lock_guard lock(mutex_);
  return messages_;
}

void MqttProbe::clear() {
  std::lock_guard lock(mutex_);
  messages_.clear();
}

bool MqttProbe::wait_connected(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  // Never call into Paho while holding mutex_: its threads take mutex_ in the callbacks.
  return arrived_.wait_for(lock, timeout, [&] { return connected_; });
}

}  // namespace stillroom::test

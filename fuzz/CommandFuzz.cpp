// Fuzz target "command": one MQTT command as the example room's link receives
// it. The input is four fields: the topic (first line), the v5 response topic
// (second line, empty = none), the correlation data (third line, empty = none)
// and the payload (the rest). The parser must never throw; a refusal must say
// why, and its reply must be a JSON document the link can publish, routed only
// under the device's reply topic.
#include "FuzzSupport.hpp"

#include "room/CommandParser.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>

using namespace stillroom;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const room::Topics topics(fuzz::example_library().room.mqtt.topic_prefix, fuzz::example_library().room.id);
  static const room::CommandParser parser(fuzz::example_library().room, topics);

  std::string_view rest = fuzz::as_text(data, size);
  const std::string_view topic = fuzz::next_line(rest);
  const std::string_view response_topic = fuzz::next_line(rest);
  const std::string_view correlation = fuzz::next_line(rest);
  room::RequestProperties properties;
  if (!response_topic.empty()) properties.response_topic = std::string(response_topic);
  if (!correlation.empty()) properties.correlation_data = std::string(correlation);

  std::optional<room::ParseResult> parsed;
  try {
    parsed = parser.parse(topic, rest, properties);
  } catch (const std::exception& e) {
    fuzz::fail(std::string("the parser threw: ") + e.what());
  }
  const room::ParseResult& result = *parsed;
  const session::ReplyRoute* route = nullptr;
  if (const auto* command = std::get_if<session::Command>(&result)) {
    if (command->id.empty()) fuzz::fail("a command was accepted without an id");
    if (command->device.empty()) fuzz::fail("a command was accepted without a device");
    route = &command->route;
  } else {
    const auto& rejection = std::get<room::Rejection>(result);
    if (rejection.error.empty()) fuzz::fail("a command was refused without a reason");
    // The reply the link publishes for a refusal (RoomLink::handle_command).
    const nlohmann::json body = {{"id", rejection.id ? nlohmann::json(*rejection.id) : nlohmann::json(nullptr)},
                                 {"ok", false},
                                 {"error", rejection.error},
                                 {"reason", room::to_string(rejection.reason)}};
    try {
      (void)body.dump();
    } catch (const nlohmann::json::exception& e) {
      fuzz::fail(std::string("the refusal's reply cannot be published: ") + e.what());
    }
    route = &rejection.route;
  }
  if (!route->response_topic.empty()) {
    const auto device = topics.command_device(topic);
    const std::string reply = topics.reply(device.value_or(""));
    if (route->response_topic.rfind(reply + "/", 0) != 0)
      fuzz::fail("a reply is routed outside the device's reply topic: " + route->response_topic);
  }
  return 0;
}

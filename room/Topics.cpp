#include "room/Topics.hpp"

namespace stillroom::room {

Topics::Topics(std::string prefix, std::string room_id) : base_(std::move(prefix) + "/" + std::move(room_id)) {}

std::string Topics::at(std::string_view sub) const {
  std::string topic = base_;
  topic += '/';
  topic += sub;
  return topic;
}

std::string Topics::command(std::string_view device) const { return at("cmd/" + std::string(device)); }

std::string Topics::reply(std::string_view device) const { return at("reply/" + std::string(device)); }

std::optional<std::string> Topics::command_device(std::string_view topic) const {
  const std::string head = base_ + "/cmd/";
  if (topic.size() <= head.size() || topic.substr(0, head.size()) != head) return std::nullopt;
  const std::string_view device = topic.substr(head.size());
  if (device.find('/') != std::string_view::npos) return std::nullopt;
  return std::string(device);
}

bool topic_matches(std::string_view filter, std::string_view topic) noexcept {
  std::size_t f = 0;
  std::size_t t = 0;
  while (f <= filter.size()) {
    const std::size_t f_end = std::min(filter.find('/', f), filter.size());
    const std::string_view level = filter.substr(f, f_end - f);
    if (level == "#") return true;
    if (t > topic.size()) return false;
    const std::size_t t_end = std::min(topic.find('/', t), topic.size());
    if (level != "+" && level != topic.substr(t, t_end - t)) return false;
    f = f_end + 1;
    t = t_end + 1;
  }
  return t > topic.size();
}

}  // namespace stillroom::room

#include "session/Staleness.hpp"

#include <cstdio>

namespace stillroom::session {
namespace {

std::string seconds(config::Millis ms) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f s", static_cast<double>(ms.count()) / 1000.0);
  return text;
}

}  // namespace

std::optional<Reply> stale_refusal(const Command& command, std::chrono::system_clock::time_point now,
                                   std::optional<std::chrono::system_clock::time_point> connected_at,
                                   config::Millis max_age) {
  if (!command.sent_at) return std::nullopt;
  const auto age = std::chrono::floor<config::Millis>(now - *command.sent_at);
  if (age > max_age)
    return Reply::failure("sent " + seconds(age) + " ago, more than the " + seconds(max_age) +
                              " allowed: not carried out (send it again if it is still wanted)",
                          "stale");
  if (-age > max_age)
    return Reply::failure("sent_at is " + seconds(-age) + " ahead of the room's clock (more than " + seconds(max_age) +
                              "): the sender's clock is wrong; not carried out",
                          "clock_skew");
  // Sent while the room was away and held for it by the broker: acting on it now would be acting late.
  // A little slack for the sender's estimate of the room's clock (from a state it just received).
  if (connected_at && *command.sent_at + std::chrono::milliseconds(200) < *connected_at)
    return Reply::failure("sent while the room was offline (" + seconds(std::chrono::floor<config::Millis>(*connected_at - *command.sent_at)) +
                              " before it came back): not carried out",
                          "stale");
  return std::nullopt;
}

}  // namespace stillroom::session

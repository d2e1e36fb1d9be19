// stale_refusal: whether a command arrived too late to be carried out. A
// command names when it was sent (`sent_at`, in the room's clock as the sender
// estimates it from the state's published_at); one older than the room's
// limit, or sent before the room's current broker connection came up (queued
// while the room was away), is refused — a Resume pressed minutes ago must not
// start the music now. Without sent_at only MQTT message expiry (counted by the
// broker) bounds a command's age. Pure.
#pragma once

#include "config/Duration.hpp"
#include "session/Command.hpp"

#include <chrono>
#include <optional>

namespace stillroom::session {

/** The refusal (reason stale or clock_skew), or nullopt when the command may be carried out. */
[[nodiscard]] std::optional<Reply> stale_refusal(const Command& command, std::chrono::system_clock::time_point now,
                                                 std::optional<std::chrono::system_clock::time_point> connected_at,
                                                 config::Millis max_age);

}  // namespace stillroom::session

// RoomPublisher: what the room publishes about itself, each to those who may
// read it — the public `state`, `plan` and `events`, and the clinicians'
// `clinical/events`, `clinical/session` and `clinical/catalogue` (topics and
// fields: docs/mqtt.md). Every message is computed from the session as it is
// now; retained ones are sent again on every connect and only when they change.
// Controller thread.
#pragma once

#include "config/Library.hpp"
#include "room/RoomLink.hpp"
#include "session/Happened.hpp"
#include "session/Session.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>

namespace stillroom::controller {

class RoomPublisher {
 public:
  RoomPublisher(room::RoomLink& link, const config::Library& library, std::string epoch);

  /** The state now; `heard_at` is the dose time the listener hears (the engine's clock), for the track position. */
  [[nodiscard]] nlohmann::json state(const session::Session& session, const session::ClockReading& now,
                                     std::optional<config::Millis> heard_at) const;
  void publish_state(nlohmann::json state);
  /** `plan` and `clinical/session`, when they changed. */
  void publish_session(const session::Session& session);
  void publish_catalogue(nlohmann::json catalogue);
  /** An event on `events` (public fields) and `clinical/events` (all), numbered in this epoch. */
  void publish_event(const session::Happened& event);
  /** A notice (minutes_left, reminder_repeat) on both event topics. */
  void publish_notice(const nlohmann::json& notice);
  /** After a (re)connect: every retained message again. */
  void republish();

  [[nodiscard]] const std::string& epoch() const noexcept { return epoch_; }
  [[nodiscard]] const nlohmann::json& last_state() const noexcept { return state_; }

 private:
  void retain(const std::string& subtopic, const nlohmann::json& value, std::string& last);

  room::RoomLink& link_;
  const config::Library& library_;
  std::string epoch_;
  nlohmann::json state_ = nullptr;
  std::string plan_, clinical_session_, catalogue_;
};

}  // namespace stillroom::controller

#include "controller/RoomPublisher.hpp"

#include "session/EventCodec.hpp"
#include "session/Projection.hpp"

#include <algorithm>

namespace stillroom::controller {

using nlohmann::json;

RoomPublisher::RoomPublisher(room::RoomLink& link, const config::Library& library, std::string epoch)
    : link_(link), library_(library), epoch_(std::move(epoch)) {}

json RoomPublisher::state(const session::Session& session, const session::ClockReading& now,
                          std::optional<config::Millis> heard_at) const {
  auto s = session.room_state();
  s.published_at = now.wall;
  s.epoch = epoch_;
  s.clock_synced = now.synced;
  const auto session_now = session.dose_now();
  if (s.track && heard_at && session_now) {
    // Where the listener actually is in the track the state names: the engine's clock, not the plan's. The
    // engine hears a moment behind the session, so right after a change (an alternate, a skip) its clock
    // still falls in the old segment: that one is not the track named, and the new one has only begun.
    if (const auto* seg = session.plan().segment_at(*session_now)) {
      const auto into = std::max(config::Millis{0}, *heard_at - seg->start);
      s.track->position_s = static_cast<double>((seg->source_offset + into).count()) / 1000.0;
    }
  }
  return session::to_json(s);
}

void RoomPublisher::publish_state(json state) {
  state_ = std::move(state);
  link_.publish_state(state_);
}

void RoomPublisher::retain(const std::string& subtopic, const json& value, std::string& last) {
  std::string text = value.dump();
  if (text == last) return;
  last = std::move(text);
  link_.publish(subtopic, last, 1, true);
}

void RoomPublisher::publish_session(const session::Session& session) {
  retain("plan", session::plan_json(session.state(), library_.room), plan_);
  retain("clinical/session", session::clinical_session_json(session.state()), clinical_session_);
}

void RoomPublisher::publish_catalogue(json catalogue) { retain("clinical/catalogue", catalogue, catalogue_); }

void RoomPublisher::publish_event(const session::Happened& h) {
  json envelope = {{"type", std::string(session::type_name(h.event))},
                   {"at", config::format_instant(h.at.reading.wall)},
                   {"session", h.session.empty() ? json(nullptr) : json(h.session)},
                   {"actor", h.actor.device}};
  if (!h.command_id.empty()) envelope["command_id"] = h.command_id;
  json public_event = session::encode(h.event, session::Visibility::Public);
  json clinical_event = session::encode(h.event, session::Visibility::Clinical);
  public_event.update(envelope);
  clinical_event.update(envelope);
  link_.publish_event(std::move(public_event), std::move(clinical_event));
}

void RoomPublisher::publish_notice(const json& notice) {
  json event = notice;
  event["at"] = config::format_instant(std::chrono::system_clock::now());
  link_.publish_event(event, event);
}

void RoomPublisher::republish() {
  if (!state_.is_null()) link_.publish_state(state_);
  for (const auto& [subtopic, text] : {std::pair{"plan", &plan_}, std::pair{"clinical/session", &clinical_session_},
                                       std::pair{"clinical/catalogue", &catalogue_}})
    if (!text->empty()) link_.publish(subtopic, *text, 1, true);
}

}  // namespace stillroom::controller

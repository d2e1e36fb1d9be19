// LightController: takes every light of the room to a scene over a fade. Fades
// a device cannot do by itself (longer than its native transition) are stepped
// here at lights.steps_per_second, each step aimed at where the fade should be
// one step later and given that step as a native transition where the device
// has one, so the light arrives on time. Lights that report their state are
// watched: one that does not follow within lights.follow_timeout is a fault,
// cleared when it catches up. Driven by an injected monotonic time: tick(now)
// says what to publish; nothing here sleeps, publishes or reads a clock. Runs on
// the controller's thread.
#pragma once

#include "config/Room.hpp"
#include "playlists/Plan.hpp"
#include "room/LightDriver.hpp"
#include "room/LightFade.hpp"
#include "room/LightFollower.hpp"

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace stillroom::room {

/** A light started or stopped following its commands. */
struct LightFaultChange {
  std::string light;
  /** true: the fault starts; false: it clears. */
  bool raised = false;
  std::string message;
};

struct LightTick {
  /** To publish now, in order. */
  std::vector<MqttMessage> messages;
  std::vector<LightFaultChange> faults;
};

class LightController {
 public:
  /** `source` names this controller to dialects that want a sender. Throws std::invalid_argument on a bad device. */
  LightController(const config::LightSettings& settings, const std::string& source);

  /** Starts moving every light to `level` (named `scene`) over `fade`; 0 = at once. */
  void go_to(const std::string& scene, const LightLevel& level, Millis fade, Millis now);
  /** A cue from the plan (brightness and colour temperature already capped for the client). */
  void apply(const plan::LightCue& cue, Millis now);
  /** A scene of the room by name; false (and nothing changes) when there is no such scene. */
  bool go_to_scene(const std::string& scene, Millis fade, Millis now);
  /** Emergency: the emergency scene (or full light) at once. */
  void emergency(Millis now);

  /** What to send at `now` and which lights started or stopped following. */
  [[nodiscard]] LightTick tick(Millis now);
  /** A message on one of state_topics(); returns fault changes it causes. */
  [[nodiscard]] std::vector<LightFaultChange> on_state(std::string_view topic, std::string_view payload, Millis now);
  /** After a reconnect: the next tick sends every light its current level again. */
  void resend(Millis now);

  /** Topics to subscribe to for follow checks. */
  [[nodiscard]] std::vector<std::string> state_topics() const;
  /** When tick() next has something to do, if anything. */
  [[nodiscard]] std::optional<Millis> next_tick_at() const;
  /** The scene being shown or faded to (empty before the first). */
  [[nodiscard]] const std::string& scene() const noexcept { return scene_; }
  /** Where the fade is at `now`. */
  [[nodiscard]] std::optional<LightLevel> level_at(Millis now) const;
  /** Ids of lights currently not following. */
  [[nodiscard]] std::vector<std::string> faulty_lights() const;

 private:
  struct Light {
    config::LightDevice device;
    std::unique_ptr<LightDriver> driver;
    std::optional<LightFollower> follower;
    /** Still has commands to send for the current fade. */
    bool busy = false;
    Millis next_at{0};
    /** The last level sent, as the device shows it (colour temperature in mired), to skip steps it cannot show. */
    std::optional<LightLevel> sent;
  };

  void step(Light& light, Millis now, LightTick& out);
  void collect_fault(Light& light, Millis now, std::vector<LightFaultChange>& out) const;

  config::LightSettings settings_;
  std::vector<Light> lights_;
  Millis step_interval_{500};
  std::optional<LightFade> fade_;
  std::string scene_;
};

}  // namespace stillroom::room

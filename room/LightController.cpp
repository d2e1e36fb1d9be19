#include "room/LightController.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace stillroom::room {
namespace {

/** A report within this many percent of the command counts as following (beyond device rounding). */
constexpr double follow_tolerance_pct = 1.5;

std::string percent(double pct) {
  char text[16];
  std::snprintf(text, sizeof text, "%.0f %%", pct);
  return text;
}

}  // namespace

LightController::LightController(const config::LightSettings& settings, const std::string& source)
    : settings_(settings) {
  const double per_second = std::clamp(settings.steps_per_second, 0.5, 10.0);
  step_interval_ = Millis{std::lround(1000.0 / per_second)};
  for (const auto& device : settings.devices) {
    Light light;
    light.device = device;
    light.driver = make_light_driver(device, source);
    if (!light.driver->state_topic().empty()) light.follower.emplace(settings.follow_timeout, follow_tolerance_pct);
    lights_.push_back(std::move(light));
  }
}

void LightController::go_to(const std::string& scene, const LightLevel& level, Millis fade, Millis now) {
  // Unknown start (nothing sent yet): there is nothing to fade from, go there directly.
  const LightLevel from = fade_ ? fade_->at(now) : level;
  fade_ = LightFade{from, level, now, std::max(fade, Millis{0})};
  scene_ = scene;
  for (auto& light : lights_) {
    light.busy = true;
    light.next_at = now;
  }
}

void LightController::apply(const plan::LightCue& cue, Millis now) {
  go_to(cue.scene, LightLevel{cue.brightness_pct, cue.color_temp_k}, cue.fade, now);
}

bool LightController::go_to_scene(const std::string& scene, Millis fade, Millis now) {
  const auto it = settings_.scenes.find(scene);
  if (it == settings_.scenes.end()) return false;
  go_to(scene, LightLevel{it->second.brightness_pct, it->second.color_temp_k}, fade, now);
  return true;
}

void LightController::emergency(Millis now) {
  if (!go_to_scene(settings_.emergency_scene, Millis{0}, now))
    go_to(settings_.emergency_scene.empty() ? "emergency" : settings_.emergency_scene, LightLevel{100.0, std::nullopt},
          Millis{0}, now);
}

void LightController::step(Light& light, Millis now, LightTick& out) {
  const LightFade& fade = *fade_;
  const Millis native = light.device.native_transition;
  LightLevel level;
  Millis transition{0};
  bool last = false;

  if (fade.length <= Millis{0} || now >= fade.end()) {
    level = fade.to;
    last = true;
  } else if (native > Millis{0} && fade.length <= native) {
    level = fade.to;  // the device does the whole fade itself
    transition = fade.end() - now;
    last = true;
  } else {
    const auto k = (now - fade.start) / step_interval_;
    const Millis step_start = fade.start + k * step_interval_;
    const Millis step_end = std::min(step_start + step_interval_, fade.end());
    if (native > Millis{0}) {
      // Aim at where the fade is one step on and let the device glide there.
      level = fade.at(step_end);
      transition = std::min(step_end - now, native);
      last = step_end >= fade.end();
      light.next_at = step_end;
    } else {
      level = fade.at(now);
      light.next_at = step_end;
    }
  }

  // As the device can show it: its brightness scale, and colour temperature in whole mired.
  const LightLevel shown{light.driver->quantised(level.brightness_pct),
                         level.color_temp_k ? std::optional<int>(light_scale::mired(*level.color_temp_k)) : std::nullopt};
  if (last) light.busy = false;
  if (light.sent && *light.sent == shown && !last) return;  // a step the device cannot show
  if (light.sent && *light.sent == shown && last && transition == Millis{0}) return;
  for (auto message : light.driver->command(level, transition)) {
    message.qos = last ? 1 : 0;  // the final level must arrive; a lost step is overtaken by the next
    out.messages.push_back(std::move(message));
  }
  light.sent = shown;
  if (light.follower) light.follower->commanded(shown.brightness_pct, transition, now);
}

void LightController::collect_fault(Light& light, Millis now, std::vector<LightFaultChange>& out) const {
  if (!light.follower) return;
  const auto change = light.follower->check(now);
  if (!change) return;
  const auto target = light.follower->commanded_level().value_or(0.0);
  const auto report = light.follower->last_report();
  std::string message;
  if (*change) {
    message = "light '" + light.device.id + "' has not reached " + percent(target) + " within " +
              config::format_duration(settings_.follow_timeout) +
              (report ? " (it reports " + percent(*report) + ")" : " (no state reported)");
  } else {
    message = "light '" + light.device.id + "' follows again" + (report ? " (at " + percent(*report) + ")" : "");
  }
  out.push_back({light.device.id, *change, std::move(message)});
}

LightTick LightController::tick(Millis now) {
  LightTick out;
  if (fade_) {
    for (auto& light : lights_)
      if (light.busy && light.next_at <= now) step(light, now, out);
  }
  for (auto& light : lights_) collect_fault(light, now, out.faults);
  return out;
}

std::vector<LightFaultChange> LightController::on_state(std::string_view topic, std::string_view payload, Millis now) {
  std::vector<LightFaultChange> out;
  for (auto& light : lights_) {
    if (!light.follower || light.driver->state_topic() != topic) continue;
    if (const auto pct = light.driver->reported_brightness(payload)) light.follower->reported(*pct);
    collect_fault(light, now, out);
  }
  return out;
}

void LightController::resend(Millis now) {
  if (!fade_) return;
  for (auto& light : lights_) {
    light.sent.reset();
    light.busy = true;
    light.next_at = now;
  }
}

std::vector<std::string> LightController::state_topics() const {
  std::vector<std::string> topics;
  for (const auto& light : lights_) {
    if (!light.follower) continue;
    auto topic = light.driver->state_topic();
    if (std::find(topics.begin(), topics.end(), topic) == topics.end()) topics.push_back(std::move(topic));
  }
  return topics;
}

std::optional<Millis> LightController::next_tick_at() const {
  std::optional<Millis> earliest;
  const auto consider = [&](Millis t) {
    if (!earliest || t < *earliest) earliest = t;
  };
  for (const auto& light : lights_) {
    if (light.busy) consider(light.next_at);
    if (light.follower)
      if (const auto deadline = light.follower->deadline()) consider(*deadline);
  }
  return earliest;
}

std::optional<LightLevel> LightController::level_at(Millis now) const {
  if (!fade_) return std::nullopt;
  return fade_->at(now);
}

std::vector<std::string> LightController::faulty_lights() const {
  std::vector<std::string> ids;
  for (const auto& light : lights_)
    if (light.follower && light.follower->faulty()) ids.push_back(light.device.id);
  return ids;
}

}  // namespace stillroom::room

// LightDriver: the MQTT dialect of one light fixture — the messages that set a
// level (brightness, colour temperature) over a native transition, and how to
// read the level the light reports back. Pure payload builders, one per kind:
// zigbee2mqtt, homeassistant (JSON schema), tasmota, shelly (Gen2 RPC), template.
#pragma once

#include "config/Duration.hpp"
#include "config/Room.hpp"
#include "room/MqttMessage.hpp"

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace stillroom::room {

using config::Millis;

/** What a light should show. */
struct LightLevel {
  /** 0 = off. */
  double brightness_pct = 0.0;
  /** Colour temperature; nullopt leaves the light's own. */
  std::optional<int> color_temp_k;

  friend bool operator==(const LightLevel&, const LightLevel&) = default;
};

class LightDriver {
 public:
  virtual ~LightDriver() = default;

  /** The messages that take the light to `level` within `transition` (0 = at once). */
  [[nodiscard]] virtual std::vector<MqttMessage> command(const LightLevel& level, Millis transition) const = 0;
  /** Where the light reports its state; empty when it does not. */
  [[nodiscard]] virtual std::string state_topic() const = 0;
  /** Brightness % a state message reports (0 when off); nullopt when the message does not tell or is off the scale. */
  [[nodiscard]] virtual std::optional<double> reported_brightness(std::string_view payload) const = 0;
  /** Brightness % the device can actually show for `pct` (its own scale, rounded). */
  [[nodiscard]] virtual double quantised(double pct) const = 0;
};

/**
 * The driver for `device.kind`. `source` names the controller where a dialect
 * wants a sender (Shelly RPC "src"). Throws std::invalid_argument for an unknown
 * kind or a template with an unknown placeholder.
 */
[[nodiscard]] std::unique_ptr<LightDriver> make_light_driver(const config::LightDevice& device,
                                                             const std::string& source);

/** Device scales, shared by the dialects. */
namespace light_scale {
/** pct -> 0..top, never 0 for a light that should be on. */
[[nodiscard]] int steps(double pct, int top) noexcept;
/** Kelvin -> mired (1e6 / K), rounded. */
[[nodiscard]] int mired(int kelvin) noexcept;
/** Seconds for a payload: "0", "0.5", "2", "1.25". */
[[nodiscard]] std::string seconds(Millis duration);
/**
 * A reported level on the device's 0..top scale as a percentage; nullopt for a
 * value off that scale (negative, above top, not finite): such a report says
 * nothing true about the light.
 */
[[nodiscard]] std::optional<double> reported_pct(double value, int top) noexcept;
/** Error message for the first placeholder `payload_template` does not know, empty when all are known. */
[[nodiscard]] std::string check_template(std::string_view payload_template);
}  // namespace light_scale

}  // namespace stillroom::room

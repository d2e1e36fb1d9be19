// Curves: fade and level shapes as pure functions of progress, and the dB <->
// amplitude conversions. EqualPower is the sin/cos quarter wave (constant power
// across a crossfade of unrelated tracks); Smooth is the raised-cosine S curve
// (pauses, stops, resumes, volume ramps: zero slope at both ends).
#pragma once

#include "playlists/Plan.hpp"

namespace stillroom::audio {

enum class FadeDirection { In, Out };

/**
 * Amplitude of a fade at progress x (clamped to [0,1]): In rises 0 -> 1, Out
 * falls 1 -> 0. EqualPower: sin(x*pi/2) / cos(x*pi/2); Smooth: (1 -+ cos(x*pi))/2.
 */
[[nodiscard]] double fade_gain(plan::FadeShape shape, FadeDirection direction, double x) noexcept;

/** How far (0..1) a ramp from one value to another has moved at progress x. */
[[nodiscard]] double ramp_progress(plan::FadeShape shape, FadeDirection direction, double x) noexcept;

/** Largest per-unit-progress slope of the curve (pi/2 for both shapes). */
[[nodiscard]] double max_slope(plan::FadeShape shape) noexcept;

/** 10^(db/20); 0 for -inf. */
[[nodiscard]] double db_to_gain(double db) noexcept;
/** 20*log10(gain); -inf for 0. */
[[nodiscard]] double gain_to_db(double gain) noexcept;

}  // namespace stillroom::audio

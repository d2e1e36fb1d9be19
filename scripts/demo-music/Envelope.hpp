// Envelope: the gain curves of the demo music as pure functions of time in
// seconds. Every curve starts and ends with zero slope, so nothing clicks.
#pragma once

namespace stillroom::demo {

/** 0 at x <= 0, 1 at x >= 1, a raised cosine in between. */
[[nodiscard]] double raised_cosine(double x) noexcept;

/**
 * A sustained note sounding over [start, end]: rises over `attack` seconds,
 * falls over `release` seconds, 1 in between, 0 outside. Neighbouring notes
 * whose release and attack overlap exactly sum to 1.
 */
[[nodiscard]] double swell(double t, double start, double end, double attack, double release) noexcept;

/**
 * A struck note `age` seconds after the strike: a raised-cosine attack of
 * `attack` seconds, then exponential decay with time constant `decay`; 0
 * before the strike.
 */
[[nodiscard]] double strike(double age, double attack, double decay) noexcept;

/** A whole track of `length` seconds: fades in over `fade_in` and out over `fade_out`. */
[[nodiscard]] double track_fade(double t, double length, double fade_in, double fade_out) noexcept;

/** A slow wobble between 1 - depth and 1: 1 - depth * (1 - cos(2 pi rate t + phase)) / 2. */
[[nodiscard]] double breathing(double t, double rate_hz, double phase, double depth) noexcept;

}  // namespace stillroom::demo

// Spectrum: just enough spectral analysis to tell music from a test tone: an
// FFT, a windowed power spectrum, and counts of distinct partials.
#pragma once

#include <complex>
#include <span>
#include <vector>

namespace stillroom::demo {

/** In-place radix-2 FFT; data.size() must be a power of two. */
void fft(std::vector<std::complex<double>>& data);

/** Power of bins 0..size/2 of a Hann-windowed frame (size a power of two). */
[[nodiscard]] std::vector<double> power_spectrum(std::span<const double> frame);

/**
 * Distinct partials: local maxima at least `min_gap` bins apart whose power is
 * within `range_db` of the strongest bin (bins below `min_gap` are ignored).
 */
[[nodiscard]] int count_partials(std::span<const double> power, double range_db, int min_gap);

/** Share of all power held by the strongest bin and `halfwidth` bins either side (1 for a pure tone). */
[[nodiscard]] double strongest_share(std::span<const double> power, int halfwidth);

}  // namespace stillroom::demo

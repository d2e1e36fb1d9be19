// Loudness: a track's EBU R128 integrated loudness and true peak, and the pure
// rule that turns them into a normalisation gain.
#pragma once

namespace stillroom::audio {

struct Loudness {
  /** Integrated loudness, LUFS (-inf for digital silence). */
  double integrated_lufs = 0.0;
  /** True peak (4x oversampled), dBTP (-inf for digital silence). */
  double true_peak_dbtp = 0.0;
};

/**
 * Gain that brings `loudness` to `target_lufs` without pushing the true peak
 * above `ceiling_dbtp`: min(target - integrated, ceiling - true_peak). A silent
 * or unmeasurable track gets 0 dB.
 */
[[nodiscard]] double normalisation_gain_db(const Loudness& loudness, double target_lufs,
                                           double ceiling_dbtp) noexcept;

}  // namespace stillroom::audio

#include "audio/Loudness.hpp"

#include <algorithm>
#include <cmath>

namespace stillroom::audio {

double normalisation_gain_db(const Loudness& loudness, double target_lufs, double ceiling_dbtp) noexcept {
  if (!std::isfinite(loudness.integrated_lufs)) return 0.0;
  double gain = target_lufs - loudness.integrated_lufs;
  if (std::isfinite(loudness.true_peak_dbtp)) gain = std::min(gain, ceiling_dbtp - loudness.true_peak_dbtp);
  return gain;
}

}  // namespace stillroom::audio

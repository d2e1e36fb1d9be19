#include "Spectrum.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <numeric>

namespace stillroom::demo {

void fft(std::vector<std::complex<double>>& data) {
  const std::size_t n = data.size();
  for (std::size_t i = 1, j = 0; i < n; ++i) {
    std::size_t bit = n >> 1;
    for (; (j & bit) != 0; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) std::swap(data[i], data[j]);
  }
  for (std::size_t length = 2; length <= n; length <<= 1) {
    const double angle = -2.0 * std::numbers::pi / static_cast<double>(length);
    const std::complex<double> step(std::cos(angle), std::sin(angle));
    for (std::size_t start = 0; start < n; start += length) {
      std::complex<double> w(1.0, 0.0);
      for (std::size_t k = 0; k < length / 2; ++k) {
        const std::complex<double> even = data[start + k];
        const std::complex<double> odd = data[start + k + length / 2] * w;
        data[start + k] = even + odd;
        data[start + k + length / 2] = even - odd;
        w *= step;
      }
    }
  }
}

std::vector<double> power_spectrum(std::span<const double> frame) {
  const std::size_t n = frame.size();
  std::vector<std::complex<double>> data(n);
  for (std::size_t i = 0; i < n; ++i) {
    const double hann = 0.5 - 0.5 * std::cos(2.0 * std::numbers::pi * static_cast<double>(i) / static_cast<double>(n));
    data[i] = frame[i] * hann;
  }
  fft(data);
  std::vector<double> power(n / 2 + 1);
  for (std::size_t i = 0; i < power.size(); ++i) power[i] = std::norm(data[i]);
  return power;
}

int count_partials(std::span<const double> power, double range_db, int min_gap) {
  const auto gap = static_cast<std::size_t>(std::max(min_gap, 1));
  if (power.size() <= 2 * gap) return 0;
  const double strongest = *std::max_element(power.begin() + static_cast<std::ptrdiff_t>(gap), power.end());
  const double floor = strongest * std::pow(10.0, -range_db / 10.0);
  int partials = 0;
  std::size_t last = 0;
  for (std::size_t i = gap; i + 1 < power.size(); ++i) {
    if (power[i] < floor || power[i] < power[i - 1] || power[i] < power[i + 1]) continue;
    if (last != 0 && i - last < gap) continue;
    ++partials;
    last = i;
  }
  return partials;
}

double strongest_share(std::span<const double> power, int halfwidth) {
  const double total = std::accumulate(power.begin(), power.end(), 0.0);
  if (total <= 0.0 || power.empty()) return 0.0;
  const auto peak = static_cast<std::size_t>(std::max_element(power.begin(), power.end()) - power.begin());
  const std::size_t width = static_cast<std::size_t>(std::max(halfwidth, 0));
  const std::size_t low = peak > width ? peak - width : 0;
  const std::size_t high = std::min(power.size() - 1, peak + width);
  double around = 0.0;
  for (std::size_t i = low; i <= high; ++i) around += power[i];
  return around / total;
}

}  // namespace stillroom::demo

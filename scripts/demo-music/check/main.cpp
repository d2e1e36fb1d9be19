// stillroom-demo-music-check: reads every file of the demo set back through
// libsndfile and compares it with the table: format, rate, channels, length to
// the frame, full decode, tags, peak below -3 dBFS, no DC, and a spectrum of
// several partials (music, not a test tone). Exit 0 only when all pass.
#include "Spectrum.hpp"
#include "TrackTable.hpp"

#include <sndfile.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

namespace {

using namespace stillroom::demo;
namespace fs = std::filesystem;

constexpr double kMaxPeakDb = -3.0;
constexpr double kMaxDcDb = -60.0;
constexpr std::size_t kSpectrumFrames = 8192;
constexpr sf_count_t kChunkFrames = 65536;
/** At least this many partials within 40 dB of the strongest. */
constexpr int kMinPartials = 4;
/** The strongest partial may hold at most this share of the power. */
constexpr double kMaxStrongestShare = 0.5;

double to_db(double linear) { return linear > 0.0 ? 20.0 * std::log10(linear) : -200.0; }

struct Findings {
  double peak = 0.0;
  double worst_dc = 0.0;
  int partials = 0;
  double share = 0.0;
  std::vector<std::string> problems;
};

void check_tag(SNDFILE* file, int kind, const char* name, std::string_view expected, Findings& findings) {
  const char* value = sf_get_string(file, kind);
  if (value == nullptr || expected != value) {
    findings.problems.push_back(std::string(name) + " tag is '" + (value != nullptr ? value : "(none)") +
                                "', expected '" + std::string(expected) + "'");
  }
}

/** Reads the whole file, measuring peak, DC and an averaged spectrum. */
void check_samples(SNDFILE* file, const SF_INFO& info, std::int64_t expected_frames, Findings& findings) {
  const auto channels = static_cast<std::size_t>(info.channels);
  std::vector<float> chunk(static_cast<std::size_t>(kChunkFrames) * channels);
  std::vector<double> sums(channels, 0.0);
  std::vector<double> spectrum;
  int spectra = 0;
  std::int64_t decoded = 0;
  for (;;) {
    const sf_count_t got = sf_readf_float(file, chunk.data(), kChunkFrames);
    if (got <= 0) break;
    const auto frames = static_cast<std::size_t>(got);
    for (std::size_t f = 0; f < frames; ++f) {
      for (std::size_t c = 0; c < channels; ++c) {
        const double sample = chunk[f * channels + c];
        sums[c] += sample;
        findings.peak = std::max(findings.peak, std::abs(sample));
      }
    }
    // One spectrum per full chunk, away from the fades at either end.
    const bool inside = decoded > 10 * info.samplerate && decoded + got < expected_frames - 10 * info.samplerate;
    if (inside && frames >= kSpectrumFrames) {
      std::vector<double> mono(kSpectrumFrames);
      for (std::size_t f = 0; f < kSpectrumFrames; ++f) {
        for (std::size_t c = 0; c < channels; ++c) mono[f] += chunk[f * channels + c];
      }
      const std::vector<double> power = power_spectrum(mono);
      if (spectrum.empty()) spectrum.assign(power.size(), 0.0);
      for (std::size_t i = 0; i < power.size(); ++i) spectrum[i] += power[i];
      ++spectra;
    }
    decoded += got;
  }
  if (decoded != expected_frames) {
    findings.problems.push_back("decoded " + std::to_string(decoded) + " frames, expected " +
                                std::to_string(expected_frames));
  }
  for (const double sum : sums) {
    const double dc = decoded > 0 ? std::abs(sum) / static_cast<double>(decoded) : 0.0;
    findings.worst_dc = std::max(findings.worst_dc, dc);
  }
  if (to_db(findings.peak) >= kMaxPeakDb) {
    findings.problems.push_back("peak " + std::to_string(to_db(findings.peak)) + " dBFS is not below -3 dBFS");
  }
  if (findings.peak <= 0.0) findings.problems.push_back("the file is silent");
  if (to_db(findings.worst_dc) >= kMaxDcDb) {
    findings.problems.push_back("DC offset " + std::to_string(to_db(findings.worst_dc)) + " dBFS");
  }
  if (spectra == 0) {
    findings.problems.push_back("too short to analyse");
    return;
  }
  // 3 bins apart at 8192 points: about 16 Hz, finer than any two notes of the pad.
  findings.partials = count_partials(spectrum, 40.0, 3);
  findings.share = strongest_share(spectrum, 3);
  if (findings.partials < kMinPartials) {
    findings.problems.push_back(std::to_string(findings.partials) + " partials, expected at least " +
                                std::to_string(kMinPartials));
  }
  if (findings.share > kMaxStrongestShare) {
    findings.problems.push_back("one partial holds " + std::to_string(static_cast<int>(findings.share * 100)) +
                                "% of the power (a single tone)");
  }
}

Findings check_file(const fs::path& path, const TrackSpec& spec) {
  Findings findings;
  SF_INFO info{};
  SNDFILE* file = sf_open(path.c_str(), SFM_READ, &info);
  if (file == nullptr) {
    findings.problems.push_back(std::string("cannot open: ") + sf_strerror(nullptr));
    return findings;
  }
  const std::int64_t expected = frame_count(spec);
  if (info.format != sndfile_format(spec.container)) {
    char text[96];
    std::snprintf(text, sizeof text, "format 0x%06x, expected 0x%06x (%s)", static_cast<unsigned>(info.format),
                  static_cast<unsigned>(sndfile_format(spec.container)), to_string(spec.container));
    findings.problems.emplace_back(text);
  }
  if (info.samplerate != spec.sample_rate) {
    findings.problems.push_back("rate " + std::to_string(info.samplerate) + " Hz, expected " +
                                std::to_string(spec.sample_rate));
  }
  if (info.channels != spec.channels) {
    findings.problems.push_back(std::to_string(info.channels) + " channels, expected " +
                                std::to_string(spec.channels));
  }
  if (info.frames != expected) {
    findings.problems.push_back("header says " + std::to_string(info.frames) + " frames, expected " +
                                std::to_string(expected));
  }
  check_tag(file, SF_STR_TITLE, "title", spec.title, findings);
  check_tag(file, SF_STR_ARTIST, "artist", kArtist, findings);
  if (info.channels > 0 && info.samplerate > 0) check_samples(file, info, expected, findings);
  sf_close(file);
  return findings;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2 || std::strcmp(argv[1], "--help") == 0) {
    std::fprintf(stderr, "usage: stillroom-demo-music-check DIR\n");
    return 2;
  }
  const fs::path dir = argv[1];
  int passed = 0;
  int failed = 0;
  for (const TrackSpec& spec : demo_tracks()) {
    const Findings findings = check_file(dir / spec.file, spec);
    if (findings.problems.empty()) {
      ++passed;
      std::printf("ok    %-22s %-11s %5d Hz %d ch %9lld frames  peak %5.1f dBFS  dc %6.1f dBFS  %3d partials\n",
                  spec.file.c_str(), to_string(spec.container), spec.sample_rate, spec.channels,
                  static_cast<long long>(frame_count(spec)), to_db(findings.peak), to_db(findings.worst_dc),
                  findings.partials);
    } else {
      ++failed;
      for (const std::string& problem : findings.problems) {
        std::printf("FAIL  %-22s %s\n", spec.file.c_str(), problem.c_str());
      }
    }
  }
  std::printf("demo music check: %d passed, %d failed\n", passed, failed);
  return failed == 0 ? 0 : 1;
}

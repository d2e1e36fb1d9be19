// SummaryDrawing: the session summary drawn with Cairo as PDF (A4 pages) or SVG
// (one page as tall as the summary): the header, the picture of the session —
// the phases as bands on the dose clock with the events on them and the vitals
// as a chart over the same axis — the tables of the monitoring form, and a
// footer with the record's verification and the hash of the last event covered.
// The picture's geometry is public (ChartLayout) so a test can find the bands on
// the rendered page. Any thread (one summary per call).
#pragma once

#include "report/SessionSummary.hpp"

#include <array>
#include <filesystem>
#include <string>

namespace stillroom::report {

/** Where the picture sits on the first page, in points (1/72 in) from the page's top left. */
struct ChartLayout {
  static constexpr double kPageWidth = 595.0, kPageHeight = 842.0, kMargin = 40.0;
  /** The dose-clock axis runs from kAxisLeft to kAxisRight. */
  static constexpr double kAxisLeft = 90.0, kAxisRight = 555.0;
  /** The phase bands' row. */
  static constexpr double kBandTop = 150.0, kBandHeight = 26.0;
  /** The vitals chart below the bands. */
  static constexpr double kVitalsTop = 200.0, kVitalsHeight = 120.0;
  /** The axis covers [from_ms, to_ms] on the dose clock. */
  std::int64_t from_ms = 0, to_ms = 0;

  [[nodiscard]] double x_of(std::int64_t dose_ms) const {
    return kAxisLeft + (kAxisRight - kAxisLeft) * static_cast<double>(dose_ms - from_ms) / static_cast<double>(to_ms - from_ms);
  }
};

/** The axis of `summary`'s picture: its first phase (or 0) to the latest of session end, monitoring and discharge. */
[[nodiscard]] ChartLayout chart_layout(const Summary& summary);

/** The fill of the phase at `index` (0-based, cycling), as 8-bit RGB. */
[[nodiscard]] std::array<unsigned char, 3> phase_colour(std::int64_t index);

/** Writes the summary; throws std::runtime_error naming the file when Cairo cannot. */
void write_pdf(const Summary& summary, const std::filesystem::path& path);
void write_svg(const Summary& summary, const std::filesystem::path& path);
/** The SVG as text (the `summary` command's answer). */
[[nodiscard]] std::string svg_text(const Summary& summary);

}  // namespace stillroom::report

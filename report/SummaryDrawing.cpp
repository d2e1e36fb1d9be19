#include "report/SummaryDrawing.hpp"

#include "config/Duration.hpp"
#include "config/Instant.hpp"

#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <cairo.h>

#include <algorithm>
#include <vector>
#include <cmath>
#include <cstdio>
#include <functional>
#include <stdexcept>

namespace stillroom::report {
namespace {

using L = ChartLayout;
constexpr double kLine = 11.0;
constexpr double kFooterTop = L::kPageHeight - 28.0;
const char* const kFont = "DejaVu Sans";

std::string minutes(std::int64_t ms) {
  char text[32];
  std::snprintf(text, sizeof text, "%+.0f min", static_cast<double>(ms) / 60'000.0);
  return text;
}
std::string opt_minutes(const std::optional<std::int64_t>& ms) { return ms ? minutes(*ms) : std::string("-"); }
std::string number(double v) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", v);
  return text;
}
/** "2026-01-01T09:30:00.123Z" as "09:30:00" (the date is in the header). */
std::string clock_of(const std::string& utc) { return utc.size() >= 19 ? utc.substr(11, 8) : utc; }

std::int64_t epoch_ms(const std::string& utc) {
  const auto t = config::parse_instant(utc);
  return t ? std::chrono::duration_cast<std::chrono::milliseconds>(t->time_since_epoch()).count() : 0;
}

/** Where a vitals entry sits on the dose clock: as recorded, or (taken before the clock ran) from its time. */
std::optional<std::int64_t> vitals_at(const Summary& s, const VitalsLine& v) {
  if (v.at_dose_ms) return v.at_dose_ms;
  if (!s.dose_utc) return std::nullopt;
  return epoch_ms(v.utc) - epoch_ms(*s.dose_utc);
}

/** Draws the summary onto a Cairo context, breaking pages when `paged`. */
class Painter {
 public:
  Painter(cairo_t* cr, const Summary& s, bool paged) : cr_(cr), s_(s), paged_(paged), layout_(chart_layout(s)) {}

  /** Draws everything; returns the height used (the last page's for PDF). */
  double draw() {
    header();
    picture();
    y_ = L::kVitalsTop + L::kVitalsHeight + 30;
    for (const auto& c : s_.clients) client(c);
    session_marks();
    signature();
    footer();
    return y_ + 40;
  }

 private:
  void font(double size, bool bold = false) {
    cairo_select_font_face(cr_, kFont, CAIRO_FONT_SLANT_NORMAL, bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr_, size);
  }
  void colour(double r, double g, double b) { cairo_set_source_rgb(cr_, r, g, b); }
  void text_at(double x, double y, const std::string& t) {
    cairo_move_to(cr_, x, y);
    cairo_show_text(cr_, t.c_str());
  }
  /** One line of text at the cursor, on a new page when this one is full. */
  void line(const std::string& t, double indent = 0, double size = 8.0, bool bold = false) {
    if (paged_ && y_ > kFooterTop - 14) {
      footer();
      cairo_show_page(cr_);
      ++page_;
      y_ = L::kMargin + 10;
    }
    font(size, bold);
    colour(0, 0, 0);
    text_at(L::kMargin + indent, y_, t);
    y_ += size > 9 ? kLine + 4 : kLine;
  }
  void gap() { y_ += 5; }

  void header() {
    y_ = L::kMargin + 6;
    line("Session summary " + s_.session, 0, 14, true);
    line("Protocol " + s_.protocol + " - " + s_.medication + ", " + s_.route + "; playlist " + s_.playlist +
         "; room " + s_.room_device);
    std::string clients;
    for (const auto& c : s_.clients) clients += (clients.empty() ? "" : ", ") + c.id;
    line("Clients " + clients + "; status " + s_.status + (s_.end_reason ? " (" + *s_.end_reason + ")" : ""));
    line("Started " + s_.started_utc.value_or("-") + "; dose clock 0 at " + s_.dose_utc.value_or("-") + "; ended " +
         s_.ended_utc.value_or("-"));
    for (const auto& c : s_.clients) {
      std::string t = c.id + ": monitored " +
                      (c.monitored_minutes ? std::to_string(*c.monitored_minutes) + " min" : std::string("-")) +
                      "; ready to leave " + (c.ready_to_leave ? clock_of(c.ready_to_leave->utc) : std::string("-")) +
                      "; discharged " + (c.discharged ? clock_of(c.discharged->utc) : std::string("-"));
      line(t);
    }
  }

  void picture() {
    font(7);
    colour(0.3, 0.3, 0.3);
    text_at(L::kMargin, L::kBandTop - 4, "Phases and events on the dose clock (minutes)");
    for (const auto& p : s_.phases) {
      const auto rgb = phase_colour(p.index);
      const double x0 = std::max(L::kAxisLeft, layout_.x_of(p.from_ms));
      const double x1 = std::min(L::kAxisRight, layout_.x_of(p.to_ms));
      if (x1 <= x0) continue;
      cairo_set_source_rgb(cr_, rgb[0] / 255.0, rgb[1] / 255.0, rgb[2] / 255.0);
      cairo_rectangle(cr_, x0, L::kBandTop, x1 - x0, L::kBandHeight);
      cairo_fill(cr_);
      font(6.5);
      colour(0, 0, 0);
      cairo_save(cr_);
      cairo_rectangle(cr_, x0, L::kBandTop, x1 - x0, L::kBandHeight);
      cairo_clip(cr_);
      text_at(x0 + 2, L::kBandTop + 8, p.name);
      cairo_restore(cr_);
    }
    // Events: a tick under the bands, labelled in two rows. Labels are placed left to right, each in the row
    // that is free at its tick (else the one that frees first), so neighbours do not overlap.
    struct Tick {
      double x;
      std::string label;
      double r, g, b;
    };
    std::vector<Tick> ticks;
    auto tick = [&](std::int64_t at, const std::string& label, double r, double g, double b) {
      const double x = layout_.x_of(at);
      if (x < L::kAxisLeft - 0.5 || x > L::kAxisRight + 0.5) return;
      ticks.push_back({x, label, r, g, b});
    };
    for (const auto& c : s_.clients) {
      for (const auto& d : c.doses) tick(d.at_dose_ms, (d.booster ? "booster " : "dose ") + c.id, 0.1, 0.2, 0.7);
      for (const auto& o : c.observations)
        if (o.at_dose_ms) tick(*o.at_dose_ms, "obs " + c.id, 0.4, 0.2, 0.5);
      if (c.ready_to_leave && c.ready_to_leave->at_dose_ms) tick(*c.ready_to_leave->at_dose_ms, "ready " + c.id, 0, 0.5, 0);
      if (c.discharged && c.discharged->at_dose_ms) tick(*c.discharged->at_dose_ms, "out " + c.id, 0, 0.4, 0);
    }
    for (const auto& m : s_.marks)
      if (m.at_dose_ms && m.kind != "booster")
        tick(*m.at_dose_ms, m.kind, m.kind == "emergency" ? 0.8 : 0.3, 0.1, 0.1);
    std::stable_sort(ticks.begin(), ticks.end(), [](const Tick& a, const Tick& b) { return a.x < b.x; });
    font(5.5);
    double row_free_at[2] = {-1e9, -1e9};
    for (const auto& t : ticks) {
      cairo_set_source_rgb(cr_, t.r, t.g, t.b);
      cairo_move_to(cr_, t.x, L::kBandTop + L::kBandHeight);
      cairo_line_to(cr_, t.x - 3, L::kBandTop + L::kBandHeight + 6);
      cairo_line_to(cr_, t.x + 3, L::kBandTop + L::kBandHeight + 6);
      cairo_close_path(cr_);
      cairo_fill(cr_);
      const double left = t.x - 3;
      const int row = row_free_at[0] <= left ? 0 : row_free_at[1] <= left ? 1 : row_free_at[1] < row_free_at[0] ? 1 : 0;
      cairo_text_extents_t extents;
      cairo_text_extents(cr_, t.label.c_str(), &extents);
      text_at(left, L::kBandTop + L::kBandHeight + 12 + 6 * row, t.label);
      row_free_at[row] = left + extents.x_advance + 2;
    }

    // The vitals chart: mmHg and beats per minute on one scale, SpO2 on its own at the right.
    const double top = L::kVitalsTop + 10, bottom = L::kVitalsTop + L::kVitalsHeight;
    auto y_of = [&](double v) { return bottom - (bottom - top) * (v - 40.0) / (200.0 - 40.0); };
    cairo_set_line_width(cr_, 0.4);
    font(6);
    for (int v = 40; v <= 200; v += 40) {
      colour(0.8, 0.8, 0.8);
      cairo_move_to(cr_, L::kAxisLeft, y_of(v));
      cairo_line_to(cr_, L::kAxisRight, y_of(v));
      cairo_stroke(cr_);
      colour(0.3, 0.3, 0.3);
      text_at(L::kAxisLeft - 14, y_of(v) + 2, std::to_string(v));
    }
    const std::int64_t step = 15 * 60'000;
    for (std::int64_t t = (layout_.from_ms / step) * step - step; t <= layout_.to_ms; t += step) {
      if (t < layout_.from_ms) continue;
      const double x = layout_.x_of(t);
      colour(0.85, 0.85, 0.85);
      cairo_move_to(cr_, x, top);
      cairo_line_to(cr_, x, bottom);
      cairo_stroke(cr_);
      colour(0.3, 0.3, 0.3);
      text_at(x - 5, bottom + 9, std::to_string(t / 60'000));
    }
    text_at(L::kMargin, top + 4, "mmHg, /min");
    struct Series {
      const char* name;
      double r, g, b;
    };
    const Series series[] = {{"sys", 0.8, 0.1, 0.1}, {"dia", 0.1, 0.3, 0.8}, {"HR", 0.1, 0.6, 0.2}};
    double dash[] = {3.0, 2.0};
    int client_index = 0;
    for (const auto& c : s_.clients) {
      for (int k = 0; k < 3; ++k) {
        cairo_set_source_rgb(cr_, series[k].r, series[k].g, series[k].b);
        cairo_set_line_width(cr_, 1.0);
        cairo_set_dash(cr_, dash, client_index % 2 == 1 ? 2 : 0, 0);
        bool first = true;
        for (const auto& v : c.vitals) {
          const auto at = vitals_at(s_, v);
          if (!at) continue;
          const double value = k == 0 ? static_cast<double>(v.bp_sys)
                               : k == 1 ? static_cast<double>(v.bp_dia)
                                        : (v.hr ? static_cast<double>(*v.hr) : std::nan(""));
          if (std::isnan(value)) continue;
          const double x = layout_.x_of(*at), y = y_of(value);
          if (first) cairo_move_to(cr_, x, y);
          else cairo_line_to(cr_, x, y);
          first = false;
        }
        cairo_stroke(cr_);
        cairo_set_dash(cr_, nullptr, 0, 0);
        for (const auto& v : c.vitals)
          if (const auto at = vitals_at(s_, v)) {
            const double value = k == 0 ? static_cast<double>(v.bp_sys) : k == 1 ? static_cast<double>(v.bp_dia)
                                                                                 : static_cast<double>(v.hr.value_or(-1));
            if (value < 0) continue;
            cairo_arc(cr_, layout_.x_of(*at), y_of(value), 1.6, 0, 2 * M_PI);
            cairo_fill(cr_);
          }
      }
      ++client_index;
    }
    font(6);
    double lx = L::kAxisLeft;
    for (const auto& s : series) {
      cairo_set_source_rgb(cr_, s.r, s.g, s.b);
      text_at(lx, L::kVitalsTop + 4, s.name);
      lx += 22;
    }
    colour(0.3, 0.3, 0.3);
    std::string legend;
    for (std::size_t i = 0; i < s_.clients.size(); ++i)
      legend += (i ? ", " : "") + s_.clients[i].id + (i % 2 ? " dashed" : " solid");
    text_at(lx + 6, L::kVitalsTop + 4, legend);
  }

  void client(const ClientSummary& c) {
    gap();
    line("Client " + c.id, 0, 10, true);
    line("Doses", 0, 8, true);
    for (const auto& d : c.doses)
      line(std::string(d.booster ? "booster " : "dose ") + d.medication + " " + number(d.amount) + " " + d.unit + " " +
               d.route + " at " + clock_of(d.utc) + " (" + minutes(d.at_dose_ms) + "), lot " + d.lot.value_or("-") +
               ", entered by " + d.entered_by + ", confirmed by " + d.confirmed_by,
           8);
    line("Vitals", 0, 8, true);
    for (const auto& v : c.vitals)
      line(v.point + ": BP " + std::to_string(v.bp_sys) + "/" + std::to_string(v.bp_dia) + " mmHg, HR " +
               (v.hr ? std::to_string(*v.hr) : std::string("-")) + "/min, SpO2 " +
               (v.spo2 ? std::to_string(*v.spo2) + "%" : std::string("-")) + " taken " + clock_of(v.utc) + " (" +
               opt_minutes(vitals_at(s_, v)) + ") on " + v.device,
           8);
    if (!c.observations.empty()) line("Observations", 0, 8, true);
    for (const auto& o : c.observations) {
      std::string t = clock_of(o.utc) + " (" + opt_minutes(o.at_dose_ms) + "):";
      if (o.moaa_s) t += " MOAA/S " + std::to_string(*o.moaa_s);
      if (o.dissociation) t += "; dissociation " + *o.dissociation;
      for (const auto& f : o.dissociation_features) t += " " + f;
      if (o.cadss) t += " (CADSS " + std::to_string(*o.cadss) + ")";
      if (o.respiratory) t += "; respiratory events " + *o.respiratory;
      line(t + "; by " + o.by, 8);
    }
    if (!c.reminders.empty()) line("Reminders", 0, 8, true);
    for (const auto& r : c.reminders)
      line(r.reminder + " \"" + r.text + "\" due " + clock_of(r.due_utc) + " (" + minutes(r.due_ms) + "), " +
               (r.acked_utc ? "acknowledged " + clock_of(*r.acked_utc) : std::string("not acknowledged")),
           8);
    line("Ready to leave " + (c.ready_to_leave ? clock_of(c.ready_to_leave->utc) + " by " + c.ready_to_leave->by : "-") +
             "; discharged " + (c.discharged ? clock_of(c.discharged->utc) + " by " + c.discharged->by : "-") +
             "; monitored " + (c.monitored_minutes ? std::to_string(*c.monitored_minutes) + " min" : std::string("-")),
         0);
  }

  void session_marks() {
    gap();
    line("Pauses, talk, boosters, emergency, faults", 0, 10, true);
    if (s_.marks.empty()) line("none", 8);
    for (const auto& m : s_.marks) line(clock_of(m.utc) + " (" + opt_minutes(m.at_dose_ms) + ") " + m.text, 8);
  }

  void signature() {
    gap();
    line("Signature", 0, 10, true);
    if (!s_.signature) {
      line("not signed", 8);
    } else {
      const auto& g = *s_.signature;
      line("Signed \"" + g.meaning + "\" by " + g.by + " on " + g.device + " at " + g.utc, 8);
      line("over summary " + g.content_hash + (g.matches ? " (matches the record)" : " (DOES NOT MATCH the record)"), 8,
           7);
      line("covering events up to seq " + std::to_string(g.covers_seq), 8, 7);
    }
    for (const auto& a : s_.addenda)
      line("Addendum (" + a.section + (a.client ? ", " + *a.client : "") + ") by " + a.by + " at " + clock_of(a.utc) +
               ": " + a.text,
           8);
  }

  void footer() {
    font(6.5);
    colour(0.2, 0.2, 0.2);
    const double y = paged_ ? kFooterTop + 12 : y_ + 14;
    cairo_set_line_width(cr_, 0.5);
    cairo_move_to(cr_, L::kMargin, y - 9);
    cairo_line_to(cr_, L::kPageWidth - L::kMargin, y - 9);
    cairo_stroke(cr_);
    text_at(L::kMargin, y, "Record " + std::string(s_.verified ? "verified: " : "NOT VERIFIED: ") + s_.verification);
    text_at(L::kMargin, y + 8, "Last event covered: seq " + std::to_string(s_.last_seq) + " hash " + s_.last_hash +
                                  (paged_ ? "   page " + std::to_string(page_) : ""));
  }

  cairo_t* cr_;
  const Summary& s_;
  bool paged_;
  ChartLayout layout_;
  double y_ = 0;
  int page_ = 1;
};

void check(cairo_status_t status, const std::filesystem::path& path) {
  if (status != CAIRO_STATUS_SUCCESS)
    throw std::runtime_error("cannot write " + path.string() + ": " + cairo_status_to_string(status));
}

}  // namespace

ChartLayout chart_layout(const Summary& s) {
  ChartLayout l;
  l.from_ms = s.phases.empty() ? 0 : std::min<std::int64_t>(0, s.phases.front().from_ms);
  for (const auto& c : s.clients)
    for (const auto& v : c.vitals)
      if (const auto at = vitals_at(s, v)) l.from_ms = std::min(l.from_ms, *at);
  const std::int64_t minute = 60'000;
  if (l.from_ms < 0) l.from_ms = -((-l.from_ms + 5 * minute - 1) / (5 * minute)) * 5 * minute;
  std::int64_t end = s.session_end_ms.value_or(60 * 60'000);
  for (const auto& p : s.phases) end = std::max(end, p.to_ms);
  for (const auto& c : s.clients) {
    if (c.monitoring_ended_ms) end = std::max(end, *c.monitoring_ended_ms);
    if (c.discharged && c.discharged->at_dose_ms) end = std::max(end, *c.discharged->at_dose_ms);
  }
  const std::int64_t step = 5 * 60'000;
  l.to_ms = ((end + step - 1) / step) * step;
  if (l.to_ms <= l.from_ms) l.to_ms = l.from_ms + step;
  return l;
}

std::array<unsigned char, 3> phase_colour(std::int64_t index) {
  static constexpr std::array<std::array<unsigned char, 3>, 6> colours{{
      {0xb3, 0xcd, 0xe3}, {0xfe, 0xd9, 0xa6}, {0xde, 0xcb, 0xe4}, {0xcc, 0xeb, 0xc5}, {0xfb, 0xb4, 0xae}, {0xe5, 0xd8, 0xbd}}};
  return colours[static_cast<std::size_t>(index < 0 ? 0 : index) % colours.size()];
}

void write_pdf(const Summary& summary, const std::filesystem::path& path) {
  cairo_surface_t* surface = cairo_pdf_surface_create(path.c_str(), L::kPageWidth, L::kPageHeight);
  check(cairo_surface_status(surface), path);
  cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, ("Session summary " + summary.session).c_str());
  cairo_t* cr = cairo_create(surface);
  Painter(cr, summary, true).draw();
  cairo_show_page(cr);
  const auto status = cairo_status(cr);
  cairo_destroy(cr);
  cairo_surface_finish(surface);
  const auto finished = cairo_surface_status(surface);
  cairo_surface_destroy(surface);
  check(status, path);
  check(finished, path);
}

namespace {

cairo_status_t append_to_string(void* closure, const unsigned char* data, unsigned int length) {
  static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
  return CAIRO_STATUS_SUCCESS;
}

/** Draws the one-page SVG into `surface_for(height)`'s surface. */
void draw_svg(const Summary& summary, const std::function<cairo_surface_t*(double)>& surface_for,
              const std::filesystem::path& name) {
  // Measure first: the SVG is one page as tall as the summary.
  cairo_surface_t* recording = cairo_recording_surface_create(CAIRO_CONTENT_COLOR_ALPHA, nullptr);
  cairo_t* measure = cairo_create(recording);
  const double height = Painter(measure, summary, false).draw();
  cairo_destroy(measure);
  cairo_surface_destroy(recording);

  cairo_surface_t* surface = surface_for(std::max(height, L::kPageHeight));
  check(cairo_surface_status(surface), name);
  cairo_t* cr = cairo_create(surface);
  cairo_set_source_rgb(cr, 1, 1, 1);
  cairo_paint(cr);
  Painter(cr, summary, false).draw();
  const auto status = cairo_status(cr);
  cairo_destroy(cr);
  cairo_surface_finish(surface);
  const auto finished = cairo_surface_status(surface);
  cairo_surface_destroy(surface);
  check(status, name);
  check(finished, name);
}

}  // namespace

void write_svg(const Summary& summary, const std::filesystem::path& path) {
  draw_svg(summary, [&](double height) { return cairo_svg_surface_create(path.c_str(), L::kPageWidth, height); }, path);
}

std::string svg_text(const Summary& summary) {
  std::string out;
  draw_svg(
      summary,
      [&](double height) { return cairo_svg_surface_create_for_stream(append_to_string, &out, L::kPageWidth, height); },
      "the SVG");
  return out;
}

}  // namespace stillroom::report

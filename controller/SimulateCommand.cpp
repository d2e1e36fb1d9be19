#include "controller/SimulateCommand.hpp"

#include "audio/Renderer.hpp"
#include "config/SessionScript.hpp"
#include "session/Clock.hpp"
#include "controller/Preflight.hpp"
#include "session/Session.hpp"
#include "session/EventCodec.hpp"
#include "session/SessionOutput.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <deque>
#include <ostream>
#include <unistd.h>

namespace stillroom::controller {
namespace {

using config::format_clock;
using config::Millis;
using session::ManualClock;
using session::Session;
using namespace std::chrono_literals;

/** Virtual-time step between session ticks: reminders and phases resolve to a second. */
constexpr Millis kStep{1000};

/** The world of a simulated session: events printed as they happen, the offline renderer. */
class Simulation final : public session::SessionOutput, public audio::EngineListener {
 public:
  Simulation(const config::Library& library, audio::LoudnessCache& cache, const std::string& out_file, std::ostream& log)
      : renderer_(library.room.audio, cache, *this, out_file), log_(log) {}

  void play(const plan::Plan& plan, Millis) override { renderer_.follow(plan); }
  void lights(const plan::LightCue& cue) override {
    char line[160];
    std::snprintf(line, sizeof line, "%-10s %-17s %s %.0f%%%s, %s\n", format_clock(now_).c_str(), "lights",
                  cue.scene.c_str(), cue.brightness_pct,
                  cue.color_temp_k ? (" " + std::to_string(*cue.color_temp_k) + "K").c_str() : "",
                  cue.fade > Millis{0} ? ("fade " + config::format_duration(cue.fade)).c_str() : "at once");
    log_ << line;
  }
  void signal(const session::Happened& h) override {
    const auto p = session::encode(h.event, session::Visibility::Clinical);
    const Millis at = p.contains("at_dose_ms") ? Millis{p["at_dose_ms"].get<std::int64_t>()} : now_;
    std::string details;
    for (const auto& [key, value] : p.items()) {
      if (key == "at_dose_ms") continue;
      details += (details.empty() ? "" : ", ") + key + "=" + (value.is_string() ? value.get<std::string>() : value.dump());
    }
    if (h.actor.role != "system") details += (details.empty() ? "by " : " (by ") + h.actor.device + (details.empty() ? "" : ")");
    log_ << pad(format_clock(at)) << pad(std::string(session::type_name(h.event)), 18) << details << '\n';
  }
  void notice(const nlohmann::json& event) override {
    const auto type = event.value("type", "");
    if (type == "minutes_left") {
      log_ << pad(format_clock(now_)) << pad("minutes_left", 18) << event.value("remaining_s", 0) / 60 << " min\n";
    } else if (type == "reminder_repeat") {
      log_ << pad(format_clock(now_)) << pad("reminder_due", 18) << event.value("reminder", "") << " (again, "
           << event.value("count", 0) << ")\n";
    }
  }
  void on_engine_event(const audio::EngineEvent& event) override { engine_events_.push_back(event); }

  audio::Renderer& renderer() { return renderer_; }
  void set_now(Millis now) { now_ = now; }
  std::deque<audio::EngineEvent>& engine_events() { return engine_events_; }

 private:
  /** `text` in a column of `width`, always followed by at least one space. */
  static std::string pad(std::string text, std::size_t width = 11) {
    text.resize(std::max(width, text.size() + 1), ' ');
    return text;
  }

  audio::Renderer renderer_;
  std::ostream& log_;
  Millis now_{0};
  std::deque<audio::EngineEvent> engine_events_;
};

std::optional<session::CommandKind> kind_of(const std::string& name) { return session::command_kind(name); }

session::Command scripted(const config::ScriptedCommand& s) {
  session::Command c;
  c.id = "script-" + format_clock(s.at);
  c.kind = *kind_of(s.command);
  c.device = "script";
  c.role = "tablet";
  c.on = s.on.value_or(false);
  c.db = s.db.value_or(0.0);
  c.amount_mg = s.dose_mg;
  c.reminder = s.reminder;
  c.vitals.bp_sys = s.bp_sys.value_or(0);
  c.vitals.bp_dia = s.bp_dia.value_or(0);
  c.vitals.hr = s.hr;
  c.vitals.spo2 = s.spo2;
  return c;
}

void draw_progress(std::ostream& err, Millis at, Millis from, Millis to) {
  const double span = static_cast<double>((to - from).count());
  const double done = span > 0 ? std::clamp(static_cast<double>((at - from).count()) / span, 0.0, 1.0) : 1.0;
  const int width = 30;
  const int filled = static_cast<int>(done * width);
  err << "\r[" << std::string(static_cast<std::size_t>(filled), '#')
      << std::string(static_cast<std::size_t>(width - filled), '.') << "] " << static_cast<int>(done * 100) << "% "
      << format_clock(at) << " / " << format_clock(to) << std::flush;
}

}  // namespace

int run_simulate(const SimulateOptions& options, std::ostream& out, std::ostream& err) {
  config::Problems problems;
  const auto library = config::load_library(options.room_file, problems);
  std::vector<config::ScriptedCommand> script;
  if (!options.events_file.empty()) script = config::load_session_script(options.events_file, problems);
  if (problems.has_errors()) {
    problems.print(err);
    return 1;
  }

  audio::LoudnessCache cache(library.room.audio.loudness_cache, library.room.audio.channels);
  ManualClock clock;
  std::unique_ptr<Simulation> world;
  try {
    world = std::make_unique<Simulation>(library, cache, options.out_file, out);
  } catch (const std::exception& error) {
    err << "stillroom simulate: " << error.what() << '\n';
    return 1;
  }
  Session session(library, clock, *world, "simulate");

  session::Command preload;
  preload.id = "preload";
  preload.kind = session::CommandKind::Preload;
  preload.device = "script";
  preload.role = "tablet";
  preload.client = options.client;
  if (!options.protocol.empty()) preload.protocol = options.protocol;
  if (!options.playlist.empty()) preload.playlist = options.playlist;
  if (options.session > 0) preload.session_number = options.session;
  // A simulated dose, as the clinician would enter it: the series' suggestion, else the protocol's lowest.
  const auto* client = library.client(options.client);
  std::string protocol_id = options.protocol.empty() && client ? client->protocol : options.protocol;
  std::optional<double> amount;
  if (client && options.session > 0)
    if (const auto step = client->series.find(options.session); step != client->series.end()) {
      amount = step->second.dose_mg;
      if (!step->second.protocol.empty() && options.protocol.empty()) protocol_id = step->second.protocol;
    }
  if (const auto* protocol = library.protocol(protocol_id); protocol && !amount) amount = protocol->dose.min_mg;
  if (options.dose_mg) amount = options.dose_mg;
  if (amount) preload.doses.push_back({options.client, *amount, std::nullopt});
  auto handled = session.handle(preload);
  if (handled.preflight) handled = session.finish_preload(preload, run_preflight(*handled.preflight, &cache));
  if (!handled.reply || !handled.reply->ok) {
    err << "stillroom simulate: " << (handled.reply ? handled.reply->error : "preload failed") << '\n';
    return 1;
  }

  // The session starts at the first phase (the settle phase, before the dose).
  const Millis start_at = session.plan().phases.front().start;
  session::Command start;
  start.id = "start";
  start.kind = session::CommandKind::Start;
  start.device = "script";
  start.role = "tablet";
  start.given_at = clock.now().wall - std::chrono::duration_cast<std::chrono::system_clock::duration>(start_at);
  world->set_now(start_at);
  const auto started = session.handle(start);
  if (!started.reply || !started.reply->ok) {
    err << "stillroom simulate: " << (started.reply ? started.reply->error : "start failed") << '\n';
    return 1;
  }

  const bool draw = options.progress && ::isatty(STDERR_FILENO) != 0;
  const auto wall_start = std::chrono::steady_clock::now();
  auto last_draw = wall_start;
  Millis now = start_at;
  const auto advance_to = [&](Millis target) {
    while (now < target) {
      const Millis step = std::min(kStep, target - now);
      const Millis music_end = session.plan().music_end;
      if (now < music_end) world->renderer().render_until(std::min(now + step, music_end));
      now += step;
      clock.advance(step);
      world->set_now(now);
      while (!world->engine_events().empty()) {
        const auto e = world->engine_events().front();
        world->engine_events().pop_front();
        if (e.kind == audio::EngineEvent::Kind::FileFailed) session.audio_file_failed(e.segment, e.file, e.detail, e.audio_until);
      }
      session.tick();
      if (draw && std::chrono::steady_clock::now() - last_draw > 100ms) {
        draw_progress(err, now, start_at, std::max(session.plan().music_end, session.plan().monitoring_end));
        last_draw = std::chrono::steady_clock::now();
      }
    }
  };

  try {
    for (const auto& step : script) {
      if (step.at < now) {
        err << step.where.str() << ": warning: " << step.command << " at " << format_clock(step.at)
            << " is before the session's start (" << format_clock(start_at) << "): applied at the start\n";
      }
      advance_to(std::max(step.at, now));
      const auto reply = session.handle(scripted(step)).reply;
      (void)reply;  // refusals are in the record and printed with it
    }
    advance_to(std::max(session.plan().music_end, session.plan().monitoring_end));
    world->renderer().finish();
  } catch (const std::exception& error) {
    if (draw) err << '\n';
    err << "stillroom simulate: " << error.what() << '\n';
    return 1;
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  const double rendered = static_cast<double>(world->renderer().frames_written()) / world->renderer().sample_rate();
  if (draw) err << '\n';
  char summary[256];
  std::snprintf(summary, sizeof summary, "rendered %s of audio in %.1f s (%.0fx real time) to %s\n",
                format_clock(Millis{static_cast<long long>(rendered * 1000)}).c_str(), seconds,
                seconds > 0 ? rendered / seconds : 0.0, options.out_file.c_str());
  err << summary;
  return 0;
}

}  // namespace stillroom::controller

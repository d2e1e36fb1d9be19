#include "controller/Daemon.hpp"

#include "audio/Engine.hpp"
#include "audio/LoudnessCache.hpp"
#include "audio/OutputDevice.hpp"
#include "audio/Sink.hpp"
#include "session/Clock.hpp"
#include "controller/Inbox.hpp"
#include "controller/Preflight.hpp"
#include "controller/SystemClock.hpp"
#include "record/Record.hpp"
#include "record/RecordForwarder.hpp"
#include "controller/TrackSurvey.hpp"
#include "session/Session.hpp"
#include "room/LightController.hpp"
#include "room/RoomLink.hpp"

#include <csignal>
#include <iostream>
#include <map>
#include <thread>

#ifdef STILLROOM_HAVE_SYSTEMD
#include <systemd/sd-daemon.h>
#endif

namespace stillroom::controller {

using record::EventDraft;
using record::Record;
using record::RecordError;
using record::RecordEvent;
using record::RecordForwarder;
using record::RecordOptions;
using record::SessionSummary;
using session::PreflightJob;
using session::Session;
using session::SessionOutput;
namespace {

using config::Millis;
using namespace std::chrono_literals;

/** Ticks often enough for 2–4 light steps per second and a prompt reminder. */
constexpr std::chrono::milliseconds kTick{125};
/** An underrun fault clears after this long without another. */
constexpr std::chrono::seconds kUnderrunQuiet{30};

void notify_systemd([[maybe_unused]] const char* state) {
#ifdef STILLROOM_HAVE_SYSTEMD
  sd_notify(0, state);
#endif
}

/** The state without what moves every second, to publish only real changes. */
nlohmann::json stable_part(nlohmann::json state) {
  for (const char* key : {"since_dose_s", "phase_ends_in_s"}) state.erase(key);
  if (state.contains("track") && state["track"].is_object()) state["track"].erase("position_s");
  return state;
}

}  // namespace

struct Daemon::Impl final : SessionOutput, room::RoomLinkListener, audio::EngineListener {
  Impl(const config::Library& library, DaemonOptions options);

  int run();
  void stop() { inbox.post([this] { stopping = true; }); }

  // SessionOutput (controller thread)
  RecordEvent record(const EventDraft& draft) override;
  void play(const plan::Plan& plan, Millis dose_now) override;
  void lights(const plan::LightCue& cue) override;
  void signal(const nlohmann::json& event) override;
  int previous_sessions(const std::string& client) override;

  // RoomLinkListener (link thread: post only)
  void on_command(const session::Command& command) override;
  void on_rejected(const room::Rejection& rejection) override;
  void on_connection_changed(bool connected) override;
  void on_message(const std::string& topic, const std::string& payload) override;
  void on_link_fault(const std::string& code, const std::string& message, bool active) override;

  // EngineListener (player thread: post only)
  void on_engine_event(const audio::EngineEvent& event) override;

  void start_audio();
  void restore_session();
  void tick();
  void publish_state(bool force);
  void preflight(const session::Command& command, PreflightJob job);
  [[nodiscard]] Millis monotonic_ms() { return std::chrono::duration_cast<Millis>(clock.now().monotonic); }
  std::ostream& log() { return *options.log; }

  const config::Library& library;
  DaemonOptions options;
  std::string device;
  SystemClock clock;
  Inbox inbox;
  bool stopping = false;

  Record record_store;
  audio::LoudnessCache loudness;
  std::unique_ptr<audio::Engine> engine;
  room::RoomLink link;
  RecordForwarder forwarder;
  room::LightController light_controller;
  Session session;

  nlohmann::json last_state;
  std::optional<std::chrono::steady_clock::time_point> last_underrun;
  /** The preflight of the pending preload (one at a time: the session refuses a second). */
  std::thread worker;
};

Daemon::Impl::Impl(const config::Library& lib, DaemonOptions opts)
    : library(lib),
      options(std::move(opts)),
      device("stillroom-" + lib.room.id),
      record_store(lib.room.record.path, clock, RecordOptions{"stillroom-" + lib.room.id}),
      loudness(lib.room.audio.loudness_cache, lib.room.audio.channels),
      link(lib.room, *this,
           [&] {
             room::LinkOptions o;
             if (!options.mqtt_password.empty()) o.password = options.mqtt_password;
             return o;
           }()),
      forwarder(record_store, [this](const std::string& json) { return link.publish("record", json, 1, false); }),
      light_controller(lib.room.lights, "stillroom-" + lib.room.id),
      session(lib, clock, *this, "stillroom-" + lib.room.id) {
  if (options.log == nullptr) options.log = &std::cerr;
}

// ---- SessionOutput ----------------------------------------------------------

RecordEvent Daemon::Impl::record(const EventDraft& draft) {
  auto stored = record_store.append(draft);
  if (draft.type == "session_ended") {
    // Anchor the chain off the box: the newest (seq, hash) at every session end.
    if (const auto cp = record_store.checkpoint()) {
      link.publish("record/checkpoint", cp->to_json().dump(), 1, true);
      record_store.append({draft.session, "checkpoint", {device, "system"}, cp->to_json()});
    }
  }
  return stored;
}

void Daemon::Impl::play(const plan::Plan& plan, Millis dose_now) {
  if (engine) engine->follow(plan, dose_now);
}

void Daemon::Impl::lights(const plan::LightCue& cue) { light_controller.apply(cue, monotonic_ms()); }

void Daemon::Impl::signal(const nlohmann::json& event) { link.publish_event(event); }

int Daemon::Impl::previous_sessions(const std::string& client) {
  int count = 0;
  try {
    for (const auto& s : record_store.sessions())
      if (std::find(s.clients.begin(), s.clients.end(), client) != s.clients.end() && s.state != "preloaded" &&
          s.state != "cleared")
        ++count;
  } catch (const RecordError&) {
    // Without the record the series position is unknown: the client's defaults apply.
  }
  return count;
}

// ---- link and engine callbacks: hand over to the controller thread ---------

void Daemon::Impl::on_command(const session::Command& command) {
  inbox.post([this, command] {
    auto handled = session.handle(command);
    if (handled.preflight) {
      preflight(command, *handled.preflight);
    } else if (handled.reply) {
      link.reply(command, *handled.reply);
    }
    publish_state(false);
  });
}

void Daemon::Impl::preflight(const session::Command& command, PreflightJob job) {
  // Decoding a playlist can take seconds on an SD card: never on the controller thread.
  if (worker.joinable()) worker.join();  // the previous one has posted its result and is ending
  worker = std::thread([this, command, job] {
    auto result = run_preflight(job, &loudness);
    inbox.post([this, command, result = std::move(result)] {
      link.reply(command, session.finish_preload(command, result));
      publish_state(false);
    });
  });
}

void Daemon::Impl::on_rejected(const room::Rejection& r) {
  inbox.post([this, r] {
    const auto it = library.room.devices.find(r.device);
    session.refused_by_link(r.device, it == library.room.devices.end() ? std::string() : it->second.role, r.command,
                            r.id.value_or(""), r.error);
  });
}

void Daemon::Impl::on_connection_changed(bool connected) {
  inbox.post([this, connected] {
    if (connected) {
      forwarder.connected();
      light_controller.resend(monotonic_ms());
      publish_state(true);
    } else {
      forwarder.disconnected();
    }
  });
}

void Daemon::Impl::on_message(const std::string& topic, const std::string& payload) {
  inbox.post([this, topic, payload] {
    if (topic == link.topics().at("record/ack")) {
      const auto result = forwarder.acknowledge_message(payload);
      if (result == RecordForwarder::Ack::Malformed || result == RecordForwarder::Ack::Refused)
        log() << "record ack refused: " << forwarder.last_problem() << '\n';
      return;
    }
    for (const auto& change : light_controller.on_state(topic, payload, monotonic_ms()))
      session.fault("light_not_following", change.light, change.message, change.raised);
  });
}

void Daemon::Impl::on_link_fault(const std::string& code, const std::string& message, bool active) {
  inbox.post([this, code, message, active] { session.fault(code, "", message, active); });
}

void Daemon::Impl::on_engine_event(const audio::EngineEvent& e) {
  inbox.post([this, e] {
    using K = audio::EngineEvent::Kind;
    switch (e.kind) {
      case K::FileFailed: session.audio_file_failed(e.segment, e.file, e.detail, e.audio_until); break;
      case K::Underrun:
        last_underrun = std::chrono::steady_clock::now();
        session.fault("audio_underrun", "", "the audio output ran dry " + std::to_string(e.count) + " time(s)", true);
        break;
      case K::DeviceLost: session.fault("audio_device", library.room.audio.device, e.detail, true); break;
      case K::DeviceBack: session.fault("audio_device", library.room.audio.device, "", false); break;
      case K::TrackStarted:
      case K::TrackEnded: break;  // the plan already says what plays; the record takes it from there
    }
  });
}

// ---- the loop -----------------------------------------------------------------

void Daemon::Impl::start_audio() {
  auto settings = library.room.audio;
  if (settings.output == "portaudio") {
    // A box with no sound output at all plays to the null output (the dose
    // clock, the record and the lights go on) and says so; a device that exists
    // but fails is retried by the sink instead.
    std::string error;
    if (audio::list_output_devices(error).empty()) {
      const std::string why = "no sound output on this box (" + (error.empty() ? std::string("PortAudio lists none") : error) +
                              "): playing to the null output";
      log() << why << '\n';
      session.fault("audio_device", settings.device, why, true);
      settings.output = "null";
    }
  }
  try {
    engine = std::make_unique<audio::Engine>(settings, loudness, *this, audio::make_sink(settings));
    engine->start();
    return;
  } catch (const std::exception& error) {
    if (settings.output != "portaudio") throw;
    log() << "no usable sound output (" << error.what() << "): playing to the null output\n";
    session.fault("audio_device", settings.device, std::string("no sound output, playing to the null output: ") + error.what(), true);
  }
  settings.output = "null";
  engine = std::make_unique<audio::Engine>(settings, loudness, *this, audio::make_sink(settings));
  engine->start();
}

void Daemon::Impl::restore_session() {
  std::vector<SessionSummary> sessions;
  try {
    sessions = record_store.sessions();
  } catch (const RecordError& error) {
    log() << "cannot read sessions from the record: " << error.what() << '\n';
    return;
  }
  const SessionSummary* last = nullptr;
  for (const auto& s : sessions)
    if (last == nullptr || s.last_seq > last->last_seq) last = &s;
  if (last == nullptr || last->state == "cleared") return;
  std::vector<RecordEvent> events;
  try {
    events = record_store.session_events(last->session);
  } catch (const RecordError& error) {
    log() << "cannot read session " << last->session << ": " << error.what() << '\n';
    return;
  }
  if (events.empty()) return;
  // The outage: monotonic time when the box did not reboot, else the wall clock.
  const auto now = clock.now();
  std::optional<std::chrono::nanoseconds> outage;
  const auto& newest = events.back();
  if (newest.boot_id == clock.boot_id()) {
    outage = now.monotonic - std::chrono::nanoseconds{newest.monotonic_ns};
  } else if (const auto then = config::parse_instant(newest.utc)) {
    outage = std::chrono::duration_cast<std::chrono::nanoseconds>(now.wall - *then);
  }
  // The lengths of the session's tracks, read from the files again.
  std::map<std::string, Millis> durations;
  for (const auto& e : events) {
    if (e.type != "session_preloaded") continue;
    if (const auto* playlist = library.playlist(e.payload_json().value("playlist", ""))) {
      config::Problems ignored;
      durations = survey_tracks(referenced_files(*playlist), false, nullptr, ignored).durations;
    }
  }
  session.restore(events, outage, durations);
  log() << "restored session " << last->session << " (" << session::to_string(session.status()) << ")\n";
}

void Daemon::Impl::tick() {
  session.tick();
  const auto now = monotonic_ms();
  auto lights_tick = light_controller.tick(now);
  for (const auto& m : lights_tick.messages) link.publish_message(m);
  for (const auto& change : lights_tick.faults)
    session.fault("light_not_following", change.light, change.message, change.raised);
  if (last_underrun && std::chrono::steady_clock::now() - *last_underrun > kUnderrunQuiet) {
    last_underrun.reset();
    session.fault("audio_underrun", "", "", false);
  }
  publish_state(false);
}

void Daemon::Impl::publish_state(bool force) {
  auto state = session.state();
  if (engine && state.track && session.status() == session::SessionStatus::Running) {
    // Where the listener actually is: the engine's clock, not the plan's.
    if (const auto* seg = session.plan().segment_at(engine->dose_now()))
      state.track->position_s = static_cast<double>((seg->source_offset + (engine->dose_now() - seg->start)).count()) / 1000.0;
  }
  const auto json = session::to_json(state);
  const auto stable = stable_part(json);
  if (!force && stable == last_state) return;
  last_state = stable;
  link.publish_state(state);
}

int Daemon::Impl::run() {
  const auto& report = record_store.open_report();
  if (report.replaced)
    session.fault("record", "", "the record was damaged and preserved as " + report.replaced->preserved_as.string() +
                                    "; a new one was started", true);
  if (!report.available && report.error) session.fault("record", "", report.error->what(), true);

  link.start();
  link.subscribe(link.topics().at("record/ack"), 1);
  for (const auto& topic : light_controller.state_topics()) link.subscribe(topic, 0);
  restore_session();
  publish_state(true);
  start_audio();
  if (session.status() == session::SessionStatus::Running || session.status() == session::SessionStatus::Paused) {
    engine->follow(session.plan(), *session.dose_now());
    log() << "session " << session.session_id() << " resumed at dose time " << config::format_clock(*session.dose_now()) << '\n'
          << std::flush;
  }
  notify_systemd("READY=1");

  while (!stopping) {
    inbox.run_for(kTick);
    tick();
    notify_systemd("WATCHDOG=1");
  }

  notify_systemd("STOPPING=1");
  if (worker.joinable()) worker.join();
  inbox.run_for(0ms);
  if (engine) engine->stop();
  publish_state(true);
  link.stop();  // publishes offline
  return 0;
}

Daemon::Daemon(const config::Library& library, DaemonOptions options)
    : impl_(std::make_unique<Impl>(library, std::move(options))) {}
Daemon::~Daemon() = default;
int Daemon::run() { return impl_->run(); }
void Daemon::stop() { impl_->stop(); }

}  // namespace stillroom::controller

#include "controller/Daemon.hpp"

#include "audio/Engine.hpp"
#include "audio/LoudnessCache.hpp"
#include "audio/OutputDevice.hpp"
#include "audio/Sink.hpp"
#include "audio/ThreadSetup.hpp"
#include "controller/Catalogue.hpp"
#include "controller/CommandLedger.hpp"
#include "controller/Heartbeat.hpp"
#include "controller/Inbox.hpp"
#include "controller/Log.hpp"
#include "controller/Preflight.hpp"
#include "controller/RecordWriter.hpp"
#include "controller/RoomPublisher.hpp"
#include "controller/SystemClock.hpp"
#include "controller/TrackSurvey.hpp"
#include "record/Record.hpp"
#include "record/RecordFileCheck.hpp"
#include "record/RecordHappened.hpp"
#include "record/RecordHash.hpp"
#include "report/SessionSummary.hpp"
#include "report/SummaryDrawing.hpp"
#include "room/LightController.hpp"
#include "room/RoomLink.hpp"
#include "session/Apply.hpp"
#include "session/Session.hpp"
#include "session/Staleness.hpp"

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <fstream>
#include <sys/resource.h>
#include <thread>
#include <unistd.h>

#ifdef STILLROOM_HAVE_SYSTEMD
#include <systemd/sd-daemon.h>
#endif

namespace stillroom::controller {
namespace {

using config::Millis;
using nlohmann::json;
using namespace std::chrono_literals;

/**
 * The loop wakes when the session has something due (a phase, a track, a reminder: Session::next_due_in), when a
 * light's next fade step is due, when a command or an engine event arrives (the inbox wakes it at once), and
 * otherwise, while a session is live, once a second: for the heartbeat (a restart's outage is measured from it),
 * a fault waiting to clear and the clock's check. With no live session it wakes only to refresh the state
 * (kStatePeriod), which also checks the clock and feeds systemd's watchdog (10 s).
 */
constexpr std::chrono::milliseconds kTick{1000};
/** The state is published on every change and at least this often (its published_at says how fresh it is). */
constexpr std::chrono::milliseconds kStatePeriod{5000};
/** An underrun fault clears after this long without another. */
constexpr std::chrono::seconds kUnderrunQuiet{30};
/** After a fatal fault, the process ends by itself this long later if the orderly stop hangs. */
constexpr std::chrono::seconds kFatalGrace{3};
/** The most events a `history` reply carries (the newest). */
constexpr std::size_t kHistoryLimit = 500;
/** Exit status after a fatal fault (EX_SOFTWARE): systemd restarts the room. */
constexpr int kFatalExit = 70;

void notify_systemd([[maybe_unused]] const char* state) {
#ifdef STILLROOM_HAVE_SYSTEMD
  sd_notify(0, state);
#endif
}

/** Tests inject an exception into one named thread this way (STILLROOM_INJECT_FAULT=preflight|writer|heartbeat). */
void injected_fault(const char* thread) {
  if (const char* target = std::getenv("STILLROOM_INJECT_FAULT"); target != nullptr && std::string(target) == thread)
    throw std::runtime_error(std::string("fault injected into the ") + thread + " thread");
}

/** Tests slow one stage down this way, as a slow SD card would (STILLROOM_INJECT_DELAY=preflight:3000). */
void injected_delay(const char* stage) {
  const char* spec = std::getenv("STILLROOM_INJECT_DELAY");
  if (spec == nullptr) return;
  const std::string text = spec;
  const auto colon = text.find(':');
  if (colon == std::string::npos || text.substr(0, colon) != stage) return;
  std::this_thread::sleep_for(std::chrono::milliseconds(std::atoi(text.c_str() + colon + 1)));
}

std::filesystem::path heartbeat_file(const config::Room& room) { return room.record.path + ".alive"; }

/** The session a reading command means: the one it names, else the current one, else the last recorded. */
std::string session_to_read(record::Record& r, const session::Command& command, const std::string& current) {
  const std::string id = command.session.value_or(current);
  if (!id.empty()) return id;
  const auto sessions = r.sessions();
  return sessions.empty() ? std::string() : sessions.back().session;
}

/**
 * The whole file is checked after the room is online (a million events take about 0.6 s), unless a check
 * found it damaged before: then at open, so that it is moved aside before anything is appended.
 */
record::RecordOptions record_options(const config::Room& room) {
  record::RecordOptions options{"stillroom-" + room.id};
  std::error_code ignored;
  options.check_file_at_open = std::filesystem::exists(record::damage_marker(room.record.path), ignored);
  return options;
}

}  // namespace

struct Daemon::Impl final : session::SessionOutput, room::RoomLinkListener, audio::EngineListener {
  Impl(Daemon& owner, const config::Library& library, DaemonOptions options);

  int run();
  void stop() { inbox.post([this] { stopping = true; }); }
  void fatal(const std::string& thread, const std::string& what);

  // SessionOutput (controller thread): act at once.
  void play(const plan::Plan& plan, Millis dose_now) override;
  void lights(const plan::LightCue& cue) override;
  void signal(const session::Happened& event) override { publisher.publish_event(event); }
  void notice(const json& notice) override { publisher.publish_notice(notice); }

  // RoomLinkListener (link thread: post only)
  void on_command(const session::Command& command) override;
  void on_rejected(const room::Rejection& rejection) override;
  void on_connection_changed(bool connected) override;
  void on_message(const std::string& topic, const std::string& payload) override;
  void on_link_fault(const std::string& code, const std::string& message, bool active) override;

  // EngineListener (player thread: post only)
  void on_engine_event(const audio::EngineEvent& event) override;

  /** Runs `body` as a thread's whole life: an exception escaping it is fatal. */
  template <class Body>
  std::thread guarded_thread(const char* name, Body body) {
    return std::thread([this, name, body = std::move(body)]() mutable {
      audio::name_this_thread(name);
      try {
        body();
      } catch (const std::exception& error) {
        fatal(name, error.what());
      } catch (...) {
        fatal(name, "unknown exception");
      }
    });
  }

  void handle(const session::Command& command);
  void history(const session::Command& command);
  /** An after-care command: decided once what it needs from the record (a past session, the summary signed) is read. */
  void after_care(const session::Command& command);
  /** summary: the session's summary (JSON, or the picture as SVG text). */
  void summary(const session::Command& command);
  /** Answers `command` with `outcome`'s reply once its events are durable, and records them. */
  void answer(const session::Command& command, session::Outcome outcome);
  /** Records what an input that is not a command did. */
  void record(session::Outcome outcome);
  void preflight(const session::Command& command, session::PreflightJob job);
  void survey_catalogue();
  /** At start, before the link: the marker of a damaged record is removed once the record opened checked. */
  void forget_damage_marker();
  /** The record's file was checked whole at open (the marker asked for it): no check on a thread. */
  bool record_checked_at_open = false;
  void check_record_file();

  void start_audio();
  void restore_session();
  void tick();
  /** How long the loop may wait for a command before tick() has something to do. */
  [[nodiscard]] std::chrono::milliseconds next_tick_in();
  void publish_state();
  [[nodiscard]] Millis monotonic_ms() { return std::chrono::duration_cast<Millis>(clock.now().monotonic); }
  [[nodiscard]] json reply_body(const session::Command& command, const session::Reply& reply) const;

  Daemon& owner;
  const config::Library& library;
  DaemonOptions options;
  Log& log;
  std::string device;
  /** This run of the controller: events are numbered within it. */
  std::string epoch;
  SystemClock clock;
  Inbox inbox;
  bool stopping = false;
  std::atomic<int> exit_code{0};

  record::Record record_store;
  RecordWriter writer;
  Heartbeat heartbeat;
  audio::LoudnessCache loudness;
  std::unique_ptr<audio::Engine> engine;
  room::RoomLink link;
  RoomPublisher publisher;
  room::LightController light_controller;
  session::Session session;
  CommandLedger ledger;

  bool state_dirty = true;
  std::chrono::steady_clock::time_point state_published_at{};
  std::optional<std::chrono::steady_clock::time_point> last_underrun;
  /** The clock's sync state as the `clock_unsynced` fault last showed it. */
  std::optional<bool> clock_synced_shown;
  std::map<std::string, Millis> catalogue_durations;
  std::map<std::string, PreflightVerdict> preflights;
  /** The preflight of the pending preload (one at a time: the session refuses a second). */
  std::thread worker;
  std::thread surveyor;
  /** SQLite's check of the whole record file, after the room is online. */
  std::thread record_checker;
};

Daemon::Impl::Impl(Daemon& d, const config::Library& lib, DaemonOptions opts)
    : owner(d),
      library(lib),
      options(std::move(opts)),
      log(*options.log),
      device("stillroom-" + lib.room.id),
      epoch(record::random_uuid()),
      record_store(lib.room.record.path, clock, record_options(lib.room)),
      writer(record_store, "stillroom-" + lib.room.id,
             RecordWriter::Hooks{
                 [this](bool active, const std::string& message) {
                   inbox.post([this, active, message] { record(session.fault("record", "", message, active)); });
                 },
                 [this](const std::string& subtopic, const std::string& payload, bool retained) {
                   return link.publish(subtopic, payload, 1, retained);
                 },
                 [this](const std::string& line) { log.warning(line); },
                 [this](const std::string& what) { fatal("record writer", what); }}),
      heartbeat(heartbeat_file(lib.room), clock),
      loudness(lib.room.audio.loudness_cache, lib.room.audio.channels),
      link(lib.room, *this,
           [&] {
             room::LinkOptions o;
             if (!options.mqtt_password.empty()) o.password = options.mqtt_password;
             o.epoch = epoch;
             return o;
           }()),
      publisher(link, lib, epoch),
      light_controller(lib.room.lights, "stillroom-" + lib.room.id),
      session(lib, clock, *this, "stillroom-" + lib.room.id) {}

// ---- acting ----------------------------------------------------------------------

void Daemon::Impl::play(const plan::Plan& plan, Millis dose_now) {
  if (engine) engine->follow(plan, dose_now);
}

void Daemon::Impl::lights(const plan::LightCue& cue) {
  // The light command leaves now, before anything is written (an emergency must not wait for the disk).
  const auto now = monotonic_ms();
  light_controller.apply(cue, now);
  for (const auto& m : light_controller.tick(now).messages) link.publish_message(m);
  state_dirty = true;
}

// ---- commands -----------------------------------------------------------------------

void Daemon::Impl::on_command(const session::Command& command) {
  inbox.post([this, command] { handle(command); });
}

json Daemon::Impl::reply_body(const session::Command& command, const session::Reply& reply) const {
  json body = {{"id", command.id}, {"ok", reply.ok}};
  if (!reply.ok) {
    body["error"] = reply.error.empty() ? "refused" : reply.error;
    body["reason"] = reply.reason.empty() ? "refused" : reply.reason;
  }
  body["state"] = publisher.last_state();
  return body;
}

void Daemon::Impl::handle(const session::Command& command) {
  state_dirty = true;
  if (command.kind == session::CommandKind::History) return history(command);
  if (command.kind == session::CommandKind::Summary) return summary(command);
  if (const auto first = ledger.find(command.device, command.id)) {
    // Answered before (QoS 1 redelivery, a retry): the first answer again, nothing else — after what is in flight.
    json body = json::parse(*first);
    body["repeat"] = true;
    log.info("repeated command answered", {{"COMMAND", session::to_string(command.kind)}, {"DEVICE", command.device},
                                           {"ID", command.id}, {"OUTCOME", "repeat"}});
    writer.submit({{}, std::nullopt, [this, command, body](bool, const std::string&) { link.reply(command, body); }});
    return;
  }
  const auto wall = clock.now().wall;
  if (auto stale = session::stale_refusal(command, wall, link.connected_at(), library.room.mqtt.command_max_age))
    return answer(command, session.refuse(command, *stale));
  if (session::is_after_care(command.kind) &&
      (command.kind == session::CommandKind::Sign || (command.session && *command.session != session.session_id())))
    return after_care(command);
  auto outcome = session.handle(command);
  if (outcome.preflight) {
    auto job = *outcome.preflight;
    record(std::move(outcome));
    publish_state();
    return preflight(command, job);
  }
  answer(command, std::move(outcome));
}

void Daemon::Impl::answer(const session::Command& command, session::Outcome outcome) {
  state_dirty = true;
  publish_state();
  publisher.publish_session(session);
  const session::Reply reply = outcome.reply.value_or(session::Reply::success());
  const json body = reply_body(command, reply);
  const auto now = clock.now().wall;
  ledger.remember(command.device, command.id, body.dump(), now);
  RecordWriter::Job job;
  for (const auto& e : outcome.events) job.drafts.push_back(record::to_draft(e));
  job.answer = record::Answer{command.device, command.id, body.dump(), config::format_instant(now)};
  const std::string what = outcome.what.empty() ? std::string("the ") + session::to_string(command.kind) : outcome.what;
  job.done = [this, command, body, reply, what](bool durable, const std::string& problem) {
    json sent = body;
    if (!durable && reply.ok) {
      // The room acted (music and lights are never the record's hostages), but the therapist must not believe it is on file.
      sent["ok"] = false;
      sent["reason"] = "not_recorded";
      sent["error"] = "not recorded (" + problem + "): " + what + " took effect and will be recorded when the record is back";
    }
    link.reply(command, sent);
    log.info("command answered", {{"COMMAND", session::to_string(command.kind)}, {"DEVICE", command.device},
                                  {"ID", command.id}, {"OUTCOME", sent.value("ok", false) ? "ok" : sent.value("reason", "refused")}});
  };
  writer.submit(std::move(job));
}

void Daemon::Impl::record(session::Outcome outcome) {
  if (outcome.events.empty()) return;
  state_dirty = true;
  RecordWriter::Job job;
  for (const auto& e : outcome.events) job.drafts.push_back(record::to_draft(e));
  writer.submit(std::move(job));
}

void Daemon::Impl::history(const session::Command& command) {
  const std::string current = session.session_id();
  writer.read([this, command, current](record::Record& r) {
    json body = {{"id", command.id}, {"ok", true}};
    try {
      const std::string id = session_to_read(r, command, current);
      const auto events = id.empty() ? std::vector<record::RecordEvent>{} : r.session_events(id);
      const std::size_t from = events.size() > kHistoryLimit ? events.size() - kHistoryLimit : 0;
      body["session"] = id.empty() ? json(nullptr) : json(id);
      body["events"] = json::array();
      for (std::size_t i = from; i < events.size(); ++i) body["events"].push_back(record::to_json(events[i]));
      body["truncated"] = from > 0;
    } catch (const record::RecordError& error) {
      body = {{"id", command.id}, {"ok", false}, {"reason", "refused"},
              {"error", std::string("the record cannot be read: ") + error.what()}};
    }
    link.reply(command, body);
  });
}

void Daemon::Impl::after_care(const session::Command& command) {
  const std::string id = command.session.value_or(session.session_id());
  const bool current = id == session.session_id();
  writer.read([this, command, id, current](record::Record& r) {
    std::optional<std::string> problem;
    std::vector<record::RecordEvent> rows;
    try {
      rows = report::session_span(r, id);
      if (rows.empty() && !current) problem = "no session '" + id + "' in the record";
    } catch (const record::RecordError& error) {
      problem = std::string("the record cannot be read: ") + error.what();
    }
    inbox.post([this, command, id, current, problem, rows = std::move(rows)] {
      if (problem) return answer(command, session.refuse(command, session::Reply::failure(*problem)));
      std::optional<session::SignedContent> content;
      if (command.kind == session::CommandKind::Sign && !rows.empty()) {
        const auto summary = report::summarise(id, rows);
        content = session::SignedContent{report::content_hash(summary), summary.last_seq, summary.last_hash};
      }
      const session::SignedContent* signing = content ? &*content : nullptr;
      // The room's own session may have moved on while the record was read: decide on what is in the room now.
      if (current && id == session.session_id()) return answer(command, session.handle(command, signing));
      std::vector<record::RecordEvent> own;
      for (const auto& row : rows)
        if (row.session == id) own.push_back(row);
      auto past = session::replay_past(record::to_happened(own), library);
      answer(command, session.handle_past(past, command, signing));
    });
  });
}

void Daemon::Impl::summary(const session::Command& command) {
  const std::string current = session.session_id();
  writer.read([this, command, current](record::Record& r) {
    json body = {{"id", command.id}, {"ok", true}};
    try {
      const std::string id = session_to_read(r, command, current);
      const auto rows = id.empty() ? std::vector<record::RecordEvent>{} : report::session_span(r, id);
      if (rows.empty()) {
        body = {{"id", command.id}, {"ok", false}, {"reason", "refused"},
                {"error", id.empty() ? std::string("no session in the record") : "no session '" + id + "' in the record"}};
      } else {
        auto summary = report::summarise(id, rows);
        const auto verification = r.verify();
        summary.verified = verification.ok();
        summary.verification = verification.message();
        body["session"] = id;
        if (command.format == "svg") body["svg"] = report::svg_text(summary);
        else body["summary"] = report::summary_json(summary);
      }
    } catch (const record::RecordError& error) {
      body = {{"id", command.id}, {"ok", false}, {"reason", "refused"},
              {"error", std::string("the record cannot be read: ") + error.what()}};
    }
    link.reply(command, body);
  });
}

void Daemon::Impl::preflight(const session::Command& command, session::PreflightJob job) {
  // Decoding a playlist can take seconds on an SD card: never on the controller thread.
  if (worker.joinable()) worker.join();  // the previous one has posted its result and is ending
  worker = guarded_thread("preflight", [this, command, job] {
    injected_fault("preflight");
    injected_delay("preflight");
    auto result = run_preflight(job, &loudness);
    inbox.post([this, command, job, result = std::move(result)] {
      preflights[job.playlist->id] = PreflightVerdict{result.problems.empty(), config::format_instant(clock.now().wall),
                                                      result.problems};
      publisher.publish_catalogue(make_catalogue(library, catalogue_durations, preflights));
      answer(command, session.finish_preload(command, result));
    });
  });
}

void Daemon::Impl::survey_catalogue() {
  // Each playlist's phase coverage needs every track's length: read the headers off the controller thread.
  surveyor = guarded_thread("catalogue", [this] {
    config::Problems ignored;
    auto survey = survey_tracks(referenced_files(library), false, nullptr, ignored);
    inbox.post([this, durations = std::move(survey.durations)] {
      catalogue_durations = durations;
      publisher.publish_catalogue(make_catalogue(library, catalogue_durations, preflights));
    });
  });
}

void Daemon::Impl::forget_damage_marker() {
  // The marker asked for the file check at this open; the file opened whole, or was moved aside. Gone before
  // the room says it is online, so nobody reads a marker of a record already replaced.
  record_checked_at_open = record_options(library.room).check_file_at_open;
  if (!record_checked_at_open || !record_store.open_report().available) return;
  std::error_code ignored;
  std::filesystem::remove(record::damage_marker(library.room.record.path), ignored);
}

void Daemon::Impl::check_record_file() {
  const std::filesystem::path path = library.room.record.path;
  // Checked at open (and moved aside if it was damaged): forget_damage_marker() has done the rest.
  if (record_checked_at_open) return;
  if (!record_store.open_report().available) return;
  record_checker = guarded_thread("record check", [this, path] {
    ::setpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()), 10);  // behind the music and the commands
    std::optional<std::string> damage;
    try {
      damage = record::record_file_damage(path);
    } catch (const record::RecordError& error) {
      damage = error.what();
    }
    if (!damage) return;
    std::ofstream(record::damage_marker(path)) << *damage << "\n";
    inbox.post([this, damage = *damage] {
      record(session.fault("record", "",
                           "the record's file is damaged (" + damage +
                               "); the room records on: restart the controller after this session, which moves the "
                               "damaged file aside, keeps it, and begins a new record",
                           true));
    });
  });
}

// ---- link and engine callbacks: hand over to the controller thread ---------------------

void Daemon::Impl::on_rejected(const room::Rejection& r) {
  inbox.post([this, r] {
    const auto it = library.room.devices.find(r.device);
    record(session.refused_by_link(r.device, it == library.room.devices.end() ? std::string() : it->second.role, r.command,
                                   r.id.value_or(""), room::to_string(r.reason), r.error));
  });
}

void Daemon::Impl::on_connection_changed(bool connected) {
  writer.link_changed(connected);
  inbox.post([this, connected] {
    log.notice(connected ? "connected to the broker" : "broker connection lost", {{"LINK", connected ? "up" : "down"}});
    if (!connected) return;
    light_controller.resend(monotonic_ms());
    state_dirty = true;
    publish_state();
    publisher.republish();
  });
}

void Daemon::Impl::on_message(const std::string& topic, const std::string& payload) {
  if (topic == link.topics().at("record/ack")) return writer.acknowledge(payload);
  inbox.post([this, topic, payload] {
    for (const auto& change : light_controller.on_state(topic, payload, monotonic_ms()))
      record(session.fault("light_not_following", change.light, change.message, change.raised));
  });
}

void Daemon::Impl::on_link_fault(const std::string& code, const std::string& message, bool active) {
  inbox.post([this, code, message, active] {
    log.write(active ? Log::Level::Warning : Log::Level::Notice, message, {{"FAULT", code}, {"ACTIVE", active ? "1" : "0"}});
    record(session.fault(code, "", message, active));
  });
}

void Daemon::Impl::on_engine_event(const audio::EngineEvent& e) {
  inbox.post([this, e] {
    using K = audio::EngineEvent::Kind;
    switch (e.kind) {
      case K::FileFailed: record(session.audio_file_failed(e.segment, e.file, e.detail, e.audio_until)); break;
      case K::Underrun:
        last_underrun = std::chrono::steady_clock::now();
        log.warning("audio underrun", {{"FAULT", "audio_underrun"}, {"COUNT", std::to_string(e.count)}});
        record(session.fault("audio_underrun", "", "the audio output ran dry " + std::to_string(e.count) + " time(s)", true));
        break;
      case K::DeviceLost: record(session.fault("audio_device", library.room.audio.device, e.detail, true)); break;
      case K::DeviceBack: record(session.fault("audio_device", library.room.audio.device, "", false)); break;
      case K::TrackStarted:
      case K::TrackEnded: break;  // the plan already says what plays; the record takes it from there
    }
  });
}

// ---- the loop -------------------------------------------------------------------------------

void Daemon::Impl::start_audio() {
  auto settings = library.room.audio;
  if (settings.output == "portaudio") {
    // A box with no sound output at all plays to the null output (the dose clock, the record and the lights go on)
    // and says so; a device that exists but fails is retried by the sink instead.
    std::string error;
    if (audio::list_output_devices(error).empty()) {
      const std::string why = "no sound output on this box (" + (error.empty() ? std::string("PortAudio lists none") : error) +
                              "): playing to the null output";
      log.warning(why, {{"FAULT", "audio_device"}});
      record(session.fault("audio_device", settings.device, why, true));
      settings.output = "null";
    }
  }
  try {
    engine = std::make_unique<audio::Engine>(settings, loudness, *this, audio::make_sink(settings));
    engine->start();
    return;
  } catch (const std::exception& error) {
    if (settings.output != "portaudio") throw;
    log.warning(std::string("no usable sound output (") + error.what() + "): playing to the null output", {{"FAULT", "audio_device"}});
    record(session.fault("audio_device", settings.device, std::string("no sound output, playing to the null output: ") + error.what(), true));
  }
  settings.output = "null";
  engine = std::make_unique<audio::Engine>(settings, loudness, *this, audio::make_sink(settings));
  engine->start();
}

void Daemon::Impl::restore_session() {
  std::vector<record::SessionSummary> sessions;
  try {
    sessions = record_store.sessions();
  } catch (const record::RecordError& error) {
    log.error(std::string("cannot read sessions from the record: ") + error.what(), {{"FAULT", "restore"}});
    return;
  }
  const record::SessionSummary* last = nullptr;
  for (const auto& s : sessions)
    if (last == nullptr || s.last_seq > last->last_seq) last = &s;
  if (last == nullptr || last->state == "cleared") return;
  std::vector<record::RecordEvent> rows;
  try {
    rows = record_store.session_events(last->session);
  } catch (const record::RecordError& error) {
    log.error("cannot read session " + last->session + ": " + error.what(), {{"FAULT", "restore"}});
    return;
  }
  if (rows.empty()) return;
  // The outage: from when the room was last alive (the heartbeat), else from its last event; monotonic time on
  // the same boot, the wall clock across boots (and then only as good as the clock is).
  const auto now = clock.stamp();
  std::optional<std::chrono::nanoseconds> outage;
  std::string source;
  const auto alive = Heartbeat::read(heartbeat_file(library.room));
  const auto& newest = rows.back();
  const std::string boot = alive ? alive->boot_id : newest.boot_id;
  if (boot == now.boot_id) {
    const auto then = alive ? alive->monotonic : std::chrono::nanoseconds{newest.monotonic_ns};
    outage = now.reading.monotonic - then;
    source = "monotonic";
  } else {
    const auto then = alive ? std::optional(alive->wall) : config::parse_instant(newest.utc);
    if (then) outage = std::chrono::duration_cast<std::chrono::nanoseconds>(now.reading.wall - *then);
    source = now.reading.synced ? "wall_synced" : "wall_unsynced";
  }
  record(session.restore(record::to_happened(rows), outage, source));
  if (source == "wall_unsynced" && session.state().dose_clock) {
    record(session.fault("clock_unsynced", "", "the room's clock is not synchronised: the dose clock was restored from "
                                                "the wall clock after a reboot and may be wrong", true));
    clock_synced_shown = false;
  }
  log.notice("restored session " + last->session + " (" + session::to_string(session.status()) + ")",
             {{"SESSION", last->session}});
}

std::chrono::milliseconds Daemon::Impl::next_tick_in() {
  Millis wait = kTick;
  if (!session.state().live()) {
    const auto since = std::chrono::duration_cast<Millis>(std::chrono::steady_clock::now() - state_published_at);
    wait = std::clamp(kStatePeriod - since, Millis{0}, kStatePeriod);
  }
  // 1 ms past the due time: the tick then finds it due (the dose clock counts whole milliseconds).
  if (const auto due = session.next_due_in()) wait = std::clamp(*due + Millis{1}, Millis{0}, wait);
  // A light's next fade step (or its deadline to follow) comes sooner when it is due sooner.
  if (const auto light = light_controller.next_tick_at()) wait = std::clamp(*light - monotonic_ms(), Millis{0}, wait);
  return wait;
}

void Daemon::Impl::tick() {
  heartbeat.beat_if_due();
  record(session.tick());
  if (const bool synced = clock.now().synced; synced != clock_synced_shown) {
    clock_synced_shown = synced;
    record(session.fault("clock_unsynced", "",
                         "the room's clock is not synchronised (no time server or RTC has set it): a start needs the "
                         "time confirmed on the panel or a tablet",
                         !synced));
  }
  const auto now = monotonic_ms();
  auto lights_tick = light_controller.tick(now);
  for (const auto& m : lights_tick.messages) link.publish_message(m);
  for (const auto& change : lights_tick.faults)
    record(session.fault("light_not_following", change.light, change.message, change.raised));
  if (last_underrun && std::chrono::steady_clock::now() - *last_underrun > kUnderrunQuiet) {
    last_underrun.reset();
    record(session.fault("audio_underrun", "", "", false));
  }
  publish_state();
}

void Daemon::Impl::publish_state() {
  // Built only when something changed, and at least every kStatePeriod so its published_at stays fresh.
  const auto steady = std::chrono::steady_clock::now();
  if (!state_dirty && steady - state_published_at < kStatePeriod) return;
  std::optional<Millis> heard;
  if (engine && session.status() == session::SessionStatus::Running) heard = engine->dose_now();
  publisher.publish_state(publisher.state(session, clock.now(), heard));
  publisher.publish_session(session);
  state_dirty = false;
  state_published_at = steady;
}

void Daemon::Impl::fatal(const std::string& thread, const std::string& what) {
  log.error("fatal: " + what + " (thread " + thread + "); the room controller stops and is restarted",
            {{"FAULT", "fatal"}, {"THREAD", thread}});
  exit_code = kFatalExit;
  // If the orderly stop cannot finish (the failed thread held something), end anyway.
  std::thread([] {
    std::this_thread::sleep_for(kFatalGrace);
    std::_Exit(kFatalExit);
  }).detach();
  inbox.post([this, thread, what] {
    record(session.fault("fatal", thread, what, true));
    stopping = true;
  });
}

int Daemon::Impl::run() {
  const auto& report = record_store.open_report();
  if (report.replaced)
    record(session.fault("record", "", "the record was damaged and preserved as " + report.replaced->preserved_as.string() +
                                           "; a new one was started", true));
  if (!report.available && report.error) record(session.fault("record", "", report.error->what(), true));
  forget_damage_marker();
  try {
    for (const auto& a : record_store.answers_since(config::format_instant(clock.now().wall - CommandLedger::kMemory)))
      if (const auto at = config::parse_instant(a.utc)) ledger.remember(a.device, a.id, a.reply, *at);
  } catch (const record::RecordError& error) {
    log.warning(std::string("answered commands cannot be read from the record: ") + error.what());
  }

  link.start();
  link.subscribe(link.topics().at("record/ack"), 1);
  for (const auto& topic : light_controller.state_topics()) link.subscribe(topic, 0);
  // The record is the writer thread's once it starts (it forwards to the archive as soon as the link is up):
  // the restore reads it here first. Started alongside, a long restore and the forwarder's first read met on
  // one SQLite connection (a crash at start with a million-event record).
  restore_session();
  writer.start();
  writer.drain();  // what the restart found is on record before the room goes on
  heartbeat.start();
  publish_state();
  start_audio();
  if (session.state().live()) {
    engine->follow(session.plan(), *session.dose_now());
    log.notice("session " + session.session_id() + " resumed at dose time " + config::format_clock(*session.dose_now()),
               {{"SESSION", session.session_id()}});
  }
  publisher.publish_catalogue(make_catalogue(library, {}, preflights));
  survey_catalogue();
  check_record_file();
  notify_systemd("READY=1");

  while (!stopping) {
    inbox.run_for(next_tick_in());
    tick();
    notify_systemd("WATCHDOG=1");
  }

  notify_systemd("STOPPING=1");
  if (worker.joinable()) worker.join();
  if (surveyor.joinable()) surveyor.join();
  if (record_checker.joinable()) record_checker.join();
  inbox.run_for(0ms);
  if (engine) engine->stop();
  state_dirty = true;
  publish_state();
  writer.stop();
  heartbeat.stop();
  link.stop();  // publishes offline
  return exit_code;
}

Daemon::Daemon(const config::Library& library, DaemonOptions options)
    : impl_(std::make_unique<Impl>(*this, library, std::move(options))) {}
Daemon::~Daemon() = default;
int Daemon::run() { return impl_->run(); }
void Daemon::stop() { impl_->stop(); }
void Daemon::fatal(const std::string& thread, const std::string& what) { impl_->fatal(thread, what); }

}  // namespace stillroom::controller

// DaemonRoom: the real `stillroom run` process in a temporary room — a real
// mosquitto with the room's ACL on a free loopback port, a real SQLite record,
// audio through PortAudio → ALSA → jackd's dummy backend (real-time pace) with
// every played sample captured to a file — and a tablet that talks to it over
// MQTT like the therapist's does. The protocol is compressed to seconds.
#pragma once

#include "room/MqttProbe.hpp"
#include "support/AlsaConfig.hpp"
#include "support/JackRecorder.hpp"
#include "support/JackServer.hpp"
#include "support/Mosquitto.hpp"
#include "support/TempDir.hpp"
#include "support/ToneFile.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <fcntl.h>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace stillroom::test {

using nlohmann::json;
using namespace std::chrono_literals;

inline std::string stillroom_binary() { return std::string(STILLROOM_BINARY_DIR) + "/controller/stillroom"; }

/** Runs `stillroom ARGS...` to the end; returns {exit status, stdout}. */
inline std::pair<int, std::string> run_cli(const std::vector<std::string>& args) {
  std::string command = stillroom_binary();
  for (const auto& a : args) command += " '" + a + "'";
  command += " 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  REQUIRE(pipe != nullptr);
  std::string out;
  char buffer[4096];
  std::size_t n = 0;
  while ((n = fread(buffer, 1, sizeof buffer, pipe)) > 0) out.append(buffer, n);
  const int status = pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

inline MosquittoOptions room_broker() {
  MosquittoOptions o;
  o.users = {{"controller", "c-secret"}, {"tablet-1", "t-secret"},     {"panel-1", "p-secret"},
             {"ledger", "l-secret"},     {"observer-1", "o-secret"},   {"homeassistant", "h-secret"},
             {"zigbee2mqtt", "z-secret"}};
  std::ifstream acl(std::string(STILLROOM_SOURCE_DIR) + "/config/mosquitto/stillroom.acl");
  std::stringstream text;
  text << acl.rdbuf();
  // The record's consumer: reads the record, acknowledges it.
  o.acl = text.str() + "\nuser ledger\ntopic read stillroom/+/record\ntopic read stillroom/+/record/checkpoint\n"
                       "topic write stillroom/+/record/ack\n";
  o.persistence = true;
  return o;
}

class DaemonRoom {
 public:
  /**
   * `jack`: real-time audio through jackd with a capture; otherwise the room has no sound output (null).
   * `timeline`: the room's output also recorded at the JACK server (timeline()), silence included while
   * the engine has the output closed.
   */
  explicit DaemonRoom(bool jack = true, bool timeline = false) : broker_(room_broker()) {
    if (jack) {
      jack_.emplace(48000, 1024);
      if (timeline) {
        recorder_.emplace(120.0);
        alsa_.emplace(dir_.path(), capture(), recorder_->port(0), recorder_->port(1));
      } else {
        alsa_.emplace(dir_.path(), AlsaConfig::Output::Jack, capture());
      }
    }
    write_room(jack);
    tablet = std::make_unique<MqttProbe>(broker_.port(), "tablet-probe", "tablet-1", "t-secret", true);
    tablet->subscribe("stillroom/room-1/#");
  }
  ~DaemonRoom() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
  }
  DaemonRoom(const DaemonRoom&) = delete;
  DaemonRoom& operator=(const DaemonRoom&) = delete;

  [[nodiscard]] std::filesystem::path capture() const { return dir_ / "capture.raw"; }
  /** What the room played, as a timeline at 48 kHz (a DaemonRoom made with `timeline`). */
  [[nodiscard]] Samples timeline() const {
    REQUIRE(recorder_.has_value());
    return recorder_->recorded();
  }
  [[nodiscard]] std::filesystem::path record() const { return dir_ / "record.db"; }
  [[nodiscard]] std::filesystem::path room_file() const { return dir_ / "room.yaml"; }
  [[nodiscard]] std::string log() const {
    std::ifstream in(dir_ / "daemon.log");
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }
  /** The end of the log: what the newest process said (a failure's message stays readable after many restarts). */
  [[nodiscard]] std::string log_tail(std::size_t chars = 4000) const {
    const std::string all = log();
    return all.size() <= chars ? all : "[...]\n" + all.substr(all.size() - chars);
  }
  Mosquitto& broker() { return broker_; }
  /** Replaces `from` with `to` in room.yaml (before start()). */
  void edit_room(const std::string& from, const std::string& to) {
    std::ifstream in(room_file());
    std::stringstream text;
    text << in.rdbuf();
    std::string room = text.str();
    const auto at = room.find(from);
    REQUIRE(at != std::string::npos);
    room.replace(at, from.size(), to);
    dir_.write("room.yaml", room);
  }

  /** Starts the daemon and waits until it is online (its retained `online`, published after this call). */
  void start(const std::vector<std::pair<std::string, std::string>>& env = {}) {
    launch(env);
    // Online, or the process ended (a configuration error, a crash): then its log says why.
    std::optional<ProbeMessage> online;
    for (int waited = 0; !online && waited < 100; ++waited) {
      online = tablet->wait_for("stillroom/room-1/status", [](const ProbeMessage& m) {
        return m.payload == "online" && !m.retained;
      }, 200ms);
      int status = 0;
      if (!online && waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        break;
      }
    }
    REQUIRE_MESSAGE(online.has_value(), "the daemon did not come online:\n" << log());
    online_order_ = online->order;
    online_arrived_ = online->arrived;
  }
  /** Starts the daemon without waiting for anything (its log says how it goes). */
  void launch(const std::vector<std::pair<std::string, std::string>>& env = {}) {
    REQUIRE(pid_ < 0);
    tablet->clear();
    const std::string binary = stillroom_binary();
    const std::string room = room_file().string();
    const std::string log_file = (dir_ / "daemon.log").string();
    pid_ = fork();
    REQUIRE(pid_ >= 0);
    if (pid_ == 0) {
      const int fd = ::open(log_file.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
      dup2(fd, 1);
      dup2(fd, 2);
      for (const auto& [name, value] : env) ::setenv(name.c_str(), value.c_str(), 1);
      execl(binary.c_str(), binary.c_str(), "run", "--allow-root", "--config", room.c_str(), "--verbose",
            static_cast<char*>(nullptr));
      _exit(127);
    }
  }
  /** Waits until the log holds `text` (false after `timeout`, or when the process ended without it). */
  bool wait_log(const std::string& text, std::chrono::milliseconds timeout = 10s) {
    const auto until = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < until) {
      if (log().find(text) != std::string::npos) return true;
      std::this_thread::sleep_for(20ms);
    }
    return log().find(text) != std::string::npos;
  }
  /** Waits for the process to end by itself; its wait status (nullopt after `timeout`). */
  std::optional<int> wait_exit(std::chrono::milliseconds timeout = 10s) {
    REQUIRE(pid_ > 0);
    const auto until = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < until) {
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return status;
      }
      std::this_thread::sleep_for(20ms);
    }
    return std::nullopt;
  }
  /** kill -9: no chance to say goodbye. */
  void kill9() {
    REQUIRE(pid_ > 0);
    ::kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }
  /** SIGTERM and wait; returns the exit status. */
  int terminate() {
    REQUIRE(pid_ > 0);
    ::kill(pid_, SIGTERM);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }
  [[nodiscard]] pid_t pid() const noexcept { return pid_; }
  /** Arrival order (at the tablet) of the last `online`: what came later came from the running daemon. */
  [[nodiscard]] std::uint64_t online_order() const noexcept { return online_order_; }
  /** When that `online` arrived at the tablet. */
  [[nodiscard]] std::chrono::steady_clock::time_point online_arrived() const noexcept { return online_arrived_; }

  /** Sends a command from the tablet and waits for the reply with its id. */
  json command(const std::string& id, const json& body) {
    json payload = body;
    payload["id"] = id;
    REQUIRE(tablet->publish("stillroom/room-1/cmd/tablet-1", payload.dump()).ok);
    const auto reply = tablet->wait_for("stillroom/room-1/reply/tablet-1", [&](const ProbeMessage& m) {
      return json::parse(m.payload).value("id", json()) == json(id);
    }, 15s);
    REQUIRE_MESSAGE(reply.has_value(), "no reply to " << payload.dump() << "\n" << log());
    return reply->json();
  }
  /** Preloads `client` and starts its session now; returns the `session_started` event. */
  json begin_session(const std::string& client, double amount_mg = 50) {
    const auto preload = command("begin-preload", {{"cmd", "preload"},
                                                   {"client", client},
                                                   {"doses", {{{"client", client}, {"amount_mg", amount_mg}}}}});
    REQUIRE_MESSAGE(preload["ok"] == true, preload.dump());
    const auto start = command("begin-start", {{"cmd", "start"}});
    REQUIRE_MESSAGE(start["ok"] == true, start.dump());
    const auto started = event("session_started");
    REQUIRE(started.has_value());
    return *started;
  }
  /** The first event of `type` received since the last clear (waiting up to `timeout`). */
  std::optional<json> event(const std::string& type, std::chrono::milliseconds timeout = 10s,
                            const std::function<bool(const json&)>& also = nullptr) {
    const auto m = tablet->wait_for("stillroom/room-1/events", [&](const ProbeMessage& msg) {
      const auto e = json::parse(msg.payload);
      return e.value("type", "") == type && (!also || also(e));
    }, timeout);
    if (!m) return std::nullopt;
    return m->json();
  }
  std::vector<json> events() const {
    std::vector<json> out;
    for (const auto& m : tablet->received("stillroom/room-1/events")) out.push_back(json::parse(m.payload));
    return out;
  }

  std::unique_ptr<MqttProbe> tablet;

 private:
  void write_room(bool jack) {
    std::filesystem::create_directories(dir_ / "music");
    const auto tone = [&](const std::string& name, double seconds, double hz) {
      const auto frames = static_cast<std::int64_t>(seconds * 8000);
      ToneFile::write(dir_ / "music" / name, ToneFile::sine(8000, 1, frames, hz, 0.25));
    };
    tone("a.wav", 25, 330.0);
    tone("b.wav", 300, 440.0);
    tone("c.wav", 40, 523.25);
    dir_.write("controller.password", "c-secret\n");
    dir_.write("room.yaml",
               "room: { id: room-1 }\n"
               "audio:\n"
               "  output: " + std::string(jack ? "portaudio\n  device: default\n" : "null\n") +
               "  sample_rate: 48000\n"
               "  decode_ahead: 2s\n"
               "  latency: 100ms\n"
               "  loudness_cache: cache/loudness\n"
               "  talk_duck_db: -18\n"
               "  ramps: { volume: 200ms, pause: 1s, resume: 1s, stop: 2s, emergency: 500ms, talk: 500ms,\n"
               "           manual_crossfade: 1s, recover: 1s }\n"
               "mqtt:\n"
               "  host: 127.0.0.1\n"
               "  port: " + std::to_string(broker_.port()) + "\n"
               "  username: controller\n"
               "  password_file: controller.password\n"
               "  keepalive: 5s\n"
               "  persistence_dir: mqtt\n"
               "lights:\n"
               "  normal_scene: bright\n"
               "  emergency_scene: full\n"
               "  scenes:\n"
               "    bright: { brightness: 80% }\n"
               "    dim: { brightness: 20%, color_temp: 2700K }\n"
               "    full: { brightness: 100% }\n"
               "  devices:\n"
               "    - { id: ceiling, kind: zigbee2mqtt, topic: zigbee2mqtt/ceiling }\n"
               "devices:\n"
               "  panel-1: { role: panel }\n"
               "  tablet-1: { role: tablet }\n"
               "  observer-1: { role: observer }\n"
               "  homeassistant: { role: panel }\n"
               "roles:\n"
               "  panel: [start, pause, resume, talk, stop, emergency, ack, history]\n"
               "  tablet: all\n"
               "  observer: []\n"
               "record: { path: record.db }\n"
               "protocols: protocols/\n"
               "playlists: playlists/\n"
               "clients: clients/\n");
    // Minutes become seconds: onset 0-20 s, peak 20 s-5 min, a reminder at 12 s.
    dir_.write("protocols/quick.yaml",
               "protocol: { id: quick, name: Compressed IM, route: im, medication: ketamine, dose_mg: [20, 150] }\n"
               "phases:\n"
               "  - { name: onset, from: 0, to: 20s, volume_db: -6, lights: dim, light_fade: 2s, crossfade: 2s }\n"
               "  - { name: peak, from: 20s, to: 5m, volume_db: -6, lights: dim, crossfade: 2s }\n"
               "reminders:\n"
               "  - { id: bp, text: Blood pressure, at: 12s, repeat: 10s }\n"
               "booster: { rule: extend, window: [5s, 2m], extend_by: 30s, max: 1 }\n"
               "monitoring_end: 6m\n"
               "end_fade: 2s\n");
    // One phase, one long track: where the music is follows from the dose clock alone.
    dir_.write("protocols/steady.yaml",
               "protocol: { id: steady, name: One phase, route: im, medication: ketamine, dose_mg: [20, 150] }\n"
               "phases:\n"
               "  - { name: peak, from: 0, to: 5m, volume_db: -6, lights: dim, crossfade: 2s }\n"
               "monitoring_end: 6m\n"
               "end_fade: 2s\n");
    dir_.write("playlists/calm.yaml",
               "playlist: { id: calm, name: Calm }\n"
               "phases:\n"
               "  onset: [../music/a.wav]\n"
               "  peak: { tracks: [../music/b.wav], alternates: [../music/c.wav] }\n");
    dir_.write("playlists/one.yaml",
               "playlist: { id: one, name: One track }\n"
               "phases:\n"
               "  peak: [../music/b.wav]\n");
    dir_.write("clients/c-7.yaml", "client: { id: c-7, protocol: quick, playlist: calm }\n");
    dir_.write("clients/c-9.yaml", "client: { id: c-9, protocol: quick, playlist: calm }\n");
    dir_.write("clients/c-8.yaml", "client: { id: c-8, protocol: steady, playlist: one }\n");
  }

  TempDir dir_{"stillroom-daemon"};
  std::optional<JackServer> jack_;
  std::optional<JackRecorder> recorder_;
  std::optional<AlsaConfig> alsa_;
  Mosquitto broker_;
  pid_t pid_ = -1;
  std::uint64_t online_order_ = 0;
  std::chrono::steady_clock::time_point online_arrived_{};
};

}  // namespace stillroom::test

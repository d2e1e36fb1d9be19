// ControllerRoom: a temporary room for tests of the real `stillroom run`
// process (its start-up checks, its lock, what it lets out): a real mosquitto
// with the shipped ACL on a free loopback port, a real record, no sound output
// (the null sink keeps real-time pace), and a tablet and a witness that sees
// every message on the broker. Processes are started with fork/exec and always
// killed at the end.
#pragma once

#include "room/MqttProbe.hpp"
#include "support/Mosquitto.hpp"
#include "support/TempDir.hpp"
#include "support/ToneFile.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <csignal>
#include <fcntl.h>
#include <optional>
#include <string>
#include <sys/stat.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace stillroom::test {

using namespace std::chrono_literals;

inline std::string stillroom_program() { return std::string(STILLROOM_BINARY_DIR) + "/controller/stillroom"; }

/** A `stillroom` process: started with arguments, its stdout and stderr in one log file. */
class ControllerProcess {
 public:
  ControllerProcess(std::vector<std::string> args, std::filesystem::path log) : log_(std::move(log)) {
    args.insert(args.begin(), stillroom_program());
    const std::string log_file = log_.string();
    pid_ = ::fork();
    REQUIRE(pid_ >= 0);
    if (pid_ == 0) {
      const int fd = ::open(log_file.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
      ::dup2(fd, 1);
      ::dup2(fd, 2);
      std::vector<char*> argv;
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      ::execv(argv[0], argv.data());
      ::_exit(127);
    }
  }
  ~ControllerProcess() { kill9(); }
  ControllerProcess(const ControllerProcess&) = delete;
  ControllerProcess& operator=(const ControllerProcess&) = delete;

  [[nodiscard]] pid_t pid() const noexcept { return pid_; }
  [[nodiscard]] std::string log() const { return read_file(log_); }
  /** Still running (not exited, not reaped). */
  [[nodiscard]] bool running() {
    if (pid_ <= 0) return false;
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      pid_ = -1;
      return false;
    }
    return true;
  }
  /** Waits up to `timeout` for the process to end; its exit status, or nullopt if it still runs. */
  std::optional<int> wait_exit(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (running()) {
      if (std::chrono::steady_clock::now() > deadline) return std::nullopt;
      std::this_thread::sleep_for(10ms);
    }
    return exit_code_;
  }
  /** SIGTERM and wait: its exit status. */
  int terminate() {
    if (pid_ > 0) ::kill(pid_, SIGTERM);
    return wait_exit(30s).value_or(-1);
  }
  void kill9() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }

 private:
  std::filesystem::path log_;
  pid_t pid_ = -1;
  int exit_code_ = -1;
};

inline MosquittoOptions controller_room_broker(const std::string& controller_password) {
  MosquittoOptions o;
  o.users = {{"controller", controller_password}, {"tablet-1", "t-secret"}, {"witness", "w-secret"}};
  // The shipped ACL, and a witness that may read everything: what the room lets out is what it sees.
  o.acl = read_file(source_path("config/mosquitto/stillroom.acl")) + "\nuser witness\ntopic read #\n";
  return o;
}

class ControllerRoom {
 public:
  explicit ControllerRoom(std::string controller_password = "c-secret")
      : password_(std::move(controller_password)), broker_(controller_room_broker(password_)) {
    write_room();
    witness = std::make_unique<MqttProbe>(broker_.port(), "witness", "witness", "w-secret");
    witness->subscribe("#");
    tablet = std::make_unique<MqttProbe>(broker_.port(), "tablet-probe", "tablet-1", "t-secret");
    tablet->subscribe("stillroom/room-1/#");
  }

  [[nodiscard]] const TempDir& dir() const noexcept { return dir_; }
  [[nodiscard]] std::filesystem::path room_file() const { return dir_ / "room.yaml"; }
  [[nodiscard]] std::filesystem::path record() const { return dir_ / "state" / "record.db"; }
  [[nodiscard]] std::filesystem::path password_file() const { return dir_ / "secrets" / "controller.password"; }
  [[nodiscard]] const std::string& password() const noexcept { return password_; }
  Mosquitto& broker() { return broker_; }

  /** `stillroom run --allow-root --config room.yaml` (the tests run as root), logging to `log_name`. */
  std::unique_ptr<ControllerProcess> spawn(const std::string& log_name, std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"run", "--config", room_file().string()};
    if (::geteuid() == 0) args.emplace_back("--allow-root");
    args.insert(args.end(), extra.begin(), extra.end());
    return std::make_unique<ControllerProcess>(args, dir_ / log_name);
  }

  /** Starts a controller and waits until it is online (its fresh, non-retained `online`). */
  std::unique_ptr<ControllerProcess> start(const std::string& log_name = "controller.log") {
    tablet->clear();
    auto process = spawn(log_name);
    std::optional<ProbeMessage> online;
    for (int waited = 0; !online && waited < 100 && process->running(); ++waited)
      online = tablet->wait_for("stillroom/room-1/status",
                                [](const ProbeMessage& m) { return m.payload == "online" && !m.retained; }, 200ms);
    REQUIRE_MESSAGE(online.has_value(), "the controller did not come online:\n" << process->log());
    return process;
  }

  /** Sends a command as the tablet and waits for its reply. */
  nlohmann::json command(const std::string& id, nlohmann::json body) {
    body["id"] = id;
    REQUIRE(tablet->publish("stillroom/room-1/cmd/tablet-1", body.dump()).ok);
    const auto reply = tablet->wait_for("stillroom/room-1/reply/tablet-1", [&](const ProbeMessage& m) {
      const auto j = nlohmann::json::parse(m.payload, nullptr, false);
      return j.is_object() && j.value("id", nlohmann::json()) == nlohmann::json(id);
    }, 15s);
    REQUIRE_MESSAGE(reply.has_value(), "no reply to " << body.dump());
    return reply->json();
  }

  std::unique_ptr<MqttProbe> witness;
  std::unique_ptr<MqttProbe> tablet;

 private:
  void write_room() {
    std::filesystem::create_directories(dir_ / "music");
    ToneFile::write(dir_ / "music" / "a.wav", ToneFile::sine(8000, 1, 8000 * 60, 440.0, 0.25));
    dir_.write("secrets/controller.password", password_ + "\n");
    ::chmod(password_file().c_str(), 0600);
    dir_.write("room.yaml",
               "room: { id: room-1 }\n"
               "audio:\n"
               "  output: null\n"
               "  sample_rate: 48000\n"
               "  decode_ahead: 2s\n"
               "  loudness_cache: state/loudness\n"
               "mqtt:\n"
               "  host: 127.0.0.1\n"
               "  port: " + std::to_string(broker_.port()) + "\n"
               "  username: controller\n"
               "  password_file: secrets/controller.password\n"
               "  keepalive: 5s\n"
               "  persistence_dir: state/mqtt\n"
               "lights:\n"
               "  normal_scene: bright\n"
               "  emergency_scene: bright\n"
               "  scenes:\n"
               "    bright: { brightness: 80% }\n"
               "  devices:\n"
               "    - { id: ceiling, kind: zigbee2mqtt, topic: zigbee2mqtt/ceiling }\n"
               "devices:\n"
               "  tablet-1: { role: tablet }\n"
               "roles:\n"
               "  tablet: all\n"
               "record: { path: state/record.db }\n"
               "protocols: protocols/\n"
               "playlists: playlists/\n"
               "clients: clients/\n");
    dir_.write("protocols/steady.yaml",
               "protocol: { id: steady, name: One phase, route: im, medication: ketamine, dose_mg: [20, 150] }\n"
               "phases:\n"
               "  - { name: peak, from: 0, to: 5m, volume_db: -6, lights: bright, crossfade: 2s }\n"
               "monitoring_end: 6m\n"
               "end_fade: 2s\n");
    dir_.write("playlists/one.yaml", "playlist: { id: one, name: One track }\nphases:\n  peak: [../music/a.wav]\n");
    dir_.write("clients/c-8.yaml", "client: { id: c-8, protocol: steady, playlist: one }\n");
  }

  TempDir dir_{"stillroom-controller"};
  std::string password_;
  Mosquitto broker_;
};

}  // namespace stillroom::test

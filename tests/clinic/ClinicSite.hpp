// ClinicSite: a clinic on loopback for the clinic test and benchmark — the
// clinic broker (mosquitto with the shipped clinic ACL, TLS with a CA made by
// scripts/clinic-certs), treatment rooms (each its own mosquitto with the
// shipped room ACL and the shipped bridge template, and a real `stillroom run`
// with the null audio output), and the record archive as a real
// `stillroom-archive` process on a real PostgreSQL. Throws std::runtime_error
// (not doctest assertions) so a benchmark can use it too.
#pragma once

#include "room/MqttProbe.hpp"
#include "support/Mosquitto.hpp"
#include "support/Postgres.hpp"
#include "support/TempDir.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <sys/types.h>
#include <vector>

namespace stillroom::test {

// Processes are started with PR_SET_PDEATHSIG, which follows the thread that started them:
// start every process from the main thread.

/** "room-01", "room-02", ... */
[[nodiscard]] std::vector<std::string> room_ids(int count);

/** The clinic's CA and the clinic broker's certificate for 127.0.0.1 (scripts/clinic-certs). */
class ClinicCertificates {
 public:
  ClinicCertificates();
  [[nodiscard]] std::filesystem::path ca() const { return dir_ / "clinic-ca.crt"; }
  [[nodiscard]] std::filesystem::path cert() const { return dir_ / "localhost.crt"; }
  [[nodiscard]] std::filesystem::path key() const { return dir_ / "localhost.key"; }

 private:
  TempDir dir_{"stillroom-certs"};
};

class ClinicBroker {
 public:
  /** Users: every room id (its bridge), archive and clinic-view; each password is "pw-<user>". */
  explicit ClinicBroker(const std::vector<std::string>& rooms);
  [[nodiscard]] int tls_port() const noexcept { return tls_port_; }
  [[nodiscard]] std::filesystem::path ca_file() const { return certs_.ca(); }
  [[nodiscard]] static std::string password(const std::string& user) { return "pw-" + user; }
  Mosquitto& broker() { return *broker_; }

 private:
  ClinicCertificates certs_;
  int tls_port_ = 0;
  std::unique_ptr<Mosquitto> broker_;
};

class ClinicRoom {
 public:
  ClinicRoom(std::string id, const ClinicBroker& clinic);
  ~ClinicRoom();
  ClinicRoom(const ClinicRoom&) = delete;
  ClinicRoom& operator=(const ClinicRoom&) = delete;

  [[nodiscard]] const std::string& id() const noexcept { return id_; }
  /** Starts `stillroom run` and waits until it is online on its broker. */
  void start() {
    spawn_controller();
    wait_online();
  }
  /** Starts `stillroom run` (main thread); wait_online() may then run on any thread. */
  void spawn_controller();
  /** Waits until the controller says online (throws with its log when it does not). */
  void wait_online();
  /** kill -9 the controller. */
  void kill9();
  /** SIGTERM and wait. */
  void terminate();
  /** kill -9 the room's broker, start it again, and wait until the tablet and the controller are back on it. */
  void restart_broker(std::chrono::milliseconds down);
  /** Runs SessionCommands::short_session; `hold` between start and stop. Throws when a command fails. */
  void run_session(const std::string& client, std::chrono::milliseconds hold);
  /** Sends one command as the tablet and waits for its reply. */
  nlohmann::json command(const nlohmann::json& body, std::chrono::milliseconds timeout = std::chrono::seconds(20));

  Mosquitto& broker() { return *broker_; }
  [[nodiscard]] std::filesystem::path record() const { return dir_ / "record.db"; }
  /** The record's newest seq and the seq the archive acknowledged, read from the room's SQLite file. */
  [[nodiscard]] std::int64_t newest_seq() const;
  [[nodiscard]] std::int64_t acknowledged() const;
  [[nodiscard]] std::string log() const;
  [[nodiscard]] pid_t pid() const noexcept { return pid_; }

 private:
  void write_room();
  void connect_tablet();

  std::string id_;
  TempDir dir_{"stillroom-clinic-room"};
  std::unique_ptr<Mosquitto> broker_;
  std::unique_ptr<MqttProbe> tablet_;
  pid_t pid_ = -1;
  int next_id_ = 0;
};

class ArchiveProcess {
 public:
  ArchiveProcess(const ClinicBroker& clinic, const Postgres& postgres);
  ~ArchiveProcess();
  ArchiveProcess(const ArchiveProcess&) = delete;
  ArchiveProcess& operator=(const ArchiveProcess&) = delete;

  void start();
  void kill9();
  /** SIGTERM and wait; the exit status. */
  int terminate();
  [[nodiscard]] bool running() const noexcept { return pid_ > 0; }
  [[nodiscard]] pid_t pid() const noexcept { return pid_; }
  [[nodiscard]] std::filesystem::path config() const { return dir_ / "archive.yaml"; }
  [[nodiscard]] std::string log() const;
  /** Runs `stillroom-archive --config ... ARGS` to the end: {exit status, output}. */
  [[nodiscard]] std::pair<int, std::string> run_command(const std::vector<std::string>& args) const;

 private:
  TempDir dir_{"stillroom-archive"};
  pid_t pid_ = -1;
};

[[nodiscard]] std::string archive_binary();
[[nodiscard]] std::string controller_binary();

}  // namespace stillroom::test

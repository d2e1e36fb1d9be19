// Mosquitto: a real broker for tests. Writes a configuration (a loopback
// listener on a free port, optional websockets and TLS listeners, users made with
// mosquitto_passwd, an ACL), runs /usr/sbin/mosquitto as the current user,
// waits until it accepts connections, and can stop it, kill -9 it and start
// it again on the same ports. Everything is removed when the object goes away.
#pragma once

#include "support/TempDir.hpp"

#include <filesystem>
#include <string>
#include <sys/types.h>
#include <vector>

namespace stillroom::test {

struct MosquittoUser {
  std::string name;
  std::string password;
};

struct MosquittoOptions {
  /** Users for the password file; none = anonymous access allowed. */
  std::vector<MosquittoUser> users;
  /** ACL file text (mosquitto acl_file syntax); empty = no ACL. */
  std::string acl;
  /** Also listen with MQTT over WebSockets on a second free port. */
  bool websockets = false;
  /** Directory served over HTTP on the websockets port (mosquitto's http_dir). */
  std::string http_dir;
  /** `set_tcp_nodelay true` (the room's broker configuration sets it). */
  bool tcp_nodelay = true;
  /** Keep sessions and retained messages across restarts (saved at a clean stop and by save()). */
  bool persistence = false;
  /** With both: also a TLS listener (MQTT over TLS) on a third free loopback port, with this certificate. */
  std::string tls_cert_file;
  std::string tls_key_file;
  /** Appended to the generated configuration. */
  std::string extra_config;
};

/** A TCP port on 127.0.0.1 that was free a moment ago. */
[[nodiscard]] int free_port();

class Mosquitto {
 public:
  /** Writes the configuration and starts the broker (throws with the broker's log when it does not come up). */
  explicit Mosquitto(MosquittoOptions options = {});
  ~Mosquitto();
  Mosquitto(const Mosquitto&) = delete;
  Mosquitto& operator=(const Mosquitto&) = delete;

  /** Starts the broker again on the same ports (after stop() or kill()). */
  void start();
  /** SIGTERM and wait: an orderly shutdown (persistence is saved). */
  void stop();
  /** SIGKILL and wait: the broker disappears without a word. */
  void kill();
  [[nodiscard]] bool running() const noexcept { return pid_ > 0; }
  /** The broker's process id (-1 while it is down). */
  [[nodiscard]] pid_t pid() const noexcept { return pid_; }
  /** Makes the broker write its persistence database now (SIGUSR1) and waits until it has. */
  void save();

  [[nodiscard]] static std::string host() { return "127.0.0.1"; }
  [[nodiscard]] int port() const noexcept { return port_; }
  /** 0 without websockets. */
  [[nodiscard]] int websockets_port() const noexcept { return ws_port_; }
  /** 0 without TLS. */
  [[nodiscard]] int tls_port() const noexcept { return tls_port_; }
  [[nodiscard]] const std::filesystem::path& dir() const noexcept { return dir_.path(); }
  /** Writes a file holding `user`'s password (for mqtt.password_file) and returns its path. */
  [[nodiscard]] std::filesystem::path password_file(const std::string& user) const;
  /** The broker's log so far. */
  [[nodiscard]] std::string log() const;

 private:
  void write_config() const;

  MosquittoOptions options_;
  TempDir dir_;
  int port_ = 0;
  int ws_port_ = 0;
  int tls_port_ = 0;
  pid_t pid_ = -1;
};

}  // namespace stillroom::test

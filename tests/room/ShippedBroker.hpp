// ShippedBroker: the room's shipped broker configuration (config/mosquitto/),
// run exactly as a room runs it locally — through `scripts/broker run`, which
// writes the configuration, the example users with their passwords and, for a
// room that opts in to its network listeners, the local CA and the server
// certificate — in a temporary state directory on free ports. The process is
// the real mosquitto (the script execs it); it dies with the test.
#pragma once

#include "support/TempDir.hpp"

#include <filesystem>
#include <string>
#include <sys/types.h>
#include <utility>
#include <vector>

namespace stillroom::test {

class ShippedBroker {
 public:
  /**
   * `lan`: also the room's network listeners (STILLROOM_BROKER_LAN=1: TLS, on free ports standing in
   * for 8883 and 8884). `extra_users` (name, password) and `extra_acl` are added the way
   * scripts/add-device-user adds them (a <name>.password and an acl.d/ block), for test-only users.
   */
  explicit ShippedBroker(bool lan = false, const std::vector<std::pair<std::string, std::string>>& extra_users = {},
                         const std::string& extra_acl = {});
  ~ShippedBroker();
  ShippedBroker(const ShippedBroker&) = delete;
  ShippedBroker& operator=(const ShippedBroker&) = delete;

  [[nodiscard]] int port() const noexcept { return port_; }
  [[nodiscard]] int websockets_port() const noexcept { return ws_port_; }
  /** 0 without the network listeners. */
  [[nodiscard]] int tls_port() const noexcept { return tls_port_; }
  [[nodiscard]] int wss_port() const noexcept { return wss_port_; }
  [[nodiscard]] pid_t pid() const noexcept { return pid_; }
  [[nodiscard]] const std::filesystem::path& state() const noexcept { return state_.path(); }
  /** The password scripts/broker made for `user`. */
  [[nodiscard]] std::string password(const std::string& user) const;
  /** The local CA's certificate (network listeners only). */
  [[nodiscard]] std::filesystem::path ca_file() const { return state() / "certs" / "ca.crt"; }
  /** What scripts/broker and mosquitto said. */
  [[nodiscard]] std::string log() const;

 private:
  TempDir state_{"stillroom-shipped-broker"};
  int port_ = 0;
  int ws_port_ = 0;
  int tls_port_ = 0;
  int wss_port_ = 0;
  pid_t pid_ = -1;
};

}  // namespace stillroom::test

// The controller's `mqtt.tls` settings verify the broker: RoomLink against a
// real mosquitto TLS listener. Signed by the configured CA and naming the host
// the room connects to: connected. Signed by another CA, or naming another
// host: refused, again and again, and never connected. With `verify: false`
// the misnamed broker is accepted (what that setting gives up). And the
// shipped broker's network listener with the certificate scripts/broker made.
#include "LinkHarness.hpp"
#include "ShippedBroker.hpp"
#include "support/TestCertificates.hpp"

#include <doctest/doctest.h>

using namespace stillroom;
using namespace std::chrono_literals;

namespace {

struct Certificates {
  test::TempDir dir{"stillroom-tls"};
  test::TestCertificate ca = test::TestCertificates::make_ca(dir.path(), "room-ca");
  test::TestCertificate other_ca = test::TestCertificates::make_ca(dir.path(), "other-ca");
  test::TestCertificate good = test::TestCertificates::issue(ca, dir.path(), "good", "DNS:localhost,IP:127.0.0.1");
  test::TestCertificate foreign = test::TestCertificates::issue(other_ca, dir.path(), "foreign", "DNS:localhost,IP:127.0.0.1");
  test::TestCertificate misnamed = test::TestCertificates::issue(ca, dir.path(), "misnamed", "DNS:elsewhere.example");
};

test::MosquittoOptions tls_broker(const test::TestCertificate& server) {
  test::MosquittoOptions options = test::room_broker_options();
  options.tls_cert_file = server.cert.string();
  options.tls_key_file = server.key.string();
  return options;
}

config::Room tls_room(const test::Mosquitto& broker, const test::TempDir& dir, const std::string& ca, bool verify) {
  config::Room room = test::room_for(broker, dir);
  room.mqtt.port = broker.tls_port();
  room.mqtt.tls = config::TlsSettings{ca, "", "", verify};
  return room;
}

/**
 * Connections to the TLS listener that the broker saw fail so far (the room's reachability probe, a plain
 * connect and close, fails there too: each attempt of the link shows as two). mosquitto logs a failure in one
 * of two ways, depending on whether the handshake failed while it accepted the connection or later, as it
 * read from it (which one is a matter of timing).
 */
std::size_t handshake_failures(const test::Mosquitto& broker) {
  const std::string log = broker.log();
  std::size_t count = 0;
  for (const std::string marker : {"Client connection from 127.0.0.1 failed: error:", "OpenSSL Error[0]: error:"})
    for (auto at = log.find(marker); at != std::string::npos; at = log.find(marker, at + 1)) ++count;
  return count;
}

/** The link must be refused: the broker sees it try (and fail) twice; it never connects. */
/** `reason`: what the fault's message says went wrong. */
void check_refused(test::Mosquitto& broker, const config::Room& room, const std::string& reason) {
  test::TempDir dir("stillroom-tls-link");
  test::MqttProbe observer(broker.port(), "observer", "observer-1", "o-secret");
  observer.subscribe("stillroom/room-1/status");
  test::ToyRoom toy;
  room::RoomLink link(room, toy);
  const auto attached = toy.attach(link);
  const auto before = handshake_failures(broker);
  link.start();
  // The positive signal: two attempts failed at the broker, i.e. it tried, was refused, tried again.
  bool tried = false;
  for (int i = 0; i < 1000 && !tried; ++i) {
    tried = handshake_failures(broker) >= before + 4;
    if (!tried) std::this_thread::sleep_for(20ms);
  }
  INFO(broker.log());
  REQUIRE(tried);
  CHECK_FALSE(link.connected());
  CHECK(toy.connection_changes().empty());
  CHECK(observer.received("stillroom/room-1/status").empty());  // it never said online
  // The room says so: its `broker` fault, naming what failed.
  REQUIRE(toy.wait([](const test::ToyRoom& t) { return !t.faults_locked().empty(); }));
  CHECK(toy.faults().front().code == "broker");
  CHECK(toy.faults().front().active);
  INFO(toy.faults().front().message);
  CHECK(toy.faults().front().message.find("the certificate of the broker at 127.0.0.1:" + std::to_string(room.mqtt.port) +
                                          " did not verify, or the TLS handshake failed") != std::string::npos);
  CHECK(toy.faults().front().message.find(reason) != std::string::npos);
  CHECK(toy.faults().size() == 1);  // raised once, not once per attempt
  // The next attempt is pending or under way: stopping now must neither throw nor hang.
  CHECK_NOTHROW(link.stop());
  CHECK_FALSE(link.connected());
}

}  // namespace

TEST_CASE("TLS: a broker signed by the configured CA and naming the host is connected to") {
  Certificates certs;
  test::Mosquitto broker(tls_broker(certs.good));
  test::TempDir dir("stillroom-tls-link");
  test::MqttProbe observer(broker.port(), "observer", "observer-1", "o-secret");
  observer.subscribe("stillroom/room-1/status");
  test::ToyRoom toy;
  const config::Room room = tls_room(broker, dir, certs.ca.cert.string(), true);  // the link keeps a reference
  room::RoomLink link(room, toy);
  const auto attached = toy.attach(link);
  link.start();
  REQUIRE(link.wait_connected(10s));
  CHECK(observer.wait_for("stillroom/room-1/status", [](const test::ProbeMessage& m) { return m.payload == "online"; }));
  CHECK(broker.log().find("New client connected from 127.0.0.1") != std::string::npos);
  link.stop();
}

TEST_CASE("TLS: a broker whose certificate another CA signed is refused") {
  Certificates certs;
  test::Mosquitto broker(tls_broker(certs.foreign));
  test::TempDir dir("stillroom-tls-link");
  const config::Room room = tls_room(broker, dir, certs.ca.cert.string(), true);
  check_refused(broker, room, "mqtt.tls.ca_file signed the broker's certificate");
}

TEST_CASE("TLS: a broker whose certificate names another host is refused, and accepted with verify: false") {
  Certificates certs;
  test::Mosquitto broker(tls_broker(certs.misnamed));
  test::TempDir dir("stillroom-tls-link");
  const config::Room room = tls_room(broker, dir, certs.ca.cert.string(), true);
  check_refused(broker, room, "that the certificate names 127.0.0.1");
  // Without verification the same broker is accepted: that is all `verify: false` does.
  test::ToyRoom toy;
  const config::Room unverified = tls_room(broker, dir, certs.ca.cert.string(), false);
  room::RoomLink link(unverified, toy);
  const auto attached = toy.attach(link);
  link.start();
  CHECK(link.wait_connected(10s));
  link.stop();
}

TEST_CASE("TLS: the shipped broker's network listener, with the CA scripts/broker made, is verified and connected") {
  test::ShippedBroker broker(true);
  test::TempDir dir("stillroom-tls-link");
  config::Room room = test::test_room();
  room.mqtt.port = broker.tls_port();
  room.mqtt.tls = config::TlsSettings{broker.ca_file().string(), "", "", true};
  room.mqtt.persistence_dir = (dir / "paho").string();
  room::LinkOptions options;
  options.password = broker.password("controller");
  test::ToyRoom toy;
  room::RoomLink link(room, toy, options);
  const auto attached = toy.attach(link);
  link.start();
  CHECK(link.wait_connected(10s));
  link.stop();
}

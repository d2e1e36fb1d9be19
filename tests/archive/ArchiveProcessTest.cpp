// The real stillroom-archive process on a real clinic broker (TLS, the shipped
// clinic ACL) and PostgreSQL, fed by a room's bridge user publishing events
// the way a room's forwarder does: acknowledgements follow commits, a forged
// event is refused, alarmed and never stored, a gap asks for a repeat, a
// replaced record becomes the room's next chain.
#include "archive/ChainFixture.hpp"

#include <fstream>
#include "clinic/ClinicSite.hpp"

#include <doctest/doctest.h>

using namespace stillroom;
using namespace stillroom::test;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

bool ack_is(const ProbeMessage& m, std::int64_t seq) {
  const auto j = json::parse(m.payload, nullptr, false);
  return j.is_object() && j.value("seq", -1L) == seq;
}

}  // namespace

TEST_CASE("the archive process acks after commit and refuses and alarms a forged event and asks again after a gap and takes a replaced record") {
  Postgres pg;
  ClinicBroker clinic({"room-x"});
  MqttProbe room(clinic.tls_port(), "bridge-room-x", "room-x", ClinicBroker::password("room-x"), false,
                 clinic.ca_file().string());
  room.subscribe("stillroom/room-x/record/ack");
  MqttProbe view(clinic.tls_port(), "view", "clinic-view", ClinicBroker::password("clinic-view"), false,
                 clinic.ca_file().string());
  view.subscribe("stillroom/+/archive");
  ArchiveProcess archive(clinic, pg);
  archive.start();

  const auto chain = make_chain(6);
  const std::string topic = "stillroom/room-x/record";
  // Like a room's forwarder: send again until the archive (starting up, subscribing) answers.
  std::optional<ProbeMessage> first;
  for (int i = 0; i < 30 && !first; ++i) {
    REQUIRE(room.publish(topic, wire(chain[0])).ok);
    first = room.wait_for(topic + "/ack", [](const ProbeMessage& m) { return ack_is(m, 1); }, 1s);
  }
  REQUIRE_MESSAGE(first.has_value(), archive.log());
  REQUIRE(room.publish(topic, wire(chain[1])).ok);
  REQUIRE_MESSAGE(room.wait_for(topic + "/ack", [](const ProbeMessage& m) { return ack_is(m, 2); }, 20s),
                  archive.log());
  CHECK(pg.value("SELECT count(*) FROM archive_events") == "2");  // acknowledged means committed
  const auto ack = room.wait_for(topic + "/ack", [](const ProbeMessage& m) { return ack_is(m, 2); });
  CHECK(ack->json()["hash"] == chain[1].hash);

  // A forged seq 3: its payload changed after hashing.
  auto forged = chain[2];
  forged.payload = R"({"db":0.0})";
  REQUIRE(room.publish(topic, wire(forged)).ok);
  const auto alarm = view.wait_for("stillroom/room-x/archive", [](const ProbeMessage& m) {
    const auto j = json::parse(m.payload, nullptr, false);
    return j.is_object() && j["alarm"].is_object() && j["alarm"]["problem"] == "hash_mismatch";
  }, 10s);
  REQUIRE_MESSAGE(alarm.has_value(), archive.log());
  CHECK(alarm->json()["alarm"]["seq"] == 3);
  CHECK(alarm->json()["seq"] == 2);
  CHECK(pg.value("SELECT count(*) FROM archive_events") == "2");
  CHECK(pg.value("SELECT problem || ' ' || seq FROM archive_refusals") == "hash_mismatch 3");
  CHECK(archive.log().find("ALARM room-x: refused seq 3 (hash_mismatch)") != std::string::npos);

  // The true seq 3 clears the alarm; seq 5 after it is beyond a gap: the archive repeats what it holds.
  room.clear();
  REQUIRE(room.publish(topic, wire(chain[2])).ok);
  REQUIRE(room.wait_for(topic + "/ack", [](const ProbeMessage& m) { return ack_is(m, 3); }, 10s));
  REQUIRE(view.wait_for("stillroom/room-x/archive", [](const ProbeMessage& m) {
    const auto j = json::parse(m.payload, nullptr, false);
    return j.is_object() && j["seq"] == 3 && j["alarm"].is_null();
  }, 10s));
  room.clear();
  REQUIRE(room.publish(topic, wire(chain[4])).ok);
  CHECK(room.wait_for(topic + "/ack", [](const ProbeMessage& m) { return ack_is(m, 3); }, 10s));
  CHECK(pg.value("SELECT max(seq) FROM archive_events") == "3");
  REQUIRE(room.publish(topic, wire(chain[3])).ok);
  REQUIRE(room.publish(topic, wire(chain[4])).ok);
  REQUIRE(room.wait_for(topic + "/ack", [](const ProbeMessage& m) { return ack_is(m, 5); }, 10s));

  // A checkpoint that matches is recorded as verified.
  REQUIRE(room.publish(topic + "/checkpoint", json{{"seq", 5}, {"hash", chain[4].hash}}.dump(), 1, true).ok);
  REQUIRE(view.wait_for("stillroom/room-x/archive", [](const ProbeMessage& m) {
    const auto j = json::parse(m.payload, nullptr, false);
    return j.is_object() && j["checkpoint"].is_object() && j["checkpoint"]["state"] == "verified";
  }, 10s));

  // The room's record was damaged and replaced: a new chain from seq 1.
  room.clear();
  const auto replaced = replaced_event(5, chain[4].hash);
  REQUIRE(room.publish(topic, wire(replaced)).ok);
  REQUIRE(room.wait_for(topic + "/ack", [&](const ProbeMessage& m) {
    return ack_is(m, 1) && m.json()["hash"] == replaced.hash;
  }, 10s));
  CHECK(pg.value("SELECT count(*) FROM archive_chains WHERE room = 'room-x'") == "2");
  CHECK(archive.log().find("the room's record was replaced: chain 2 starts") != std::string::npos);

  const auto [status, report] = archive.run_command({"verify"});
  CHECK_MESSAGE(status == 0, report);
  CHECK(report.find("room-x: 6 events in 2 chains, newest chain 2 seq 1, 1 checkpoints verified: intact") !=
        std::string::npos);
  CHECK(archive.terminate() == 0);
}

TEST_CASE("a configuration mistake is named with its place and nothing starts") {
  Postgres pg;
  ClinicBroker clinic({"room-x"});
  ArchiveProcess archive(clinic, pg);
  {
    std::ofstream bad(archive.config(), std::ios::app);
    bad << "max_batch: 0\nunknown_key: 1\n";
  }
  const auto [status, out] = archive.run_command({"--check"});
  CHECK(status == 2);
  INFO(out);
  CHECK(out.find("archive.yaml:11:12: expected a whole number from 1 to 100000, got 0") != std::string::npos);
  CHECK(out.find("archive.yaml:12:1: unknown key 'unknown_key'") != std::string::npos);
}

// The broker password never leaves its file: a whole session through the real
// `stillroom run` (preload, start, volume, pause, resume, stop, a stop at the
// end), and a start with a password the broker refuses — then the password is
// looked for in the controller's log, every byte of the record (database, WAL,
// shared-memory index), Paho's persistence directory and every message any
// client could see on the broker (a witness subscribed to '#'): states,
// replies, events, the record stream, discovery.
#include "ControllerRoom.hpp"

#include <doctest/doctest.h>
#include <openssl/rand.h>

#include <filesystem>

using namespace stillroom;
using namespace stillroom::test;
using nlohmann::json;

namespace {

std::string random_secret(const std::string& prefix) {
  unsigned char bytes[16];
  REQUIRE(RAND_bytes(bytes, sizeof bytes) == 1);
  std::string out = prefix;
  const char* hex = "0123456789abcdef";
  for (unsigned char b : bytes) {
    out += hex[b >> 4];
    out += hex[b & 15];
  }
  return out;
}

/** Every regular file under `dir` that contains `needle`. */
std::vector<std::string> files_containing(const std::filesystem::path& dir, const std::string& needle) {
  std::vector<std::string> found;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir))
    if (entry.is_regular_file() && read_file(entry.path()).find(needle) != std::string::npos)
      found.push_back(entry.path().string());
  return found;
}

/** Every message the witness received whose topic or payload contains `needle`. */
std::vector<std::string> messages_containing(const MqttProbe& witness, const std::string& needle, std::size_t& seen) {
  std::vector<std::string> found;
  const auto all = witness.received_all();
  seen = all.size();
  for (const auto& m : all)
    if (m.topic.find(needle) != std::string::npos || m.payload.find(needle) != std::string::npos)
      found.push_back(m.topic + ": " + m.payload.substr(0, 200));
  return found;
}

}  // namespace

TEST_CASE("the broker password never appears in the log, the record, Paho's store or anything on the broker") {
  const std::string password = random_secret("pw-");
  ControllerRoom room(password);
  {
    auto controller = room.start("session.log");
    for (const auto& [id, body] : std::vector<std::pair<std::string, json>>{
             {"1", {{"cmd", "preload"}, {"client", "c-8"}, {"doses", {{{"client", "c-8"}, {"amount_mg", 40}}}}}},
             {"2", {{"cmd", "start"}}},
             {"3", {{"cmd", "volume"}, {"db", -12}}},
             {"4", {{"cmd", "pause"}}},
             {"5", {{"cmd", "resume"}}},
             {"6", {{"cmd", "stop"}}},
             {"7", {{"cmd", "clear"}}},
         }) {
      const json reply = room.command(id, body);
      CHECK_MESSAGE(reply["ok"] == true, reply.dump());
    }
    REQUIRE(room.tablet->wait_for("stillroom/room-1/events", [](const ProbeMessage& m) {
      return json::parse(m.payload).value("type", "") == "cleared";
    }));
    CHECK(controller->terminate() == 0);
    // The orderly stop's `offline` is the last thing it says: everything before it is in.
    REQUIRE(room.witness->wait_for("stillroom/room-1/status",
                                   [](const ProbeMessage& m) { return m.payload == "offline"; }));
  }
  // The search works: it finds the password where it belongs.
  CHECK(files_containing(room.dir() / "secrets", password).size() == 1);

  // A password the broker refuses: the controller keeps trying; the password it tried is nowhere either.
  const std::string wrong = random_secret("wrong-");
  room.dir().write("secrets/controller.password", wrong + "\n");
  {
    const auto refusals = [&] {
      const std::string log = room.broker().log();
      std::size_t count = 0;
      for (auto at = log.find("disconnected, not authorised"); at != std::string::npos;
           at = log.find("disconnected, not authorised", at + 1))
        ++count;
      return count;
    };
    auto refused = room.spawn("refused.log");
    for (int i = 0; i < 300 && refusals() < 2; ++i) std::this_thread::sleep_for(50ms);
    CHECK(refusals() >= 2);  // the broker refused it twice: it tried, and tried again
    refused->kill9();
  }

  std::size_t messages = 0;
  for (const std::string& secret : {password, wrong}) {
    INFO("looking for " << secret);
    CHECK(files_containing(room.dir() / "state", secret).empty());  // record, its WAL and -shm, Paho's store, cache
    CHECK(read_file(room.dir() / "session.log").find(secret) == std::string::npos);
    CHECK(read_file(room.dir() / "refused.log").find(secret) == std::string::npos);
    CHECK(messages_containing(*room.witness, secret, messages).empty());
  }
  MESSAGE("searched " << messages << " broker messages, the record (" << std::filesystem::file_size(room.record())
                      << " bytes) and the logs");
  // The session really happened and was seen: states, replies and the record stream.
  CHECK(messages > 20);
  CHECK_FALSE(room.witness->received("stillroom/room-1/reply/tablet-1").empty());
  CHECK_FALSE(room.witness->received("stillroom/room-1/record").empty());
}

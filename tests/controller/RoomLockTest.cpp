// One controller per room and record: the lock itself, and two real
// `stillroom run` processes on one room — the second stops at once and names
// the first, which goes on undisturbed; the lock dies with its process.
#include "ControllerRoom.hpp"

#include "controller/RoomLock.hpp"
#include "record/RecordTestFixture.hpp"

#include <doctest/doctest.h>

using namespace stillroom;
using namespace stillroom::test;
using controller::RoomLock;
using controller::RoomLockError;

TEST_CASE("room lock: a second lock on the same record is refused naming the holder, and free again once released") {
  TempDir dir("stillroom-lock");
  const auto record = dir / "state" / "record.db";
  {
    RoomLock first(record, "room-1", "/etc/stillroom/room.yaml");
    CHECK(first.path() == dir / "state" / "record.db.lock");
    CHECK(file_mode(first.path()) == 0600);
    CHECK(file_mode(dir / "state") == 0700);
    std::string message;
    try {
      RoomLock second(record, "room-1", "/elsewhere/room.yaml");
    } catch (const RoomLockError& error) {
      message = error.what();
    }
    INFO(message);
    CHECK(message.find("pid " + std::to_string(::getpid())) != std::string::npos);
    CHECK(message.find("room room-1 from /etc/stillroom/room.yaml") != std::string::npos);
    CHECK(message.find(record.string()) != std::string::npos);
    // Another record is another room's: no conflict.
    RoomLock other(dir / "other.db", "room-2", "/etc/stillroom/room-2.yaml");
  }
  // Released: the next controller takes it, and the stale content is replaced.
  RoomLock again(record, "room-1", "/etc/stillroom/room.yaml");
  CHECK(read_file(again.path()).find("pid=" + std::to_string(::getpid())) != std::string::npos);
}

TEST_CASE("room lock: a lock file that cannot be created is a clear error") {
  TempDir dir("stillroom-lock");
  dir.write("taken", "a file, not a directory\n");
  std::string message;
  try {
    RoomLock lock(dir / "taken" / "record.db", "room-1", "room.yaml");
  } catch (const RoomLockError& error) {
    message = error.what();
  }
  INFO(message);
  CHECK(message.find("cannot create the directory of the record " + (dir / "taken" / "record.db").string()) !=
        std::string::npos);
}

TEST_CASE("stillroom run twice on one room: the second exits at once naming the first, which is undisturbed") {
  ControllerRoom room;
  auto first = room.start("first.log");
  const auto online_before = room.tablet->received("stillroom/room-1/status").size();

  const auto started = std::chrono::steady_clock::now();
  auto second = room.spawn("second.log");
  const auto code = second->wait_exit(10s);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  REQUIRE_MESSAGE(code.has_value(), "the second controller still runs:\n" << second->log());
  const std::string said = second->log();
  INFO(said);
  MESSAGE("the second controller exited with " << *code << " after " << seconds << " s");
  CHECK(*code == 1);
  CHECK(seconds < 5.0);  // at once: it loads the room and stops; it never waits for the lock
  CHECK(said.find("another stillroom controller (pid " + std::to_string(first->pid())) != std::string::npos);
  CHECK(said.find(room.record().string()) != std::string::npos);
  CHECK(said.find("running since") != std::string::npos);

  // The first goes on: it still answers, and it never lost the broker (one `online`, no `offline`).
  const auto reply = room.command("after-second", {{"cmd", "preload"}, {"client", "c-8"}});
  CHECK(reply["ok"] == true);
  CHECK(first->running());
  const auto statuses = room.tablet->received("stillroom/room-1/status");
  CHECK(statuses.size() == online_before);
  for (const auto& s : statuses) CHECK(s.payload == "online");
  CHECK(room.broker().log().find("as stillroom-room-1") != std::string::npos);
  CHECK(room.broker().log().find("already connected") == std::string::npos);

  // The lock goes with its process, however it ends: after kill -9 a new controller starts.
  first->kill9();
  auto third = room.start("third.log");
  CHECK(third->running());
  CHECK(third->terminate() == 0);
}

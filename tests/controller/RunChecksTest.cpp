// What `stillroom run` checks before it starts anything: it refuses root
// unless told it may, and it refuses a broker password file every user of the
// box can read (warning when only its group can). FileExposure underneath: the
// mode, and whether the directories above let others reach the file at all.
#include "ControllerRoom.hpp"

#include "controller/FileExposure.hpp"

#include <doctest/doctest.h>

#include <sys/stat.h>

using namespace stillroom;
using namespace stillroom::test;
using controller::file_exposure;
using controller::FileExposure;

TEST_CASE("file exposure: the mode and every directory above decide who can read a file") {
  TempDir dir("stillroom-exposure");  // mkdtemp: 0700
  const auto secret = dir.write("inner/secret", "x\n");
  ::chmod((dir / "inner").c_str(), 0755);
  ::chmod(secret.c_str(), 0644);
  // 0644, but inside a 0700 directory: nobody else gets there.
  CHECK(file_exposure(secret).reach == FileExposure::Reach::Owner);
  ::chmod(dir.path().c_str(), 0755);
  CHECK(file_exposure(secret).reach == FileExposure::Reach::World);
  CHECK(file_exposure(secret).why == "mode 0644");
  ::chmod(secret.c_str(), 0640);
  CHECK(file_exposure(secret).reach == FileExposure::Reach::Group);
  ::chmod((dir / "inner").c_str(), 0700);
  CHECK(file_exposure(secret).reach == FileExposure::Reach::Owner);
  ::chmod((dir / "inner").c_str(), 0755);
  ::chmod(secret.c_str(), 0600);
  CHECK(file_exposure(secret).reach == FileExposure::Reach::Owner);
  // Through a symbolic link: the file it points to counts.
  std::filesystem::create_symlink(secret, dir / "link");
  ::chmod(secret.c_str(), 0604);
  CHECK(file_exposure(dir / "link").reach == FileExposure::Reach::World);
}

TEST_CASE("stillroom run refuses root unless --allow-root is given") {
  if (::geteuid() != 0) {
    MESSAGE("not root: only the refusal's absence can be seen here");
    return;
  }
  ControllerRoom room;
  ControllerProcess refused({"run", "--config", room.room_file().string()}, room.dir() / "refused.log");
  const auto code = refused.wait_exit(10s);
  REQUIRE(code.has_value());
  INFO(refused.log());
  CHECK(*code == 1);
  CHECK(refused.log().find("refusing to run as root") != std::string::npos);
  CHECK(refused.log().find("--allow-root") != std::string::npos);
  // It stopped before it touched anything: no record, no lock.
  CHECK_FALSE(std::filesystem::exists(room.record()));
  CHECK_FALSE(std::filesystem::exists(room.record().string() + ".lock"));
  // Told it may, it runs.
  auto allowed = room.start();
  CHECK(allowed->terminate() == 0);
}

TEST_CASE("stillroom run refuses a password file every user can read, warns when its group can") {
  ControllerRoom room;
  ::chmod(room.dir().path().c_str(), 0755);  // the room's directories are open to all, as /etc is
  ::chmod((room.dir() / "secrets").c_str(), 0755);
  ::chmod(room.password_file().c_str(), 0644);
  {
    auto refused = room.spawn("world.log");
    const auto code = refused->wait_exit(10s);
    REQUIRE(code.has_value());
    const std::string said = refused->log();
    INFO(said);
    CHECK(*code == 1);
    CHECK(said.find("mqtt.password_file " + room.password_file().string() +
                    " can be read by every user of this box (mode 0644): refusing to start") != std::string::npos);
    CHECK(said.find("chmod 600 " + room.password_file().string()) != std::string::npos);
    CHECK_FALSE(room.broker().log().find("u'controller'") != std::string::npos);  // it never connected
  }
  ::chmod(room.password_file().c_str(), 0640);
  {
    auto warned = room.start("group.log");
    CHECK(warned->log().find("warning: mqtt.password_file " + room.password_file().string() +
                             " can be read by its group (mode 0640)") != std::string::npos);
    CHECK(warned->terminate() == 0);
  }
  ::chmod(room.password_file().c_str(), 0600);
  {
    auto quiet = room.start("private.log");
    CHECK(quiet->terminate() == 0);
    CHECK(quiet->log().find("password_file") == std::string::npos);
  }
}

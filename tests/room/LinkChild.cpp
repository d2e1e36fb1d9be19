#include "LinkChild.hpp"

#include "RoomFixture.hpp"
#include "room/RoomLink.hpp"

#include <signal.h>
#include <spawn.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <vector>

extern char** environ;

namespace stillroom::test {
namespace {

constexpr const char* child_variable = "STILLROOM_TEST_LINK_CHILD";

struct Quiet final : room::RoomLinkListener {
  void on_command(const session::Command&) override {}
};

/** The child's whole life: hold a link, publish the events, wait to be killed. */
[[noreturn]] void run_child(const std::string& spec_text) {
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);  // never outlive the test process
  std::istringstream in(spec_text);
  LinkChildSpec spec;
  std::string port;
  std::string events;
  std::getline(in, port, '|');
  std::getline(in, spec.password_file, '|');
  std::getline(in, spec.persistence_dir, '|');
  std::getline(in, events, '|');
  std::getline(in, spec.ready_file, '|');
  config::Room room = test_room();
  room.mqtt.port = std::stoi(port);
  room.mqtt.password_file = spec.password_file;
  room.mqtt.persistence_dir = spec.persistence_dir;
  Quiet quiet;
  auto* link = new room::RoomLink(room, quiet);  // never destroyed: the process dies by SIGKILL
  link->start();
  const int count = std::stoi(events);
  for (int i = 1; i <= count; ++i) link->publish_event({{"event", "test"}, {"n", i}}, {{"event", "test"}, {"n", i}});
  // Paho persists a publish before it returns: once every event counts as handed over, a SIGKILL cannot lose it.
  if (link->stats().events_published != static_cast<std::uint64_t>(count)) std::_Exit(3);
  std::ofstream(spec.ready_file) << "ready\n";
  for (;;) ::pause();
}

/** Runs before main() when this binary was started as a link child. */
const bool is_child = [] {
  if (const char* spec = std::getenv(child_variable)) run_child(spec);
  return false;
}();

}  // namespace

LinkChild::LinkChild(const LinkChildSpec& spec) : spec_(spec) {
  const std::string value = std::string(child_variable) + "=" + std::to_string(spec.port) + "|" + spec.password_file +
                            "|" + spec.persistence_dir + "|" + std::to_string(spec.events) + "|" + spec.ready_file;
  std::vector<std::string> env_text;
  for (char** e = environ; *e != nullptr; ++e) env_text.emplace_back(*e);
  env_text.push_back(value);
  std::vector<char*> env;
  for (auto& e : env_text) env.push_back(e.data());
  env.push_back(nullptr);
  char name[] = "test_room-link-child";
  char* argv[] = {name, nullptr};
  if (::posix_spawn(&pid_, "/proc/self/exe", nullptr, nullptr, argv, env.data()) != 0)
    throw std::runtime_error("cannot start the link child process");
  (void)is_child;
}

LinkChild::~LinkChild() { kill_hard(); }

bool LinkChild::wait_ready(int timeout_ms) const {
  for (int waited = 0; waited < timeout_ms; waited += 10) {
    if (std::ifstream(spec_.ready_file).good()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

void LinkChild::kill_hard() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  int status = 0;
  while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  pid_ = -1;
}

}  // namespace stillroom::test

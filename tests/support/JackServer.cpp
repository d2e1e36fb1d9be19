#include "support/JackServer.hpp"

#include <signal.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <cstdlib>
#include <stdexcept>
#include <thread>
#include <vector>

namespace stillroom::test {

namespace {

/** Runs argv with stdout/stderr to /dev/null; returns the child's pid. It dies with the test process. */
pid_t spawn(const std::vector<std::string>& args) {
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    // Only async-signal-safe calls between fork and exec (the parent has threads).
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);  // never outlive a test that crashed (a stray jackd)
    if (::getppid() != parent) ::_exit(127);
    const int null = ::open("/dev/null", O_WRONLY);
    if (null >= 0) {
      ::dup2(null, 1);
      ::dup2(null, 2);
    }
    ::execvp(argv[0], argv.data());
    ::_exit(127);
  }
  return pid;
}

}  // namespace

JackServer::JackServer(int rate, int period) : rate_(rate), period_(period) {
  ::setenv("JACK_NO_AUDIO_RESERVATION", "1", 1);
  // JACK keeps at most eight servers in its shared registry and frees a slot
  // only for a server started again under the same name, so a jackd killed
  // with SIGKILL leaks its slot for good. Names from a small fixed pool are
  // reclaimed instead; a name another test holds (its server up or down) or a
  // live server holds is skipped.
  for (int slot = 0; slot < kSlots; ++slot) {
    if (!claim(slot)) continue;
    name_ = "stillroom-test-" + std::to_string(slot);
    if (try_launch()) {
      ::setenv("JACK_DEFAULT_SERVER", name_.c_str(), 1);
      return;
    }
    release();
  }
  throw std::runtime_error("jackd did not start within 10 s under any of the names stillroom-test-0.." +
                           std::to_string(kSlots - 1));
}

bool JackServer::claim(int slot) {
  // flock: released by the kernel when this process dies, however it dies.
  const auto path = std::filesystem::temp_directory_path() / ("stillroom-test-jack-" + std::to_string(slot) + ".lock");
  lock_fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0666);
  if (lock_fd_ < 0) return false;
  if (::flock(lock_fd_, LOCK_EX | LOCK_NB) == 0) return true;
  release();
  return false;
}

void JackServer::release() {
  if (lock_fd_ < 0) return;
  ::close(lock_fd_);
  lock_fd_ = -1;
}

void JackServer::restart() {
  if (running()) return;
  if (!try_launch()) throw std::runtime_error("jackd did not start again as " + name_ + " within 10 s");
}

bool JackServer::try_launch() {
  pid_ = spawn({"jackd", "--no-realtime", "-n", name_, "-d", "dummy", "-r", std::to_string(rate_), "-p",
                std::to_string(period_)});
  const pid_t waiter = spawn({"jack_wait", "-s", name_, "-w", "-t", "10"});
  // Whichever ends first decides: jack_wait when the server is up (or after
  // 10 s), jackd when the name is taken or it cannot start.
  for (;;) {
    int status = 0;
    if (::waitpid(waiter, &status, WNOHANG) == waiter) {
      if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return true;
      kill();
      return false;
    }
    if (::waitpid(pid_, nullptr, WNOHANG) == pid_) {
      pid_ = -1;
      ::kill(waiter, SIGKILL);
      ::waitpid(waiter, nullptr, 0);
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

JackServer::~JackServer() {
  kill();
  release();
}

void JackServer::crash() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  ::waitpid(pid_, nullptr, 0);
  pid_ = -1;
}

void JackServer::kill() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGTERM);
  for (int i = 0; i < 50; ++i) {
    if (::waitpid(pid_, nullptr, WNOHANG) == pid_) {
      pid_ = -1;
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ::kill(pid_, SIGKILL);
  ::waitpid(pid_, nullptr, 0);
  pid_ = -1;
}

}  // namespace stillroom::test

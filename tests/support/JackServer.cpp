#include "support/JackServer.hpp"

#include <signal.h>
#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
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

JackServer::JackServer(int rate, int period) {
  name_ = "stillroom-test-" + std::to_string(::getpid());
  ::setenv("JACK_DEFAULT_SERVER", name_.c_str(), 1);
  ::setenv("JACK_NO_AUDIO_RESERVATION", "1", 1);
  // Servers that start at the same moment (tests in parallel) contend for JACK's shared registry, and one may
  // give up: try again a couple of times before calling it a failure.
  for (int attempt = 1;; ++attempt) {
    pid_ = spawn({"jackd", "--no-realtime", "-n", name_, "-d", "dummy", "-r", std::to_string(rate), "-p",
                  std::to_string(period)});
    const pid_t waiter = spawn({"jack_wait", "-w", "-t", "10"});
    int status = 0;
    ::waitpid(waiter, &status, 0);
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return;
    kill();
    if (attempt == 3) throw std::runtime_error("jackd did not start (3 attempts of 10 s)");
  }
}

JackServer::~JackServer() { kill(); }

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

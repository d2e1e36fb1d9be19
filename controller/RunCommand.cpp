#include "controller/RunCommand.hpp"

#include "controller/Daemon.hpp"
#include "controller/Log.hpp"

#include <csignal>
#include <cstdlib>
#include <exception>
#include <iostream>
#include <ostream>
#include <pthread.h>
#include <thread>

namespace stillroom::controller {
namespace {

/** The last resort for a thread the daemon does not own (the audio library's, the MQTT library's). */
[[noreturn]] void terminate_quietly() {
  std::string what = "unknown exception";
  if (const auto current = std::current_exception()) {
    try {
      std::rethrow_exception(current);
    } catch (const std::exception& error) {
      what = error.what();
    } catch (...) {
    }
  }
  std::cerr << "stillroom run: fatal: " << what << " (on a thread of a library); the room controller stops\n";
  std::_Exit(70);
}

}  // namespace

int run_daemon(const RunOptions& options, std::ostream& out, std::ostream& err) {
  config::Problems problems;
  const auto library = config::load_library(options.room_file, problems);
  if (problems.has_errors()) {
    problems.print(err);
    return 1;
  }
  // Signals are taken by one thread with sigwait(); every other thread
  // (Paho's, the audio threads) inherits the blocked mask and never sees them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  // SIGUSR1 only wakes the signal thread when the daemon ends by itself.
  sigaddset(&stop_signals, SIGUSR1);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  // A file-size limit or a full quota must fail the write (the record reports
  // it and the session goes on), not kill the room's controller.
  std::signal(SIGXFSZ, SIG_IGN);
  std::set_terminate(terminate_quietly);

  Log log(err, options.verbose);
  try {
    DaemonOptions daemon_options;
    daemon_options.log = &log;
    Daemon daemon(library, daemon_options);
    std::thread signals([&] {
      int received = 0;
      sigwait(&stop_signals, &received);
      if (received == SIGTERM || received == SIGINT) daemon.stop();
    });
    // However run() ends, the signal thread is woken and joined before the daemon goes.
    struct JoinSignals {
      std::thread& thread;
      ~JoinSignals() {
        pthread_kill(thread.native_handle(), SIGUSR1);
        thread.join();
      }
    };
    JoinSignals join{signals};
    out << "stillroom: room " << library.room.id << " running\n" << std::flush;
    return daemon.run();
  } catch (const std::exception& error) {
    log.error(std::string("stillroom run: ") + error.what(), {{"FAULT", "fatal"}});
    return 1;
  }
}

}  // namespace stillroom::controller

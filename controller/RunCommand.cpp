#include "controller/RunCommand.hpp"

#include "controller/Daemon.hpp"

#include <csignal>
#include <ostream>
#include <pthread.h>
#include <thread>

namespace stillroom::controller {

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
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  // A file-size limit or a full quota must fail the write (the record reports
  // it and the session goes on), not kill the room's controller.
  std::signal(SIGXFSZ, SIG_IGN);

  int code = 0;
  try {
    DaemonOptions daemon_options;
    daemon_options.log = &err;
    Daemon daemon(library, daemon_options);
    std::thread signals([&] {
      int received = 0;
      sigwait(&stop_signals, &received);
      daemon.stop();
    });
    out << "stillroom: room " << library.room.id << " running\n" << std::flush;
    code = daemon.run();
    // The loop ended by itself: wake the signal thread so it can finish.
    pthread_kill(signals.native_handle(), SIGTERM);
    signals.join();
  } catch (const std::exception& error) {
    err << "stillroom run: " << error.what() << '\n';
    return 1;
  }
  return code;
}

}  // namespace stillroom::controller

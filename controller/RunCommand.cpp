#include "controller/RunCommand.hpp"

#include "controller/AllocatorPolicy.hpp"
#include "controller/Daemon.hpp"
#include "controller/FileExposure.hpp"
#include "controller/Log.hpp"
#include "controller/RoomLock.hpp"

#include <csignal>
#include <cstdlib>
#include <exception>
#include <iostream>
#include <optional>
#include <ostream>
#include <pthread.h>
#include <thread>
#include <unistd.h>

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

/**
 * A secret (the broker password, a TLS private key) must not be readable by every
 * user of the box: false (with the reason on `err`) when it is. Readable by the
 * file's group is allowed (root:stillroom 0640 is a common install) with a warning.
 */
bool secret_is_private(const std::string& what, const std::string& file, std::ostream& err) {
  if (file.empty()) return true;
  FileExposure exposure;
  try {
    exposure = file_exposure(file);
  } catch (const std::exception&) {
    return true;  // a file that cannot be examined is reported by whatever reads it, with its own message
  }
  if (exposure.reach == FileExposure::Reach::World) {
    err << "stillroom run: " << what << " " << file << " can be read by every user of this box (" << exposure.why
        << "): refusing to start. Make it readable by the controller's user only: chmod 600 " << file << "\n";
    return false;
  }
  if (exposure.reach == FileExposure::Reach::Group)
    err << "stillroom run: warning: " << what << " " << file << " can be read by its group (" << exposure.why
        << "); chmod 600 " << file << " unless that group is the controller's own\n";
  return true;
}

}  // namespace

int run_daemon(const RunOptions& options, std::ostream& out, std::ostream& err) {
  if (::geteuid() == 0 && !options.allow_root) {
    err << "stillroom run: refusing to run as root: run the controller as its own user (User= in its systemd "
           "unit, see docs/operations.md), or pass --allow-root where root is the only user (a container, CI)\n";
    return 1;
  }
  return_large_blocks_to_the_system();
  config::Problems problems;
  const auto library = config::load_library(options.room_file, problems);
  if (problems.has_errors()) {
    problems.print(err);
    return 1;
  }
  // Before anything starts: a second controller on this room and record stops here, with the first one's name.
  std::optional<RoomLock> lock;
  try {
    lock.emplace(library.room.record.path, library.room.id,
                 std::filesystem::absolute(options.room_file).lexically_normal().string());
  } catch (const RoomLockError& error) {
    err << "stillroom run: " << error.what() << '\n';
    return 1;
  }
  const auto& mqtt = library.room.mqtt;
  if (!secret_is_private("mqtt.password_file", mqtt.password_file, err)) return 1;
  if (mqtt.tls && !secret_is_private("mqtt.tls.key_file", mqtt.tls->key_file, err)) return 1;
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

#include "archive/ArchiveCli.hpp"

#include "archive/Archive.hpp"
#include "archive/ArchiveConfig.hpp"
#include "archive/ArchiveStore.hpp"
#include "archive/ArchiveVerifier.hpp"

#include <CLI/CLI.hpp>

#include <csignal>
#include <iostream>
#include <pthread.h>
#include <thread>

namespace stillroom::archive {
namespace {

std::optional<ArchiveConfig> load(const std::string& path, std::ostream& err) {
  config::Problems problems;
  auto c = load_archive_config(path, problems);
  problems.print(err);
  return c;
}

int run_archive(const ArchiveConfig& c, std::ostream& err) {
  // Signals go to one thread that asks the archive to stop; the worker finishes its batch.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  std::unique_ptr<Archive> archive;
  try {
    archive = std::make_unique<Archive>(c, err);
  } catch (const std::exception& e) {
    err << "stillroom-archive: " << e.what() << '\n';
    return 2;
  }
  std::thread waiter([&] {
    int signal = 0;
    sigwait(&signals, &signal);
    archive->stop();
  });
  const int status = archive->run();
  // Wake the signal thread if the archive ended by itself.
  pthread_kill(waiter.native_handle(), SIGTERM);
  waiter.join();
  return status;
}

int verify(const ArchiveConfig& c, const std::string& room, std::ostream& out, std::ostream& err) {
  try {
    PgConnection db(c.postgres);
    const auto rooms = verify_archive(db, room);
    bool ok = true;
    for (const auto& v : rooms) {
      out << v.room << ": " << v.events << " events in " << v.chains << (v.chains == 1 ? " chain" : " chains")
          << ", newest chain " << v.chain << " seq " << v.seq << ", " << v.checkpoints_verified
          << " checkpoints verified: ";
      if (v.ok()) {
        out << "intact\n";
      } else {
        ok = false;
        out << "BROKEN at chain " << v.broken_chain << " seq " << v.broken_seq << " (" << v.problem << "): " << v.detail
            << '\n';
      }
    }
    if (rooms.empty()) out << (room.empty() ? "the archive holds no events\n" : "the archive holds no events of " + room + "\n");
    if (!room.empty() && rooms.empty()) return 1;
    return ok ? 0 : 1;
  } catch (const PgError& e) {
    err << "stillroom-archive: " << e.what() << '\n';
    return 1;
  }
}

}  // namespace

int run_archive_cli(int argc, char** argv, std::ostream& out, std::ostream& err) {
  CLI::App app{"stillroom-archive: the clinic's record archive (every room's record in PostgreSQL)"};
  std::string config_path;
  app.add_option("-c,--config", config_path, "archive.yaml")->required();
  bool check_only = false;
  app.add_flag("--check", check_only, "check the configuration and the database, then exit");
  app.require_subcommand(0, 1);
  auto* verify_cmd = app.add_subcommand("verify", "re-verify every archived chain from the database");
  std::string room;
  verify_cmd->add_option("--room", room, "only this room");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e, out, err) == 0 ? 0 : 2;
  }
  const auto c = load(config_path, err);
  if (!c) return 2;
  if (verify_cmd->parsed()) return verify(*c, room, out, err);
  if (check_only) {
    try {
      ArchiveStore store(c->postgres);
      store.open();
      out << config_path << ": ok; the database is ready (" << store.heads().size() << " rooms archived)\n";
      return 0;
    } catch (const PgError& e) {
      err << "stillroom-archive: " << e.what() << '\n';
      return 1;
    }
  }
  return run_archive(*c, err);
}

}  // namespace stillroom::archive

#include "controller/Cli.hpp"

#include "controller/CacheCommand.hpp"
#include "controller/CheckCommand.hpp"
#include "controller/PlanCommand.hpp"
#include "controller/RecordCommand.hpp"
#include "controller/RunCommand.hpp"
#include "controller/SimulateCommand.hpp"
#include "controller/DevicesCommand.hpp"
#include "config/Library.hpp"

#include <CLI/CLI.hpp>

#include <filesystem>
#include <ostream>

#ifndef STILLROOM_VERSION
#define STILLROOM_VERSION "0"
#endif

namespace stillroom::controller {
namespace {

/** --config resolved to the room's record file, for `record --config`. */
std::optional<std::filesystem::path> record_path(const std::string& room_file, std::ostream& err) {
  config::Problems problems;
  const auto library = config::load_library(room_file, problems);
  if (problems.has_errors()) {
    problems.print(err);
    return std::nullopt;
  }
  return std::filesystem::path(library.room.record.path);
}

}  // namespace

int run_cli(int argc, const char* const* argv, std::ostream& out, std::ostream& err) {
  CLI::App app{"stillroom: the environment controller for ketamine-assisted psychotherapy rooms", "stillroom"};
  app.set_version_flag("--version", std::string("stillroom ") + STILLROOM_VERSION);
  app.require_subcommand(1);
  int status = 0;

  CheckOptions check;
  auto* check_cmd = app.add_subcommand("check", "Validate a room, its protocols, playlists, clients and audio files (writes nothing)");
  check_cmd->add_option("--config", check.room_file, "The room file (room.yaml)")->required();
  check_cmd->callback([&] { status = run_check(check, out, err); });

  CacheOptions cache;
  auto* cache_cmd = app.add_subcommand("cache", "Decode and measure every audio file of a room into its loudness cache");
  cache_cmd->add_option("--config", cache.room_file, "The room file (room.yaml)")->required();
  cache_cmd->callback([&] { status = run_cache(cache, out, err); });

  PlanOptions plan;
  auto* plan_cmd = app.add_subcommand("plan", "Print a session's plan on the dose clock");
  plan_cmd->add_option("--config", plan.room_file, "The room file (room.yaml)")->required();
  plan_cmd->add_option("--client", plan.client, "Pseudonymous client id")->required();
  plan_cmd->add_option("--protocol", plan.protocol, "Protocol id (default: the client's)");
  plan_cmd->add_option("--playlist", plan.playlist, "Playlist id (default: the client's)");
  plan_cmd->add_option("--session", plan.session, "Session number in the client's series")->check(CLI::PositiveNumber);
  plan_cmd->add_option("--booster", plan.boosters, "A booster at this dose time, e.g. 25m (repeatable)");
  plan_cmd->add_option("--start", plan.start, "Dose time the session starts, e.g. -10m (default: the first phase)");
  plan_cmd->add_option("--seed", plan.seed, "Shuffle seed for phases that shuffle without a fixed seed");
  plan_cmd->add_option("--format", plan.format, "table or json")->check(CLI::IsMember({"table", "json"}));
  plan_cmd->callback([&] { status = run_plan(plan, out, err); });

  SimulateOptions simulate;
  auto* simulate_cmd = app.add_subcommand("simulate", "Render a whole session to a file on a virtual clock");
  simulate_cmd->add_option("--config", simulate.room_file, "The room file (room.yaml)")->required();
  simulate_cmd->add_option("--client", simulate.client, "Pseudonymous client id")->required();
  simulate_cmd->add_option("--out", simulate.out_file, "Output file (.flac or .wav)")->required();
  simulate_cmd->add_option("--events", simulate.events_file, "The therapist's commands at dose times (YAML)");
  simulate_cmd->add_option("--protocol", simulate.protocol, "Protocol id (default: the client's)");
  simulate_cmd->add_option("--playlist", simulate.playlist, "Playlist id (default: the client's)");
  simulate_cmd->add_option("--dose-mg", simulate.dose_mg, "The dose entered (default: the series' suggestion, else the protocol's lowest)");
  simulate_cmd->add_option("--session", simulate.session, "Session number in the client's series")
      ->check(CLI::PositiveNumber);
  simulate_cmd->add_flag("!--no-progress", simulate.progress, "No progress bar");
  simulate_cmd->callback([&] { status = run_simulate(simulate, out, err); });

  auto* devices_cmd = app.add_subcommand("devices", "List the sound outputs PortAudio sees");
  devices_cmd->callback([&] { status = run_devices(out, err); });

  RunOptions run;
  auto* run_cmd = app.add_subcommand("run", "Run the room's controller until SIGTERM");
  run_cmd->add_option("--config", run.room_file, "The room file (room.yaml)")->required();
  run_cmd->add_flag("--verbose", run.verbose, "Every log line on the console, not only notices and problems");
  run_cmd->add_flag("--allow-root", run.allow_root,
                    "Run even as root (containers, CI); a room box runs the controller as its own user");
  run_cmd->callback([&] { status = run_daemon(run, out, err); });

  auto* record_cmd = app.add_subcommand("record", "The clinical record: list, show, verify, export");
  record_cmd->prefix_command();
  record_cmd->set_help_flag();
  record_cmd->callback([&] {
    RecordCommandHooks hooks;
    hooks.record_path_from_config = record_path;
    status = run_record_command(record_cmd->remaining(), out, err, hooks);
  });

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e, out, err);
    return code == 0 ? 0 : 2;
  }
  return status;
}

}  // namespace stillroom::controller

// SessionScript: what happens during a simulated session — the therapist's
// commands at dose-relative times — read from a YAML file for `stillroom
// simulate --events`. Plain data plus its loader, with file:line:column errors
// like every other configuration file.
//
//   events:
//     - { at: 12m, do: pause }
//     - { at: 14m, do: resume }
//     - { at: 20m, do: talk, on: true }
//     - { at: 22m, do: volume, db: -6 }
//     - { at: 25m, do: booster, dose_mg: 20 }
//     - { at: 40m, do: ack, reminder: bp-40 }
//     - { at: 41m, do: vitals, bp_sys: 128, bp_dia: 82 }
//     - { at: 70m, do: stop }
#pragma once

#include "config/Duration.hpp"
#include "config/Problems.hpp"
#include "config/SourceMark.hpp"

#include <optional>
#include <string>
#include <vector>

namespace stillroom::config {

struct ScriptedCommand {
  /** Dose time, after the session's start. */
  Millis at{0};
  /** pause, resume, talk, volume, skip, alternate, booster, ack, vitals, stop, emergency */
  std::string command;
  std::optional<bool> on;
  std::optional<double> db;
  std::optional<double> dose_mg;
  std::string reminder;
  std::optional<int> bp_sys;
  std::optional<int> bp_dia;
  std::optional<int> hr;
  std::optional<int> spo2;
  SourceMark where;
};

/** The commands a script may use (those meaningful once a session runs). */
[[nodiscard]] const std::vector<std::string>& script_commands();

/** Every command in the file, by time; problems go to `problems`. */
[[nodiscard]] std::vector<ScriptedCommand> load_session_script(const std::string& path, Problems& problems);

}  // namespace stillroom::config

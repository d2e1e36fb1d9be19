// SessionCommands: the commands a tablet sends to run a short session, in one
// place — the room contract may change their shape, and the clinic test and
// benchmark send exactly these.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <utility>
#include <vector>

namespace stillroom::test::session_commands {

using nlohmann::json;

/** The dose is entered with the preload, as a clinician does on the tablet. */
inline json preload(const std::string& client) {
  return {{"cmd", "preload"}, {"client", client}, {"doses", json::array({{{"client", client}, {"amount_mg", 50}}})}};
}
inline json start() { return {{"cmd", "start"}}; }
inline json volume(double db) { return {{"cmd", "volume"}, {"db", db}}; }
inline json pause() { return {{"cmd", "pause"}}; }
inline json resume() { return {{"cmd", "resume"}}; }
inline json stop() { return {{"cmd", "stop"}}; }
inline json clear() { return {{"cmd", "clear"}}; }

/** One short session, in order: each step's command must be answered ok before the next is sent. */
inline std::vector<std::pair<std::string, json>> short_session(const std::string& client) {
  return {{"preload", preload(client)}, {"start", start()},   {"volume", volume(-8)},
          {"pause", pause()},           {"resume", resume()}, {"volume", volume(-6)},
          {"stop", stop()},             {"clear", clear()}};
}

}  // namespace stillroom::test::session_commands

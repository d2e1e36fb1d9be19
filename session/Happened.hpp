// Happened: one event as it occurred — what (the typed Event), in which
// session, caused by whom, when on this box, and the command that caused it.
// The record stores exactly this; replay turns each stored row back into one.
// Plain data; any thread.
#pragma once

#include "session/Clock.hpp"
#include "session/Event.hpp"

#include <string>

namespace stillroom::session {

/** Who did it: the device the command came from and its role ("system" for the room itself). */
struct Actor {
  /** Device id (its MQTT user name), or the room box's own id for what the room did by itself. */
  std::string device;
  /** Role of that device in the room configuration, or "system". */
  std::string role;
  friend bool operator==(const Actor&, const Actor&) = default;
};

struct Happened {
  Event event;
  /** Session id, "" outside a session. */
  std::string session;
  Actor actor;
  /** When it happened on this box. */
  Stamp at;
  /** The (device-scoped) id of the command that caused it, "" when the room acted by itself. */
  std::string command_id;
};

}  // namespace stillroom::session

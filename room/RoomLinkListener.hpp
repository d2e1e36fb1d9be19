// RoomLinkListener: what RoomLink tells its owner (the controller). Every call
// comes from the link thread; an implementation hands the work to its own
// thread and returns quickly (never blocks on the link).
#pragma once

#include "session/Command.hpp"
#include "room/CommandParser.hpp"

#include <string>

namespace stillroom::room {

class RoomLinkListener {
 public:
  virtual ~RoomLinkListener() = default;

  /** A command that passed every check; answer with RoomLink::reply(), from any thread, now or later. */
  virtual void on_command(const session::Command& command) = 0;
  /** A command refused by the link (already answered): for the audit trail. */
  virtual void on_rejected(const Rejection& rejection) { (void)rejection; }
  /** The broker connection came up (true) or went away (false). */
  virtual void on_connection_changed(bool connected) { (void)connected; }
  /** A message on a topic added with RoomLink::subscribe(). */
  virtual void on_message(const std::string& topic, const std::string& payload) {
    (void)topic;
    (void)payload;
  }
  /**
   * A fault of the link starts (active) or clears: code "broker" (connection
   * lost / restored, authentication refused), "mqtt_buffer" (offline buffer full).
   */
  virtual void on_link_fault(const std::string& code, const std::string& message, bool active) {
    (void)code;
    (void)message;
    (void)active;
  }
};

}  // namespace stillroom::room

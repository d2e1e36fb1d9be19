// LinkChild: a second process holding a RoomLink, for what cannot happen inside
// the test process — a kill -9 of the client. The test binary re-executes
// itself with STILLROOM_TEST_LINK_CHILD set; a static initializer in
// LinkChild.cpp then runs the child's part instead of the tests.
#pragma once

#include <filesystem>
#include <string>
#include <sys/types.h>

namespace stillroom::test {

struct LinkChildSpec {
  int port = 0;
  std::string password_file;
  std::string persistence_dir;
  /** Events to publish right after starting (buffered when the broker is away). */
  int events = 0;
  /** Created once the events have been handed to the link. */
  std::string ready_file;
};

class LinkChild {
 public:
  explicit LinkChild(const LinkChildSpec& spec);
  /** SIGKILLs the child if it still runs. */
  ~LinkChild();
  LinkChild(const LinkChild&) = delete;
  LinkChild& operator=(const LinkChild&) = delete;

  /** Waits for the ready file (false after the timeout). */
  bool wait_ready(int timeout_ms) const;
  /** kill -9: the link gets no chance to say goodbye. */
  void kill_hard();

 private:
  LinkChildSpec spec_;
  pid_t pid_ = -1;
};

}  // namespace stillroom::test

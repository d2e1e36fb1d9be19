// Log: the daemon's log lines. Under systemd they go to the journal with
// structured fields (STILLROOM_COMMAND, STILLROOM_DEVICE, STILLROOM_ID,
// STILLROOM_OUTCOME, STILLROOM_FAULT, ...), searchable with journalctl; on a
// console only notices, warnings and errors are printed unless verbose.
// Any thread (one line at a time).
#pragma once

#include <iosfwd>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace stillroom::controller {

class Log {
 public:
  /** syslog priorities. */
  enum class Level { Error = 3, Warning = 4, Notice = 5, Info = 6, Debug = 7 };
  using Fields = std::vector<std::pair<std::string, std::string>>;

  /** `console`: where lines go when not under systemd's journal. */
  Log(std::ostream& console, bool verbose);

  void write(Level level, std::string_view message, const Fields& fields = {});
  void error(std::string_view message, const Fields& fields = {}) { write(Level::Error, message, fields); }
  void warning(std::string_view message, const Fields& fields = {}) { write(Level::Warning, message, fields); }
  void notice(std::string_view message, const Fields& fields = {}) { write(Level::Notice, message, fields); }
  void info(std::string_view message, const Fields& fields = {}) { write(Level::Info, message, fields); }

 private:
  std::ostream& console_;
  bool verbose_;
  bool journal_;
  std::mutex mutex_;
};

}  // namespace stillroom::controller

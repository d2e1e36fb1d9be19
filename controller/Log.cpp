#include "controller/Log.hpp"

#include <cstdlib>
#include <ostream>

#ifdef STILLROOM_HAVE_SYSTEMD
#include <systemd/sd-journal.h>
#endif

namespace stillroom::controller {
namespace {

/** systemd sets JOURNAL_STREAM when stderr is connected to the journal. */
bool under_journal() {
#ifdef STILLROOM_HAVE_SYSTEMD
  return std::getenv("JOURNAL_STREAM") != nullptr;
#else
  return false;
#endif
}

}  // namespace

Log::Log(std::ostream& console, bool verbose) : console_(console), verbose_(verbose), journal_(under_journal()) {}

void Log::write(Level level, std::string_view message, const Fields& fields) {
#ifdef STILLROOM_HAVE_SYSTEMD
  if (journal_) {
    std::vector<std::string> items;
    items.push_back("MESSAGE=" + std::string(message));
    items.push_back("PRIORITY=" + std::to_string(static_cast<int>(level)));
    items.emplace_back("SYSLOG_IDENTIFIER=stillroom");
    for (const auto& [key, value] : fields) items.push_back("STILLROOM_" + key + "=" + value);
    std::vector<iovec> vec;
    for (auto& item : items) vec.push_back({item.data(), item.size()});
    sd_journal_sendv(vec.data(), static_cast<int>(vec.size()));
    return;
  }
#endif
  if (level > Level::Notice && !verbose_) return;
  std::lock_guard lock(mutex_);
  console_ << message;
  for (const auto& [key, value] : fields) {
    console_ << ' ';
    for (char c : key) console_ << static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    console_ << '=' << value;
  }
  console_ << '\n' << std::flush;
}

}  // namespace stillroom::controller

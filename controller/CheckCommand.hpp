// CheckCommand: `stillroom check` — loads a room and everything it names,
// decodes every audio file (but those the loudness cache knows decoded in
// full), plans every pairing of protocol and playlist a clinic will use, and
// prints each problem as file:line:column: message. Silent when everything is
// right. Writes nothing (`stillroom cache` fills the cache).
#pragma once

#include <iosfwd>
#include <string>

namespace stillroom::controller {

struct CheckOptions {
  std::string room_file;
};

/** 0 clean, 1 problems (errors or warnings). */
int run_check(const CheckOptions& options, std::ostream& out, std::ostream& err);

}  // namespace stillroom::controller

// Cli: the `stillroom` command line — check, cache, plan, simulate, devices,
// run, record — parsed with CLI11 and dispatched to one function per subcommand.
// Runs on the main thread. Exit codes: 0 ok, 1 problems found, 2 usage.
#pragma once

#include <iosfwd>

namespace stillroom::controller {

/** The whole command line; `out`/`err` are where it writes (tests pass string streams). */
int run_cli(int argc, const char* const* argv, std::ostream& out, std::ostream& err);

}  // namespace stillroom::controller

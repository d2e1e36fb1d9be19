// ArchiveCli: the `stillroom-archive` command line — run the archive, check
// its configuration, verify what the database holds. Runs on the main thread;
// `run` adds a signal thread that stops the archive on SIGTERM or SIGINT.
#pragma once

#include <iosfwd>

namespace stillroom::archive {

/** Exit status: 0 ok, 1 failure (verification failed, the database refused), 2 usage or configuration. */
int run_archive_cli(int argc, char** argv, std::ostream& out, std::ostream& err);

}  // namespace stillroom::archive

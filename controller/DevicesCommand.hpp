// DevicesCommand: `stillroom devices` — the sound outputs PortAudio sees, with
// their rates and latencies, so a clinic can name one in room.yaml.
#pragma once

#include <iosfwd>

namespace stillroom::controller {

/** 0 listed (possibly none), 1 PortAudio could not start. */
int run_devices(std::ostream& out, std::ostream& err);

}  // namespace stillroom::controller

// BenchRoom: the room the daemon benchmarks run — a room file for the null
// output, one zigbee2mqtt light, one tablet with every command, the record and
// the caches in the room's own directory — and quiet tones to play in it.
#pragma once

#include "support/TempDir.hpp"

#include <string>

namespace stillroom::bench {

/** Writes room.yaml (broker on 127.0.0.1:`port`, user controller) and controller.password into `dir`. */
void write_bench_room(test::TempDir& dir, int port);

/** Writes a quiet 8 kHz mono tone of `seconds` to `relative` inside `dir` (a WAV the engine plays and loops). */
void write_quiet_tone(test::TempDir& dir, const std::string& relative, int seconds);

}  // namespace stillroom::bench

// ThreadSetup: names the calling thread (what top -H and /proc/<pid>/task/*/comm
// show; threads it starts inherit the name, so PortAudio's and the ALSA
// plugins' threads carry the name of the engine thread that opened the device)
// and asks for real-time scheduling where the system allows it (SCHED_FIFO
// within RLIMIT_RTPRIO or with CAP_SYS_NICE), staying normal otherwise. Called
// once at the top of each engine thread.
#pragma once

namespace stillroom::audio {

/** Sets the calling thread's name (at most 15 characters are kept). */
void name_this_thread(const char* name) noexcept;

/** SCHED_FIFO at `priority` (lowered to what RLIMIT_RTPRIO allows); false, and no change, when not permitted. */
bool try_realtime(int priority) noexcept;

}  // namespace stillroom::audio

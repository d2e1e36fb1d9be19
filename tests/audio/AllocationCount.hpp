// AllocationCount: allocations made on the engine's player thread ("sr-player")
// since the test binary started, counted by the operator new that RingTest.cpp
// defines for the whole test_audio binary.
#pragma once

#include <cstdint>

namespace stillroom::test {

[[nodiscard]] std::uint64_t player_thread_allocations() noexcept;

}  // namespace stillroom::test

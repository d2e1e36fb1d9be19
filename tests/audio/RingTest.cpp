// The output ring and the real-time callback path: order and counts across two
// threads, underruns counted and filled with zeros, and no allocation at all in
// the code a PortAudio callback runs. operator new is counted in this binary,
// in all and on the engine's player thread (AllocationCount.hpp).
#include "AllocationCount.hpp"

#include "audio/FrameRing.hpp"
#include "audio/PortAudioSink.hpp"
#include "audio/Sink.hpp"

#include <doctest/doctest.h>

#include <sys/prctl.h>

#include <atomic>
#include <cstring>
#include <cstdlib>
#include <new>
#include <thread>
#include <vector>

namespace {
std::atomic<std::uint64_t> g_allocations{0};
std::atomic<std::uint64_t> g_player_allocations{0};

/** Whether the calling thread is the engine's player thread (by its name; prctl allocates nothing). */
bool on_player_thread() noexcept {
  char name[16] = {};
  ::prctl(PR_GET_NAME, name, 0, 0, 0);
  return std::strcmp(name, "sr-player") == 0;
}

void count_allocation() noexcept {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (on_player_thread()) g_player_allocations.fetch_add(1, std::memory_order_relaxed);
}
}  // namespace

std::uint64_t stillroom::test::player_thread_allocations() noexcept { return g_player_allocations.load(); }

// Optimised builds inline these into each other, and GCC then takes free() of what operator new returned for
// a mismatch; here both sides are malloc and free on purpose.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
void* operator new(std::size_t size) {
  count_allocation();
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t size) {
  count_allocation();
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
// The nothrow forms too (std::stable_sort's temporary buffer takes one): all of a kind from malloc.
void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
  count_allocation();
  return std::malloc(size == 0 ? 1 : size);
}
void* operator new[](std::size_t size, const std::nothrow_t&) noexcept {
  count_allocation();
  return std::malloc(size == 0 ? 1 : size);
}
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
#pragma GCC diagnostic pop

using namespace stillroom::audio;

TEST_CASE("ring: frames arrive in order across threads, nothing lost or repeated") {
  FrameRing ring(2, 1000);
  constexpr std::size_t total = 600'000;
  std::thread producer([&] {
    std::vector<float> block(2 * 300);
    std::size_t next = 0;
    while (next < total) {
      const std::size_t n = std::min<std::size_t>(300, total - next);
      for (std::size_t i = 0; i < n; ++i) {
        block[2 * i] = static_cast<float>((next + i) % 1'000'000);
        block[2 * i + 1] = -block[2 * i];
      }
      next += ring.write(block.data(), n);
    }
  });
  std::vector<float> got(2 * 257);
  std::size_t expected = 0;
  bool ordered = true;
  while (expected < total) {
    const std::size_t n = ring.read(got.data(), 257);
    for (std::size_t i = 0; i < n; ++i, ++expected) {
      ordered &= got[2 * i] == static_cast<float>(expected % 1'000'000) && got[2 * i + 1] == -got[2 * i];
    }
  }
  producer.join();
  CHECK(ordered);
  CHECK(ring.total_read() == total);
  CHECK(ring.readable() == 0);
}

TEST_CASE("ring in place: frames written through reserve/commit and read through peek/discard arrive in order, across the wrap") {
  FrameRing ring(2, 1000);
  constexpr std::size_t total = 600'000;
  bool short_at_wrap = false;  // the producer's; read after the join
  std::thread producer([&] {
    std::size_t next = 0;
    while (next < total) {
      std::size_t room = std::min<std::size_t>(300, total - next);
      float* dst = ring.reserve(room);
      for (std::size_t i = 0; i < room; ++i) {
        dst[2 * i] = static_cast<float>(next + i);
        dst[2 * i + 1] = -dst[2 * i];
      }
      // Where the storage wraps, reserve() gives the contiguous part only: never more than there is room for.
      short_at_wrap |= room > 0 && room < 300 && ring.writable() > room;
      ring.commit(room);
      next += room;
    }
  });
  std::size_t expected = 0;
  bool ordered = true;
  bool wrapped = false;
  while (expected < total) {
    const auto view = ring.peek(257);
    wrapped |= view.second_frames > 0;
    for (std::size_t i = 0; i < view.frames(); ++i, ++expected) {
      const float* f = i < view.first_frames ? view.first + 2 * i : view.second + 2 * (i - view.first_frames);
      ordered &= f[0] == static_cast<float>(expected) && f[1] == -f[0];
    }
    CHECK(ring.discard(view.frames()) == view.frames());
  }
  producer.join();
  CHECK(ordered);
  CHECK(wrapped);
  CHECK(short_at_wrap);
  CHECK(ring.total_written() == total);
  CHECK(ring.readable() == 0);
}

TEST_CASE("the callback path copies, counts underruns, plays zeros and never allocates") {
  FrameRing ring(2, 4800);
  SinkCounters counters;
  PortAudioSink::CallbackContext context;
  context.ring = &ring;
  context.counters = &counters;
  std::vector<float> feed(2 * 480, 0.25f);
  std::vector<float> out(2 * 512, 1.0f);
  const std::uint64_t before = g_allocations.load();
  for (int i = 0; i < 20'000; ++i) {
    if (i % 10 != 9) ring.write(feed.data(), 480);  // every tenth period the producer is late
    PortAudioSink::callback(nullptr, out.data(), 512, nullptr, i % 1000 == 0 ? paOutputUnderflow : 0, &context);
  }
  const std::uint64_t after = g_allocations.load();
  CHECK(after == before);
  CHECK(context.callbacks.load() == 20'000);
  CHECK(counters.device_underflows.load() == 20);
  CHECK(counters.underruns.load() > 0);
  CHECK(counters.frames_played.load() + counters.underrun_frames.load() == 20'000ULL * 512);
  CHECK(counters.frames_played.load() == 18'000ULL * 480);  // everything written was played
  // An underrun's missing frames are zeros, the rest is the feed.
  FrameRing empty(2, 64);
  std::vector<float> o(2 * 8, 1.0f);
  const float two[] = {0.5f, 0.5f, 0.5f, 0.5f};
  empty.write(two, 2);
  pull_frames(empty, counters, o.data(), 8);
  CHECK(o[0] == 0.5f);
  CHECK(o[3] == 0.5f);
  CHECK(o[4] == 0.0f);
  CHECK(o[15] == 0.0f);
}

// RecordBench: commit latency of Record::append on a real file — every append
// is one BEGIN IMMEDIATE … COMMIT with the WAL synced (synchronous=FULL), or
// NORMAL as the reference — plus how long opening (quick_check + tail check) and
// a full verify take on the resulting record. Prints key=value lines.
//
//   stillroom_record_bench --dir DIR [--events N] [--sync full|normal] [--payload BYTES] [--keep PATH]
// --keep moves the record to PATH afterwards (a large record for bench/controller/run).
#include "controller/SystemClock.hpp"
#include "record/Record.hpp"
#include "session/EventCodec.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

using namespace stillroom::record;
using stillroom::controller::SystemClock;
using Steady = std::chrono::steady_clock;

namespace {

double micros(Steady::duration d) { return std::chrono::duration<double, std::micro>(d).count(); }

double percentile(std::vector<double> sorted, double p) {
  if (sorted.empty()) return 0;
  const auto index = static_cast<std::size_t>(p * static_cast<double>(sorted.size() - 1) + 0.5);
  return sorted[std::min(index, sorted.size() - 1)];
}

/** Events per session: a record of a million events is some five thousand sessions, as a room's years are. */
constexpr int kSessionEvents = 200;

/** The mix of a session's frequent events, in the record's typed vocabulary; a track title of `payload_bytes`. */
EventDraft event(int n, std::size_t payload_bytes) {
  using namespace stillroom::session;
  using stillroom::config::Millis;
  const Millis at{1000LL * n};
  Event typed;
  switch (n % 4) {
    case 0: typed = TrackChanged{std::string(payload_bytes, 't'), "artist", "/music/x.flac", "peak", n, at}; break;
    case 1: typed = VolumeChanged{-6.5, at}; break;
    case 2: typed = PhaseChanged{"onset", n, at, at + Millis{60000}}; break;
    default: typed = TalkChanged{n % 2 == 1, at}; break;
  }
  return EventDraft{"bench-session-" + std::to_string(n / kSessionEvents), std::string(type_name(typed)),
                    {"tablet-1", "tablet"}, encode(typed)};
}

int usage() {
  std::fprintf(stderr, "usage: stillroom_record_bench --dir DIR [--events N] [--sync full|normal] [--payload BYTES] [--keep PATH]\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::filesystem::path dir;
  int events = 2000;
  std::string sync = "full";
  std::size_t payload = 200;
  std::filesystem::path keep;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (i + 1 >= argc) return usage();
    const std::string v = argv[++i];
    if (a == "--dir") dir = v;
    else if (a == "--events") events = std::atoi(v.c_str());
    else if (a == "--sync") sync = v;
    else if (a == "--payload") payload = static_cast<std::size_t>(std::atol(v.c_str()));
    else if (a == "--keep") keep = v;
    else return usage();
  }
  if (dir.empty() || events < 10 || (sync != "full" && sync != "normal")) return usage();

  const auto path = dir / ("bench-" + sync + ".db");
  std::filesystem::remove(path);
  SystemClock clock;
  RecordOptions options;
  options.sync = sync == "full" ? RecordOptions::Sync::Full : RecordOptions::Sync::Normal;
  std::vector<double> latencies;
  latencies.reserve(static_cast<std::size_t>(events));
  {
    Record record(path, clock, options);
    if (!record.available()) {
      std::fprintf(stderr, "cannot open %s: %s\n", path.c_str(), record.open_report().error->what());
      return 1;
    }
    for (int i = 0; i < 50; ++i) (void)record.append(event(i, payload));  // warm-up
    for (int i = 0; i < events; ++i) {
      const auto d = event(i, payload);
      const auto start = Steady::now();
      (void)record.append(d);
      latencies.push_back(micros(Steady::now() - start));
    }
  }
  double open_us = 0, verify_us = 0;
  VerifyResult verdict;
  {
    const auto open_start = Steady::now();
    Record reopened(path, clock, options);
    open_us = micros(Steady::now() - open_start);
    const auto verify_start = Steady::now();
    verdict = reopened.verify();
    verify_us = micros(Steady::now() - verify_start);
  }  // closed: checkpointed, the WAL gone

  double total = 0;
  for (double l : latencies) total += l;
  std::vector<double> sorted = latencies;
  std::sort(sorted.begin(), sorted.end());
  std::printf("sync=%s\nevents=%d\npayload_bytes=%zu\n", sync.c_str(), events, payload);
  std::printf("p50_us=%.0f\np90_us=%.0f\np99_us=%.0f\np999_us=%.0f\nmax_us=%.0f\nmean_us=%.0f\n", percentile(sorted, 0.5),
              percentile(sorted, 0.9), percentile(sorted, 0.99), percentile(sorted, 0.999), sorted.back(),
              total / static_cast<double>(sorted.size()));
  std::printf("appends_per_s=%.0f\n", 1e6 * static_cast<double>(sorted.size()) / total);
  std::printf("file_bytes=%ju\n", static_cast<std::uintmax_t>(std::filesystem::file_size(path)));
  std::printf("open_ms=%.1f\nverify_ms=%.1f\nverify_ok=%d\nverified_events=%lld\n", open_us / 1000, verify_us / 1000,
              verdict.ok() ? 1 : 0, static_cast<long long>(verdict.checked));
  if (!keep.empty()) {
    std::filesystem::rename(path, keep);
    std::printf("kept=%s\n", keep.c_str());
  }
  return verdict.ok() ? 0 : 1;
}

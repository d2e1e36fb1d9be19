// EmergencyBench: how long after an emergency command the light command is on
// the broker, while the record's every fsync takes STILLROOM_SLOW_FSYNC_MS
// (an SD card under load), beside the same room with normal storage in the
// same run — and, for each, how long the reply (which waits for the record to
// be durable) takes. The light must not wait for the disk.
//
//   bench_emergency --shim PATH [--rounds N] [--fsync-ms MS]
// Prints key=value lines: light_p50_ms light_p99_ms reply_p50_ms reply_p99_ms, per storage.
#include "lib/BenchRoom.hpp"
#include "room/TcpNoDelay.hpp"
#include "room/MqttProbe.hpp"
#include "support/Mosquitto.hpp"
#include "support/TempDir.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fcntl.h>
#include <fstream>
#include <string>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

using namespace stillroom;
using namespace stillroom::test;
using namespace std::chrono_literals;
using nlohmann::json;
using Steady = std::chrono::steady_clock;

namespace {

double ms(Steady::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

double percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<std::size_t>(p * static_cast<double>(v.size() - 1) + 0.5))];
}

struct Figures {
  std::vector<double> light, reply;
};

void write_room(TempDir& dir, int port) {
  bench::write_bench_room(dir, port);
  bench::write_quiet_tone(dir, "music/t.wav", 60);
  dir.write("protocols/p.yaml",
            "protocol: { id: p, route: im, medication: ketamine, dose_mg: [10, 100] }\n"
            "phases: [ { name: peak, from: 0, to: 10m, lights: dim } ]\n");
  dir.write("playlists/l.yaml", "playlist: { id: l }\nphases: { peak: [../music/t.wav] }\n");
  dir.write("clients/c-1.yaml", "client: { id: c-1, protocol: p, playlist: l }\n");
}

Figures measure(const std::string& shim, int fsync_ms, int rounds) {
  MosquittoOptions options;
  options.users = {{"controller", "c-secret"}, {"tablet-1", "t-secret"}};
  Mosquitto broker(options);
  TempDir dir("stillroom-emergency-bench");
  write_room(dir, broker.port());
  const pid_t pid = fork();
  if (pid == 0) {
    const int fd = ::open((dir / "daemon.log").c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
    dup2(fd, 1);
    dup2(fd, 2);
    ::setenv("STILLROOM_INJECT_CLOCK", "synced", 0);  // a start needs no clock confirmation here
    if (fsync_ms > 0) {
      ::setenv("LD_PRELOAD", shim.c_str(), 1);
      ::setenv("STILLROOM_SLOW_FSYNC_MS", std::to_string(fsync_ms).c_str(), 1);
    }
    const std::string binary = std::string(STILLROOM_BINARY_DIR) + "/controller/stillroom";
    // The room refuses to run as root unless told; benches on a build machine often are root.
    if (::geteuid() == 0)
      execl(binary.c_str(), binary.c_str(), "run", "--allow-root", "--config", (dir / "room.yaml").c_str(),
            static_cast<char*>(nullptr));
    else
      execl(binary.c_str(), binary.c_str(), "run", "--config", (dir / "room.yaml").c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  MqttProbe tablet(broker.port(), "bench-tablet", "tablet-1", "t-secret");
  tablet.subscribe("stillroom/room-1/reply/tablet-1");
  tablet.subscribe("stillroom/room-1/status");
  MqttProbe light(broker.port(), "bench-light", "controller", "c-secret");
  light.subscribe("zigbee2mqtt/ceiling/set");
  // The probes stand for a tablet's browser and a light's bridge, which send without Nagle's delay (browsers
  // set TCP_NODELAY on WebSockets); left on, 40 ms of delayed-ACK wait would be measured, none of it the room's.
  (void)room::set_tcp_nodelay_to("127.0.0.1", broker.port());
  Figures f;
  if (!tablet.wait_for("stillroom/room-1/status", [](const ProbeMessage& m) { return m.payload == "online"; }, 20s)) {
    std::ifstream log(dir / "daemon.log");
    std::fprintf(stderr, "bench_emergency: the room did not come online:\n%s\n",
                 std::string(std::istreambuf_iterator<char>(log), {}).c_str());
    ::kill(pid, SIGKILL);
    return f;
  }
  int n = 0;
  const auto send = [&](const json& body) {
    json c = body;
    c["id"] = "b" + std::to_string(++n);
    const auto sent = Steady::now();
    tablet.publish("stillroom/room-1/cmd/tablet-1", c.dump());
    const auto reply = tablet.wait_for("stillroom/room-1/reply/tablet-1", [&](const ProbeMessage& m) {
      return m.json()["id"] == c["id"];
    }, 30s);
    return std::make_pair(sent, reply);
  };
  for (int round = 0; round < rounds; ++round) {
    send({{"cmd", "preload"}, {"client", "c-1"}, {"doses", {{{"client", "c-1"}, {"amount_mg", 20}}}}});
    send({{"cmd", "start"}});
    light.clear();
    const auto [sent, reply] = send({{"cmd", "emergency"}});
    const auto full = light.wait_for("zigbee2mqtt/ceiling/set", [](const ProbeMessage& m) {
      return m.json().value("brightness", 0) == 254;
    }, 30s);
    if (full && reply) {
      f.light.push_back(ms(full->arrived - sent));
      f.reply.push_back(ms(reply->arrived - sent));
    }
    send({{"cmd", "clear"}});
  }
  ::kill(pid, SIGTERM);
  waitpid(pid, nullptr, 0);
  return f;
}

}  // namespace

int main(int argc, char** argv) {
  std::string shim;
  int rounds = 20;
  int fsync_ms = 200;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string key = argv[i];
    if (key == "--shim") shim = argv[i + 1];
    else if (key == "--rounds") rounds = std::atoi(argv[i + 1]);
    else if (key == "--fsync-ms") fsync_ms = std::atoi(argv[i + 1]);
  }
  if (shim.empty()) {
    std::fprintf(stderr, "usage: bench_emergency --shim PATH [--rounds N] [--fsync-ms MS]\n");
    return 2;
  }
  for (const int slow : {fsync_ms, 0}) {
    const auto f = measure(shim, slow, rounds);
    if (f.light.empty()) return 1;
    std::printf("storage=%s rounds=%zu light_p50_ms=%.1f light_p99_ms=%.1f reply_p50_ms=%.1f reply_p99_ms=%.1f\n",
                slow > 0 ? ("fsync+" + std::to_string(slow) + "ms").c_str() : "normal", f.light.size(),
                percentile(f.light, 0.5), percentile(f.light, 0.99), percentile(f.reply, 0.5), percentile(f.reply, 0.99));
  }
  return 0;
}

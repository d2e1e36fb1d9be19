#include "clinic/ClinicSite.hpp"

#include "clinic/SessionCommands.hpp"
#include "record/RecordReader.hpp"
#include "support/ToneFile.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace stillroom::test {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

std::string text_of(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path.string());
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void replace_all(std::string& text, const std::string& from, const std::string& to) {
  for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
}

/** fork + exec with output appended to `log`; the child dies with the test. */
pid_t spawn(const std::vector<std::string>& argv, const std::filesystem::path& log) {
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(127);
    if (fd >= 0) {
      ::dup2(fd, 1);
      ::dup2(fd, 2);
    }
    ::execv(args[0], args.data());
    ::_exit(127);
  }
  if (fd >= 0) ::close(fd);
  return pid;
}

int reap(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace

std::string archive_binary() { return std::string(STILLROOM_BINARY_DIR) + "/archive/stillroom-archive"; }
std::string controller_binary() { return std::string(STILLROOM_BINARY_DIR) + "/controller/stillroom"; }

std::vector<std::string> room_ids(int count) {
  std::vector<std::string> ids;
  for (int i = 1; i <= count; ++i) {
    char name[16];
    std::snprintf(name, sizeof name, "room-%02d", i);
    ids.emplace_back(name);
  }
  return ids;
}

// --- certificates and the clinic broker ----------------------------------------------------------

ClinicCertificates::ClinicCertificates() {
  const std::string command = std::string(STILLROOM_SOURCE_DIR) + "/scripts/clinic-certs --out '" +
                              dir_.path().string() + "' localhost 127.0.0.1 > '" + (dir_ / "certs.log").string() +
                              "' 2>&1";
  if (std::system(command.c_str()) != 0) throw std::runtime_error("scripts/clinic-certs failed:\n" + read_file(dir_ / "certs.log"));
}

ClinicBroker::ClinicBroker(const std::vector<std::string>& rooms) {
  MosquittoOptions o;
  for (const auto& room : rooms) o.users.push_back({room, password(room)});
  o.users.push_back({"archive", password("archive")});
  o.users.push_back({"clinic-view", password("clinic-view")});
  o.acl = text_of(std::filesystem::path(STILLROOM_SOURCE_DIR) / "config/mosquitto/clinic.acl");
  o.persistence = true;
  tls_port_ = free_port();
  // The TLS listener and queue limits of config/mosquitto/clinic.conf, on loopback.
  o.extra_config = "max_queued_messages 200000\nmax_inflight_messages 100\nlistener " + std::to_string(tls_port_) +
                   " 127.0.0.1\ncertfile " + certs_.cert().string() + "\nkeyfile " + certs_.key().string() + "\n";
  broker_ = std::make_unique<Mosquitto>(o);
}

// --- a room ----------------------------------------------------------------------------------------

ClinicRoom::ClinicRoom(std::string id, const ClinicBroker& clinic) : id_(std::move(id)) {
  MosquittoOptions o;
  o.users = {{"controller", "c-secret"}, {"tablet-1", "t-secret"}};
  o.acl = text_of(std::filesystem::path(STILLROOM_SOURCE_DIR) / "config/mosquitto/stillroom.acl");
  o.persistence = true;
  std::string bridge = text_of(std::filesystem::path(STILLROOM_SOURCE_DIR) / "config/mosquitto/bridge.conf.example");
  replace_all(bridge, "ROOM_ID", id_);
  replace_all(bridge, "CLINIC_ADDRESS", "127.0.0.1:" + std::to_string(clinic.tls_port()));
  replace_all(bridge, "CLINIC_PASSWORD", ClinicBroker::password(id_));
  replace_all(bridge, "CLINIC_CA", clinic.ca_file().string());
  o.extra_config = bridge;
  broker_ = std::make_unique<Mosquitto>(o);
  write_room();
  connect_tablet();
}

ClinicRoom::~ClinicRoom() {
  if (pid_ > 0) {
    ::kill(pid_, SIGKILL);
    reap(pid_);
  }
}

void ClinicRoom::write_room() {
  std::filesystem::create_directories(dir_ / "music");
  const auto tone = [&](const std::string& name, double seconds, double hz) {
    ToneFile::write(dir_ / "music" / name,
                    ToneFile::sine(8000, 1, static_cast<std::int64_t>(seconds * 8000), hz, 0.25));
  };
  tone("a.wav", 20, 330.0);
  tone("b.wav", 60, 440.0);
  dir_.write("controller.password", "c-secret\n");
  dir_.write("room.yaml",
             "room: { id: " + id_ + " }\n"
             "audio:\n"
             "  output: null\n"
             "  sample_rate: 48000\n"
             "  decode_ahead: 2s\n"
             "  latency: 100ms\n"
             "  loudness_cache: cache/loudness\n"
             "  ramps: { volume: 200ms, pause: 300ms, resume: 300ms, stop: 500ms, emergency: 300ms, talk: 300ms,\n"
             "           manual_crossfade: 500ms, recover: 500ms }\n"
             "mqtt:\n"
             "  host: 127.0.0.1\n"
             "  port: " + std::to_string(broker_->port()) + "\n"
             "  username: controller\n"
             "  password_file: controller.password\n"
             "  keepalive: 5s\n"
             "  persistence_dir: mqtt\n"
             "  discovery_prefix: ''\n"
             "lights:\n"
             "  normal_scene: bright\n"
             "  emergency_scene: bright\n"
             "  scenes:\n"
             "    bright: { brightness: 80% }\n"
             "    dim: { brightness: 20% }\n"
             "  devices: []\n"
             "devices:\n"
             "  tablet-1: { role: tablet }\n"
             "roles:\n"
             "  tablet: all\n"
             "record: { path: record.db }\n"
             "protocols: protocols/\n"
             "playlists: playlists/\n"
             "clients: clients/\n");
  dir_.write("protocols/short.yaml",
             "protocol: { id: short, name: Short IM, route: im, medication: ketamine, dose_mg: [20, 150] }\n"
             "phases:\n"
             "  - { name: onset, from: 0, to: 20s, volume_db: -6, lights: dim, crossfade: 1s }\n"
             "  - { name: peak, from: 20s, to: 2m, volume_db: -6, lights: dim, crossfade: 1s }\n"
             "monitoring_end: 3m\n"
             "end_fade: 500ms\n");
  dir_.write("playlists/calm.yaml",
             "playlist: { id: calm, name: Calm }\n"
             "phases:\n"
             "  onset: [../music/a.wav]\n"
             "  peak: [../music/b.wav]\n");
  dir_.write("clients/c-1.yaml", "client: { id: c-1, protocol: short, playlist: calm }\n");
}

void ClinicRoom::spawn_controller() {
  if (pid_ > 0) throw std::runtime_error(id_ + ": already running");
  tablet_->clear();
  pid_ = spawn({controller_binary(), "run", "--allow-root", "--config", (dir_ / "room.yaml").string()}, dir_ / "daemon.log");
}

void ClinicRoom::wait_online() {
  const std::string status = "stillroom/" + id_ + "/status";
  for (int waited = 0; waited < 150; ++waited) {
    if (tablet_->wait_for(status, [](const ProbeMessage& m) { return m.payload == "online" && !m.retained; }, 200ms))
      return;
    int s = 0;
    if (::waitpid(pid_, &s, WNOHANG) == pid_) {
      pid_ = -1;
      break;
    }
  }
  throw std::runtime_error(id_ + ": the controller did not come online:\n" + log());
}

void ClinicRoom::kill9() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  reap(pid_);
  pid_ = -1;
}

void ClinicRoom::terminate() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGTERM);
  reap(pid_);
  pid_ = -1;
}

void ClinicRoom::restart_broker(std::chrono::milliseconds down) {
  broker_->kill();
  tablet_.reset();
  std::this_thread::sleep_for(down);
  const auto connects = [this] {
    const std::string text = broker_->log();
    std::size_t n = 0;
    for (auto at = text.find("u'controller'"); at != std::string::npos; at = text.find("u'controller'", at + 1)) ++n;
    return n;
  };
  const std::size_t before = connects();
  broker_->start();
  // The controller reconnects by itself (within about a second): its connection shows in the broker's log.
  const auto deadline = std::chrono::steady_clock::now() + 20s;
  while (connects() == before) {
    if (std::chrono::steady_clock::now() > deadline)
      throw std::runtime_error(id_ + ": the controller did not come back on its broker\n" + log());
    std::this_thread::sleep_for(20ms);
  }
  connect_tablet();
}

void ClinicRoom::connect_tablet() {
  tablet_ = std::make_unique<MqttProbe>(broker_->port(), "tablet-" + id_, "tablet-1", "t-secret", true);
  tablet_->subscribe("stillroom/" + id_ + "/reply/tablet-1");
  tablet_->subscribe("stillroom/" + id_ + "/status");
}

json ClinicRoom::command(const json& body, std::chrono::milliseconds timeout) {
  json payload = body;
  const std::string id = id_ + "-" + std::to_string(++next_id_);
  payload["id"] = id;
  PublishResult sent;
  try {
    sent = tablet_->publish("stillroom/" + id_ + "/cmd/tablet-1", payload.dump());
  } catch (const std::exception& e) {
    throw std::runtime_error(id_ + ": the tablet could not send " + payload.dump() + ": " + e.what());
  }
  if (!sent.ok) throw std::runtime_error(id_ + ": the broker refused " + payload.dump());
  const auto reply = tablet_->wait_for("stillroom/" + id_ + "/reply/tablet-1", [&](const ProbeMessage& m) {
    const auto j = json::parse(m.payload, nullptr, false);
    return j.is_object() && j.value("id", json()) == json(id);
  }, timeout);
  if (!reply) throw std::runtime_error(id_ + ": no reply to " + payload.dump() + "\n" + log());
  return reply->json();
}

void ClinicRoom::run_session(const std::string& client, std::chrono::milliseconds hold) {
  for (const auto& [step, body] : session_commands::short_session(client)) {
    if (step == "stop") std::this_thread::sleep_for(hold);  // the session runs a while on the dose clock
    const json reply = command(body);
    if (reply.value("ok", false) != true) throw std::runtime_error(id_ + ": " + step + " failed: " + reply.dump());
  }
}

std::int64_t ClinicRoom::newest_seq() const {
  record::RecordReader reader(record());
  const auto cp = reader.checkpoint();
  return cp ? cp->seq : 0;
}

std::int64_t ClinicRoom::acknowledged() const {
  record::RecordReader reader(record());
  return reader.acknowledged();
}

std::string ClinicRoom::log() const { return read_file(dir_ / "daemon.log"); }

// --- the archive -------------------------------------------------------------------------------------

ArchiveProcess::ArchiveProcess(const ClinicBroker& clinic, const Postgres& postgres) {
  dir_.write("archive.password", ClinicBroker::password("archive") + "\n");
  dir_.write("archive.yaml", "mqtt:\n"
                             "  host: 127.0.0.1\n"
                             "  port: " + std::to_string(clinic.tls_port()) + "\n"
                             "  username: archive\n"
                             "  password_file: archive.password\n"
                             "  tls: { ca_file: " + clinic.ca_file().string() + " }\n"
                             "  keepalive: 5s\n"
                             "postgres: \"" + postgres.conninfo() + "\"\n"
                             "repeat_after: 1s\n"
                             "resync_every: 5s\n");
}

ArchiveProcess::~ArchiveProcess() { kill9(); }

void ArchiveProcess::start() {
  if (pid_ > 0) return;
  pid_ = spawn({archive_binary(), "--config", config().string()}, dir_ / "archive.log");
}

void ArchiveProcess::kill9() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  reap(pid_);
  pid_ = -1;
}

int ArchiveProcess::terminate() {
  if (pid_ <= 0) return -1;
  ::kill(pid_, SIGTERM);
  const int status = reap(pid_);
  pid_ = -1;
  return status;
}

std::string ArchiveProcess::log() const { return read_file(dir_ / "archive.log"); }

std::pair<int, std::string> ArchiveProcess::run_command(const std::vector<std::string>& args) const {
  std::string command = archive_binary() + " --config '" + config().string() + "'";
  for (const auto& a : args) command += " '" + a + "'";
  command += " 2>&1";
  FILE* pipe = ::popen(command.c_str(), "r");
  if (!pipe) throw std::runtime_error("cannot run " + command);
  std::string out;
  char buffer[4096];
  std::size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) out.append(buffer, n);
  const int status = ::pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

}  // namespace stillroom::test

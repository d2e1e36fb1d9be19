#include "archive/ArchiveConfig.hpp"

#include "config/MapReader.hpp"
#include "config/Reader.hpp"
#include "config/TlsSettingsFile.hpp"
#include "config/YamlFile.hpp"

#include <stdexcept>

namespace stillroom::archive {
namespace {

using config::MapReader;
using config::Need;
using config::Reader;
using config::Value;
using namespace std::chrono_literals;

bool has_wildcard(const std::string& text) { return text.find_first_of("+#") != std::string::npos; }


void read_mqtt(const Reader& r, const Value& v, ArchiveConfig::Mqtt& mqtt) {
  const MapReader m(r, v, "mqtt",
                    {"host", "port", "username", "password_file", "tls", "topic_prefix", "client_id", "keepalive",
                     "session_expiry"});
  if (!m) return;
  mqtt.host = r.nonempty_text(m.get("host", Need::Required)).value_or(mqtt.host);
  mqtt.port = static_cast<int>(r.integer(m.get("port"), 1, 65535).value_or(mqtt.port));
  mqtt.username = r.nonempty_text(m.get("username")).value_or(mqtt.username);
  mqtt.password_file = r.path(m.get("password_file")).value_or("");
  mqtt.tls = config::read_tls_settings(r, m.get("tls"));
  const Value prefix = m.get("topic_prefix");
  if (const auto text = r.nonempty_text(prefix)) {
    if (has_wildcard(*text) || text->front() == '/' || text->back() == '/')
      r.error(prefix.at, "invalid topic_prefix '" + *text + "': no '+', '#', or leading or trailing '/'");
    else
      mqtt.topic_prefix = *text;
  }
  const Value id = m.get("client_id");
  if (const auto text = r.nonempty_text(id)) {
    if (text->size() > 64 || has_wildcard(*text) || text->find('/') != std::string::npos)
      r.error(id.at, "invalid client_id '" + *text + "': at most 64 characters, no '+', '#' or '/'");
    else
      mqtt.client_id = *text;
  }
  mqtt.keepalive = r.duration(m.get("keepalive"), {1s, 10min}).value_or(mqtt.keepalive);
  mqtt.session_expiry =
      r.duration(m.get("session_expiry"), {1min, std::chrono::hours(24 * 49)}).value_or(mqtt.session_expiry);
}

}  // namespace

std::optional<ArchiveConfig> load_archive_config(const std::filesystem::path& path, config::Problems& problems) {
  const config::YamlFile file = config::YamlFile::load(path, problems);
  if (!file.parsed()) return std::nullopt;
  const Reader r(file, problems);
  ArchiveConfig c;
  const MapReader top(r, r.value(file.root()), "archive configuration",
                      {"mqtt", "postgres", "repeat_after", "resync_every", "max_batch", "publish_status"});
  if (!top) return std::nullopt;
  read_mqtt(r, top.get("mqtt", Need::Required), c.mqtt);
  c.postgres = r.nonempty_text(top.get("postgres", Need::Required)).value_or("");
  c.repeat_after = r.duration(top.get("repeat_after"), {100ms, 10min}).value_or(c.repeat_after);
  c.resync_every = r.duration(top.get("resync_every"), {1s, std::chrono::hours(24)}).value_or(c.resync_every);
  c.max_batch = static_cast<int>(r.integer(top.get("max_batch"), 1, 100000).value_or(c.max_batch));
  c.publish_status = r.boolean(top.get("publish_status")).value_or(c.publish_status);
  if (problems.has_errors()) return std::nullopt;
  return c;
}

std::string read_password(const std::string& path) {
  std::string text;
  std::string reason;
  if (!config::read_text_file(path, text, reason))
    throw std::runtime_error("cannot read the password file " + path + ": " + reason);
  const auto end = text.find_first_of("\r\n");
  if (end != std::string::npos) text.resize(end);
  if (text.empty()) throw std::runtime_error("the password file " + path + " is empty");
  return text;
}

}  // namespace stillroom::archive

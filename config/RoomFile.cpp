#include "config/RoomFile.hpp"

#include "config/FileKind.hpp"
#include "config/FileList.hpp"
#include "config/MapReader.hpp"
#include "config/Scalars.hpp"
#include "config/Suggest.hpp"
#include "config/TlsSettingsFile.hpp"

#include <algorithm>
#include <set>

namespace stillroom::config {
namespace {

using namespace std::chrono_literals;

/** Quietest and loudest level any setting may name, dB relative to the loudness target. */
constexpr double min_level_db = -60.0;
constexpr double max_level_db = 12.0;

const std::vector<std::string> audio_outputs = {"portaudio", "file", "null"};

/** Tasmota's `Speed` tops out at 40 half-seconds. */
constexpr Millis tasmota_max_transition = 20s;

bool has_topic_wildcard(const std::string& topic) { return topic.find_first_of("+#") != std::string::npos; }

void read_identity(const Reader& r, const MapReader& top, Room& room) {
  const MapReader m(r, top.get("room", Need::Required), "room", {"id", "name"});
  if (!m) return;
  room.where = m.at();
  const Value id = m.get("id", Need::Required);
  if (const auto text = r.text(id)) {
    if (is_room_id(*text))
      room.id = *text;
    else
      r.error(id.at, "invalid room id '" + *text + "': use 1 to 64 lower-case letters, digits, '-' and '_' "
                     "(it is part of every MQTT topic)");
  }
  room.name = r.nonempty_text(m.get("name")).value_or(room.id);
}

void read_ramps(const Reader& r, const Value& v, Ramps& ramps) {
  const MapReader m(r, v, "ramps",
                    {"volume", "pause", "resume", "stop", "emergency", "talk", "manual_crossfade", "recover"});
  if (!m) return;
  const DurationRange range{1ms, 10min};
  const auto read = [&](const char* key, Millis& into) { into = r.duration(m.get(key), range).value_or(into); };
  read("volume", ramps.volume);
  read("pause", ramps.pause);
  read("resume", ramps.resume);
  read("stop", ramps.stop);
  read("emergency", ramps.emergency);
  read("talk", ramps.talk);
  read("manual_crossfade", ramps.manual_crossfade);
  read("recover", ramps.recover);
}

void read_audio(const Reader& r, const MapReader& top, AudioSettings& audio) {
  audio.sample_rate_auto = true;  // a room plays its music at the music's own rate unless it says otherwise
  const MapReader m(r, top.get("audio"), "audio",
                    {"output", "device", "file", "sample_rate", "channels", "decode_ahead", "latency",
                     "loudness_target", "true_peak_ceiling", "max_volume_db", "default_volume_db", "talk_duck_db",
                     "boundary_tolerance", "loudness_cache", "ramps"});
  if (!m) return;
  audio.where = m.at();
  audio.output = r.choice(m.get("output"), "audio output", audio_outputs).value_or(audio.output);
  audio.device = r.nonempty_text(m.get("device")).value_or(audio.device);
  const Value file = m.get("file", audio.output == "file" ? Need::Required : Need::Optional);
  audio.file = r.path(file).value_or("");
  if (file.present() && audio.output != "file")
    r.warning(file.at, "'file' is ignored unless output is 'file' (output is '" + audio.output + "')");
  const Value rate = m.get("sample_rate");
  if (rate.present() && !(rate.node.IsScalar() && rate.node.Scalar() == "auto")) {
    if (const auto hz = r.integer(rate, 8000, 192000)) {
      audio.sample_rate = static_cast<int>(*hz);
      audio.sample_rate_auto = false;
    }
  }
  audio.channels = static_cast<int>(r.integer(m.get("channels"), 1, 8).value_or(audio.channels));
  audio.decode_ahead = r.duration(m.get("decode_ahead"), {1s, 5min}).value_or(audio.decode_ahead);
  audio.latency = r.duration(m.get("latency"), {10ms, 1s}).value_or(audio.latency);
  audio.loudness_target_lufs = r.number(m.get("loudness_target"), -40.0, -5.0).value_or(audio.loudness_target_lufs);
  audio.true_peak_ceiling_dbtp =
      r.decibels(m.get("true_peak_ceiling"), -20.0, 0.0).value_or(audio.true_peak_ceiling_dbtp);
  audio.max_volume_db = r.decibels(m.get("max_volume_db"), min_level_db, max_level_db).value_or(audio.max_volume_db);
  const Value default_volume = m.get("default_volume_db");
  if (const auto db = r.decibels(default_volume, min_level_db, max_level_db)) {
    if (*db > audio.max_volume_db)
      r.error(default_volume.at, "default_volume_db " + format_number(*db) + " is above max_volume_db " +
                                     format_number(audio.max_volume_db));
    else
      audio.default_volume_db = *db;
  } else {
    audio.default_volume_db = std::min(audio.default_volume_db, audio.max_volume_db);
  }
  const Value duck = m.get("talk_duck_db");
  if (const auto db = r.decibels(duck, min_level_db, 0.0)) {
    if (*db == 0.0)
      r.error(duck.at, "talk_duck_db must lower the music (below 0), got " + duck.node.Scalar());
    else
      audio.talk_duck_db = *db;
  }
  audio.boundary_tolerance = r.duration(m.get("boundary_tolerance"), {0ms, 5min}).value_or(audio.boundary_tolerance);
  audio.loudness_cache = r.path(m.get("loudness_cache")).value_or("");
  read_ramps(r, m.get("ramps"), audio.ramps);
}


void read_mqtt(const Reader& r, const MapReader& top, MqttSettings& mqtt) {
  const MapReader m(r, top.get("mqtt"), "mqtt",
                    {"host", "port", "username", "password_file", "tls", "topic_prefix", "keepalive",
                     "persistence_dir", "max_payload", "discovery_prefix", "command_max_age"});
  if (!m) return;
  mqtt.where = m.at();
  mqtt.host = r.nonempty_text(m.get("host")).value_or(mqtt.host);
  mqtt.port = static_cast<int>(r.integer(m.get("port"), 1, 65535).value_or(mqtt.port));
  mqtt.username = r.nonempty_text(m.get("username")).value_or("");
  const Value password = m.get("password_file");
  mqtt.password_file = r.path(password).value_or("");
  if (!mqtt.username.empty() && !password.present())
    r.warning(m.get("username").at, "username without password_file: the broker must accept '" + mqtt.username +
                                        "' without a password");
  mqtt.tls = read_tls_settings(r, m.get("tls"));
  const Value prefix = m.get("topic_prefix");
  if (const auto text = r.nonempty_text(prefix)) {
    if (has_topic_wildcard(*text) || text->front() == '/' || text->back() == '/')
      r.error(prefix.at, "invalid topic_prefix '" + *text + "': no '+', '#', or leading or trailing '/'");
    else
      mqtt.topic_prefix = *text;
  }
  mqtt.keepalive = r.duration(m.get("keepalive"), {1s, 10min}).value_or(mqtt.keepalive);
  mqtt.command_max_age = r.duration(m.get("command_max_age"), {1s, 5min}).value_or(mqtt.command_max_age);
  mqtt.persistence_dir = r.path(m.get("persistence_dir")).value_or("");
  mqtt.max_payload = static_cast<std::size_t>(r.integer(m.get("max_payload"), 256, 1 << 20).value_or(4096));
  const Value discovery = m.get("discovery_prefix");
  if (const auto text = r.text(discovery)) {
    if (has_topic_wildcard(*text))
      r.error(discovery.at, "invalid discovery_prefix '" + *text + "': no '+' or '#'");
    else
      mqtt.discovery_prefix = *text;
  }
}

void read_scenes(const Reader& r, const Value& v, LightSettings& lights) {
  const MapReader m = MapReader::free_keys(r, v, "scenes");
  for (const auto& [key, value] : m.entries()) {
    const auto name = r.name(key, "scene name");
    const MapReader s(r, value, "scene", {"brightness", "color_temp"});
    if (!name || !s) continue;
    LightScene scene;
    scene.name = *name;
    scene.where = key.at;
    scene.brightness_pct = r.percent(s.get("brightness", Need::Required)).value_or(scene.brightness_pct);
    scene.color_temp_k = r.kelvin(s.get("color_temp"));
    lights.scenes[scene.name] = scene;
  }
}

/** "{brightness_pct}" style placeholders in a payload template that are not known. */
void check_template(const Reader& r, const Value& v, const std::string& text) {
  const auto& known = light_template_placeholders();
  for (std::size_t open = text.find('{'); open != std::string::npos; open = text.find('{', open + 1)) {
    std::size_t end = open + 1;
    while (end < text.size() && (std::islower(static_cast<unsigned char>(text[end])) || text[end] == '_' ||
                                 std::isdigit(static_cast<unsigned char>(text[end]))))
      ++end;
    // JSON braces ({"level": ...}) are not placeholders: only {word} is.
    if (end == open + 1 || end >= text.size() || text[end] != '}') continue;
    const std::string word = text.substr(open + 1, end - open - 1);
    if (std::find(known.begin(), known.end(), word) == known.end())
      r.error(v.at, "unknown placeholder '{" + word + "}' in payload_template" + did_you_mean(word, known));
  }
}

void read_light_device(const Reader& r, const Value& v, LightSettings& lights, std::set<std::string>& ids) {
  const MapReader m(r, v, "light device",
                    {"id", "kind", "topic", "state_topic", "native_transition", "payload_template", "channel"});
  if (!m) return;
  LightDevice d;
  d.where = m.at();
  const Value id = m.get("id", Need::Required);
  d.id = r.name(id, "light id").value_or("");
  if (!d.id.empty() && !ids.insert(d.id).second) r.error(id.at, "light id '" + d.id + "' is used twice");
  d.kind = r.choice(m.get("kind", Need::Required), "light kind", light_kinds()).value_or("");
  const Value topic = m.get("topic", Need::Required);
  d.topic = r.nonempty_text(topic).value_or("");
  if (has_topic_wildcard(d.topic)) r.error(topic.at, "a light's topic cannot contain '+' or '#'");
  d.state_topic = r.nonempty_text(m.get("state_topic")).value_or("");
  const Value transition = m.get("native_transition");
  d.native_transition = r.duration(transition, {0ms, 1h}).value_or(d.native_transition);
  if (d.kind == "tasmota" && d.native_transition > tasmota_max_transition)
    r.error(transition.at, "Tasmota fades for at most 20s by itself, got " + format_duration(d.native_transition));
  const Value payload = m.get("payload_template", d.kind == "template" ? Need::Required : Need::Optional);
  d.payload_template = r.nonempty_text(payload).value_or("");
  if (!d.payload_template.empty()) check_template(r, payload, d.payload_template);
  if (payload.present() && !d.kind.empty() && d.kind != "template")
    r.warning(payload.at, "payload_template is only used by kind 'template' (this light is '" + d.kind + "')");
  const Value channel = m.get("channel");
  d.channel = static_cast<int>(r.integer(channel, 0, 15).value_or(0));
  if (channel.present() && !d.kind.empty() && d.kind != "shelly")
    r.warning(channel.at, "channel is only used by kind 'shelly' (this light is '" + d.kind + "')");
  if (!d.id.empty()) lights.devices.push_back(d);
}

std::vector<std::string> scene_names(const LightSettings& lights) {
  std::vector<std::string> names;
  for (const auto& [name, scene] : lights.scenes) names.push_back(name);
  return names;
}

void read_lights(const Reader& r, const MapReader& top, LightSettings& lights) {
  const MapReader m(r, top.get("lights", Need::Required), "lights",
                    {"normal_scene", "emergency_scene", "return_fade", "steps_per_second", "follow_timeout",
                     "scenes", "devices"});
  if (!m) return;
  lights.where = m.at();
  read_scenes(r, m.get("scenes", Need::Required), lights);
  const auto names = scene_names(lights);
  const auto scene_ref = [&](const char* key, std::string& into) {
    const Value v = m.get(key, Need::Required);
    const auto name = r.text(v);
    if (!name) return;
    if (lights.scenes.count(*name) == 0)
      r.error(v.at, "unknown scene '" + *name + "'" + did_you_mean(*name, names));
    else
      into = *name;
  };
  scene_ref("normal_scene", lights.normal_scene);
  scene_ref("emergency_scene", lights.emergency_scene);
  lights.return_fade = r.duration(m.get("return_fade"), {0ms, 30min}).value_or(lights.return_fade);
  lights.steps_per_second = r.number(m.get("steps_per_second"), 2.0, 4.0).value_or(lights.steps_per_second);
  lights.follow_timeout = r.duration(m.get("follow_timeout"), {1s, 5min}).value_or(lights.follow_timeout);
  std::set<std::string> ids;
  for (const auto& item : r.items(m.get("devices"))) read_light_device(r, item, lights, ids);
}

void read_roles(const Reader& r, const MapReader& top, Room& room) {
  const MapReader m = MapReader::free_keys(r, top.get("roles"), "roles");
  const auto& commands = all_commands();
  for (const auto& [key, value] : m.entries()) {
    const auto role = r.name(key, "role name");
    if (!role) continue;
    auto& allowed = room.roles[*role];
    if (value.node.IsScalar() && value.node.Scalar() == "all") {
      allowed.insert(commands.begin(), commands.end());
      continue;
    }
    if (value.node.IsScalar()) {
      r.error(value.at, "expected a list of commands or 'all', got " + Reader::describe(value.node));
      continue;
    }
    for (const auto& item : r.items(value)) {
      const auto command = r.choice(item, "command", commands);
      if (command) allowed.insert(*command);
    }
  }
}

void read_devices(const Reader& r, const MapReader& top, Room& room) {
  const MapReader m = MapReader::free_keys(r, top.get("devices"), "devices");
  std::vector<std::string> roles;
  for (const auto& [name, commands] : room.roles) roles.push_back(name);
  for (const auto& [key, value] : m.entries()) {
    const auto id = r.name(key, "device id");
    const MapReader d(r, value, "device", {"role"});
    if (!id || !d) continue;
    Device device;
    device.id = *id;
    device.where = key.at;
    const Value role = d.get("role", Need::Required);
    if (const auto name = r.text(role)) {
      if (room.roles.count(*name) == 0)
        r.error(role.at, "unknown role '" + *name + "'" + did_you_mean(*name, roles));
      else
        device.role = *name;
    }
    room.devices[device.id] = device;
  }
}

void read_record(const Reader& r, const MapReader& top, RecordSettings& record) {
  const MapReader m(r, top.get("record", Need::Required), "record", {"path"});
  if (!m) return;
  record.where = m.at();
  record.path = r.path(m.get("path", Need::Required)).value_or("");
}

/** One of protocols/playlists/clients: a path or a list of paths, each listed now. */
void read_sources(const Reader& r, const MapReader& top, const char* key, Need need,
                  std::vector<std::string>& written, std::vector<std::filesystem::path>& files) {
  for (const auto& item : r.items(top.get(key, need), true)) {
    const auto path = r.path(item);
    if (!path) continue;
    written.push_back(*path);
    const FileList list = list_config_files(*path);
    if (!list.error.empty()) {
      const auto near = nearest_sibling(*path);
      r.error(item.at, std::string(key) + ": " + list.error + ": " + display_path(*path) +
                           (near.empty() ? "" : " (did you mean '" + near + "'?)"));
      continue;
    }
    if (list.files.empty())
      r.warning(item.at, std::string(key) + (path->find_first_of("*?[") != std::string::npos ? ": no files match "
                                                                                            : ": no .yaml files in ") +
                             display_path(*path));
    for (const auto& f : list.files)
      if (std::find(files.begin(), files.end(), f) == files.end()) files.push_back(f);
  }
}

}  // namespace

const std::vector<std::string>& light_kinds() {
  static const std::vector<std::string> kinds = {"zigbee2mqtt", "homeassistant", "tasmota", "shelly", "template"};
  return kinds;
}

const std::vector<std::string>& light_template_placeholders() {
  static const std::vector<std::string> names = {"brightness_pct", "brightness_255", "brightness_254", "mired",
                                                 "kelvin",         "transition_s",   "on"};
  return names;
}

RoomFile read_room(const YamlFile& file, Problems& problems) {
  RoomFile out;
  out.room.file = file.path().string();
  out.room.where = file.whole();
  if (!file.parsed()) return out;
  const Reader r(file, problems);
  if (!check_file_kind(r, "room")) return out;
  const MapReader top(r, r.value(file.root()), "room file",
                      {"room", "audio", "mqtt", "lights", "devices", "roles", "record", "protocols", "playlists",
                       "clients"});
  Room& room = out.room;
  read_identity(r, top, room);
  read_audio(r, top, room.audio);
  read_mqtt(r, top, room.mqtt);
  read_lights(r, top, room.lights);
  read_roles(r, top, room);
  read_devices(r, top, room);
  read_record(r, top, room.record);
  read_sources(r, top, "protocols", Need::Required, room.protocol_paths, out.protocol_files);
  read_sources(r, top, "playlists", Need::Required, room.playlist_paths, out.playlist_files);
  read_sources(r, top, "clients", Need::Optional, room.client_paths, out.client_files);
  return out;
}

}  // namespace stillroom::config

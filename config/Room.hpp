// Room: one treatment room's hardware and policies — audio output and its
// limits, the MQTT broker, lights and scenes, the devices allowed to command the
// room and their roles, the clinical record, and where protocols, playlists and
// clients live. Plain data, filled and validated by Loader.
#pragma once

#include "config/Duration.hpp"
#include "config/SourceMark.hpp"

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace stillroom::config {

/** Every gain change is a ramp; these are the lengths. */
struct Ramps {
  Millis volume{200};
  Millis pause{3000};
  Millis resume{3000};
  Millis stop{10000};
  Millis emergency{500};
  Millis talk{1500};
  /** Crossfade on a therapist's skip or alternate. */
  Millis manual_crossfade{4000};
  /** Fade-in when music restarts at the dose-clock position after a restart. */
  Millis recover{3000};
};

struct AudioSettings {
  /** portaudio | file | null */
  std::string output = "portaudio";
  /** PortAudio device name (substring match) or "default". */
  std::string device = "default";
  /** File sink path (output: file). */
  std::string file;
  /** Output rate; with sample_rate_auto, the rate used until the music says otherwise. */
  int sample_rate = 48000;
  /**
   * `sample_rate: auto` (a room file's default): the output runs at the source
   * rate of most of the music coming, so that it plays without resampling.
   */
  bool sample_rate_auto = false;
  int channels = 2;
  /** Decoding runs this far ahead of playback. */
  Millis decode_ahead{3000};
  /**
   * Output latency asked of the device and ring size between mixer and
   * callback. 500 ms, like MPD's ALSA buffer: a room reacts through ramps of
   * seconds, and fewer, larger wake-ups halve the player's cost against 100 ms.
   */
  Millis latency{500};
  /** Integrated loudness every track is normalised to, LUFS. */
  double loudness_target_lufs = -23.0;
  /** Normalisation never pushes a track's true peak above this, dBTP. */
  double true_peak_ceiling_dbtp = -1.0;
  /** Hard cap on the music level (phase volume + master volume), dB. */
  double max_volume_db = 0.0;
  /** Master volume when a session starts, dB. */
  double default_volume_db = 0.0;
  /** Talk mode lowers the music by this much, dB (negative). */
  double talk_duck_db = -18.0;
  Ramps ramps;
  /** A track ending this soon after a phase boundary plays out instead of crossfading. */
  Millis boundary_tolerance{20000};
  /** Loudness cache directory. */
  std::string loudness_cache;
  SourceMark where;
};

struct TlsSettings {
  std::string ca_file;
  std::string cert_file;
  std::string key_file;
  bool verify = true;
};

struct MqttSettings {
  std::string host = "127.0.0.1";
  int port = 1883;
  std::string username;
  /** File holding the password (never the password itself in YAML). */
  std::string password_file;
  std::optional<TlsSettings> tls;
  /** Topics live under "<prefix>/<room id>/". */
  std::string topic_prefix = "stillroom";
  Millis keepalive{10000};
  /** Directory for Paho's outgoing-message persistence. */
  std::string persistence_dir;
  /** A command sent longer ago than this (its sent_at, in the room's clock) is refused as stale. */
  Millis command_max_age{5000};
  /** Largest command payload accepted, bytes. */
  std::size_t max_payload = 4096;
  /** Home Assistant discovery prefix; empty disables discovery. */
  std::string discovery_prefix = "homeassistant";
  SourceMark where;
};

struct LightScene {
  std::string name;
  double brightness_pct = 100.0;
  std::optional<int> color_temp_k;
  SourceMark where;
};

/** One light fixture and the MQTT dialect it speaks. */
struct LightDevice {
  std::string id;
  /** zigbee2mqtt | homeassistant | tasmota | shelly | template */
  std::string kind;
  /** Base topic: "zigbee2mqtt/<name>", HA command topic, Tasmota topic, Shelly prefix. */
  std::string topic;
  /** Topic the light reports its state on (empty: the kind's default or none). */
  std::string state_topic;
  /** Longest fade the device does itself; longer fades are stepped. */
  Millis native_transition{0};
  /** template kind: payload with {brightness_pct}, {brightness_255}, {brightness_254}, {mired}, {kelvin}, {transition_s}, {on}. */
  std::string payload_template;
  /** Shelly: light channel id. */
  int channel = 0;
  SourceMark where;
};

struct LightSettings {
  std::map<std::string, LightScene> scenes;
  std::vector<LightDevice> devices;
  /** Scene when no session runs and after a stop. */
  std::string normal_scene;
  /** Emergency: full light at once. */
  std::string emergency_scene;
  /** Fade back to the normal scene after a stop or the session's end. */
  Millis return_fade{30000};
  /** Steps per second for controller-stepped fades (2..4). */
  double steps_per_second = 2.0;
  /** A light that publishes state and has not followed within this is a fault. */
  Millis follow_timeout{10000};
  SourceMark where;
};

/** A device that may command the room: its MQTT user name is its id. */
struct Device {
  std::string id;
  std::string role;
  SourceMark where;
};

struct RecordSettings {
  std::string path;
  SourceMark where;
};

struct Room {
  std::string id;
  std::string name;
  /** The room file itself, absolute. */
  std::string file;
  AudioSettings audio;
  MqttSettings mqtt;
  LightSettings lights;
  std::map<std::string, Device> devices;
  /** Role -> commands it may send ("all" expands to every command). */
  std::map<std::string, std::set<std::string>> roles;
  RecordSettings record;
  /** Where the other files are, as written (globs or directories), absolute. */
  std::vector<std::string> protocol_paths;
  std::vector<std::string> playlist_paths;
  std::vector<std::string> client_paths;
  SourceMark where;
};

/** Every command the room understands, in the MQTT contract's order. */
[[nodiscard]] const std::vector<std::string>& all_commands();

}  // namespace stillroom::config

# Sourced by bench scripts: a temporary room of its own — a real mosquitto with
# the room's broker configuration (config/mosquitto/) on a free loopback port,
# users `controller` and `tablet-1`, and a room file whose record, loudness
# cache, MQTT persistence and (file) audio output all live in the room's
# directory. Nothing of the example room (its port 18830, its .cache/) is
# touched, so a room running on this machine keeps its session.
#
#   temp_room DIR NAME OUTPUT TRACK [AUDIO_YAML]
#       creates DIR/NAME with a broker (started) and room.yaml; OUTPUT is null,
#       portaudio or file (recorded to DIR/NAME/capture.wav); TRACK is played by
#       client c-1 in one 3-hour phase (looped). Sets, for NAME:
#       room_file_NAME, port_NAME, broker_pid_NAME, tablet_pw_NAME, controller_pw_NAME.
#   room_cmd NAME JSON          publishes a command as tablet-1 (QoS 1)
#   room_request NAME ID JSON   sends it and prints its reply (waits up to 120 s)
#   room_stop NAME              stops the broker
#
# Needs: mosquitto, mosquitto_passwd, mosquitto_pub/sub, python3 (free ports).

bench_free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

temp_room() {
  local dir=$1/$2 name=$2 output=$3 track=$4 audio_extra=${5:-}
  local root_dir
  root_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
  mkdir -p "$dir/broker" "$dir/protocols" "$dir/playlists" "$dir/clients"
  local port controller_pw tablet_pw
  port=$(bench_free_port)
  controller_pw=$(head -c 12 /dev/urandom | base64 | tr -d '/+=')
  tablet_pw=$(head -c 12 /dev/urandom | base64 | tr -d '/+=')
  (umask 077 && : >"$dir/broker/passwd")
  mosquitto_passwd -b "$dir/broker/passwd" controller "$controller_pw" 2>/dev/null
  mosquitto_passwd -b "$dir/broker/passwd" tablet-1 "$tablet_pw" 2>/dev/null
  cp "$root_dir/config/mosquitto/stillroom.acl" "$dir/broker/acl"
  cat >"$dir/broker/mosquitto.conf" <<CONF
per_listener_settings false
allow_anonymous false
password_file $dir/broker/passwd
acl_file $dir/broker/acl
set_tcp_nodelay true
listener $port 127.0.0.1
persistence false
log_dest file $dir/broker/mosquitto.log
user $(id -un)
CONF
  /usr/sbin/mosquitto -c "$dir/broker/mosquitto.conf" >/dev/null 2>&1 &
  local broker=$!
  local up=false
  for _ in $(seq 100); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then up=true; break; fi
    sleep 0.05
  done
  if ! $up; then
    echo "temp-room: mosquitto did not come up on port $port:" >&2
    tail -n 5 "$dir/broker/mosquitto.log" >&2 2>/dev/null || true
    return 1
  fi
  printf '%s\n' "$controller_pw" >"$dir/controller.password"
  local out_lines="  output: $output"
  [[ $output == file ]] && out_lines+=$'\n'"  file: capture.wav"
  cat >"$dir/room.yaml" <<YAML
room: { id: $name }
audio:
$out_lines
  loudness_cache: cache/loudness
$audio_extra
mqtt:
  host: 127.0.0.1
  port: $port
  username: controller
  password_file: controller.password
  persistence_dir: mqtt
lights:
  normal_scene: bright
  emergency_scene: bright
  scenes: { bright: { brightness: 80% } }
devices: { tablet-1: { role: tablet } }
roles: { tablet: all }
record: { path: record.db }
protocols: protocols/
playlists: playlists/
clients: clients/
YAML
  cat >"$dir/protocols/long.yaml" <<YAML
protocol: { id: long, name: One long phase, route: im, medication: ketamine, dose_mg: [20, 150] }
phases:
  - { name: peak, from: 0, to: 3h, lights: bright }
monitoring_end: 3h
end_fade: 10s
YAML
  cat >"$dir/playlists/one.yaml" <<YAML
playlist: { id: one, name: One long track }
phases:
  peak: { tracks: [$track], loop: true }
YAML
  echo "client: { id: c-1, protocol: long, playlist: one }" >"$dir/clients/c-1.yaml"
  printf -v "room_file_$name" '%s' "$dir/room.yaml"
  printf -v "port_$name" '%s' "$port"
  printf -v "broker_pid_$name" '%s' "$broker"
  printf -v "tablet_pw_$name" '%s' "$tablet_pw"
  printf -v "controller_pw_$name" '%s' "$controller_pw"
  printf -v "room_dir_$name" '%s' "$dir"
}

_room_var() { local v="$1_$2"; printf '%s' "${!v}"; }

room_cmd() {
  mosquitto_pub -p "$(_room_var port "$1")" -u tablet-1 -P "$(_room_var tablet_pw "$1")" -q 1 \
    -t "stillroom/$1/cmd/tablet-1" -m "$2"
}

room_request() {  # NAME ID JSON: sends the command and prints its reply (waits up to 120 s)
  local name=$1 id=$2 json=$3 out
  out=$(mktemp)
  mosquitto_sub -p "$(_room_var port "$name")" -u tablet-1 -P "$(_room_var tablet_pw "$name")" \
    -t "stillroom/$name/reply/tablet-1" >"$out" 2>/dev/null &
  local sub=$!
  sleep 0.3  # subscribed before the command goes out
  room_cmd "$name" "$json"
  for _ in $(seq 1200); do
    grep -q "\"id\":\"$id\"" "$out" && break
    sleep 0.1
  done
  kill "$sub" 2>/dev/null || true
  wait "$sub" 2>/dev/null || true
  grep -m1 "\"id\":\"$id\"" "$out" || echo "no reply to $id"
  rm -f "$out"
}

room_stop() {
  local pid
  pid=$(_room_var broker_pid "$1")
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

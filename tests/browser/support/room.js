// A real treatment room for the browser tests: mosquitto with the room's own broker configuration
// (config/mosquitto/stillroom.conf, its paths and ports rewritten) and ACL, serving the built panel
// pages on its websockets listener (plain or TLS), and the real `stillroom run` on a generated room
// (null audio output, a protocol compressed to seconds) — as tests/daemon/DaemonRoom.hpp does. A
// `watch` user follows the room's topics so a test can wait on what the room published.
'use strict';

const { spawn, execFileSync } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const mqtt = require('mqtt');

const source = path.resolve(__dirname, '../../..');
const binaryDir = process.env.STILLROOM_BINARY_DIR || path.join(source, 'build');
const panelDir = process.env.STILLROOM_PANEL_DIR || path.join(binaryDir, 'panel/www');
const stillroom = path.join(binaryDir, 'controller/stillroom');

const USERS = {
  controller: 'c-secret', 'panel-1': 'p-secret', 'tablet-1': 't-secret', 'observer-1': 'o-secret', watch: 'w-secret',
};

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function accepts(port) {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => resolve(false));
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Polls `check` (sync or async) until it returns something truthy; throws `what` after `ms`. */
async function until(check, ms, what) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(50);
  }
}

/** A mono 16-bit PCM WAV file of a quiet sine. */
function writeTone(file, seconds, hz, rate = 8000) {
  const frames = Math.round(seconds * rate);
  const data = Buffer.alloc(frames * 2);
  for (let i = 0; i < frames; ++i) data.writeInt16LE(Math.round(8000 * Math.sin((2 * Math.PI * hz * i) / rate)), i * 2);
  const header = Buffer.alloc(44);
  header.write('RIFF', 0); header.writeUInt32LE(36 + data.length, 4); header.write('WAVE', 8);
  header.write('fmt ', 12); header.writeUInt32LE(16, 16); header.writeUInt16LE(1, 20); header.writeUInt16LE(1, 22);
  header.writeUInt32LE(rate, 24); header.writeUInt32LE(rate * 2, 28); header.writeUInt16LE(2, 32); header.writeUInt16LE(16, 34);
  header.write('data', 36); header.writeUInt32LE(data.length, 40);
  fs.writeFileSync(file, Buffer.concat([header, data]));
}

/** A self-signed certificate for 127.0.0.1 and localhost (the TLS websockets listener). */
function makeCertificate(dir) {
  const key = path.join(dir, 'room.key');
  const crt = path.join(dir, 'room.crt');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=127.0.0.1',
    '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost', '-keyout', key, '-out', crt], { stdio: 'ignore' });
  return { key, crt };
}

class Room {
  /**
   * options: tls (websockets over TLS), rooms (extra room ids on the same broker, e.g. for the
   * clinic view), keepalive (the controller's, default 30 s so a stopped controller shows as stale
   * before the broker gives up on it), clock ('synced' by default, or 'unsynced': the room's clock as
   * the room sees it), short (a session that ends by itself at 30 s and whose monitoring ends at 40 s,
   * for the after-care: ready to leave, discharge, signing).
   */
  constructor(options = {}) {
    this.options = options;
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stillroom-browser-'));
    this.daemons = new Map();
    this.received = [];
    this.waiters = new Set();
    this.broker = null;
  }

  get origin() { return `${this.options.tls ? 'https' : 'http'}://127.0.0.1:${this.wsPort}`; }
  url(page, query = '') { return `${this.origin}/${page}${query ? `?${query}` : ''}`; }
  password(user) { return USERS[user]; }

  async setup() {
    if (!fs.existsSync(path.join(panelDir, 'mqtt.min.js'))) {
      throw new Error(`the built panel is missing in ${panelDir} (build the stillroom_panel target; it needs npm)`);
    }
    if (!fs.existsSync(stillroom)) throw new Error(`${stillroom} is missing (build the stillroom target)`);
    this.port = await freePort();
    do this.wsPort = await freePort(); while (this.wsPort === this.port);
    this.writeBroker();
    await this.startBroker();
    await this.connectWatch();
    this.writeRoom('room-1');
    for (const id of this.options.rooms || []) this.writeRoom(id);
  }

  writeBroker() {
    const passwd = path.join(this.dir, 'passwd');
    let first = true;
    for (const [user, password] of Object.entries(USERS)) {
      execFileSync('mosquitto_passwd', [...(first ? ['-c'] : []), '-b', passwd, user, password], { stdio: 'ignore' });
      first = false;
    }
    // The shipped ACL, and a block for the watching user as scripts/add-device-user writes one for an
    // observer: it reads what every device reads (no clinical/#) and nothing more.
    const watchBlock = ['', '# watch, the browser tests\' own observer', 'user watch',
      ...['status', 'state', 'plan', 'events', 'stats'].map((t) => `topic read stillroom/+/${t}`), ''].join('\n');
    fs.writeFileSync(path.join(this.dir, 'acl'),
      fs.readFileSync(path.join(source, 'config/mosquitto/stillroom.acl'), 'utf8') + watchBlock);
    fs.mkdirSync(path.join(this.dir, 'data'));
    let tls = '';
    if (this.options.tls) {
      const { key, crt } = makeCertificate(this.dir);
      tls = `certfile ${crt}\nkeyfile ${key}\n`;
    }
    const me = os.userInfo().username;
    const conf = fs.readFileSync(path.join(source, 'config/mosquitto/stillroom.conf'), 'utf8')
      .replace(/^password_file .*/m, `password_file ${passwd}`)
      .replace(/^acl_file .*/m, `acl_file ${path.join(this.dir, 'acl')}`)
      .replace(/^http_dir .*/m, `http_dir ${panelDir}`)
      .replace(/^persistence_location .*/m, `persistence_location ${path.join(this.dir, 'data')}/`)
      .replace(/^listener 18830 127\.0\.0\.1$/m, `listener ${this.port} 127.0.0.1`)
      .replace(/^listener 18831([ \t][^\n]*)?$/m, `listener ${this.wsPort} 127.0.0.1`)
      .replace(/^protocol websockets$/m, `protocol websockets\n${tls}`)
      .replace(/^log_dest .*/m, `log_dest file ${path.join(this.dir, 'mosquitto.log')}`);
    fs.writeFileSync(path.join(this.dir, 'mosquitto.conf'), `${conf}\nuser ${me}\n`);
  }

  async startBroker() {
    this.broker = spawn('/usr/sbin/mosquitto', ['-c', path.join(this.dir, 'mosquitto.conf')], { stdio: 'ignore' });
    const child = this.broker;
    let exited = false;
    child.once('exit', () => { exited = true; });
    await until(async () => {
      if (exited) throw new Error(`mosquitto exited at start:\n${this.brokerLog()}`);
      return (await accepts(this.port)) && (await accepts(this.wsPort));
    }, 10000, 'mosquitto to accept connections');
  }

  brokerLog() {
    try { return fs.readFileSync(path.join(this.dir, 'mosquitto.log'), 'utf8'); } catch (e) { return ''; }
  }

  /** kill -9 the broker; `startBroker()` brings it back on the same ports. */
  async killBroker() {
    const child = this.broker;
    this.broker = null;
    child.kill('SIGKILL');
    await new Promise((r) => (child.exitCode != null || child.signalCode ? r() : child.once('exit', r)));
  }

  connectWatch() {
    return new Promise((resolve, reject) => {
      this.watch = mqtt.connect(`mqtt://127.0.0.1:${this.port}`, {
        protocolVersion: 5, username: 'watch', password: USERS.watch, clientId: 'browser-test-watch', reconnectPeriod: 300,
      });
      this.watch.once('connect', () => {
        this.watch.subscribe(['stillroom/+/status', 'stillroom/+/state', 'stillroom/+/events'], { qos: 1 }, (err) => (err ? reject(err) : resolve()));
      });
      this.watch.on('message', (topic, payload, packet) => {
        const text = payload.toString();
        let json;
        try { json = JSON.parse(text); } catch (e) { json = undefined; }
        const m = { topic, text, json, retained: !!packet.retain, at: Date.now(), order: this.received.length };
        this.received.push(m);
        for (const w of [...this.waiters]) w(m);
      });
    });
  }

  /** Resolves with the first message (from `from` on in arrival order) on `topic` that `match` accepts. */
  waitFor(topic, match = () => true, ms = 10000, from = 0, what = '') {
    const ok = (m) => m.order >= from && m.topic === topic && match(m);
    const seen = this.received.find(ok);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(new Error(`timed out after ${ms} ms waiting on ${topic}${what ? ` for ${what}` : ''}`));
      }, ms);
      const waiter = (m) => {
        if (!ok(m)) return;
        clearTimeout(timer);
        this.waiters.delete(waiter);
        resolve(m);
      };
      this.waiters.add(waiter);
    });
  }

  /** The newest state of `roomId` the watcher received. */
  lastState(roomId = 'room-1') {
    for (let i = this.received.length - 1; i >= 0; --i) {
      const m = this.received[i];
      if (m.topic === `stillroom/${roomId}/state` && m.json) return m.json;
    }
    return null;
  }

  mark() { return this.received.length; }

  waitState(match, ms = 10000, from = 0, roomId = 'room-1') {
    return this.waitFor(`stillroom/${roomId}/state`, (m) => m.json && match(m.json), ms, from, `a state: ${match}`).then((m) => m.json);
  }

  waitEvent(type, match = () => true, ms = 10000, from = 0, roomId = 'room-1') {
    return this.waitFor(`stillroom/${roomId}/events`, (m) => m.json && m.json.type === type && match(m.json), ms, from, type)
      .then((m) => m.json);
  }

  eventsSince(from, roomId = 'room-1') {
    return this.received.filter((m) => m.order >= from && m.topic === `stillroom/${roomId}/events` && m.json).map((m) => m.json);
  }

  // ---- the controller ---------------------------------------------------------------------------
  writeRoom(id) {
    const dir = path.join(this.dir, id);
    for (const sub of ['music', 'protocols', 'playlists', 'clients']) fs.mkdirSync(path.join(dir, sub), { recursive: true });
    writeTone(path.join(dir, 'music/a.wav'), 25, 330);
    writeTone(path.join(dir, 'music/b.wav'), 300, 440);
    writeTone(path.join(dir, 'music/c.wav'), 40, 523.25);
    fs.writeFileSync(path.join(dir, 'controller.password'), `${USERS.controller}\n`);
    fs.writeFileSync(path.join(dir, 'room.yaml'), [
      `room: { id: ${id}, name: Treatment ${id} }`,
      'audio:',
      '  output: null',
      '  sample_rate: 48000',
      '  decode_ahead: 2s',
      '  latency: 100ms',
      '  loudness_cache: cache/loudness',
      '  max_volume_db: 0',
      '  default_volume_db: -2',
      '  talk_duck_db: -18',
      '  ramps: { volume: 200ms, pause: 1s, resume: 1s, stop: 2s, emergency: 500ms, talk: 500ms,',
      '           manual_crossfade: 1s, recover: 1s }',
      'mqtt:',
      '  host: 127.0.0.1',
      `  port: ${this.port}`,
      '  username: controller',
      '  password_file: controller.password',
      `  keepalive: ${this.options.keepalive || '30s'}`,
      '  persistence_dir: mqtt',
      'lights:',
      '  normal_scene: bright',
      '  emergency_scene: full',
      '  scenes:',
      '    bright: { brightness: 80% }',
      '    dim: { brightness: 20%, color_temp: 2700K }',
      '    full: { brightness: 100% }',
      '  devices:',
      `    - { id: ceiling, kind: zigbee2mqtt, topic: zigbee2mqtt/${id}-ceiling }`,
      'devices:',
      '  panel-1: { role: panel }',
      '  tablet-1: { role: tablet }',
      '  observer-1: { role: observer }',
      'roles:',
      '  panel: [start, pause, resume, talk, stop, emergency, ack]',
      '  tablet: all',
      '  observer: []',
      'record: { path: record.db }',
      'protocols: protocols/',
      'playlists: playlists/',
      'clients: clients/',
      '',
    ].join('\n'));
    // Minutes become seconds: onset 0–20 s, peak 20 s–5 min, a blood-pressure reminder at 12 s.
    // The short room's session ends by itself at 30 s and its monitoring at 40 s.
    const short = !!this.options.short;
    fs.writeFileSync(path.join(dir, 'protocols/quick.yaml'), [
      'protocol: { id: quick, name: Compressed IM, route: im, medication: ketamine, dose_mg: [20, 150] }',
      'phases:',
      '  - { name: onset, from: 0, to: 20s, volume_db: -6, lights: dim, light_fade: 2s, crossfade: 2s }',
      `  - { name: peak, from: 20s, to: ${short ? '30s' : '5m'}, volume_db: -6, lights: dim, crossfade: 2s }`,
      'reminders:',
      '  - { id: bp, text: Blood pressure, at: 12s, repeat: 10s }',
      `booster: { rule: extend, window: [5s, ${short ? '15s' : '2m'}], extend_by: ${short ? '5s' : '30s'}, max: 1, dose_mg: [10, 75] }`,
      `monitoring_end: ${short ? '40s' : '6m'}`,
      'end_fade: 2s',
      '',
    ].join('\n'));
    fs.writeFileSync(path.join(dir, 'playlists/calm.yaml'), [
      'playlist: { id: calm, name: Calm }',
      'phases:',
      '  onset: [{ file: ../music/a.wav, title: Slow Water }]',
      '  peak: { tracks: [../music/b.wav], alternates: [../music/c.wav] }',
      '',
    ].join('\n'));
    fs.writeFileSync(path.join(dir, 'clients/c-7.yaml'), 'client: { id: c-7, protocol: quick, playlist: calm }\n');
    fs.writeFileSync(path.join(dir, 'clients/c-8.yaml'), 'client: { id: c-8, protocol: quick, playlist: calm }\n');
  }

  roomFile(id = 'room-1') { return path.join(this.dir, id, 'room.yaml'); }

  daemonLog(id = 'room-1') {
    try { return fs.readFileSync(path.join(this.dir, id, 'daemon.log'), 'utf8'); } catch (e) { return ''; }
  }

  /** Starts `stillroom run` for room `id` and waits for its live `online` (not a retained one). */
  async startDaemon(id = 'room-1') {
    const from = this.mark();
    const log = fs.openSync(path.join(this.dir, id, 'daemon.log'), 'a');
    // A synchronised clock unless the test says otherwise, whatever this machine's NTP state is.
    const env = { ...process.env, STILLROOM_INJECT_CLOCK: this.options.clock || 'synced' };
    // The controller refuses root unless told (a container or CI may have no other user).
    const asRoot = typeof process.getuid === 'function' && process.getuid() === 0 ? ['--allow-root'] : [];
    const child = spawn(stillroom, ['run', ...asRoot, '--config', this.roomFile(id)], { stdio: ['ignore', log, log], env });
    fs.closeSync(log);
    this.daemons.set(id, child);
    let exited = false;
    child.once('exit', () => { exited = true; });
    await until(() => {
      if (exited) throw new Error(`the daemon exited at start:\n${this.daemonLog(id)}`);
      return this.received.some((m) => m.order >= from && m.topic === `stillroom/${id}/status` && m.text === 'online' && !m.retained);
    }, 20000, `room ${id} to come online`);
    await this.waitState(() => true, 10000, from, id);
  }

  /** Sends a signal to room `id`'s daemon (SIGKILL waits for its end). */
  async signalDaemon(signal, id = 'room-1') {
    const child = this.daemons.get(id);
    if (!child) throw new Error(`room ${id} has no daemon`);
    if (signal === 'SIGKILL' || signal === 'SIGTERM') {
      this.daemons.delete(id);
      const done = new Promise((r) => (child.exitCode != null ? r() : child.once('exit', r)));
      child.kill(signal);
      await done;
    } else {
      child.kill(signal);
    }
  }

  /** Sends a command as `user` (a test's own MQTT client) and resolves with the reply. */
  async command(body, user = 'tablet-1', id = 'room-1') {
    if (!this.clients) this.clients = new Map();
    let c = this.clients.get(user);
    if (!c) {
      c = mqtt.connect(`mqtt://127.0.0.1:${this.port}`, {
        protocolVersion: 5, username: user, password: USERS[user], clientId: `browser-test-${user}`, reconnectPeriod: 300,
      });
      c.replies = [];
      c.on('message', (topic, payload) => { try { c.replies.push(JSON.parse(payload.toString())); } catch (e) { /* */ } });
      await new Promise((resolve, reject) => {
        c.once('connect', () => c.subscribe(`stillroom/+/reply/${user}`, { qos: 1 }, (err) => (err ? reject(err) : resolve())));
      });
      this.clients.set(user, c);
    }
    const cmdId = `test-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
    const stamped = body.sent_at ? body : { ...body, sent_at: new Date().toISOString() };
    await c.publishAsync(`stillroom/${id}/cmd/${user}`, JSON.stringify({ id: cmdId, ...stamped }), { qos: 1 });
    return until(() => c.replies.find((r) => r.id === cmdId), 15000, `the reply to ${JSON.stringify(body)}`);
  }

  /** Loads `client` with an entered dose of `mg` and waits until the room is ready. */
  async preload(client, mg, id = 'room-1') {
    const from = this.mark();
    const body = { cmd: 'preload', client, doses: [{ client, amount_mg: mg }] };
    const reply = await this.command(body, 'tablet-1', id);
    if (!reply.ok) throw new Error(`preload refused: ${reply.error}`);
    return this.waitState((s) => s.state === 'ready', 15000, from, id);
  }

  /** Loads `client` and starts the session now; resolves with the running state. */
  async begin(client = 'c-7', mg = 50, id = 'room-1') {
    await this.preload(client, mg, id);
    const from = this.mark();
    const reply = await this.command({ cmd: 'start' }, 'tablet-1', id);
    if (!reply.ok) throw new Error(`start refused: ${reply.error}`);
    return this.waitState((s) => s.state === 'running', 10000, from, id);
  }

  /** `stillroom record …` on room `id`'s record; returns stdout. */
  cli(args, id = 'room-1') {
    return execFileSync(stillroom, ['record', '--config', this.roomFile(id), ...args], { encoding: 'utf8' });
  }

  /** The record's JSON export of `session`: its events (with actor and command_id). */
  recordEvents(session, id = 'room-1') {
    const out = JSON.parse(this.cli(['export', session, '--format', 'json'], id));
    return out.events || out;
  }

  async teardown() {
    for (const id of [...this.daemons.keys()]) await this.signalDaemon('SIGKILL', id).catch(() => {});
    for (const c of (this.clients || new Map()).values()) c.end(true);
    if (this.watch) this.watch.end(true);
    if (this.broker) await this.killBroker().catch(() => {});
    if (!process.env.STILLROOM_KEEP_TEST_DIRS) fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

module.exports = { Room, until, sleep, USERS, source, binaryDir, panelDir };

// RoomLink: the one MQTT session of a page (room panel, tablet, clinic view) with the room's broker,
// over WebSockets on the page's own origin (wss:// when the page came over https). It keeps what each
// room publishes (status, state, plan, events, the clinician topics, the `history` of a session),
// judges whether a room is live — broker connected, controller `online`, state fresh — learns the
// room's clock from `state.published_at`, and sends commands that carry an id, `sent_at` and a 10 s
// MQTT v5 message expiry, and resolve with the room's reply, or with a local refusal or a time-out in
// words. Runs on the page's only thread; needs MQTT.js (global `mqtt`).
'use strict';

(function (global) {
  /** A state older than this (by our own receive time) is stale: the controller republishes every 5 s. */
  const FRESH_MS = 12000;
  /** A command with no reply after this is reported as unanswered. */
  const REPLY_TIMEOUT_MS = 5000;
  /** The broker drops a command that waited longer than this for the room (MQTT v5 message expiry). */
  const COMMAND_EXPIRY_S = 10;
  /** No retained status for a room this long after subscribing: no such room on this broker. */
  const UNKNOWN_ROOM_MS = 4000;
  const CREDENTIALS_KEY = 'stillroom-device';

  // ---- credentials -------------------------------------------------------------------------------
  // The device name is remembered (it is no secret); the password only for this browser session
  // (sessionStorage: gone when the tab or browser closes), never in localStorage.
  const Credentials = {
    load() {
      try {
        const c = JSON.parse(sessionStorage.getItem(CREDENTIALS_KEY) || 'null');
        return c && c.user && c.password ? c : null;
      } catch (e) {
        return null;
      }
    },
    save(user, password) {
      sessionStorage.setItem(CREDENTIALS_KEY, JSON.stringify({ user, password }));
      try { localStorage.setItem(`${CREDENTIALS_KEY}-name`, user); } catch (e) { /* private mode */ }
    },
    lastUser() {
      try { return localStorage.getItem(`${CREDENTIALS_KEY}-name`) || ''; } catch (e) { return ''; }
    },
    forget() { sessionStorage.removeItem(CREDENTIALS_KEY); },
  };

  /** What one room has published, as this page received it. */
  class RoomData {
    constructor(id) {
      this.id = id;
      this.status = null;        // 'online' | 'offline' | null (never heard)
      this.statusAt = 0;
      this.state = null;
      this.stateAt = 0;          // when the newest state was true, in our clock (Date.now())
      this.publishedAt = 0;      // its published_at (the room's clock), ms
      this.offsets = [];         // room clock − our clock, ms, from recent states received live
      this.plan = null;
      this.clinical = null;      // clinical/session
      this.catalogue = null;     // clinical/catalogue
      this.stats = null;
      this.events = [];          // newest last; deduplicated by (epoch, seq)
      this.eventKeys = new Set();
      this.lostEvents = 0;       // gaps seen in seq within an epoch
      this.lastSeq = new Map();  // epoch -> last seq
    }

    /**
     * Room clock − our clock in ms: a state's published_at advanced by the time since it arrived, the
     * largest of the recent ones (the one delayed least in transit); null before a state came live.
     */
    clockOffsetMs() { return this.offsets.length ? Math.max(...this.offsets) : null; }

    /** The room's clock now, as far as this page can tell (its own clock until a state came live). */
    roomNow(now = Date.now()) { return new Date(now + (this.clockOffsetMs() || 0)); }

    /** Whether the room says its clock is synchronised (true until a state says otherwise). */
    clockSynced() { return !(this.state && this.state.clock && this.state.clock.synced === false); }

    /**
     * Takes a state; `live` when it was just published (not a retained copy that may be old). A state
     * older than the one held (a repeated command's reply) is ignored. Returns whether it was taken.
     */
    takeState(state, now, live) {
      const at = Date.parse(state.published_at);
      if (Number.isNaN(at)) return false;
      if (this.state && at < this.publishedAt) return false;
      if (live) {
        this.offsets.push(at - now);
        if (this.offsets.length > 5) this.offsets.shift();
      }
      this.state = state;
      this.publishedAt = at;
      // How old it is by the room's clock: a retained state of a controller that stopped is old.
      this.stateAt = now - Math.max(0, this.roomNow(now).getTime() - at);
      return true;
    }

    addEvent(raw, clinical) {
      const event = normaliseEvent(raw);
      // Live events are numbered (epoch, seq); the record's copies (a `history` reply) are not: both
      // are known by what happened when, so an event seen both ways is listed once.
      const key = eventKey(event);
      if (this.eventKeys.has(key)) {
        // The clinician copy carries every field: keep it over the public one.
        if (clinical) {
          const i = this.events.findIndex((e) => e.__key === key);
          if (i >= 0) this.events[i] = Object.assign({ __key: key }, event);
        }
        return false;
      }
      if (event.epoch != null && typeof event.seq === 'number' && !event.recorded) {
        const last = this.lastSeq.get(event.epoch);
        if (last != null && event.seq > last + 1) this.lostEvents += event.seq - last - 1;
        if (last == null || event.seq > last) this.lastSeq.set(event.epoch, event.seq);
      }
      this.eventKeys.add(key);
      this.events.push(Object.assign({ __key: key }, event));
      // In the order they happened: a history reply comes after the live events of the last moments.
      this.events.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
      if (this.events.length > 2000) this.events.splice(0, this.events.length - 2000);
      return true;
    }
  }

  /**
   * An event as the `events` topics carry it ({type, at, actor: 'device', …fields}); the record's rows
   * of a `history` reply ({seq, utc, actor: {device, role}, payload: {…}}) are flattened to that shape.
   */
  function normaliseEvent(e) {
    if (!e.payload || typeof e.payload !== 'object' || e.utc == null) return e;
    const flat = Object.assign({}, e.payload, {
      type: e.type, at: e.utc, session: e.session || null,
      actor: e.actor && typeof e.actor === 'object' ? e.actor.device : e.actor,
      record_seq: e.seq, recorded: true,
    });
    return flat;
  }

  function eventKey(e) {
    const parts = [e.type, e.at, e.session, e.client, e.reminder, e.code, e.subject, e.command_id];
    return parts.map((p) => (p == null ? '' : String(p))).join('|');
  }

  /**
   * Whether a room may be commanded now, and if not, which of the three conditions fails, in words.
   * Pure: everything it needs is passed in. `problem` is one of broker | offline | unknown_room |
   * waiting | stale, or null when live.
   */
  function judgeLiveness({ connected, connectedAt, everConnected, room, now, subscribedAt }) {
    const since = (t) => (t ? ` since ${new Date(t).toLocaleTimeString()}` : '');
    if (!connected) {
      return {
        live: false, problem: 'broker',
        message: everConnected
          ? `Not connected to the room's broker${since(connectedAt)}. Reconnecting… Controls are off.`
          : "Connecting to the room's broker… Controls are off until it answers.",
      };
    }
    if (room.status === 'offline') {
      return {
        live: false, problem: 'offline',
        message: `The room controller is offline${since(room.statusAt)}. Controls are off until it is back.`,
      };
    }
    if (room.status == null) {
      if (subscribedAt && now - subscribedAt > UNKNOWN_ROOM_MS) {
        return {
          live: false, problem: 'unknown_room',
          message: `No room '${room.id}' on this broker: it has never reported. Check the room in the address.`,
        };
      }
      return { live: false, problem: 'waiting', message: `Waiting for room '${room.id}'…` };
    }
    if (!room.state) {
      return { live: false, problem: 'waiting', message: "Waiting for the room's state…" };
    }
    // The controller republishes its state at least every 5 s: an older one is no news.
    const age = now - room.stateAt;
    if (age > FRESH_MS) {
      return {
        live: false, problem: 'stale',
        message: `No news from the room controller for ${Math.round(age / 1000)} s (it reports every 5 s). ` +
          'Controls are off until it answers.',
      };
    }
    return { live: true, problem: null, message: '' };
  }

  class RoomLink {
    /**
     * options: prefix ('stillroom'), rooms (ids; '+' = every room), user, password, clinical (also
     * subscribe to the clinician topics), onAuthFailed(message).
     */
    constructor(options) {
      this.prefix = options.prefix || 'stillroom';
      this.user = options.user;
      this.password = options.password;
      this.wildcard = options.rooms.includes('+');
      this.clinical = !!options.clinical;
      this.onAuthFailed = options.onAuthFailed || (() => {});
      this.rooms = new Map();
      if (!this.wildcard) for (const id of options.rooms) this.rooms.set(id, new RoomData(id));
      this.listeners = new Set();
      this.pending = new Map();
      this.counter = 0;
      this.client = null;
      this.connected = false;
      this.everConnected = false;
      this.connectedAt = 0;
      this.connects = 0;         // connections made so far (a page asks again for what it missed after each)
      this.subscribedAt = 0;
      this.deniedTopics = new Set();
      this.ticker = null;
    }

    /** fn(kind, roomId, detail) on every change; kind: state | status | event | reply | link | tick. */
    subscribe(fn) { this.listeners.add(fn); return () => this.listeners.delete(fn); }

    emit(kind, roomId, detail) { for (const fn of this.listeners) fn(kind, roomId, detail); }

    room(id) {
      if (!this.rooms.has(id)) this.rooms.set(id, new RoomData(id));
      return this.rooms.get(id);
    }

    url() {
      const scheme = global.location.protocol === 'https:' ? 'wss' : 'ws';
      return `${scheme}://${global.location.host}/`;
    }

    topicsToSubscribe() {
      const roomIds = this.wildcard ? ['+'] : [...this.rooms.keys()];
      const topics = [];
      for (const id of roomIds) {
        const base = `${this.prefix}/${id}`;
        topics.push(`${base}/status`, `${base}/state`);
        if (this.wildcard) continue;
        topics.push(`${base}/plan`, `${base}/events`, `${base}/stats`, `${base}/reply/${this.user}`);
        if (this.clinical) {
          topics.push(`${base}/clinical/events`, `${base}/clinical/session`, `${base}/clinical/catalogue`);
        }
      }
      return topics;
    }

    start() {
      this.client = global.mqtt.connect(this.url(), {
        protocolVersion: 5,
        username: this.user,
        password: this.password,
        clientId: `${this.user}-${Math.random().toString(16).slice(2, 10)}`,
        clean: true,
        reconnectPeriod: 1000,
        connectTimeout: 5000,
        keepalive: 10,
        // Nothing is queued while away: a control is off then, and a late command must not go out.
        queueQoSZero: false,
      });
      this.client.on('connect', () => {
        this.connected = true;
        this.everConnected = true;
        this.connects += 1;
        this.connectedAt = Date.now();
        const topics = this.topicsToSubscribe();
        this.client.subscribe(topics, { qos: 1 }, (err, granted) => {
          if (!this.subscribedAt) this.subscribedAt = Date.now();
          for (const g of granted || []) if (g.qos >= 128) this.deniedTopics.add(g.topic);
          this.emit('link');
        });
        this.emit('link');
      });
      this.client.on('close', () => {
        const was = this.connected;
        this.connected = false;
        if (was) this.connectedAt = Date.now();
        // A command the broker has not acknowledged is never sent again after a reconnect.
        for (const id of Object.keys(this.client.outgoing || {})) this.client.removeOutgoingMessage(Number(id));
        this.emit('link');
      });
      this.client.on('error', (error) => {
        const code = error && error.code;
        if (code === 134 || code === 135 || code === 4 || code === 5 || /not authori[sz]ed|bad user/i.test(error.message)) {
          this.stop();
          Credentials.forget();
          this.onAuthFailed(`The broker refused device '${this.user}' or its password.`);
        }
      });
      this.client.on('message', (topic, payload, packet) => this.receive(topic, payload.toString(), !!(packet && packet.retain)));
      this.ticker = setInterval(() => { this.expireReplies(); this.emit('tick'); }, 500);
    }

    stop() {
      if (this.ticker) clearInterval(this.ticker);
      this.ticker = null;
      if (this.client) this.client.end(true);
      this.connected = false;
    }

    /** A message from the broker; `retained`: a copy the broker kept, not one just published. */
    receive(topic, text, retained = false) {
      const parts = topic.split('/');
      if (parts.length < 3 || parts[0] !== this.prefix) return;
      const roomId = parts[1];
      if (!this.wildcard && !this.rooms.has(roomId)) return;
      const room = this.room(roomId);
      const rest = parts.slice(2).join('/');
      const now = Date.now();
      const parse = () => {
        try { return text === '' ? null : JSON.parse(text); } catch (e) { return undefined; }
      };
      if (rest === 'status') {
        room.status = text === 'online' ? 'online' : 'offline';
        room.statusAt = now;
        this.emit('status', roomId);
      } else if (rest === 'state') {
        const state = parse();
        if (!state || typeof state !== 'object') return;
        if (room.takeState(state, now, !retained)) this.emit('state', roomId);
      } else if (rest === 'plan') {
        const plan = parse();
        room.plan = plan && plan.phases ? plan : null;
        this.emit('state', roomId);
      } else if (rest === 'clinical/session') {
        const s = parse();
        room.clinical = s && s.clients ? s : null;
        this.emit('state', roomId);
      } else if (rest === 'clinical/catalogue') {
        const c = parse();
        room.catalogue = c && typeof c === 'object' ? c : null;
        this.emit('state', roomId);
      } else if (rest === 'stats') {
        room.stats = parse() || null;
      } else if (rest === 'events' || rest === 'clinical/events') {
        const e = parse();
        if (e && e.type && room.addEvent(e, rest === 'clinical/events')) this.emit('event', roomId, e);
      } else if (rest.startsWith('reply/')) {
        const reply = parse();
        if (reply && typeof reply === 'object') this.takeReply(room, reply, now);
      }
    }

    takeReply(room, reply, now) {
      // The state in a reply is the room's state after the command (a repeat's is older, and ignored).
      if (reply.state && typeof reply.state === 'object') room.takeState(reply.state, now, true);
      if (Array.isArray(reply.events)) for (const e of reply.events) room.addEvent(e, true);
      const waiting = this.pending.get(reply.id);
      if (waiting) {
        this.pending.delete(reply.id);
        waiting.resolve(Object.assign({ cmd: waiting.cmd }, reply));
      } else if (reply.id && this.late && this.late.has(reply.id)) {
        const cmd = this.late.get(reply.id);
        this.late.delete(reply.id);
        this.emit('reply', room.id, Object.assign({ cmd, late: true }, reply));
      }
      this.emit('state', room.id);
    }

    liveness(roomId) {
      return judgeLiveness({
        connected: this.connected, connectedAt: this.connectedAt, everConnected: this.everConnected,
        room: this.room(roomId), now: Date.now(), subscribedAt: this.subscribedAt,
      });
    }

    /** Whether this device may read the clinician topics (the broker refused the subscription otherwise). */
    readsClinical(roomId) {
      return this.clinical && !this.deniedTopics.has(`${this.prefix}/${roomId}/clinical/session`);
    }

    /**
     * Sends `cmd` with `args` to room `roomId`. Resolves with the reply ({ok, error, reason, state}), or
     * with {ok: false, local: true, error} when it was not sent, or {ok: false, timeout: true, error}.
     * `sent_at` is the room's clock as this page reckons it; with options.ownClock it is this device's
     * own clock (what a clinician confirming the room's clock vouches for). Until a state came live the
     * room's clock is not known (a retained state may be old): the command then goes without `sent_at`,
     * bounded by its message expiry alone, rather than wait (an emergency must not) or carry a guess.
     */
    send(roomId, cmd, args = {}, options = {}) {
      const live = this.liveness(roomId);
      if (!live.live) {
        return Promise.resolve({ ok: false, local: true, cmd, error: `Not sent: ${live.message}` });
      }
      const room = this.room(roomId);
      const id = `${this.user}-${Date.now().toString(36)}-${++this.counter}`;
      const body = Object.assign({ id, cmd }, args);
      if (options.ownClock) body.sent_at = new Date().toISOString();
      else if (room.clockOffsetMs() != null) body.sent_at = room.roomNow().toISOString();
      const topic = `${this.prefix}/${roomId}/cmd/${this.user}`;
      return new Promise((resolve) => {
        this.pending.set(id, { cmd, resolve, deadline: Date.now() + REPLY_TIMEOUT_MS });
        this.client.publish(topic, JSON.stringify(body),
          { qos: 1, properties: { messageExpiryInterval: COMMAND_EXPIRY_S } }, (err) => {
            if (!err || !this.pending.has(id)) return;
            this.pending.delete(id);
            resolve({ ok: false, local: true, cmd, error: `Not sent: ${err.message}` });
          });
      });
    }

    expireReplies() {
      const now = Date.now();
      for (const [id, p] of this.pending) {
        if (now < p.deadline) continue;
        this.pending.delete(id);
        if (!this.late) this.late = new Map();
        this.late.set(id, p.cmd);
        p.resolve({
          ok: false, timeout: true, cmd: p.cmd,
          error: `No reply from the room to '${p.cmd}' within ${REPLY_TIMEOUT_MS / 1000} s: ` +
            'it may not have been carried out. Check the room before trying again.',
        });
      }
    }
  }

  global.Stillroom = Object.assign(global.Stillroom || {}, {
    RoomLink, RoomData, Credentials, judgeLiveness, normaliseEvent, FRESH_MS, REPLY_TIMEOUT_MS, COMMAND_EXPIRY_S,
  });
})(typeof window !== 'undefined' ? window : globalThis);

// Room panel: shows the room's state and sends the panel's commands over MQTT
// (MQTT.js over WebSockets, served by the room's broker). The device user and
// password are asked once and kept in this browser.
'use strict';

const params = new URLSearchParams(location.search);
const prefix = params.get('prefix') || 'stillroom';
const roomId = params.get('room') || 'room-1';
const base = `${prefix}/${roomId}`;
const $ = (id) => document.getElementById(id);

let client = null;
let state = null;
let stateAt = 0;
let counter = 0;

function credentials() {
  try { return JSON.parse(localStorage.getItem('stillroom-panel') || 'null'); } catch { return null; }
}

function showSignin(error) {
  $('room').hidden = true;
  $('signin').hidden = false;
  $('signin-error').textContent = error || '';
}

function clock(seconds) {
  if (seconds == null) return '—';
  const s = Math.max(0, Math.floor(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const pad = (n) => String(n).padStart(2, '0');
  return `${h}:${pad(m)}:${pad(s % 60)}`;
}

function render() {
  const online = client && client.connected;
  $('link').textContent = online ? 'connected' : 'not connected';
  $('link').className = `link ${online ? 'online' : 'offline'}`;
  const s = state || {};
  const running = s.state === 'running';
  const elapsed = running || s.state === 'paused' ? (Date.now() - stateAt) / 1000 : 0;
  $('state').textContent = s.state || '—';
  $('since').textContent = s.since_dose_s == null ? '—' : `+${clock(s.since_dose_s + elapsed)}`;
  $('phase').textContent = s.phase ? `${s.phase}${s.phase_ends_in_s != null ? ` · ${clock(s.phase_ends_in_s - elapsed)} left` : ''}` : '—';
  $('track').textContent = s.track ? `${s.track.title}${s.track.artist ? ` — ${s.track.artist}` : ''}` : '—';
  const r = s.next_reminder;
  $('reminder').textContent = r ? `${r.text} (+${clock(r.at_s)})` : '—';
  $('ack').disabled = !online || !r;
  $('talk').classList.toggle('active', !!s.talk);
  $('faults').replaceChildren(...(s.faults || []).map((f) => {
    const li = document.createElement('li');
    li.textContent = f.message;
    return li;
  }));
  document.querySelectorAll('.buttons button').forEach((b) => {
    if (b.id !== 'ack') b.disabled = !online;
  });
}

function send(cmd) {
  if (!client || !client.connected) return;
  const me = credentials().user;
  const body = { id: `panel-${Date.now()}-${++counter}`, cmd };
  if (cmd === 'talk') body.on = !(state && state.talk);
  if (cmd === 'ack') body.reminder = state && state.next_reminder && state.next_reminder.id;
  if (cmd === 'emergency' && !confirm('Full light now?')) return;
  if (cmd === 'stop' && !confirm('Stop the session?')) return;
  client.publish(`${base}/cmd/${me}`, JSON.stringify(body), { qos: 1 });
  $('message').textContent = `${cmd}…`;
}

function connect() {
  const c = credentials();
  if (!c) { showSignin(); return; }
  $('signin').hidden = true;
  $('room').hidden = false;
  $('room-name').textContent = roomId;
  client = mqtt.connect(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/`, {
    protocolVersion: 5,
    username: c.user,
    password: c.password,
    clientId: `${c.user}-panel-${Math.random().toString(16).slice(2, 8)}`,
    reconnectPeriod: 1000,
  });
  client.on('connect', () => {
    client.subscribe([`${base}/state`, `${base}/status`, `${base}/reply/${c.user}`], { qos: 1 });
    render();
  });
  client.on('close', render);
  client.on('error', (e) => {
    if (/auth|Not authorized|Bad User/i.test(e.message)) {
      client.end(true);
      localStorage.removeItem('stillroom-panel');
      showSignin('The broker refused this device user or password.');
    }
  });
  client.on('message', (topic, payload) => {
    const text = payload.toString();
    if (topic === `${base}/state`) {
      try { state = JSON.parse(text); stateAt = Date.now(); } catch { /* not ours to fix */ }
    } else if (topic === `${base}/status` && text === 'offline') {
      $('message').textContent = 'The room controller is offline.';
    } else if (topic.startsWith(`${base}/reply/`)) {
      const reply = JSON.parse(text);
      $('message').textContent = reply.ok ? '' : reply.error;
      if (reply.state) { state = reply.state; stateAt = Date.now(); }
    }
    render();
  });
}

$('signin').addEventListener('submit', (event) => {
  event.preventDefault();
  const form = new FormData(event.target);
  localStorage.setItem('stillroom-panel', JSON.stringify({ user: form.get('user'), password: form.get('password') }));
  connect();
});
$('signout').addEventListener('click', () => {
  localStorage.removeItem('stillroom-panel');
  if (client) client.end(true);
  location.reload();
});
document.querySelectorAll('.buttons button').forEach((b) => b.addEventListener('click', () => send(b.dataset.cmd)));
setInterval(render, 1000);
connect();

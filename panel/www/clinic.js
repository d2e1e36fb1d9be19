// The clinic view: every room on the broker at once (a wildcard subscription to stillroom/+/status
// and stillroom/+/state): whether each is live, its state, phase, dose clock, the reminders due and
// its faults. It only looks; it sends no command. Runs on the page's thread.
'use strict';

(function (global) {
  const S = global.Stillroom;
  const $ = (id) => document.getElementById(id);
  const el = (tag, cls, text) => {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    return e;
  };
  const params = new URLSearchParams(global.location.search);
  const prefix = params.get('prefix') || 'stillroom';
  let link = null;

  function card(room) {
    const live = link.liveness(room.id);
    const s = room.state || {};
    const c = el('section', `room-card${live.live ? '' : ' not-live'}`);
    c.setAttribute('aria-label', `Room ${room.id}`);
    c.dataset.room = room.id;
    const h = el('h2');
    h.append(el('span', null, room.id), el('span', 'live', live.live ? 'live' : { broker: 'no broker', offline: 'offline', stale: 'no news', waiting: 'waiting' }[live.problem] || 'not live'));
    c.append(h);
    if (!live.live) c.append(el('p', 'error', live.message));
    const clients = s.clients && s.clients.length ? s.clients : s.client ? [s.client] : [];
    c.append(el('p', 'state', `${S.stateWords(room.state)}${clients.length ? ` · ${clients.join(', ')}` : ''}${s.protocol ? ` · ${s.protocol}` : ''}`));
    const since = S.sinceDose(room);
    c.append(el('p', 'big', S.doseClock(since)));
    const left = S.phaseLeft(room);
    c.append(el('p', 'phase', s.phase ? `${s.phase}${left != null ? ` · ${S.duration(left)} left` : ''}` : ' '));
    for (const r of S.dueReminders(room)) c.append(el('p', 'due', `Due: ${r.text}${r.client && clients.length > 1 ? ` (${r.client})` : ''}`));
    for (const f of s.faults || []) {
      const w = S.faultWords(f);
      c.append(el('p', 'error', `${w.title}: ${w.detail} ${w.since}`));
    }
    return c;
  }

  function render() {
    if (!link) return;
    const banner = $('banner');
    banner.hidden = link.connected;
    banner.textContent = link.connected ? '' : (link.everConnected
      ? "Not connected to the broker. Reconnecting… What you see is not current."
      : "Connecting to the broker…");
    const rooms = [...link.rooms.values()].sort((a, b) => a.id.localeCompare(b.id));
    $('rooms').replaceChildren(...rooms.map(card));
    const notLive = rooms.filter((r) => !link.liveness(r.id).live).length;
    const due = rooms.reduce((n, r) => n + S.dueReminders(r).length, 0);
    $('summary').textContent = rooms.length
      ? `${rooms.length} room(s); ${notLive} not live; ${due} reminder(s) due.`
      : 'No room has reported on this broker yet.';
  }

  function connect() {
    const c = S.Credentials.load();
    if (!c) {
      $('app').hidden = true;
      $('signin').hidden = false;
      return;
    }
    $('signin').hidden = true;
    $('app').hidden = false;
    link = new S.RoomLink({
      prefix, rooms: ['+'], user: c.user, password: c.password,
      onAuthFailed: (message) => {
        link = null;
        $('app').hidden = true;
        $('signin').hidden = false;
        $('signin-error').textContent = message;
      },
    });
    link.subscribe(render);
    link.start();
    render();
  }

  document.body.dataset.level = localStorage.getItem('stillroom-level') || 'dim';
  $('signin').user.value = S.Credentials.lastUser();
  $('signin').addEventListener('submit', (event) => {
    event.preventDefault();
    S.Credentials.save($('signin').user.value.trim(), $('signin').password.value);
    connect();
  });
  $('signout').addEventListener('click', () => { S.Credentials.forget(); if (link) link.stop(); global.location.reload(); });
  $('level').addEventListener('click', () => {
    document.body.dataset.level = document.body.dataset.level === 'night' ? 'dim' : 'night';
    localStorage.setItem('stillroom-level', document.body.dataset.level);
    $('level').setAttribute('aria-pressed', String(document.body.dataset.level === 'night'));
  });
  connect();
})(window);

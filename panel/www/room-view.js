// RoomView: what the room panel and the tablet share — sign-in, the liveness banner, the dose clock
// and phase with the trust of the room's clock, the due reminders with Acknowledge, faults, and the
// core controls (Start with the dose time, what will be recorded and, on a clock nobody synchronised,
// the room's time checked against this device's; Pause/Resume, Talk, Stop with a confirmation,
// Emergency by press and hold). The tablet adds its own sections on top (tablet.js). Runs on the
// page's thread.
'use strict';

(function (global) {
  const S = global.Stillroom;
  const $ = (id) => document.getElementById(id);
  const el = (tag, props = {}, ...children) => {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(props)) {
      if (k === 'class') e.className = v;
      else if (k === 'text') e.textContent = v;
      else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
      else if (v === true) e.setAttribute(k, '');
      else if (v !== false && v != null) e.setAttribute(k, v);
    }
    for (const c of children) if (c != null) e.append(c);
    return e;
  };
  /** How long Emergency must be held. */
  const HOLD_MS = 1500;

  const CORE_HTML = `
    <header class="top">
      <div class="who"><span id="room-name" class="room-name"></span><span id="loaded" class="loaded"></span></div>
      <div class="tools">
        <button type="button" id="level" class="quiet" aria-pressed="false">Night</button>
        <button type="button" id="signout" class="quiet">Sign out</button>
      </div>
    </header>
    <section class="clock" aria-label="Dose clock">
      <div id="state-words" class="state-words"></div>
      <div id="dose-clock" class="dose-clock">—</div>
      <p id="clock-trust" class="clock-trust" hidden></p>
      <div id="dose-note" class="dose-note"></div>
      <div id="phase" class="phase"></div>
      <p id="track-now" class="track-now"></p>
    </section>
    <section id="due" class="due" hidden aria-label="Reminders due now"><ul id="due-list"></ul></section>
    <p id="next" class="next"></p>
    <ul id="faults" class="faults" aria-label="Faults" tabindex="0"></ul>
    <section class="controls" aria-label="Session controls">
      <button type="button" id="start" class="control">Start…</button>
      <button type="button" id="pause" class="control">Pause</button>
      <button type="button" id="talk" class="control" aria-pressed="false">Talk</button>
      <button type="button" id="stop" class="control">Stop…</button>
      <button type="button" id="emergency" class="control emergency" aria-describedby="emergency-what">
        <span class="hold-fill" aria-hidden="true"></span>
        <span class="label">Emergency</span>
        <span id="emergency-what" class="what">Hold 1.5 s: full light at once, the session ends</span>
      </button>
    </section>
    <p id="message" class="message" role="status"></p>`;

  const DIALOGS_HTML = `
    <dialog id="start-dialog" aria-labelledby="start-title">
      <form method="dialog" id="start-form">
        <h2 id="start-title">Start the session</h2>
        <fieldset>
          <legend>When was the dose given?</legend>
          <label><input type="radio" name="when" value="now" checked> Now</label>
          <label><input type="radio" name="when" value="at"> Earlier, at
            <input type="time" id="dose-time" step="60" aria-label="Time the dose was given"></label>
        </fieldset>
        <div id="start-clients"></div>
        <fieldset id="start-clock" class="clock-check" hidden>
          <legend>The room's clock is not synchronised</legend>
          <p>Dose times and reminders follow the room's clock. Check it against this device first.</p>
          <dl class="record-preview">
            <dt>Room's time</dt><dd id="clock-room"></dd>
            <dt>This device</dt><dd id="clock-device"></dd>
            <dt>Difference</dt><dd id="clock-diff"></dd>
          </dl>
          <p id="clock-too-far" class="error" hidden></p>
          <label id="clock-confirm-label"><input type="checkbox" id="clock-confirm"> The time is right</label>
        </fieldset>
        <h3>What will be recorded</h3>
        <dl id="start-record" class="record-preview"></dl>
        <p id="start-error" class="error" role="alert"></p>
        <div class="dialog-buttons">
          <button type="button" id="start-cancel">Cancel</button>
          <button type="submit" id="start-confirm" class="primary">Record the dose and start</button>
        </div>
      </form>
    </dialog>
    <dialog id="stop-dialog" aria-labelledby="stop-title">
      <form method="dialog">
        <h2 id="stop-title">Stop the session?</h2>
        <p>The music fades out and the lights come up slowly. Monitoring goes on; the record notes the stop.</p>
        <div class="dialog-buttons">
          <button type="button" id="stop-cancel">Keep going</button>
          <button type="submit" id="stop-confirm" class="primary">Stop the session</button>
        </div>
      </form>
    </dialog>`;

  class RoomView {
    /** options: clinical (tablet: read the clinician topics), onRender(view) for page additions. */
    constructor(options) {
      const params = new URLSearchParams(global.location.search);
      this.prefix = params.get('prefix') || 'stillroom';
      this.roomId = params.get('room') || 'room-1';
      this.options = options;
      this.link = null;
      this.holdTimer = null;
      this.messageTimer = null;
    }

    get room() { return this.link.room(this.roomId); }
    get state() { return this.room.state || {}; }
    live() { return !!this.link && this.link.liveness(this.roomId).live; }

    boot() {
      document.body.dataset.level = localStorage.getItem('stillroom-level') || 'dim';
      $('core').innerHTML = CORE_HTML;
      document.body.insertAdjacentHTML('beforeend', DIALOGS_HTML);
      this.wire();
      const form = $('signin');
      form.user.value = S.Credentials.lastUser();
      form.addEventListener('submit', (event) => {
        event.preventDefault();
        S.Credentials.save(form.user.value.trim(), form.password.value);
        form.password.value = '';
        this.connect();
      });
      this.connect();
    }

    showSignin(error) {
      $('app').hidden = true;
      $('signin').hidden = false;
      $('signin-error').textContent = error || '';
      $('banner').hidden = true;
      (S.Credentials.lastUser() ? $('signin').password : $('signin').user).focus();
    }

    connect() {
      const c = S.Credentials.load();
      if (!c) { this.showSignin(); return; }
      $('signin').hidden = true;
      $('app').hidden = false;
      $('room-name').textContent = this.roomId;
      this.link = new S.RoomLink({
        prefix: this.prefix, rooms: [this.roomId], user: c.user, password: c.password,
        clinical: !!this.options.clinical,
        onAuthFailed: (message) => { this.link = null; this.showSignin(message); },
      });
      this.link.subscribe((kind, roomId, detail) => {
        if (kind === 'reply' && detail && detail.late) {
          this.say(`A late reply to '${detail.cmd}': ${detail.ok ? 'it was carried out.' : S.replyWords(detail.cmd, detail)}`, !detail.ok);
        }
        this.render();
      });
      this.link.start();
      // For a look from the console (and the browser tests).
      S.lastLink = this.link;
      S.lastView = this;
      this.render();
    }

    /** Sends a command and says what became of it. Resolves with the reply. */
    async command(cmd, args = {}, done, options = {}) {
      this.say(`Sending '${cmd}'…`);
      const reply = await this.link.send(this.roomId, cmd, args, options);
      if (reply.ok) this.say(done || `Done: ${cmd}${reply.repeat ? ' (already done before)' : ''}.`);
      else if (reply.timeout || reply.local) this.say(reply.error, true);
      else this.say(S.replyWords(cmd, reply), true);
      this.render();
      return reply;
    }

    say(text, error = false) {
      const m = $('message');
      m.textContent = text;
      m.classList.toggle('error', !!error);
    }

    wire() {
      $('signout').addEventListener('click', () => {
        S.Credentials.forget();
        if (this.link) this.link.stop();
        global.location.reload();
      });
      $('level').addEventListener('click', () => {
        const night = document.body.dataset.level !== 'night';
        document.body.dataset.level = night ? 'night' : 'dim';
        localStorage.setItem('stillroom-level', document.body.dataset.level);
        this.render();
      });
      $('start').addEventListener('click', () => this.openStart());
      $('pause').addEventListener('click', () => {
        if (this.state.state === 'paused') this.command('resume', {}, 'Resumed.');
        else this.command('pause', {}, 'Paused. The dose clock runs on.');
      });
      $('talk').addEventListener('click', () => {
        const on = !this.state.talk;
        this.command('talk', { on }, on ? 'Talk on: the music is lowered.' : 'Talk off.');
      });
      $('stop').addEventListener('click', () => $('stop-dialog').showModal());
      $('stop-cancel').addEventListener('click', () => $('stop-dialog').close());
      $('stop-confirm').addEventListener('click', (event) => {
        event.preventDefault();
        $('stop-dialog').close();
        this.command('stop', {}, 'Stopped: the music fades out.');
      });
      this.wireHold();
      $('start-cancel').addEventListener('click', () => $('start-dialog').close());
      $('start-form').addEventListener('change', () => this.previewStart());
      $('start-confirm').addEventListener('click', (event) => {
        event.preventDefault();
        this.confirmStart();
      });
    }

    /** A modal question; resolves true when `yes` was chosen. */
    confirm(title, text, yes) {
      return new Promise((resolve) => {
        const d = el('dialog', { 'aria-labelledby': 'confirm-title' });
        const answer = (value) => { d.close(); d.remove(); resolve(value); };
        d.append(el('h2', { id: 'confirm-title', text: title }), el('p', { text }),
          el('div', { class: 'dialog-buttons' },
            el('button', { type: 'button', id: 'confirm-no', onclick: () => answer(false) }, 'Cancel'),
            el('button', { type: 'button', id: 'confirm-yes', class: 'primary', onclick: () => answer(true) }, yes)));
        d.addEventListener('cancel', () => answer(false));
        document.body.append(d);
        d.showModal();
      });
    }

    // ---- Emergency: press and hold --------------------------------------------------------------
    wireHold() {
      const b = $('emergency');
      const begin = (event) => {
        if (b.disabled || this.holdTimer) return;
        if (event.type === 'keydown' && (event.repeat || (event.key !== ' ' && event.key !== 'Enter'))) return;
        event.preventDefault();
        b.classList.add('holding');
        this.say('Keep holding for the emergency light…');
        this.holdTimer = setTimeout(() => {
          this.holdTimer = null;
          b.classList.remove('holding');
          this.command('emergency', {}, 'EMERGENCY: full light, the session has ended.');
        }, HOLD_MS);
      };
      const cancel = (event) => {
        if (event && event.type === 'keyup' && event.key !== ' ' && event.key !== 'Enter') return;
        if (!this.holdTimer) return;
        clearTimeout(this.holdTimer);
        this.holdTimer = null;
        b.classList.remove('holding');
        this.say('Emergency not raised: press and hold for 1.5 s.');
      };
      b.addEventListener('pointerdown', begin);
      b.addEventListener('keydown', begin);
      for (const type of ['pointerup', 'pointerleave', 'pointercancel', 'keyup', 'blur']) b.addEventListener(type, cancel);
      b.addEventListener('click', (event) => event.preventDefault());
      b.addEventListener('contextmenu', (event) => event.preventDefault());
    }

    // ---- Start: the dose time and what will be recorded -----------------------------------------
    openStart() {
      const d = $('start-dialog');
      $('start-form').reset();
      const now = this.room.roomNow();
      $('dose-time').value = `${String(now.getHours()).padStart(2, '0')}:${String(now.getMinutes()).padStart(2, '0')}`;
      $('start-error').textContent = '';
      const clients = this.state.clients || null;
      const box = $('start-clients');
      box.replaceChildren();
      if (clients && clients.length > 1) {
        const fs = el('fieldset', {}, el('legend', { text: 'Who is dosed now?' }));
        for (const c of clients) {
          fs.append(el('label', {}, el('input', { type: 'checkbox', name: 'dosed', value: c, checked: true }), ` ${c}`));
        }
        box.append(fs);
      }
      this.previewStart();
      d.showModal();
    }

    /** The dose time from the dialog: null = now; a Date; or an Error in words. */
    doseTime() {
      const form = $('start-form');
      if (form.when.value !== 'at') return null;
      const [h, m] = ($('dose-time').value || '').split(':').map(Number);
      if (!Number.isFinite(h) || !Number.isFinite(m)) return new Error('Enter the time the dose was given.');
      // A time of day on the room's clock, which the dose clock follows.
      const roomNow = this.room.roomNow();
      const at = new Date(roomNow.getTime());
      at.setHours(h, m, 0, 0);
      if (at.getTime() > roomNow.getTime() + 60000) return new Error(`${$('dose-time').value} is in the future: enter when the dose was given.`);
      return at;
    }

    /**
     * The room's clock against this device's, for a start on a clock nobody synchronised: null when the
     * room's clock is synchronised; else {offsetMs (room − device, null until the room's clock is known),
     * limitMs (beyond it the room refuses the confirmation as skewed), confirmable}.
     */
    clockCheck() {
      if (this.room.clockSynced()) return null;
      const catalogue = this.room.catalogue;
      const maxAge = catalogue && catalogue.room && catalogue.room.command_max_age_s != null ? catalogue.room.command_max_age_s : 5;
      // A second of margin for the time a command takes to reach the room.
      const limitMs = Math.max(1, maxAge - 1) * 1000;
      const offsetMs = this.room.clockOffsetMs();
      return { offsetMs, limitMs, maxAge, confirmable: offsetMs != null && Math.abs(offsetMs) <= limitMs };
    }

    /** The clock comparison in the Start dialog, moved on with every tick while it is open. */
    showClockCheck() {
      const check = this.clockCheck();
      $('start-clock').hidden = !check;
      if (!check) return;
      const device = new Date();
      const fmt = (t) => t.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
      $('clock-device').textContent = fmt(device);
      if (check.offsetMs == null) {
        $('clock-room').textContent = 'not known yet';
        $('clock-diff').textContent = '—';
      } else {
        $('clock-room').textContent = fmt(new Date(device.getTime() + check.offsetMs));
        const words = S.clockDifference(check.offsetMs);
        $('clock-diff').textContent = Math.abs(check.offsetMs) < 50 ? 'none'
          : `the room is ${words} ${check.offsetMs > 0 ? 'ahead of' : 'behind'} this device`;
      }
      const far = $('clock-too-far');
      far.hidden = check.confirmable;
      far.textContent = check.offsetMs == null
        ? "Waiting for the room's clock: the time can be confirmed once the room has reported it."
        : `The two clocks are ${S.clockDifference(check.offsetMs)} apart: more than a few seconds, so the time cannot ` +
          `be confirmed here (the room accepts a confirmation only within ${check.maxAge} s of its clock). ` +
          "Set the room's clock, or check this device's time.";
      $('clock-confirm-label').hidden = !check.confirmable;
      if (!check.confirmable) $('clock-confirm').checked = false;
    }

    previewStart() {
      const s = this.state;
      const clinical = this.room.clinical;
      const when = this.doseTime();
      const rows = [
        ['Client', (s.clients && s.clients.length ? s.clients : [s.client]).filter(Boolean).join(', ') || '—'],
        ['Protocol', s.protocol || '—'],
        ['Playlist', s.playlist || '—'],
      ];
      if (clinical) {
        rows.push(['Medication', `${clinical.medication || '—'}, ${clinical.route || '—'}`]);
        for (const c of clinical.clients || []) {
          const e = c.entered;
          rows.push([`Dose ${c.client}`, e ? `${e.amount} ${e.unit || 'mg'}${e.lot ? `, lot ${e.lot}` : ''} (entered by ${e.entered_by})` : 'not entered']);
        }
      } else {
        rows.push(['Dose', 'as entered at the preload']);
      }
      rows.push(['Dose given', when instanceof Error ? '—' : when ? when.toLocaleTimeString() : 'now (the room\'s clock)']);
      rows.push(['Recorded by', this.link ? this.link.user : '—']);
      if (!this.room.clockSynced()) rows.push(["Room's clock", `not synchronised: the time confirmed by ${this.link ? this.link.user : '—'}`]);
      $('start-record').replaceChildren(...rows.flatMap(([k, v]) => [el('dt', { text: k }), el('dd', { text: v })]));
      $('start-error').textContent = when instanceof Error ? when.message : '';
      this.showClockCheck();
    }

    /** Why Start cannot be sent as the dialog stands, in words; '' when it can. */
    startProblem() {
      const when = this.doseTime();
      if (when instanceof Error) return when.message;
      const clinical = this.room.clinical;
      const chosen = [...document.querySelectorAll('#start-clients input[name=dosed]')];
      const dosed = chosen.length ? chosen.filter((i) => i.checked).map((i) => i.value) : null;
      if (dosed && !dosed.length) return 'Choose who is dosed now.';
      if (clinical) {
        const missing = (clinical.clients || []).filter((c) => !c.entered && (!dosed || dosed.includes(c.client))).map((c) => c.client);
        if (missing.length) return `No dose is entered for ${missing.join(', ')}: enter the amount on the tablet first.`;
      }
      const check = this.clockCheck();
      if (check && !check.confirmable) return $('clock-too-far').textContent;
      if (check && !$('clock-confirm').checked) {
        return "Check the room's time against this device, then tick 'The time is right'.";
      }
      return '';
    }

    async confirmStart() {
      this.showClockCheck();
      const problem = this.startProblem();
      if (problem) { $('start-error').textContent = problem; return; }
      const when = this.doseTime();
      const args = {};
      if (when) args.dose_at = when.toISOString();
      const dosed = [...document.querySelectorAll('#start-clients input[name=dosed]')];
      if (dosed.length && dosed.some((i) => !i.checked)) args.clients = dosed.filter((i) => i.checked).map((i) => i.value);
      // On a clock nobody synchronised the clinician vouches for it: this device's own time goes with it.
      const confirming = !!this.clockCheck();
      if (confirming) args.clock_confirmed = true;
      $('start-dialog').close();
      await this.command('start', args, confirming ? "Started: the dose is recorded, with the room's time as confirmed here."
        : 'Started: the dose is recorded.', { ownClock: confirming });
    }

    // ---- rendering ------------------------------------------------------------------------------
    render() {
      if (!this.link) return;
      const live = this.link.liveness(this.roomId);
      const banner = $('banner');
      banner.hidden = live.live;
      banner.textContent = live.message;
      banner.dataset.problem = live.problem || '';
      document.body.classList.toggle('not-live', !live.live);

      const room = this.room;
      const s = this.state;
      // Not live: the last known values, not moved on (a dead controller's clock must not seem to run).
      const now = live.live ? Date.now() : room.stateAt || Date.now();
      const clients = s.clients && s.clients.length ? s.clients : s.client ? [s.client] : [];
      $('loaded').textContent = clients.length ? `${clients.join(', ')} · ${s.protocol || ''}` : 'No client loaded';
      $('state-words').textContent = S.stateWords(room.state);
      const since = S.sinceDose(room, now);
      $('dose-clock').textContent = S.doseClock(since);
      $('dose-clock').classList.toggle('before', since != null && since < 0);
      $('dose-clock').classList.toggle('stale', !live.live);
      $('dose-note').textContent = !live.live && room.stateAt ? `last known, at ${new Date(room.stateAt).toLocaleTimeString()}`
        : s.checking ? `checking the music for ${(s.checking.clients || []).join(', ')}…`
          : since == null ? (s.state === 'ready' ? 'before the dose: Start records it' : '')
            : since < 0 ? 'before the dose' : 'since the dose';
      const synced = room.clockSynced();
      $('clock-trust').hidden = synced;
      // In words, with the room's time as this page reckons it (not moved on while the room is away).
      const offset = room.clockOffsetMs();
      $('clock-trust').textContent = synced ? '' : `Room clock not synchronised${offset == null ? ''
        : `: it reads ${new Date(now + offset).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' })}`}`;
      $('dose-clock').classList.toggle('unsynced', !synced);
      if ($('start-dialog').open) this.showClockCheck();
      const left = S.phaseLeft(room, now);
      $('phase').textContent = s.phase ? `${s.phase}${left != null ? ` · ${S.duration(left)} left` : ''}` : '';
      $('track-now').textContent = s.track ? `Playing: ${S.trackWords(s.track)}` : '';

      const due = S.dueReminders(room, now);
      $('due').hidden = due.length === 0;
      $('due-list').replaceChildren(...due.map((r) => el('li', { class: 'due-item' },
        el('span', { class: 'due-label', text: 'Due now' }),
        el('span', { class: 'due-text', text: `${r.text}${r.client && clients.length > 1 ? ` (${r.client})` : ''}` }),
        el('button', {
          type: 'button', class: 'ack', disabled: !live.live,
          'aria-label': `Acknowledge: ${r.text}`,
          onclick: () => this.command('ack', Object.assign({ reminder: r.id }, r.client && clients.length > 1 ? { client: r.client } : {}),
            `Acknowledged: ${r.text}.`),
        }, 'Acknowledge'))));
      const next = S.nextReminder(room, now);
      $('next').textContent = next ? `Next reminder: ${next.text} at ${S.doseClock(next.at_s)}` : '';

      $('faults').replaceChildren(...(s.faults || []).map((f) => {
        const w = S.faultWords(f);
        return el('li', {}, el('strong', { text: w.title }), ` — ${w.detail} `, el('span', { class: 'since', text: w.since }));
      }));

      const st = s.state;
      const active = st === 'running' || st === 'paused';
      $('start').disabled = !live.live || st !== 'ready';
      $('pause').disabled = !live.live || !active;
      $('pause').textContent = st === 'paused' ? 'Resume' : 'Pause';
      $('talk').disabled = !live.live || !active;
      $('talk').setAttribute('aria-pressed', s.talk ? 'true' : 'false');
      $('talk').textContent = s.talk ? 'Talk: on' : 'Talk';
      $('stop').disabled = !live.live || !active;
      $('emergency').disabled = !live.live;
      $('level').setAttribute('aria-pressed', document.body.dataset.level === 'night' ? 'true' : 'false');
      if (!live.live) {
        for (const id of ['start-dialog', 'stop-dialog']) if ($(id).open) $(id).close();
        if (this.holdTimer) { clearTimeout(this.holdTimer); this.holdTimer = null; $('emergency').classList.remove('holding'); }
      }
      if (this.options.onRender) this.options.onRender(this, live);
    }
  }

  global.Stillroom = Object.assign(global.Stillroom || {}, { RoomView, el });
})(window);

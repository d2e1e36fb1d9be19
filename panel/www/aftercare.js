// The tablet's after-care card for the session in the room (running, or ended and not yet cleared):
// per client, observations (MOAA/S with the scale's words, dissociation, breathing), ready to leave
// and discharged; then the clinician's signature with its meaning, and once signed only addenda.
// Every entry names the staff member (`by`), whose id is kept for this browser session only. What it
// shows comes from clinical/session; a refusal is the room's own words. Runs on the page's thread.
'use strict';

(function (global) {
  const S = global.Stillroom;
  const $ = (id) => document.getElementById(id);
  const el = S.el;
  /** sessionStorage, never localStorage: the id goes when the browser closes, as the password does. */
  const STAFF_KEY = 'stillroom-staff-id';
  /** The room's rule for a staff id (room/CommandParser.cpp): the clinic's id for the person, never a name. */
  const STAFF_ID = /^[A-Za-z0-9_-]{1,64}$/;
  const SHOWN_IN = ['running', 'paused', 'ended', 'aborted'];

  const options = (select, entries) => select.replaceChildren(...entries.map(([value, text]) => el('option', { value, text })));

  class AfterCare {
    constructor(view) {
      this.view = view;
      this.clientKey = '';
      this.fill();
      this.wire();
    }

    fill() {
      options($('moaa-s'), [['', '—'], ...[5, 4, 3, 2, 1, 0].map((n) => [String(n), `${n}: ${S.MOAAS_WORDS[n]}`])]);
      options($('dissociation'), [['', '—'], ...Object.entries(S.DISSOCIATION_WORDS)]);
      options($('respiratory'), [['', '—'], ...Object.entries(S.RESPIRATORY_WORDS)]);
      options($('sign-meaning'), S.SIGNATURE_MEANINGS.map((m) => [m, m]));
      $('sign-meaning').value = 'reviewed and approved';
      options($('addendum-section'), Object.entries(S.ADDENDUM_SECTION_WORDS));
      $('dissociation-features').append(...Object.entries(S.DISSOCIATION_FEATURE_WORDS).map(([value, text]) =>
        el('label', {}, el('input', { type: 'checkbox', name: 'dissociation-feature', value }), ` ${text}`)));
      try { $('staff-id').value = sessionStorage.getItem(STAFF_KEY) || ''; } catch (e) { /* storage off */ }
    }

    wire() {
      $('staff-id').addEventListener('input', () => {
        try { sessionStorage.setItem(STAFF_KEY, $('staff-id').value.trim()); } catch (e) { /* storage off */ }
      });
      $('dissociation').addEventListener('change', () => { $('dissociation-details').hidden = $('dissociation').value !== 'present'; });
      $('observe').addEventListener('click', () => this.observe());
      $('ready-to-leave').addEventListener('click', () => this.mark('ready_to_leave', 'ready to leave'));
      $('discharge').addEventListener('click', () => this.mark('discharge', 'discharged'));
      $('sign').addEventListener('click', () => this.sign());
      $('addendum').addEventListener('click', () => this.addendum());
    }

    get state() { return this.view.state; }
    clients() { const s = this.state; return s.clients && s.clients.length ? s.clients : s.client ? [s.client] : []; }
    /** clinical/session when it is this session's. */
    clinical() {
      const c = this.view.room.clinical;
      return c && c.session === this.state.session ? c : null;
    }

    /** Says what became of an entry in the card (the room's refusal in its own words), or a local problem. */
    tell(error, note = '') {
      $('aftercare-error').textContent = error;
      $('aftercare-note').textContent = note;
    }

    /** `by`, the session and, in a group, the client chosen; or an Error in words. */
    args(perClient = true) {
      const by = $('staff-id').value.trim();
      if (!by) { $('staff-id').focus(); return new Error('Enter your staff id first: every after-care entry names who made it.'); }
      if (!STAFF_ID.test(by)) {
        return new Error(`'${by}' is not a staff id: 1 to 64 letters, digits, '-' or '_' (the clinic's id for you, never a name).`);
      }
      const out = { by, session: this.state.session };
      if (perClient && this.clients().length > 1) out.client = $('care-client').value;
      return out;
    }

    async send(cmd, args, done) {
      if (args instanceof Error) { this.tell(args.message); return { ok: false }; }
      this.tell('', `Sending '${cmd}'…`);
      const reply = await this.view.command(cmd, args, done);
      if (reply.ok) this.tell('', done);
      else this.tell(reply.timeout || reply.local ? reply.error : S.replyWords(cmd, reply));
      return reply;
    }

    async observe() {
      const args = this.args();
      if (args instanceof Error) { this.tell(args.message); return; }
      if ($('moaa-s').value !== '') args.moaa_s = Number($('moaa-s').value);
      if ($('dissociation').value) args.dissociation = $('dissociation').value;
      if (args.dissociation === 'present') {
        const features = [...document.querySelectorAll('input[name=dissociation-feature]:checked')].map((i) => i.value);
        if (features.length) args.dissociation_features = features;
        if ($('cadss').value !== '') args.cadss = Number($('cadss').value);
      }
      if ($('respiratory').value) args.respiratory = $('respiratory').value;
      if (args.moaa_s == null && !args.dissociation && !args.respiratory) {
        this.tell('Choose at least one of sedation, dissociation or breathing to record an observation.');
        return;
      }
      const who = args.client || this.clients()[0] || '';
      const reply = await this.send('observe', args, `Observation of ${who} recorded: ${S.observationWords(args)}.`);
      if (reply.ok) {
        for (const id of ['moaa-s', 'dissociation', 'respiratory', 'cadss']) $(id).value = '';
        for (const i of document.querySelectorAll('input[name=dissociation-feature]')) i.checked = false;
        $('dissociation-details').hidden = true;
      }
    }

    /** The time typed as a time of day on the room's clock (ISO), null for now, or an Error. */
    careTime() {
      const text = $('care-time').value;
      if (!text) return null;
      const [h, m] = text.split(':').map(Number);
      if (!Number.isFinite(h) || !Number.isFinite(m)) return new Error('Enter the time as hours and minutes, or leave it empty for now.');
      const at = this.view.room.roomNow();
      at.setHours(h, m, 0, 0);
      return at.toISOString();
    }

    async mark(cmd, words) {
      const args = this.args();
      const at = this.careTime();
      if (at instanceof Error) { this.tell(at.message); return; }
      if (at && !(args instanceof Error)) args.at = at;
      const who = (args && args.client) || this.clients()[0] || '';
      const reply = await this.send(cmd, args, `${who} ${words}${at ? ` at ${S.time(at)}` : ' now'}: recorded.`);
      if (reply.ok) $('care-time').value = '';
    }

    async sign() {
      const args = this.args(false);
      if (args instanceof Error) { this.tell(args.message); return; }
      args.meaning = $('sign-meaning').value;
      const yes = await this.view.confirm('Sign the session?',
        `Session ${args.session}, signed by ${args.by} as “${args.meaning}”. The signature covers the session's summary as ` +
        'the record holds it now; a signed session is not edited again, a correction is an addendum.', 'Sign');
      if (!yes) return;
      await this.send('sign', args, `Signed by ${args.by} (${args.meaning}).`);
    }

    async addendum() {
      const args = this.args();
      if (args instanceof Error) { this.tell(args.message); return; }
      const text = $('addendum-text').value.trim();
      if (!text) { this.tell('Write the addendum first: what is corrected or added, in words.'); return; }
      args.text = text;
      args.section = $('addendum-section').value;
      const reply = await this.send('addendum', args, 'Addendum recorded.');
      if (reply.ok) $('addendum-text').value = '';
    }

    /** One client's after-care so far, in words. */
    clientWords(c) {
      const parts = [];
      const last = (c.observations || [])[c.observations.length - 1];
      parts.push(last ? `${c.observations.length} observation(s), last at ${S.time(last.at)}: ${S.observationWords(last, true)} (by ${last.by})`
        : 'no observation yet');
      const mark = (m) => `${S.time(m.at)}${m.at_dose_ms != null ? ` (${S.doseClock(m.at_dose_ms / 1000)})` : ''}, by ${m.by}`;
      parts.push(c.ready_to_leave ? `ready to leave ${mark(c.ready_to_leave)}` : 'ready to leave not recorded');
      parts.push(c.discharged ? `discharged ${mark(c.discharged)}` : c.monitoring_over ? 'monitoring over, not discharged' : 'monitored');
      return `${c.client}: ${parts.join('; ')}`;
    }

    render(live) {
      const s = this.state;
      const card = $('aftercare-card');
      // What was said about one session is not left standing for the next.
      if (card.dataset.session !== (s.session || '')) { card.dataset.session = s.session || ''; this.tell(''); }
      card.hidden = !s.session || !SHOWN_IN.includes(s.state);
      if (card.hidden) return;
      const clients = this.clients();
      const key = clients.join(',');
      if (key !== this.clientKey) {
        this.clientKey = key;
        options($('care-client'), clients.map((c) => [c, c]));
      }
      $('care-client-label').hidden = clients.length < 2;
      const clinical = this.clinical();
      const rows = clinical ? (clinical.clients || []).map((c) => this.clientWords(c))
        : [this.view.link && !this.view.link.readsClinical(this.view.roomId)
          ? 'This device may not read the clinical session.' : 'Waiting for the clinical session…'];
      $('aftercare-clients').replaceChildren(...rows.map((t) => el('li', { text: t })));
      const signature = clinical && clinical.signature;
      $('care-entries').hidden = !!signature;
      $('signature').hidden = !signature;
      $('addendum-entry').hidden = !signature;
      if (signature) {
        $('signature').textContent = `Signed by ${signature.by} at ${S.time(signature.at)} (${new Date(signature.at).toLocaleDateString()})` +
          ` as “${signature.meaning}”, on ${signature.device}; summary ${String(signature.content_hash || '').slice(0, 12)}. ` +
          'The session is not edited again: a correction is an addendum.';
      }
      const addenda = (clinical && clinical.addenda) || [];
      $('addenda').replaceChildren(...addenda.map((a) => el('li', {
        text: `${S.time(a.at)} ${a.by}${a.client ? ` (${a.client})` : ''}, ${S.ADDENDUM_SECTION_WORDS[a.section] || a.section}: ${a.text}` })));
      for (const id of ['observe', 'ready-to-leave', 'discharge', 'sign', 'addendum']) $(id).disabled = !live;
    }
  }

  global.Stillroom = Object.assign(global.Stillroom || {}, { AfterCare });
})(window);

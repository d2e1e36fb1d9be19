// The therapist's tablet: the room view (room-view.js) plus loading clients with their doses (the
// catalogue's suggestion shown, the amount entered by the clinician), group sessions, doses given,
// volume within the room's cap, skip and alternate, booster, vitals with range checks, clear, the
// event list, the session timeline (timeline.js) and the after-care card (aftercare.js). Runs on the
// page's thread.
'use strict';

(function (global) {
  const S = global.Stillroom;
  const $ = (id) => document.getElementById(id);
  const el = S.el;

  // The command contract's ranges (docs/mqtt.md): checked here before anything is sent.
  const VITALS = {
    bp_sys: { name: 'Systolic blood pressure', min: 40, max: 300, required: true },
    bp_dia: { name: 'Diastolic blood pressure', min: 20, max: 200, required: true },
    hr: { name: 'Heart rate', min: 20, max: 250 },
    spo2: { name: 'SpO₂', min: 50, max: 100 },
  };
  const ANY_DOSE = { min_mg: 0, max_mg: 2000 };

  let view = null;
  let afterCare = null;
  /** The session (and connection) whose history was asked for; the refusal, if the room refused it. */
  let historyAsked = null;
  let historyRefused = '';
  let clientKey = '';

  const clientsOf = (s) => (s.clients && s.clients.length ? s.clients : s.client ? [s.client] : []);
  const catalogue = () => view.room.catalogue || null;
  const protocolOf = (id) => ((catalogue() || {}).protocols || []).find((p) => p.id === id) || null;
  const clientEntry = (id) => ((catalogue() || {}).clients || []).find((c) => c.id === id) || null;
  /** The booster range of a protocol in the catalogue (its `boosters.range`), or null without boosters. */
  const boosterRange = (p) => (p && p.boosters && p.boosters.range) || null;
  /** The session number typed on the load form, or null. */
  const sessionNumber = () => {
    const text = $('preload-session').value.trim();
    return text === '' ? null : Number(text);
  };
  /** The client's course step for a session number (the catalogue's series), or null. */
  const seriesStep = (entry, number) => (entry && number != null ? (entry.series || []).find((x) => x.session === number) || null : null);
  /** The protocol a client would be loaded with: as typed, else the course step's, else the client's. */
  const protocolFor = (clientId) => {
    const typed = $('preload-protocol').value.trim();
    if (typed) return typed;
    const entry = clientEntry(clientId);
    const step = seriesStep(entry, sessionNumber());
    return (step && step.protocol) || (entry && entry.protocol) || '';
  };

  /** A dose amount checked against a range; returns an error in words or ''. */
  function checkDose(amount, range, protocolId, what = 'dose') {
    if (!Number.isFinite(amount)) return `Enter the ${what} in mg.`;
    const r = range || ANY_DOSE;
    if (amount <= r.min_mg && r === ANY_DOSE) return `The ${what} must be more than 0 mg.`;
    if (amount < r.min_mg) return `${amount} mg is below ${protocolId}'s ${what} range of ${r.min_mg}–${r.max_mg} mg.`;
    if (amount > r.max_mg) return `${amount} mg is above ${protocolId || 'the'}${protocolId ? "'s" : ''} ${what} range of ${r.min_mg}–${r.max_mg} mg.`;
    return '';
  }

  // ---- preload ------------------------------------------------------------------------------------
  function addPreloadRow(first) {
    const row = el('div', { class: 'row preload-row' });
    const client = el('input', { class: 'p-client', list: 'client-list', autocomplete: 'off', 'aria-label': 'Client id' });
    const amount = el('input', { class: 'p-amount', type: 'number', min: '0', step: '0.5', inputmode: 'decimal', 'aria-label': 'Dose in mg' });
    const lot = el('input', { class: 'p-lot', autocomplete: 'off', 'aria-label': 'Lot number' });
    const suggestion = el('span', { class: 'suggest' });
    const use = el('button', { type: 'button', class: 'p-use', hidden: true }, 'Use it');
    row.append(
      el('label', {}, first ? 'Client' : 'Also in the group', client),
      el('label', {}, 'Dose (mg)', amount),
      el('label', {}, 'Lot', lot),
      el('div', {}, suggestion, ' ', use));
    if (!first) row.append(el('button', { type: 'button', onclick: () => row.remove() }, 'Remove'));
    // The course's suggestion for this session number: shown, never filled in by itself.
    const suggest = () => {
      const id = client.value.trim();
      const entry = clientEntry(id);
      const number = sessionNumber();
      const step = seriesStep(entry, number);
      use.hidden = !(step && step.dose_mg != null);
      if (!id || !catalogue()) suggestion.textContent = '';
      else if (!entry) suggestion.textContent = `${id} is not in the room's catalogue`;
      else if (number == null) {
        suggestion.textContent = (entry.series || []).length ? 'Enter the session number to see the course\'s suggested dose' : 'No suggested dose';
      } else if (!step || step.dose_mg == null) suggestion.textContent = `No suggested dose for session ${number}`;
      else {
        suggestion.textContent = `Suggested for session ${number}: ${step.dose_mg} mg (${step.protocol}, ${step.playlist}) — confirm or change`;
      }
      use.onclick = () => { if (step) amount.value = step.dose_mg; };
    };
    row.suggest = suggest;
    client.addEventListener('input', suggest);
    $('preload-rows').append(row);
    return row;
  }

  const suggestAll = () => { for (const r of document.querySelectorAll('.preload-row')) r.suggest(); };

  async function preload() {
    const rows = [...document.querySelectorAll('.preload-row')].map((r) => ({
      client: r.querySelector('.p-client').value.trim(),
      amount: r.querySelector('.p-amount').value === '' ? null : Number(r.querySelector('.p-amount').value),
      lot: r.querySelector('.p-lot').value.trim(),
    })).filter((r) => r.client);
    const note = $('preload-note');
    if (!rows.length) { note.textContent = 'Enter the client id to load.'; return; }
    const protocol = $('preload-protocol').value.trim();
    const playlist = $('preload-playlist').value.trim();
    const number = sessionNumber();
    if (number != null && !(Number.isInteger(number) && number >= 1 && number <= 1000)) {
      note.textContent = `The session number must be a whole number from 1 to 1000 (got ${$('preload-session').value.trim()}).`;
      return;
    }
    for (const r of rows) {
      if (r.amount == null) continue;
      const p = protocolOf(protocolFor(rows[0].client));
      const problem = checkDose(r.amount, p && p.dose_range, p && p.id);
      if (problem) { note.textContent = `${r.client}: ${problem}`; return; }
    }
    const args = { client: rows[0].client };
    if (rows.length > 1) args.clients = rows.map((r) => r.client);
    if (protocol) args.protocol = protocol;
    if (playlist) args.playlist = playlist;
    if (number != null) args.session_number = number;
    const doses = rows.filter((r) => r.amount != null)
      .map((r) => Object.assign({ client: r.client, amount_mg: r.amount }, r.lot ? { lot: r.lot } : {}));
    if (doses.length) args.doses = doses;
    note.textContent = '';
    const reply = await view.command('preload', args, `Loading ${args.clients ? args.clients.join(', ') : args.client}: checking the music…`);
    if (reply.ok) {
      const missing = rows.filter((r) => r.amount == null).map((r) => r.client);
      note.textContent = missing.length ? `No dose entered yet for ${missing.join(', ')}: enter it before Start.` : '';
    }
  }

  // ---- doses, booster, vitals ------------------------------------------------------------------------
  function fillClientSelects(clients) {
    const key = clients.join(',');
    if (key === clientKey) return;
    clientKey = key;
    for (const id of ['dose-client', 'booster-client', 'vitals-client']) {
      $(id).replaceChildren(...clients.map((c) => el('option', { value: c, text: c })));
    }
  }

  const groupArgs = (select) => (clientsOf(view.state).length > 1 ? { client: $(select).value } : {});

  async function enterDose(give) {
    const s = view.state;
    const client = $('dose-client').value;
    const amountText = $('dose-amount').value;
    const args = { client };
    if (amountText !== '' || !give) {
      const amount = Number(amountText);
      const p = protocolOf(s.protocol);
      const range = (view.room.clinical && view.room.clinical.dose_range) || (p && p.dose_range);
      const problem = checkDose(amountText === '' ? NaN : amount, range, s.protocol);
      if (problem) { $('dose-range').textContent = problem; return; }
      args.amount_mg = amount;
    }
    if ($('dose-lot').value.trim()) args.lot = $('dose-lot').value.trim();
    $('dose-range').textContent = '';
    if (give) await view.command('dose', args, `Dose given to ${client}: recorded.`);
    else await view.command('enter_dose', args, `Dose for ${client} entered: ${args.amount_mg} mg.`);
  }

  async function booster() {
    const s = view.state;
    const amount = $('booster-amount').value === '' ? NaN : Number($('booster-amount').value);
    const clinical = view.room.clinical;
    const range = (clinical && clinical.booster_range) || boosterRange(protocolOf(s.protocol));
    const problem = checkDose(amount, range, s.protocol, 'booster');
    if (problem) { $('booster-note').textContent = problem; return; }
    $('booster-note').textContent = '';
    const args = Object.assign(groupArgs('booster-client'), { amount_mg: amount });
    if ($('booster-lot').value.trim()) args.lot = $('booster-lot').value.trim();
    await view.command('booster', args, `Booster of ${amount} mg recorded.`);
  }

  /** The vitals from the form, or an error in words (nothing is sent then). */
  function readVitals() {
    const out = {};
    for (const [key, rule] of Object.entries(VITALS)) {
      const input = $(key.replace('_', '-'));
      const text = input.value.trim();
      input.removeAttribute('aria-invalid');
      if (text === '') {
        if (rule.required) { input.setAttribute('aria-invalid', 'true'); return new Error(`${rule.name} is required.`); }
        continue;
      }
      const n = Number(text);
      if (!Number.isInteger(n) || n < rule.min || n > rule.max) {
        input.setAttribute('aria-invalid', 'true');
        return new Error(`${rule.name} must be a whole number from ${rule.min} to ${rule.max} (got ${text}).`);
      }
      out[key] = n;
    }
    if (out.bp_dia >= out.bp_sys) {
      $('bp-dia').setAttribute('aria-invalid', 'true');
      return new Error(`Diastolic (${out.bp_dia}) must be below systolic (${out.bp_sys}).`);
    }
    return out;
  }

  async function vitals() {
    const v = readVitals();
    if (v instanceof Error) { $('vitals-error').textContent = v.message; return; }
    $('vitals-error').textContent = '';
    const reply = await view.command('vitals', Object.assign(groupArgs('vitals-client'), v), 'Vitals recorded.');
    if (reply.ok) for (const key of Object.keys(VITALS)) $(key.replace('_', '-')).value = '';
  }

  // ---- rendering ------------------------------------------------------------------------------------
  /** A client's own dose clock now (state.doses[].since_dose_s moved on like the room's). */
  const clientSince = (room, d) => S.sinceDose({ state: Object.assign({}, room.state, { since_dose_s: d.since_dose_s }), stateAt: room.stateAt });

  // Per client: the dose entered (amount and lot from clinical/session), when it was given on the room's
  // clock and on the client's own dose clock, and the doses given with their amounts.
  function renderDoses(room) {
    const s = room.state || {};
    const clinical = room.clinical;
    const lines = [];
    for (const d of s.doses || []) {
      const c = clinical && (clinical.clients || []).find((x) => x.client === d.client);
      const amount = (x) => `${x.amount} ${x.unit || 'mg'}${x.lot ? `, lot ${x.lot}` : ''}`;
      // Once given, the dose is among the client's doses (clinical/session no longer lists it as entered).
      const first = c ? (c.doses || []).find((x) => !x.booster) : null;
      const entered = first ? `${amount(first)} entered by ${first.entered_by}`
        : c && c.entered ? `${amount(c.entered)} entered by ${c.entered.entered_by}` : d.entered ? 'dose entered' : 'no dose entered';
      const given = d.given_at ? `given ${S.time(d.given_at)}${first && first.by ? ` by ${first.by}` : ''} ` +
        `(${S.doseClock(clientSince(room, d))} on their own clock)` : 'not given yet';
      const boosters = c ? (c.doses || []).filter((x) => x.booster).map((x) => `booster ${amount(x)} at ${S.time(x.given_at)}`) : [];
      lines.push([`${d.client}: ${entered}; ${given}`, ...(boosters.length ? boosters : d.boosters ? [`${d.boosters} booster(s)`] : [])].join('; '));
    }
    $('doses').replaceChildren(...lines.map((t) => el('li', { class: 'plain', text: t })));
    const range = (clinical && clinical.dose_range) || (protocolOf(s.protocol) || {}).dose_range;
    if (!$('dose-range').textContent || $('dose-range').dataset.auto) {
      $('dose-range').textContent = range && s.protocol ? `${s.protocol}: dose range ${range.min_mg}–${range.max_mg} mg.` : '';
      $('dose-range').dataset.auto = '1';
    }
  }

  function renderEvents(room) {
    const list = room.events.filter((e) => e.type !== 'minutes_left').slice(-150).reverse();
    $('events').replaceChildren(...list.map((e) => el('li', {},
      el('time', { datetime: e.at || '', text: e.at ? S.time(e.at) : '' }),
      el('span', { text: `${S.eventWords(e)}${e.actor && typeof e.actor === 'string' && !e.actor.startsWith('stillroom') ? ` — ${e.actor}` : ''}` }))));
    const notes = [];
    if (historyRefused) notes.push(`Events since this page opened (the room's record could not be read here: ${historyRefused}).`);
    if (room.lostEvents) notes.push(`${room.lostEvents} event(s) missed (a gap in the numbering); the record has them all.`);
    $('events-note').textContent = notes.join(' ');
  }

  function renderCatalogue(room) {
    const c = room.catalogue;
    const box = $('catalogue');
    if (!c) {
      box.replaceChildren(el('p', { class: 'note', text: view.link.readsClinical(view.roomId)
        ? 'The room has not published its catalogue yet: type the client id to load.'
        : 'This device may not read the clinical catalogue.' }));
      return;
    }
    const key = JSON.stringify(c);
    if (box.dataset.key === key) return;
    box.dataset.key = key;
    const table = (caption, head, rows) => el('table', {}, el('caption', { class: 'visually-hidden', text: caption }),
      el('thead', {}, el('tr', {}, ...head.map((h) => el('th', { scope: 'col', text: h })))),
      el('tbody', {}, ...rows.map((r) => el('tr', {}, ...r.map((v) => el('td', { text: v }))))));
    const range = (r) => (r ? `${r.min_mg}–${r.max_mg} mg` : '—');
    box.replaceChildren(
      el('h3', { text: 'Clients' }),
      table('Clients', ['Client', 'Protocol', 'Playlist', 'Course (suggested doses)'], (c.clients || []).map((x) => [x.id, x.protocol || '', x.playlist || '',
        (x.series || []).map((s) => `${s.session}: ${s.dose_mg != null ? `${s.dose_mg} mg` : '—'}` +
          `${s.protocol !== x.protocol || s.playlist !== x.playlist ? ` (${s.protocol}, ${s.playlist})` : ''}`).join('; ') || '—'])),
      el('h3', { text: 'Protocols' }),
      table('Protocols', ['Protocol', 'Route', 'Dose range', 'Booster'], (c.protocols || []).map((p) => [`${p.name || p.id} (${p.id})`,
        `${p.medication || ''} ${p.route || ''}`, range(p.dose_range), p.boosters
          ? `${p.boosters.rule}, ${range(p.boosters.range)}, ${S.duration(p.boosters.earliest_s)}–${S.duration(p.boosters.latest_s)} after the dose, at most ${p.boosters.max}`
          : 'none'])),
      el('h3', { text: 'Playlists' }),
      table('Playlists', ['Playlist', 'Phases covered', 'Music check'], (c.playlists || []).map((p) => [`${p.name || p.id} (${p.id})`,
        (p.phases || []).map((ph) => `${ph.name} ${S.duration(ph.music_s)}`).join(', '),
        p.preflight ? (p.preflight.ok ? `passed ${S.time(p.preflight.at)}` : `problems: ${(p.preflight.problems || []).join('; ')}`) : 'not checked yet'])));
    const options = (id, items) => $(id).replaceChildren(...items.map((v) => el('option', { value: v })));
    options('client-list', (c.clients || []).map((x) => x.id));
    options('protocol-list', (c.protocols || []).map((x) => x.id));
    options('playlist-list', (c.playlists || []).map((x) => x.id));
    suggestAll();
  }

  function render(v, live) {
    const room = v.room;
    const s = room.state || {};
    const st = s.state;
    const on = live.live;
    const clients = clientsOf(s);
    fillClientSelects(clients);
    const group = clients.length > 1;
    for (const id of ['dose-client', 'booster-client', 'vitals-client']) $(id).closest('label').hidden = !group;

    const canLoad = on && (st === 'idle' || st === 'ready') && !s.checking;
    $('preload').disabled = !canLoad;
    $('add-client').disabled = !canLoad;
    const active = st === 'running' || st === 'paused';
    const doseOf = (id) => (s.doses || []).find((d) => d.client === id);
    const chosen = doseOf($('dose-client').value);
    // A dose is entered (or changed) until it is given; a group member's first dose is given on the tablet.
    $('enter-dose').disabled = !on || !['ready', 'running', 'paused'].includes(st) || !!(chosen && chosen.given_at);
    $('give-dose').disabled = !on || !active || !group || !chosen || !!chosen.given_at;
    $('give-dose').hidden = !group;
    const cap = (catalogue() && catalogue().room && catalogue().room.max_volume_db != null) ? catalogue().room.max_volume_db : 0;
    $('volume').max = String(cap);
    $('volume').disabled = !on || !['ready', 'running', 'paused'].includes(st);
    if (document.activeElement !== $('volume') && s.volume_db != null) $('volume').value = String(s.volume_db);
    $('volume-value').textContent = `${$('volume').value} dB (room's maximum ${cap} dB)`;
    $('skip').disabled = !on || st !== 'running';
    $('alternate').disabled = !on || st !== 'running';
    $('booster').disabled = !on || !active;
    $('vitals').disabled = !on || !st || st === 'idle';
    $('clear').disabled = !on || !(st === 'ended' || st === 'aborted');
    const position = S.trackPosition(room, on ? Date.now() : room.stateAt);
    $('track').textContent = s.track ? `Playing: ${S.trackWords(s.track)}` +
      `${s.track.duration_s ? ` (${S.duration(position)} of ${S.duration(s.track.duration_s)})` : ''}`
      : st === 'paused' ? 'Paused: no music playing.' : 'No music playing.';

    renderDoses(room);
    afterCare.render(on);
    renderEvents(room);
    renderCatalogue(room);
    S.drawTimeline($('timeline'), room, Date.now());

    // The whole session's events from the record, once per session and again after each reconnect
    // (what was published while this page was away). A refusal is said once, not asked again.
    const asking = `${s.session}|${v.link.connects}`;
    if (on && s.session && historyAsked !== asking && !historyRefused) {
      historyAsked = asking;
      v.link.send(v.roomId, 'history', { session: s.session }).then((reply) => {
        if (reply.ok) return;
        if (reply.timeout || reply.local) historyAsked = null;
        else historyRefused = reply.error || reply.reason;
        view.render();
      });
    }
  }

  function wire() {
    addPreloadRow(true);
    $('add-client').addEventListener('click', () => addPreloadRow(false).suggest());
    $('preload-session').addEventListener('input', suggestAll);
    $('preload').addEventListener('click', preload);
    $('enter-dose').addEventListener('click', () => enterDose(false));
    $('give-dose').addEventListener('click', () => enterDose(true));
    $('volume').addEventListener('input', () => { $('volume-value').textContent = `${$('volume').value} dB`; });
    $('volume').addEventListener('change', () => view.command('volume', { db: Number($('volume').value) }, `Volume ${$('volume').value} dB.`));
    $('skip').addEventListener('click', () => view.command('skip', {}, 'Skipped to the next track.'));
    $('alternate').addEventListener('click', () => view.command('alternate', {}, 'Playing the alternate track.'));
    $('booster').addEventListener('click', booster);
    $('vitals').addEventListener('click', vitals);
    $('clear').addEventListener('click', async () => {
      const yes = await view.confirm('Clear the room?',
        'The finished session stays in the record; the lights return to normal and the room is ready for the next client.',
        'Clear the room');
      if (yes) view.command('clear', {}, 'Cleared: ready for the next client.');
    });
  }

  view = new S.RoomView({ clinical: true, onRender: render });
  afterCare = new S.AfterCare(view);
  wire();
  view.boot();
})(window);

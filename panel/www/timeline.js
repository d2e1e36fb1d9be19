// The session as a timeline on the dose clock, drawn as SVG: phases as bands (from the retained plan,
// or from the phase changes seen), the now-line, reminders (upcoming, due, acknowledged, overdue),
// pauses, talk, and marks from the events: doses, boosters, vitals, observations, ready to leave and
// discharge. timelineData() is pure; draw puts it in a container. Runs on the page's thread.
'use strict';

(function (global) {
  const S = global.Stillroom;
  /** A reminder due longer than this without an acknowledgement is overdue. */
  const OVERDUE_S = 300;
  const W = 560;
  const PAD = 8;

  const sec = (ms) => (ms == null ? null : ms / 1000);

  /** Everything the timeline shows, in dose-clock seconds. */
  function timelineData(room, now) {
    const s = room.state || {};
    if (!s.session) return null;
    const events = room.events.filter((e) => e.session === s.session);
    const since = S.sinceDose(room, now);
    const plan = room.plan && room.plan.session === s.session ? room.plan : null;

    let phases = plan ? plan.phases.map((p) => ({ name: p.name, start: p.start_s, end: p.end_s })) : [];
    if (!phases.length) {
      for (const e of events.filter((x) => x.type === 'phase_changed')) {
        const start = sec(e.at_dose_ms);
        const end = sec(e.ends_at_dose_ms);
        const same = phases.find((p) => p.name === e.phase);
        if (same) { same.end = end != null ? end : same.end; continue; }
        phases.push({ name: e.phase, start, end });
      }
    }

    const acked = events.filter((e) => e.type === 'reminder_acked');
    const isAcked = (id, client) => acked.some((e) => e.reminder === id && (!client || !e.client || e.client === client));
    let reminders = plan && plan.reminders ? plan.reminders.map((r) => ({ id: r.id, client: r.client, text: r.text, at: r.due_s })) : [];
    if (!reminders.length) {
      for (const e of events.filter((x) => x.type === 'reminder_due')) {
        if (!reminders.some((r) => r.id === e.reminder && r.client === e.client)) {
          reminders.push({ id: e.reminder, client: e.client, text: e.text || e.reminder, at: sec(e.due_dose_ms) });
        }
      }
      const n = s.next_reminder;
      if (n && !reminders.some((r) => r.id === n.id)) reminders.push({ id: n.id, client: n.client, text: n.text, at: n.at_s });
    }
    reminders = reminders.filter((r) => r.at != null).map((r) => {
      let status = 'upcoming';
      if (isAcked(r.id, r.client)) status = 'acknowledged';
      else if (since != null && since >= r.at) status = since - r.at > OVERDUE_S ? 'overdue' : 'due';
      return Object.assign(r, { status });
    });

    const spans = (onType, offType, test = () => true) => {
      const out = [];
      let open = null;
      for (const e of events) {
        if (e.type === onType && test(e, true) && open == null) open = sec(e.at_dose_ms);
        else if (e.type === offType && test(e, false) && open != null) { out.push({ start: open, end: sec(e.at_dose_ms) }); open = null; }
      }
      if (open != null) out.push({ start: open, end: since });
      return out.filter((x) => x.start != null && x.end != null);
    };
    const pauses = spans('paused', 'resumed');
    const talk = spans('talk', 'talk', (e, opening) => !!e.on === opening);
    const marks = [];
    for (const e of events) {
      const at = sec(e.at_dose_ms);
      if (at == null) continue;
      if (e.type === 'booster') marks.push({ kind: 'booster', at, text: `Booster${e.client ? ` ${e.client}` : ''}` });
      else if (e.type === 'dose' && !e.booster) marks.push({ kind: 'dose', at, text: `Dose${e.client ? ` ${e.client}` : ''}` });
      else if (e.type === 'vitals') marks.push({ kind: 'vitals', at, text: S.eventWords(e) });
      else if (e.type === 'session_ended') marks.push({ kind: 'end', at, text: `Ended (${e.reason})` });
      else if (e.type === 'observation') marks.push({ kind: 'observation', at, text: S.eventWords(e) });
      else if (e.type === 'ready_to_leave') marks.push({ kind: 'ready', at, text: S.eventWords(e) });
      else if (e.type === 'discharged') marks.push({ kind: 'discharged', at, text: S.eventWords(e) });
    }

    const ends = [0, since, ...phases.map((p) => p.end), ...reminders.map((r) => r.at), ...marks.map((m) => m.at)]
      .filter((x) => x != null && Number.isFinite(x));
    const starts = [0, ...phases.map((p) => p.start)].filter((x) => x != null);
    let start = plan && plan.start_at_s != null ? plan.start_at_s : Math.min(...starts);
    let end = Math.max(plan ? (plan.monitoring_end_s || plan.session_end_s || 0) : 0, ...ends);
    if (end - start < 60) end = start + 60;
    start = Math.min(start, since != null ? since : start);
    return { since, start, end, phases: phases.filter((p) => p.start != null), reminders, pauses, talk, marks };
  }

  const esc = (t) => String(t).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' }[c]));

  function tickStep(span) {
    for (const step of [10, 30, 60, 120, 300, 600, 900, 1800, 3600]) if (span / step <= 7) return step;
    return 7200;
  }

  function draw(container, room, now) {
    const d = timelineData(room, now);
    if (!d) {
      container.innerHTML = '<p class="note">No session: the timeline appears when a client is loaded.</p>';
      return;
    }
    const x = (t) => PAD + ((t - d.start) / (d.end - d.start)) * (W - 2 * PAD);
    const parts = [];
    const step = tickStep(d.end - d.start);
    for (let t = Math.ceil(d.start / step) * step; t <= d.end; t += step) {
      parts.push(`<line class="tl-tick" x1="${x(t)}" x2="${x(t)}" y1="18" y2="118"/>`,
        `<text class="tl-label" x="${x(t)}" y="13" text-anchor="middle">${esc(S.doseClock(t).replace('+0:', '+').replace('−0:', '−'))}</text>`);
    }
    d.phases.forEach((p, i) => {
      const x1 = x(p.start);
      const x2 = x(p.end != null ? p.end : d.end);
      parts.push(`<g><title>${esc(`${p.name}: ${S.doseClock(p.start)} to ${p.end != null ? S.doseClock(p.end) : '…'}`)}</title>` +
        `<rect class="tl-phase tl-phase-${i % 2}" x="${x1}" y="22" width="${Math.max(1, x2 - x1)}" height="36" rx="4"/>` +
        `<text class="tl-phase-name" x="${x1 + 4}" y="45">${esc(x2 - x1 > 40 ? p.name : '')}</text></g>`);
    });
    for (const p of d.pauses) {
      parts.push(`<g><title>Paused ${esc(S.doseClock(p.start))} to ${esc(S.doseClock(p.end))}</title>` +
        `<rect class="tl-pause" x="${x(p.start)}" y="64" width="${Math.max(2, x(p.end) - x(p.start))}" height="12"/></g>`);
    }
    for (const p of d.talk) {
      parts.push(`<g><title>Talk ${esc(S.doseClock(p.start))} to ${esc(S.doseClock(p.end))}</title>` +
        `<rect class="tl-talk" x="${x(p.start)}" y="80" width="${Math.max(2, x(p.end) - x(p.start))}" height="8"/></g>`);
    }
    for (const r of d.reminders) {
      const cx = x(r.at);
      parts.push(`<g class="tl-reminder tl-${r.status}"><title>${esc(`${r.text}${r.client ? ` (${r.client})` : ''} at ${S.doseClock(r.at)}: ${r.status}`)}</title>` +
        `<path d="M${cx} 92 l7 12 h-14 z"/>${r.status === 'acknowledged' ? `<text x="${cx}" y="103" text-anchor="middle" class="tl-check">✓</text>` : ''}</g>`);
    }
    for (const m of d.marks) {
      const letter = { booster: 'B', dose: 'D', vitals: 'V', end: 'E', observation: 'O', ready: 'R', discharged: 'L' }[m.kind];
      parts.push(`<g class="tl-mark tl-${m.kind}"><title>${esc(`${m.text} at ${S.doseClock(m.at)}`)}</title>` +
        `<circle cx="${x(m.at)}" cy="114" r="7"/><text x="${x(m.at)}" y="118" text-anchor="middle">${letter}</text></g>`);
    }
    if (d.since != null) {
      parts.push(`<line class="tl-now" x1="${x(d.since)}" x2="${x(d.since)}" y1="18" y2="124"/>`);
    }
    const summary = `Phases: ${d.phases.map((p) => p.name).join(', ') || 'none yet'}. Now ${S.doseClock(d.since)}. ` +
      `Reminders: ${d.reminders.map((r) => `${r.text} ${r.status}`).join('; ') || 'none'}. ` +
      `${d.pauses.length} pause(s), ${d.talk.length} talk, ${d.marks.filter((m) => m.kind === 'booster').length} booster(s), ` +
      `${d.marks.filter((m) => m.kind === 'vitals').length} vitals, ${d.marks.filter((m) => m.kind === 'observation').length} observation(s)` +
      `${d.marks.some((m) => m.kind === 'ready') ? ', ready to leave' : ''}${d.marks.some((m) => m.kind === 'discharged') ? ', discharged' : ''}.`;
    container.innerHTML =
      `<svg viewBox="0 0 ${W} 128" role="img" aria-labelledby="tl-title tl-desc"><title id="tl-title">Session timeline</title>` +
      `<desc id="tl-desc">${esc(summary)}</desc>${parts.join('')}</svg>` +
      '<div class="legend"><span>▮ phases</span><span>▬ paused</span><span>▬ talk</span>' +
      '<span>▲ reminder: upcoming · due · overdue · ✓ acknowledged</span><span>D dose · B booster · V vitals · E end</span>' +
      '<span>O observation · R ready to leave · L left (discharged)</span>' +
      '<span>| now</span></div>';
  }

  global.Stillroom = Object.assign(global.Stillroom || {}, { timelineData, drawTimeline: draw });
})(window);

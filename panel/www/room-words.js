// Words and numbers for people: the dose clock, the room's state, reminders, faults and events as
// the panel, the tablet and the clinic view show them. Pure functions of what the room published.
'use strict';

(function (global) {
  const pad = (n) => String(n).padStart(2, '0');

  /** Dose-clock seconds as −H:MM:SS before the dose and +H:MM:SS from it; never +0:00:00 before it. */
  function doseClock(seconds) {
    if (seconds == null || !Number.isFinite(seconds)) return '—';
    const before = seconds < 0;
    // Before the dose a fraction rounds away from zero: 0.4 s before shows −0:00:01.
    const s = before ? Math.ceil(-seconds) : Math.floor(seconds);
    const h = Math.floor(s / 3600);
    const m = Math.floor((s % 3600) / 60);
    return `${before ? '−' : '+'}${h}:${pad(m)}:${pad(s % 60)}`;
  }

  /** A duration in seconds as M:SS (or H:MM:SS). */
  function duration(seconds) {
    if (seconds == null || !Number.isFinite(seconds)) return '—';
    const s = Math.max(0, Math.round(seconds));
    const h = Math.floor(s / 3600);
    const m = Math.floor((s % 3600) / 60);
    return h ? `${h}:${pad(m)}:${pad(s % 60)}` : `${m}:${pad(s % 60)}`;
  }

  const clockRuns = (state) => ['running', 'paused', 'ended', 'aborted'].includes(state && state.state);

  /** The room's dose clock now (seconds since T0; negative before it), or null when no dose is set. */
  function sinceDose(room, now = Date.now()) {
    const s = room && room.state;
    if (!s) return null;
    if (s.since_dose_s == null) return null;
    return s.since_dose_s + (clockRuns(s) ? (now - room.stateAt) / 1000 : 0);
  }

  /** Seconds until the current phase ends, moved on since the state arrived. */
  function phaseLeft(room, now = Date.now()) {
    const s = room && room.state;
    if (!s || s.phase_ends_in_s == null) return null;
    return s.phase_ends_in_s - (clockRuns(s) ? (now - room.stateAt) / 1000 : 0);
  }

  /** Reminders due and not acknowledged, oldest first: [{id, client, text, at_s}]. */
  function dueReminders(room) {
    const s = room && room.state;
    return s && Array.isArray(s.reminders_due) ? s.reminders_due : [];
  }

  /** The reminder to come (not yet due), or null. */
  function nextReminder(room, now = Date.now()) {
    const s = room && room.state;
    const r = s && s.next_reminder;
    if (!r) return null;
    return dueReminders(room).some((d) => d.id === r.id && (d.client || null) === (r.client || null)) ? null : r;
  }

  const STATE_WORDS = {
    idle: 'No session',
    ready: 'Ready',
    running: 'Running',
    paused: 'Paused',
    ended: 'Ended',
    aborted: 'Ended by emergency',
  };
  const stateWords = (state) => (state ? STATE_WORDS[state.state] || state.state : '—');

  const time = (iso) => {
    const t = Date.parse(iso);
    return Number.isNaN(t) ? '' : new Date(t).toLocaleTimeString();
  };

  const FAULT_WORDS = {
    audio_device: 'Sound output',
    audio_underrun: 'Sound interrupted',
    audio_file: 'A music file failed',
    light_not_following: 'A light is not following',
    broker: 'Broker connection',
    mqtt_buffer: 'Messages lost while the broker was away',
    record: 'The clinical record cannot be written',
    restore: 'The session could not be restored',
    clock_unsynced: "The room's clock is not synchronised",
    fatal: 'The room controller failed and is restarting',
  };

  /** One fault in words with its time: {title, detail, since}. */
  function faultWords(f) {
    return {
      title: FAULT_WORDS[f.code] || f.code,
      detail: f.message || f.subject || '',
      since: f.since ? `since ${time(f.since)}` : '',
    };
  }

  /** A file name without its folders and its extension ('/music/peak-tidal.ogg' → 'peak-tidal'). */
  function fileStem(file) {
    const name = String(file || '').split('/').pop();
    const dot = name.lastIndexOf('.');
    return dot > 0 ? name.slice(0, dot) : name;
  }

  /** What plays, as the room names it: its playlist title, else its file name; with the artist. */
  function trackWords(track) {
    if (!track) return '';
    const title = track.title || fileStem(track.file) || 'a track without a name';
    return `${title}${track.artist ? ` — ${track.artist}` : ''}`;
  }

  /** A signed difference of clocks in words: '0.3 s', '2 min 05 s'. */
  function clockDifference(ms) {
    const s = Math.abs(ms) / 1000;
    if (s < 60) return `${s.toFixed(1)} s`;
    const m = Math.floor(s / 60);
    return `${m} min ${pad(Math.round(s % 60))} s`;
  }

  const atDose = (e) => (e.at_dose_ms != null ? ` at ${doseClock(e.at_dose_ms / 1000)}` : '');
  // Amounts and lots travel only on the clinician topics: without them a dose line names no amount.
  const mg = (e) => (e.amount != null ? ` ${e.amount} ${e.unit || 'mg'}${e.lot ? ` (lot ${e.lot})` : ''}` : '');
  const moved = (e) => (e.from || e.to ? `: ${e.from || '—'} → ${e.to || '—'}` : '');

  // The after-care vocabularies (session/Event.hpp, namespace vocabulary): the words a person reads.
  /** MOAA/S, the Modified Observer's Assessment of Alertness/Sedation, 5 (alert) to 0. */
  const MOAAS_WORDS = {
    5: 'responds readily to name in a normal tone',
    4: 'lethargic response to name',
    3: 'responds only after name is called loudly or repeatedly',
    2: 'responds only after mild prodding or shaking',
    1: 'responds only after a painful trapezius squeeze',
    0: 'no response',
  };
  const DISSOCIATION_WORDS = { absent: 'absent', present: 'present' };
  const DISSOCIATION_FEATURE_WORDS = { depersonalization: 'depersonalisation', derealization: 'derealisation', amnesia: 'amnesia' };
  const RESPIRATORY_WORDS = {
    none: 'no breathing events', snoring: 'snoring', desaturation: 'desaturation', apnoea: 'apnoea',
    airway_support: 'airway support needed',
  };
  const SIGNATURE_MEANINGS = ['authored', 'reviewed', 'reviewed and approved'];
  const ADDENDUM_SECTION_WORDS = {
    other: 'other', dose: 'dose', vitals: 'vitals', observation: 'observation', ready_to_leave: 'ready to leave',
    discharge: 'discharge', reminders: 'reminders',
  };

  /**
   * An observation's findings in words ('' when its clinical fields did not come, as on the public
   * topic); `brief` names the MOAA/S score without the scale's words.
   */
  function observationWords(e, brief = false) {
    const parts = [];
    if (e.moaa_s != null) parts.push(`sedation MOAA/S ${e.moaa_s}${brief ? '' : ` (${MOAAS_WORDS[e.moaa_s] || 'outside the scale'})`}`);
    if (e.dissociation) {
      const details = [...(e.dissociation_features || []).map((f) => DISSOCIATION_FEATURE_WORDS[f] || f),
        ...(e.cadss != null ? [`CADSS ${e.cadss}`] : [])];
      parts.push(`dissociation ${DISSOCIATION_WORDS[e.dissociation] || e.dissociation}${details.length ? ` (${details.join(', ')})` : ''}`);
    }
    if (e.respiratory) parts.push(`breathing: ${RESPIRATORY_WORDS[e.respiratory] || e.respiratory}`);
    return parts.join('; ');
  }

  const by = (e) => (e.by ? `, by ${e.by}` : '');
  // The time a clinician gave for ready to leave or discharge (`at` is when it was entered).
  const careTime = (e) => {
    const clock = e.at_dose_ms != null ? doseClock(e.at_dose_ms / 1000) : '';
    const given = e.ready_at || e.discharged_at;
    if (given) return ` at ${time(given)}${clock ? ` (${clock})` : ''}`;
    return clock ? ` at ${clock}` : '';
  };

  /** One event as a line for the event list. */
  function eventWords(e) {
    const who = e.client ? ` ${e.client}` : '';
    switch (e.type) {
      case 'session_preloaded': return `Loaded ${(e.clients || []).join(', ')}: ${e.protocol}, ${e.playlist}` +
        `${e.session_number != null ? `, session ${e.session_number} of the course` : ''}`;
      case 'preload_checking': return `Checking the music for ${(e.clients || []).join(', ')}`;
      case 'preload_dropped': return 'The load did not go ahead';
      case 'dose_entered': return `Dose entered for${who}:${mg(e) || ' (amount on the clinician topics)'}`;
      case 'session_started': return `Started; dose at ${time(e.dose_at)}` +
        `${e.clock_confirmed_by ? ` (the room's clock confirmed by ${e.clock_confirmed_by})` : ''}`;
      case 'dose': return `Dose given${who}:${mg(e)}${e.given_at ? ` at ${time(e.given_at)}` : ''}` +
        `${e.booster ? ' (booster)' : ''}${e.entered_by ? `, entered by ${e.entered_by}` : ''}`;
      case 'booster': return `Booster${who}${atDose(e)}${e.rule ? ` (${e.rule})` : ''}`;
      case 'phase_changed': return `Phase: ${e.phase}${atDose(e)}`;
      case 'track_changed': return `Track: ${trackWords(e)}`;
      case 'paused': return `Paused${atDose(e)}`;
      case 'resumed': return `Resumed${atDose(e)}`;
      case 'talk': return `Talk ${e.on ? 'on' : 'off'}${atDose(e)}`;
      case 'volume': return `Volume ${e.db} dB`;
      case 'skip': return `Skipped${e.reason ? ` by the room (${e.reason})` : ''}${moved(e)}`;
      case 'alternate': return `Alternate track${moved(e)}`;
      case 'reminder_due': return `Due: ${e.text || e.reminder}${who}`;
      case 'reminder_acked': return `Acknowledged: ${e.reminder}${who}`;
      case 'reminder_repeat': return `Still due: ${e.reminder}${who}`;
      case 'vitals': {
        const v = e.bp_sys != null ? ` BP ${e.bp_sys}/${e.bp_dia}${e.hr != null ? `, HR ${e.hr}` : ''}` +
          `${e.spo2 != null ? `, SpO₂ ${e.spo2} %` : ''}` : '';
        return `Vitals${who}${v}`;
      }
      case 'observation': {
        const findings = observationWords(e);
        return `Observation${who}${atDose(e)}: ${findings || '(findings on the clinician topics)'}${by(e)}`;
      }
      case 'ready_to_leave': return `Ready to leave:${who || ' the client'}${careTime(e)}${by(e)}`;
      case 'discharged': return `Discharged:${who || ' the client'}${careTime(e)}${by(e)}`;
      case 'signed': return `Signed (${e.meaning})${by(e)} at ${time(e.signed_at || e.at)}` +
        `${e.content_hash ? `; summary ${String(e.content_hash).slice(0, 12)}` : ''}`;
      case 'addendum': return `Addendum (${ADDENDUM_SECTION_WORDS[e.section] || e.section || 'other'})${who}${by(e)}` +
        `${e.text ? `: ${e.text}` : ''}`;
      case 'emergency': return 'EMERGENCY: full light, session ended';
      case 'session_ended': return `Session ended (${e.reason})${atDose(e)}`;
      case 'monitoring_ended': return `Monitoring ended${who}`;
      case 'cleared': return 'Room cleared';
      case 'fault': return `Fault: ${e.message || e.code}`;
      case 'fault_cleared': return `Fault cleared: ${e.code}${e.subject ? ` (${e.subject})` : ''}`;
      case 'command_refused': return `Refused '${e.cmd}': ${e.error || e.reason}`;
      case 'recovered': return `Controller restarted; ${e.outage_ms != null && e.outage_ms >= 0
        ? `away ${duration(e.outage_ms / 1000)}` : 'how long it was away is not known'}` +
        `${e.clock_source === 'wall_unsynced' ? "; the dose clock follows an unsynchronised clock" : ''}`;
      case 'clock_stepped': return `The room's clock stepped by ${clockDifference(e.step_ms || 0)}` +
        `${e.step_ms < 0 ? ' back' : ' forward'}`;
      case 'checkpoint': return `Record checkpoint ${e.seq}`;
      case 'minutes_left': return `${Math.round((e.remaining_s || 0) / 60)} minutes left`;
      default: return e.type;
    }
  }

  /** What became of a command the room did not simply carry out, in words (reply.reason, docs/mqtt.md). */
  function replyWords(cmd, reply) {
    const why = reply.error || reply.reason || 'no reason given';
    switch (reply.reason) {
      case 'stale': return `Not carried out: '${cmd}' reached the room too late (${why}).`;
      case 'clock_skew': return `Not carried out: '${cmd}' carried a time ahead of the room's clock (${why}).`;
      case 'clock_unsynced': return `Not started: the room's clock is not synchronised, and its time was not confirmed. ` +
        `Open Start, check the room's time against this device and tick 'The time is right' (the room says: ${why}).`;
      case 'not_recorded': return `'${cmd}' was carried out, but it is not in the clinical record yet: ${why}`;
      default: return `The room refused '${cmd}': ${why}`;
    }
  }

  /** Where the current track is, in seconds, moved on since the state while the music plays. */
  function trackPosition(room, now = Date.now()) {
    const s = room && room.state;
    if (!s || !s.track || s.track.position_s == null) return null;
    const p = s.track.position_s + (s.state === 'running' ? (now - room.stateAt) / 1000 : 0);
    return s.track.duration_s != null ? Math.min(p, s.track.duration_s) : p;
  }

  global.Stillroom = Object.assign(global.Stillroom || {}, {
    replyWords, trackPosition,
    doseClock, duration, sinceDose, phaseLeft, dueReminders, nextReminder, stateWords, faultWords,
    eventWords, time, fileStem, trackWords, clockDifference, observationWords,
    MOAAS_WORDS, DISSOCIATION_WORDS, DISSOCIATION_FEATURE_WORDS, RESPIRATORY_WORDS, SIGNATURE_MEANINGS, ADDENDUM_SECTION_WORDS,
  });
})(typeof window !== 'undefined' ? window : globalThis);

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
    if (s.since_dose_s != null) {
      return s.since_dose_s + (clockRuns(s) ? (now - room.stateAt) / 1000 : 0);
    }
    if (s.dose_at) {
      const at = Date.parse(s.dose_at);
      if (!Number.isNaN(at)) return (room.roomNow(now).getTime() - at) / 1000;
    }
    return null;
  }

  /** Seconds until the current phase ends, moved on since the state arrived. */
  function phaseLeft(room, now = Date.now()) {
    const s = room && room.state;
    if (!s || s.phase_ends_in_s == null) return null;
    return s.phase_ends_in_s - (clockRuns(s) ? (now - room.stateAt) / 1000 : 0);
  }

  /** Reminders due and not acknowledged, oldest first: [{id, client, text, at_s}]. */
  function dueReminders(room, now = Date.now()) {
    const s = room && room.state;
    if (!s) return [];
    if (Array.isArray(s.reminders_due)) return s.reminders_due;
    // Before v2 the state names only next_reminder: the oldest due one, else the next to come.
    const r = s.next_reminder;
    if (!r) return [];
    if (r.due === true) return [r];
    if (r.due === false) return [];
    const since = sinceDose(room, now);
    return since != null && since >= r.at_s ? [r] : [];
  }

  /** The reminder to come (not yet due), or null. */
  function nextReminder(room, now = Date.now()) {
    const s = room && room.state;
    const r = s && s.next_reminder;
    if (!r) return null;
    return dueReminders(room, now).some((d) => d.id === r.id && (d.client || null) === (r.client || null)) ? null : r;
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
  };

  /** One fault in words with its time: {title, detail, since}. */
  function faultWords(f) {
    return {
      title: FAULT_WORDS[f.code] || f.code,
      detail: f.message || f.subject || '',
      since: f.since ? `since ${time(f.since)}` : '',
    };
  }

  const atDose = (e) => (e.at_dose_ms != null ? ` at ${doseClock(e.at_dose_ms / 1000)}` : '');
  const mg = (e) => {
    const amount = e.amount != null ? e.amount : e.dose_mg;
    return amount != null ? ` ${amount} ${e.unit || 'mg'}${e.lot ? ` (lot ${e.lot})` : ''}` : '';
  };

  /** One event as a line for the event list. */
  function eventWords(e) {
    const who = e.client ? ` ${e.client}` : '';
    switch (e.type) {
      case 'session_preloaded': return `Loaded ${(e.clients || []).join(', ')}: ${e.protocol}, ${e.playlist}${mg(e)}`;
      case 'dose_entered': return `Dose entered for${who}:${mg(e)}`;
      case 'session_started': return `Started; dose at ${time(e.dose_at)}`;
      case 'dose': return `Dose given${who}:${mg(e)}${e.booster ? ' (booster)' : ''}`;
      case 'booster': return `Booster${who}${mg(e)}${atDose(e)}`;
      case 'phase_changed': return `Phase: ${e.phase}${atDose(e)}`;
      case 'track_changed': return `Track: ${e.title || e.file}`;
      case 'paused': return `Paused${atDose(e)}`;
      case 'resumed': return `Resumed${atDose(e)}`;
      case 'talk': return `Talk ${e.on ? 'on' : 'off'}${atDose(e)}`;
      case 'volume': return `Volume ${e.db} dB`;
      case 'skip': return 'Skipped to the next track';
      case 'alternate': return 'Alternate track';
      case 'reminder_due': return `Due: ${e.text || e.reminder}${who}`;
      case 'reminder_acked': return `Acknowledged: ${e.reminder}${who}`;
      case 'reminder_repeat': return `Still due: ${e.reminder}${who}`;
      case 'vitals': {
        const v = e.bp_sys != null ? ` BP ${e.bp_sys}/${e.bp_dia}${e.hr != null ? `, HR ${e.hr}` : ''}` +
          `${e.spo2 != null ? `, SpO₂ ${e.spo2} %` : ''}` : '';
        return `Vitals${who}${v}`;
      }
      case 'emergency': return 'EMERGENCY: full light, session ended';
      case 'session_ended': return `Session ended (${e.reason})${atDose(e)}`;
      case 'monitoring_ended': return `Monitoring ended${who}`;
      case 'cleared': return 'Room cleared';
      case 'fault': return `Fault: ${e.message || e.code}`;
      case 'fault_cleared': return `Fault cleared: ${e.code}${e.subject ? ` (${e.subject})` : ''}`;
      case 'command_refused': return `Refused '${e.cmd}': ${e.error || e.reason}`;
      case 'recovered': return `Controller restarted; outage ${duration((e.outage_ms || 0) / 1000)}`;
      case 'minutes_left': return `${Math.round((e.remaining_s || 0) / 60)} minutes left`;
      default: return e.type;
    }
  }

  global.Stillroom = Object.assign(global.Stillroom || {}, {
    doseClock, duration, sinceDose, phaseLeft, dueReminders, nextReminder, stateWords, faultWords,
    eventWords, time,
  });
})(typeof window !== 'undefined' ? window : globalThis);

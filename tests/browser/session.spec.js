// A whole session run from the tablet and the panel alone, then the next client: every step checked
// on the room's state topic, in its events, and at the end in the clinical record (`stillroom record
// export`): who did it (the device), in order.
'use strict';

const assert = require('node:assert/strict');
const { spec, run } = require('./support/spec');
const { until } = require('./support/room');
const { text, waitStateWords, waitMessage } = require('./support/pages');

spec('a whole session from the tablet and the panel, then the next client', async ({ room, browser }) => {
  const tablet = await browser.open('tablet.html', 'tablet-1');
  const panel = await browser.open('index.html', 'panel-1');
  await waitStateWords(tablet, 'No session');
  await waitStateWords(panel, 'No session');
  assert.equal(await panel.isEnabled('#start'), false, 'Start is off with nothing loaded');

  // Preload on the tablet: the dose is typed by the clinician.
  let from = room.mark();
  await tablet.fill('.preload-row .p-client', 'c-7');
  await tablet.fill('.preload-row .p-amount', '50');
  await tablet.click('#preload');
  const preloaded = await room.waitEvent('session_preloaded', () => true, 15000, from);
  assert.deepEqual(preloaded.clients, ['c-7']);
  assert.equal((await room.waitEvent('dose_entered', (e) => e.client === 'c-7', 10000, from)).actor, 'tablet-1');
  const session = preloaded.session;
  await room.waitState((s) => s.state === 'ready' && s.client === 'c-7', 15000, from);
  await waitStateWords(panel, 'Ready');
  assert.match(await text(panel, '#loaded'), /c-7/);
  assert.equal(await text(panel, '#dose-clock'), '—', 'no dose clock before the dose');

  // Start on the panel: it asks the dose time (default now) and shows what will be recorded first.
  await panel.click('#start');
  await panel.waitForSelector('#start-dialog[open]');
  const preview = await text(panel, '#start-record');
  assert.match(preview, /Clientc-7/);
  assert.match(preview, /Protocolquick/);
  assert.match(preview, /Dose givennow/);
  assert.equal(await panel.isChecked('#start-form input[value=now]'), true);
  from = room.mark();
  await panel.click('#start-confirm');
  const started = await room.waitEvent('session_started', () => true, 10000, from);
  assert.equal(started.actor, 'panel-1');
  await room.waitState((s) => s.state === 'running' && s.phase === 'onset', 10000, from);
  await waitStateWords(tablet, 'Running');
  await until(async () => /^\+0:00:0\d$/.test(await text(panel, '#dose-clock')), 5000, 'the dose clock to run from +0:00:00');

  // Pause and resume on the panel: the dose clock runs on.
  from = room.mark();
  await panel.click('#pause');
  await room.waitEvent('paused', (e) => e.actor === 'panel-1', 10000, from);
  await room.waitState((s) => s.state === 'paused', 10000, from);
  await waitStateWords(tablet, 'Paused');
  assert.equal(await text(panel, '#pause'), 'Resume');
  from = room.mark();
  await panel.click('#pause');
  await room.waitEvent('resumed', (e) => e.actor === 'panel-1', 10000, from);
  await waitStateWords(panel, 'Running');

  // Talk on and off on the tablet; the panel shows it.
  from = room.mark();
  await tablet.click('#talk');
  await room.waitEvent('talk', (e) => e.on === true && e.actor === 'tablet-1', 10000, from);
  await until(async () => (await panel.getAttribute('#talk', 'aria-pressed')) === 'true', 5000, 'the panel to show talk on');
  from = room.mark();
  await tablet.click('#talk');
  await room.waitEvent('talk', (e) => e.on === false, 10000, from);

  // Volume on the tablet, within the room's cap.
  from = room.mark();
  await tablet.locator('#volume').fill('-10');
  await room.waitState((s) => s.volume_db === -10, 10000, from);
  await room.waitEvent('volume', (e) => e.db === -10, 10000, from);

  // Vitals: a wrong entry is caught before sending, then a good one is recorded.
  await tablet.fill('#bp-sys', '80');
  await tablet.fill('#bp-dia', '90');
  await tablet.click('#vitals');
  assert.match(await text(tablet, '#vitals-error'), /Diastolic \(90\) must be below systolic \(80\)/);
  await tablet.fill('#bp-sys', '128');
  await tablet.fill('#bp-dia', '82');
  await tablet.fill('#hr', '71');
  await tablet.fill('#spo2', '400');
  await tablet.click('#vitals');
  assert.match(await text(tablet, '#vitals-error'), /SpO₂ must be a whole number from 50 to 100/);
  await tablet.fill('#spo2', '98');
  from = room.mark();
  await tablet.click('#vitals');
  const vitals = await room.waitEvent('vitals', () => true, 10000, from);
  // Vital signs travel on the clinician topics only (the record has them: below).
  assert.deepEqual([vitals.bp_sys, vitals.bp_dia, vitals.hr, vitals.spo2], [undefined, undefined, undefined, undefined]);

  // The reminder at 12 s: nothing to acknowledge before it is due, then unmistakable on both pages.
  if (!(room.lastState().next_reminder || {}).due && (room.lastState().since_dose_s || 0) < 11) {
    assert.equal(await panel.isVisible('#due'), false, 'no due banner before the reminder is due');
    assert.equal(await panel.locator('#due button.ack').count(), 0, 'no Acknowledge before it is due');
  }
  await room.waitEvent('reminder_due', (e) => e.reminder === 'bp', 20000);
  await panel.waitForSelector('#due:not([hidden]) button.ack:enabled', { timeout: 5000 });
  await tablet.waitForSelector('#due:not([hidden])', { timeout: 5000 });
  assert.match(await text(panel, '#due'), /Due now\s*Blood pressure/i);
  from = room.mark();
  await panel.click('#due button.ack');
  await room.waitEvent('reminder_acked', (e) => e.reminder === 'bp' && e.actor === 'panel-1', 10000, from);
  await until(async () => panel.isHidden('#due'), 8000, 'the due reminder to go away');

  // Skip and alternate, in the peak (its playlist has an alternate there).
  await room.waitEvent('phase_changed', (e) => e.phase === 'peak', 40000);
  await room.waitState((s) => s.phase === 'peak' && s.since_dose_s > 21, 15000);
  from = room.mark();
  await tablet.click('#alternate');
  assert.match(await waitMessage(tablet, 'lternate', 10000).then(() => until(async () => { const m = await text(tablet, '#message'); return !m.startsWith('Sending') && m; }, 10000, 'the reply')), /Playing the alternate track/);
  await room.waitEvent('alternate', () => true, 10000, from);
  from = room.mark();
  await tablet.click('#skip');
  await room.waitEvent('skip', () => true, 10000, from);

  // A booster on the tablet (inside the protocol's window).
  from = room.mark();
  await tablet.fill('#booster-amount', '20');
  await tablet.click('#booster');
  await room.waitEvent('booster', () => true, 10000, from);

  // Stop on the panel, after a confirmation.
  await panel.click('#stop');
  await panel.waitForSelector('#stop-dialog[open]');
  from = room.mark();
  await panel.click('#stop-confirm');
  const ended = await room.waitEvent('session_ended', () => true, 10000, from);
  assert.equal(ended.reason, 'stop');
  await waitStateWords(tablet, 'Ended');
  assert.equal(await tablet.isEnabled('#clear'), true);

  // Clear on the tablet, then the next client.
  await tablet.click('#clear');
  await tablet.click('#confirm-yes');
  from = room.mark();
  await room.waitState((s) => s.state === 'idle', 10000);
  await waitStateWords(panel, 'No session');
  await tablet.fill('.preload-row .p-client', 'c-8');
  await tablet.fill('.preload-row .p-amount', '40');
  await tablet.click('#preload');
  const next = await room.waitEvent('session_preloaded', (e) => e.clients[0] === 'c-8', 15000, from);
  await waitStateWords(panel, 'Ready');
  assert.notEqual(next.session, session);

  // The record: every step, by the device that did it.
  const events = room.recordEvents(session);
  const by = (type) => events.filter((e) => e.type === type).map((e) => e.actor && e.actor.device);
  assert.deepEqual(by('session_preloaded'), ['tablet-1']);
  assert.deepEqual(by('session_started'), ['panel-1']);
  assert.deepEqual(by('paused'), ['panel-1']);
  assert.deepEqual(by('resumed'), ['panel-1']);
  assert.deepEqual(by('talk'), ['tablet-1', 'tablet-1']);
  assert.deepEqual(by('volume'), ['tablet-1']);
  assert.deepEqual(by('skip'), ['tablet-1']);
  assert.deepEqual(by('alternate'), ['tablet-1']);
  assert.deepEqual(by('vitals'), ['tablet-1']);
  assert.deepEqual(by('reminder_acked'), ['panel-1']);
  assert.deepEqual(by('booster'), ['tablet-1']);
  assert.deepEqual(by('session_ended'), ['panel-1']);
  assert.deepEqual(by('cleared'), ['tablet-1']);
  const vitalsRecord = events.find((e) => e.type === 'vitals');
  const v = vitalsRecord.payload;
  assert.deepEqual([v.bp_sys, v.bp_dia, v.hr, v.spo2], [128, 82, 71, 98]);
  assert.match(room.cli(['verify']), /ok|verified/i);
}, { timeout_s: 240 });

run();

// A room whose clock nobody synchronised (the daemon started with STILLROOM_INJECT_CLOCK=unsynced):
// both pages say so by the dose clock, in words; Start shows the room's time beside the device's own
// and sends nothing until the clinician confirms it; a start the room refuses as `clock_unsynced` is
// said in words; the confirmed start carries `clock_confirmed` and `sent_at`, and the record's
// session_started names who confirmed the time.
'use strict';

const assert = require('node:assert/strict');
const { spec, run } = require('./support/spec');
const { until } = require('./support/room');
const { text, waitStateWords, waitMessage } = require('./support/pages');

const TIME = /^\d\d:\d\d:\d\d$/;

spec('an unsynchronised clock: marked, confirmed at Start, recorded with who confirmed it', async ({ room, browser }) => {
  assert.equal(room.lastState().clock.synced, false, 'the room says its clock is not synchronised');
  const tablet = await browser.open('tablet.html', 'tablet-1');
  const panel = await browser.open('index.html', 'panel-1');
  for (const page of [tablet, panel]) {
    await waitStateWords(page, 'No session');
    // The room's time is known once a state arrived live (every 5 s at the latest).
    await until(async () => /^Room clock not synchronised: it reads \d\d:\d\d:\d\d$/.test(await text(page, '#clock-trust')),
      8000, 'the marker by the clock, with the room\'s time');
    await until(async () => /The room's clock is not synchronised/.test(await text(page, '#faults')), 5000, 'the clock_unsynced fault in words');
  }

  await room.preload('c-7', 50);
  await waitStateWords(panel, 'Ready');

  // Start without confirming the time: the dialog says what is missing and sends nothing.
  const from = room.mark();
  await panel.evaluate(() => {
    const link = window.Stillroom.lastLink;
    window.sentBodies = [];
    const publish = link.client.publish.bind(link.client);
    link.client.publish = (topic, payload, ...rest) => { window.sentBodies.push(JSON.parse(payload)); return publish(topic, payload, ...rest); };
  });
  await panel.click('#start');
  await panel.waitForSelector('#start-dialog[open] #start-clock:not([hidden])');
  assert.match(await text(panel, '#clock-room'), TIME);
  assert.match(await text(panel, '#clock-device'), TIME);
  assert.match(await text(panel, '#start-record'), /Room's clocknot synchronised: the time confirmed by panel-1/);
  await panel.click('#start-confirm');
  assert.match(await text(panel, '#start-error'), /tick 'The time is right'/);
  assert.equal(await panel.isVisible('#start-dialog'), true, 'the dialog stays open');
  await panel.click('#start-cancel');

  // A start the room refuses (sent without the confirmation): the refusal in words. Its reply is the
  // signal that comes after the unconfirmed press: by then that press would have reached the room too.
  const refused = await panel.evaluate(() => window.Stillroom.lastView.command('start', {}));
  assert.equal(refused.reason, 'clock_unsynced');
  await waitMessage(panel, "Not started: the room's clock is not synchronised");
  await room.waitEvent('command_refused', (e) => e.cmd === 'start' && e.reason === 'clock_unsynced', 10000, from);
  assert.equal(room.eventsSince(from).filter((e) => e.type === 'command_refused').length, 1, 'only the refused start reached the room');
  assert.equal(room.eventsSince(from).filter((e) => e.type === 'session_started').length, 0);
  assert.deepEqual((await panel.evaluate(() => window.sentBodies)).map((b) => b.cmd), ['start'], 'the unconfirmed press sent nothing');
  assert.equal(room.lastState().state, 'ready');

  // Confirmed: Start carries clock_confirmed and this device's own time, and the session starts.
  await panel.click('#start');
  await panel.waitForSelector('#start-dialog[open] #clock-confirm-label:not([hidden])');
  await panel.check('#clock-confirm');
  await panel.click('#start-confirm');
  const started = await room.waitEvent('session_started', () => true, 10000, from);
  assert.equal(started.actor, 'panel-1');
  await room.waitState((s) => s.state === 'running', 10000, from);
  await waitStateWords(panel, 'Running');
  const body = (await panel.evaluate(() => window.sentBodies)).find((b) => b.cmd === 'start' && b.clock_confirmed);
  assert.ok(body, 'a start with clock_confirmed was sent');
  assert.equal(body.clock_confirmed, true);
  assert.ok(Math.abs(Date.parse(body.sent_at) - Date.now()) < 5000, `sent_at is this device's time (${body.sent_at})`);

  // The record: who confirmed the room's time, and their device's time then; the tablet's event list
  // (the session's history) says it too.
  const record = room.recordEvents(started.session).find((e) => e.type === 'session_started');
  assert.equal(record.payload.clock_confirmed_by, 'panel-1');
  assert.equal(Date.parse(record.payload.confirmed_device_time), Date.parse(body.sent_at));
  assert.ok(!record.clock_synced, 'recorded on the unsynchronised clock');
  await until(async () => /the room's clock confirmed by panel-1/.test(await text(tablet, '#events')), 10000,
    'the confirmation in the tablet\'s event list');
  // Still marked while it lasts.
  assert.equal(await panel.isVisible('#clock-trust'), true);
}, { room: { clock: 'unsynced' } });

run();

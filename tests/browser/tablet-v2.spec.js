// What the tablet does with the v2 controller (/work contract v2, docs/mqtt.md once it lands): the
// catalogue, the suggested dose confirmed by the clinician, doses entered and given per client in a
// group, the history of the session, the timeline from the retained plan, and `sent_at` written in the
// room's clock even when the tablet's own clock is wrong. Each case skips, naming the missing feature,
// while the controller speaks the contract before v2 (STILLROOM_REQUIRE_V2=1 makes that a failure).
'use strict';

const assert = require('node:assert/strict');
const { spec, run, requireV2 } = require('./support/spec');
const { until } = require('./support/room');
const { text, waitStateWords } = require('./support/pages');

spec('catalogue shown; the suggested dose is confirmed by the clinician, entered, recorded at start', async ({ room, browser }) => {
  requireV2(room, 'clinical/catalogue, doses on preload, clinical/session');
  const tablet = await browser.open('tablet.html', 'tablet-1');
  await waitStateWords(tablet, 'No session');
  await until(async () => /c-7/.test(await text(tablet, '#catalogue')), 10000, 'the catalogue');
  assert.match(await text(tablet, '#catalogue'), /quick/);
  await tablet.fill('.preload-row .p-client', 'c-7');
  const suggestion = await text(tablet, '.preload-row .suggest');
  if (/Suggested/.test(suggestion)) {
    assert.equal(await tablet.inputValue('.preload-row .p-amount'), '', 'a suggestion is never filled in by itself');
    await tablet.click('.preload-row .p-use');
  } else {
    await tablet.fill('.preload-row .p-amount', '50');
  }
  await tablet.fill('.preload-row .p-lot', 'L-2291');
  const from = room.mark();
  await tablet.click('#preload');
  await room.waitState((s) => s.state === 'ready', 15000, from);
  const dose = await room.waitEvent('dose_entered', (e) => e.client === 'c-7', 10000, from);
  assert.equal(dose.actor, 'tablet-1');
  // The start dialog shows the entered dose from clinical/session before anything is recorded.
  await tablet.click('#start');
  await until(async () => /Dose c-7\d+ mg, lot L-2291/.test(await text(tablet, '#start-record')), 5000, 'the entered dose in the preview');
  await tablet.click('#start-confirm');
  await room.waitEvent('session_started', () => true, 10000, from);
  const given = await room.waitEvent('dose', (e) => e.client === 'c-7', 10000, from);
  assert.equal(given.actor, 'tablet-1');
});

spec('a group: each client\'s dose entered and given on their own clock', async ({ room, browser }) => {
  requireV2(room, 'group doses: enter_dose, dose, state.doses');
  const tablet = await browser.open('tablet.html', 'tablet-1');
  await waitStateWords(tablet, 'No session');
  await tablet.fill('.preload-row .p-client', 'c-7');
  await tablet.fill('.preload-row .p-amount', '50');
  await tablet.click('#add-client');
  await tablet.locator('.preload-row').nth(1).locator('.p-client').fill('c-8');
  const from = room.mark();
  await tablet.click('#preload');
  await room.waitState((s) => s.state === 'ready' && (s.clients || []).length === 2, 15000, from);
  // c-8's dose is entered afterwards, then only c-7 is dosed at the start.
  await tablet.selectOption('#dose-client', 'c-8');
  await tablet.fill('#dose-amount', '40');
  await tablet.click('#enter-dose');
  await room.waitEvent('dose_entered', (e) => e.client === 'c-8', 10000, from);
  await tablet.click('#start');
  await tablet.uncheck('#start-clients input[value="c-8"]');
  await tablet.click('#start-confirm');
  await room.waitState((s) => s.state === 'running' && s.doses.find((d) => d.client === 'c-7').given_at && !s.doses.find((d) => d.client === 'c-8').given_at, 10000, from);
  await tablet.selectOption('#dose-client', 'c-8');
  await tablet.fill('#dose-amount', '');
  await tablet.click('#give-dose');
  const state = await room.waitState((s) => (s.doses || []).every((d) => d.given_at), 10000, from);
  assert.ok(state.doses.find((d) => d.client === 'c-8').since_dose_s < state.doses.find((d) => d.client === 'c-7').since_dose_s);
  await until(async () => /c-8: 40 mg.*given/.test(await text(tablet, '#doses')), 5000, 'both doses listed');
});

spec('history fills the event list after a reload; the timeline is drawn from the plan', async ({ room, browser }) => {
  requireV2(room, 'history command, retained plan');
  await room.command({ cmd: 'preload', client: 'c-7', doses: [{ client: 'c-7', amount_mg: 50 }], sent_at: new Date().toISOString() });
  await room.waitState((s) => s.state === 'ready', 15000);
  await room.command({ cmd: 'start', sent_at: new Date().toISOString() });
  await room.command({ cmd: 'pause', sent_at: new Date().toISOString() });
  const tablet = await browser.open('tablet.html', 'tablet-1');
  await waitStateWords(tablet, 'Paused');
  await until(async () => /Loaded c-7/.test(await text(tablet, '#events')) && /Paused/.test(await text(tablet, '#events')), 10000, 'the history in the event list');
  const phases = await tablet.locator('#timeline .tl-phase').count();
  assert.ok(phases >= 2, `phases drawn from the plan (${phases})`);
  assert.equal(await tablet.locator('#timeline .tl-pause').count(), 1);
  assert.equal(await tablet.locator('#timeline .tl-now').count(), 1);
});

spec('sent_at is in the room\'s clock even when the tablet\'s clock is two minutes behind', async ({ room, browser }) => {
  requireV2(room, 'sent_at staleness');
  const page = await browser.context.newPage();
  await page.addInitScript(() => {
    const skew = -120000;
    const RealDate = Date;
    // eslint-disable-next-line no-global-assign
    Date = class extends RealDate { constructor(...a) { super(...(a.length ? a : [RealDate.now() + skew])); } static now() { return RealDate.now() + skew; } };
  });
  await page.goto(room.url('tablet.html'));
  await browser.signIn(page, 'tablet-1', room.password('tablet-1'));
  await waitStateWords(page, 'No session');
  const sent = await page.evaluate(async () => {
    const link = window.Stillroom.lastLink;
    const body = [];
    const publish = link.client.publish.bind(link.client);
    link.client.publish = (topic, payload, ...rest) => { body.push(JSON.parse(payload)); return publish(topic, payload, ...rest); };
    const reply = await link.send('room-1', 'volume', { db: -20 });
    return { reply, body: body[0] };
  });
  assert.ok(sent.body.sent_at, 'the command carries sent_at');
  const skew = Math.abs(Date.parse(sent.body.sent_at) - Date.now());
  assert.ok(skew < 3000, `sent_at within 3 s of the room's clock (off by ${skew} ms)`);
  // Refused only because volume needs a session — not as stale or skewed.
  assert.notEqual(sent.reply.reason, 'stale');
  assert.notEqual(sent.reply.reason, 'clock_skew');
});

run();

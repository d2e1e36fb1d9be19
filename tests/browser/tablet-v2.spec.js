// What the tablet does with the room's contract (docs/mqtt.md): the catalogue, the suggested dose
// confirmed by the clinician, doses entered and given per client in a group, the history of the
// session, the timeline from the retained plan, and `sent_at` written in the room's clock even when
// the tablet's own clock is wrong.
'use strict';

const assert = require('node:assert/strict');
const { spec, run } = require('./support/spec');
const { until } = require('./support/room');
const { text, waitStateWords } = require('./support/pages');

spec('catalogue shown; the suggested dose is confirmed by the clinician, entered, recorded at start', async ({ room, browser }) => {
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
  const state = await room.waitState((s) => (s.doses || []).length === 2 && s.doses.every((d) => d.given_at), 10000, from);
  assert.ok(state.doses.find((d) => d.client === 'c-8').since_dose_s < state.doses.find((d) => d.client === 'c-7').since_dose_s);
  await until(async () => /c-8: 40 mg.*given/.test(await text(tablet, '#doses')), 5000, 'both doses listed')
    .catch(async (e) => { throw new Error(`${e.message}; the list reads: ${await text(tablet, '#doses')}`); });
});

spec('history fills the event list after a reload; the timeline is drawn from the plan', async ({ room, browser }) => {
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

/** How many lines of the tablet's event list match `pattern`. */
const linesLike = (page, pattern) => page.$$eval('#events li', (items, source) =>
  items.filter((li) => new RegExp(source).test(li.textContent)).length, pattern.source);

spec('the event list survives a reload (the history command) and lists each event once after a reconnect', async ({ room, browser }) => {
  const tablet = await browser.open('tablet.html', 'tablet-1');
  await waitStateWords(tablet, 'No session');
  await tablet.fill('.preload-row .p-client', 'c-7');
  await tablet.fill('.preload-row .p-amount', '50');
  await tablet.click('#preload');
  await waitStateWords(tablet, 'Ready');
  await tablet.click('#start');
  await tablet.click('#start-confirm');
  await waitStateWords(tablet, 'Running');
  const from = room.mark();
  await tablet.click('#pause');
  await room.waitEvent('paused', () => true, 10000, from);
  await until(async () => (await linesLike(tablet, /^\d\d:\d\d:\d\dPaused/)) === 1, 5000, 'the pause in the event list');

  // A reload: the page starts empty and asks the room for the session's recorded events.
  await tablet.reload();
  await waitStateWords(tablet, 'Paused');
  const listed = async () => ({
    loaded: await linesLike(tablet, /Loaded c-7: quick, calm/),
    entered: await linesLike(tablet, /Dose entered for c-7: 50 mg/),
    started: await linesLike(tablet, /Started; dose at/),
    paused: await linesLike(tablet, /^\d\d:\d\d:\d\dPaused/),
  });
  await until(async () => Object.values(await listed()).every((n) => n >= 1), 10000, 'the recorded events after the reload');
  assert.deepEqual(await listed(), { loaded: 1, entered: 1, started: 1, paused: 1 });
  assert.equal(await text(tablet, '#events-note'), '', 'no note of missing events');

  // The broker down and back: the page asks again for what it missed; what it had is not listed twice.
  const down = room.mark();
  await room.killBroker();
  await room.startBroker();
  // The controller back on the broker (its live `online`, not the copy the broker kept), and the page too.
  await room.waitFor('stillroom/room-1/status', (m) => m.text === 'online' && !m.retained, 15000, down, 'the controller back');
  await until(() => tablet.evaluate(() => window.Stillroom.lastLink.connects >= 2), 15000, 'the page to reconnect');
  await until(async () => (await tablet.isHidden('#banner')), 15000, 'the banner to clear');
  const resumedFrom = room.mark();
  await room.command({ cmd: 'resume' });
  await room.waitEvent('resumed', () => true, 10000, resumedFrom);
  await until(async () => (await linesLike(tablet, /^\d\d:\d\d:\d\dResumed/)) === 1, 10000, 'the resume in the event list');
  assert.deepEqual(await listed(), { loaded: 1, entered: 1, started: 1, paused: 1 });
});

spec('the track that plays: its title from the playlist, else its file name, on the tablet and the panel', async ({ room, browser }) => {
  const tablet = await browser.open('tablet.html', 'tablet-1');
  const panel = await browser.open('index.html', 'panel-1');
  await waitStateWords(panel, 'No session');
  assert.equal(await text(panel, '#track-now'), '', 'nothing plays without a session');
  await room.begin('c-7', 50);
  const state = await room.waitState((s) => s.track && s.track.title === 'Slow Water', 10000);
  assert.equal(state.phase, 'onset');
  await until(async () => /^Playing: Slow Water \(\d+:\d\d of 0:25\)$/.test(await text(tablet, '#track')), 5000, 'the title on the tablet');
  await until(async () => (await text(panel, '#track-now')) === 'Playing: Slow Water', 5000, 'the title on the panel');
  // The peak (from 20 s) plays a track without a title in the playlist: the room names it by its file.
  const next = await room.waitState((s) => s.phase === 'peak' && s.track && s.track.title !== 'Slow Water', 30000);
  assert.equal(next.track.title, 'b', 'b.wav without a title is named by its file');
  await until(async () => (await text(panel, '#track-now')) === `Playing: ${next.track.title}`, 5000, 'the next title on the panel');
  assert.match(await text(tablet, '#track'), new RegExp(`^Playing: ${next.track.title} `));
});

spec('sent_at is in the room\'s clock even when the tablet\'s clock is two minutes behind', async ({ room, browser }) => {
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
  // The room's clock is learned from a state that came live (a retained one may be old).
  await page.waitForFunction(() => window.Stillroom.lastLink.room('room-1').clockOffsetMs() != null, null, { timeout: 8000 });
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

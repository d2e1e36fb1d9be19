// Honest liveness: the controller killed, stopped (alive but silent) or the broker gone — both pages
// say which, turn every control off, carry out nothing pressed meanwhile, and recover by themselves
// without a reload.
'use strict';

const assert = require('node:assert/strict');
const { spec, run } = require('./support/spec');
const { until } = require('./support/room');
const { text, waitStateWords, waitBanner, bannerProblem, waitMessage } = require('./support/pages');

const CONTROLS = ['#pause', '#talk', '#stop', '#emergency'];

async function runningRoom(room, browser) {
  await room.begin('c-7', 50);
  const tablet = await browser.open('tablet.html', 'tablet-1');
  const panel = await browser.open('index.html', 'panel-1');
  for (const page of [tablet, panel]) {
    await waitStateWords(page, 'Running');
    await until(async () => (await bannerProblem(page)) === null, 5000, 'no banner');
  }
  return { tablet, panel };
}

async function allOff(page, extra = []) {
  for (const selector of [...CONTROLS, ...extra]) assert.equal(await page.isEnabled(selector), false, `${selector} is off`);
}

spec('controller killed: offline within 5 s, controls off, a press is not carried out, recovery without a reload', async ({ room, browser }) => {
  const { tablet, panel } = await runningRoom(room, browser);
  const session = room.lastState().session;
  const killedAt = Date.now();
  await room.signalDaemon('SIGKILL');
  await Promise.all([waitBanner(tablet, 'offline', 5000), waitBanner(panel, 'offline', 5000)]);
  const seconds = (Date.now() - killedAt) / 1000;
  assert.ok(seconds < 5, `offline shown after ${seconds} s`);
  assert.match(await text(panel, '#banner'), /room controller is offline/);
  await allOff(panel);
  await allOff(tablet, ['#skip', '#booster', '#vitals', '#volume']);

  // A press now does nothing: the button is off, and the page would not send it anyway.
  await panel.click('#pause', { force: true });
  const refused = await panel.evaluate(() => window.Stillroom.lastLink.send('room-1', 'pause'));
  assert.match(refused.error, /^Not sent: The room controller is offline/);

  const from = room.mark();
  await room.startDaemon();
  // Both pages come back by themselves, without a reload.
  await Promise.all([until(async () => (await bannerProblem(tablet)) === null, 10000, 'the tablet to recover'),
    until(async () => (await bannerProblem(panel)) === null, 10000, 'the panel to recover')]);
  assert.equal(await panel.isEnabled('#pause'), true);
  // The positive signal after which a late pause would have shown: the restored session's state.
  await room.waitEvent('recovered', () => true, 10000, from);
  const state = await room.waitState((s) => s.session === session, 10000, from);
  assert.equal(state.state, 'running', 'the pause pressed while offline was not carried out');
  await room.waitState((s) => s.state === 'running' && s.since_dose_s > state.since_dose_s, 10000, from);
  assert.equal(room.recordEvents(session).filter((e) => e.type === 'paused').length, 0);
  await waitStateWords(panel, 'Running');
});

spec('controller silent (stopped): no reply says so, stale state turns controls off, it clears itself', async ({ room, browser }) => {
  const { tablet, panel } = await runningRoom(room, browser);
  await room.signalDaemon('SIGSTOP');
  try {
    // The state is still fresh: the press goes out, and the page says when no reply comes.
    await tablet.click('#talk');
    assert.match(await waitMessage(tablet, 'No reply', 8000), /No reply from the room to 'talk' within 5 s: it may not have been carried out/);
    await Promise.all([waitBanner(tablet, 'stale', 16000), waitBanner(panel, 'stale', 16000)]);
    assert.match(await text(panel, '#banner'), /No news from the room controller for 1\d s/);
    await allOff(panel);
  } finally {
    await room.signalDaemon('SIGCONT');
  }
  await Promise.all([until(async () => (await bannerProblem(tablet)) === null, 10000, 'the tablet to recover'),
    until(async () => (await bannerProblem(panel)) === null, 10000, 'the panel to recover')]);
  assert.equal(await panel.isEnabled('#stop'), true);
});

spec('broker down and back: both pages say so and recover by themselves', async ({ room, browser }) => {
  const { tablet, panel } = await runningRoom(room, browser);
  await room.killBroker();
  await Promise.all([waitBanner(tablet, 'broker', 8000), waitBanner(panel, 'broker', 8000)]);
  assert.match(await text(panel, '#banner'), /Not connected to the room's broker/);
  await allOff(panel);
  await room.startBroker();
  await Promise.all([until(async () => (await bannerProblem(tablet)) === null, 20000, 'the tablet to recover'),
    until(async () => (await bannerProblem(panel)) === null, 20000, 'the panel to recover')]);
  await waitStateWords(panel, 'Running');
  assert.equal(await panel.isEnabled('#pause'), true);
});

run();

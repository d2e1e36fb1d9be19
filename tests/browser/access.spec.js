// Who may do what from a browser: a wrong password, a room that does not exist, an observer who
// may only look; the password is kept only for the browser session, never in localStorage.
'use strict';

const assert = require('node:assert/strict');
const { spec, run } = require('./support/spec');
const { until } = require('./support/room');
const { text, waitStateWords, waitBanner, waitMessage } = require('./support/pages');

spec('a wrong password: the sign-in says so and nothing is kept', async ({ browser }) => {
  const page = await browser.open('index.html', null);
  await browser.signIn(page, 'panel-1', 'not-the-password');
  await until(async () => (await text(page, '#signin-error')).length > 0, 10000, 'a sign-in error');
  assert.equal(await text(page, '#signin-error'), "The broker refused device 'panel-1' or its password.");
  assert.equal(await page.isHidden('#app'), true);
  assert.equal(await page.evaluate(() => sessionStorage.getItem('stillroom-device')), null);
  // The right one then works.
  await browser.signIn(page, 'panel-1', 'p-secret');
  await waitStateWords(page, 'No session');
  const stored = await page.evaluate(() => ({ session: sessionStorage.getItem('stillroom-device'), local: JSON.stringify(localStorage) }));
  assert.match(stored.session, /p-secret/);
  assert.doesNotMatch(stored.local, /p-secret/, 'the password is never in localStorage');
});

spec('an unknown room: the page says there is no such room and keeps its controls off', async ({ browser }) => {
  const page = await browser.open('index.html', 'panel-1', 'room=room-9');
  await waitBanner(page, 'unknown_room', 10000);
  assert.equal(await text(page, '#banner'), "No room 'room-9' on this broker: it has never reported. Check the room in the address.");
  assert.equal(await page.isEnabled('#emergency'), false);
});

spec('an observer may only look: its presses are refused in words and change nothing', async ({ room, browser }) => {
  await room.begin('c-7', 50);
  const page = await browser.open('index.html', 'observer-1');
  await waitStateWords(page, 'Running');
  const from = room.mark();
  await page.click('#pause');
  const message = await waitMessage(page, 'refused', 10000);
  assert.match(message, /The room refused 'pause': device 'observer-1' \(role 'observer'\) may not send 'pause'/);
  // The reply came (the positive signal): the room is still running, nothing was paused.
  assert.equal(room.lastState().state, 'running');
  assert.equal(room.eventsSince(from).filter((e) => e.type === 'paused').length, 0);
  // The tablet page as observer: loading a client is refused the same way.
  const tablet = await browser.open('tablet.html', 'observer-1');
  await waitStateWords(tablet, 'Running');
  assert.match(await text(tablet, '#catalogue'), /may not read the clinical catalogue|has not published its catalogue/);
});

run();

// The clinic view: every room on the broker at once (wildcard subscription), each with its state,
// phase, dose clock, due reminders and faults; a room whose controller dies says so.
'use strict';

const assert = require('node:assert/strict');
const { spec, run } = require('./support/spec');
const { until } = require('./support/room');

const card = (page, id) => page.locator(`.room-card[data-room="${id}"]`);

spec('two rooms: one running with a due reminder, one idle; then one goes offline', async ({ room, browser }) => {
  await room.startDaemon('room-2');
  await room.begin('c-7', 50);
  const page = await browser.open('clinic.html', 'observer-1');
  await until(async () => (await page.locator('.room-card').count()) === 2, 10000, 'two room cards');
  await until(async () => /Running · c-7 · quick/.test(await card(page, 'room-1').textContent()), 10000, 'room-1 running');
  assert.match(await card(page, 'room-2').textContent(), /live.*No session/s);
  await room.waitEvent('reminder_due', () => true, 20000);
  await until(async () => /Due: Blood pressure/.test(await card(page, 'room-1').textContent()), 5000, 'the due reminder');
  assert.match(await card(page, 'room-1').textContent(), /\+0:00:\d\d/);
  assert.match(await card(page, 'room-1').textContent(), /onset|peak/);
  assert.match(await card(page, 'room-1').textContent(), /A light is not following/);
  await room.signalDaemon('SIGKILL', 'room-2');
  await until(async () => /offline/.test(await card(page, 'room-2').textContent()), 5000, 'room-2 offline');
  assert.match(await card(page, 'room-2').getAttribute('class'), /not-live/);
  assert.match(await page.textContent('#summary'), /2 room\(s\); 1 not live; 1 reminder\(s\) due/);
  assert.deepEqual(await browser.axe(page), []);
  await browser.screenshot(page, 'clinic');
}, { room: { rooms: ['room-2'] } });

run();

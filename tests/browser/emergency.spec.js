// Emergency by press and hold (1.5 s): a short tap does nothing; a hold raises full light at once and
// ends the session, as the button says.
'use strict';

const assert = require('node:assert/strict');
const { spec, run } = require('./support/spec');
const { text, waitStateWords, waitMessage, holdEmergency } = require('./support/pages');

spec('a short tap does nothing; press and hold raises the emergency and ends the session', async ({ room, browser }) => {
  await room.begin('c-7', 50);
  const panel = await browser.open('index.html', 'panel-1');
  await waitStateWords(panel, 'Running');
  assert.match(await text(panel, '#emergency'), /Hold 1\.5 s: full light at once, the session ends/);

  let from = room.mark();
  await holdEmergency(panel, 300);
  assert.match(await waitMessage(panel, 'not raised'), /Emergency not raised: press and hold for 1\.5 s/);
  // A click (keyboard or pointer without a hold) does nothing either.
  await panel.locator('#emergency').dispatchEvent('click');
  // The positive signal after which an emergency would show: a talk command answered and recorded.
  const talk = await room.command({ cmd: 'talk', on: true });
  assert.equal(talk.ok, true);
  await room.waitEvent('talk', () => true, 10000, from);
  assert.equal(room.eventsSince(from).filter((e) => e.type === 'emergency').length, 0, 'no emergency from a tap');
  assert.equal(room.lastState().state, 'running');

  from = room.mark();
  await holdEmergency(panel, 1700);
  const emergency = await room.waitEvent('emergency', () => true, 10000, from);
  assert.equal(emergency.actor, 'panel-1');
  const ended = await room.waitEvent('session_ended', () => true, 10000, from);
  assert.equal(ended.reason, 'emergency');
  await waitStateWords(panel, 'Ended by emergency');
  assert.equal(await panel.isEnabled('#pause'), false);
});

spec('press and hold with the keyboard (Space) works too', async ({ room, browser }) => {
  const panel = await browser.open('index.html', 'panel-1');
  await waitStateWords(panel, 'No session');
  const from = room.mark();
  await panel.focus('#emergency');
  await panel.keyboard.down(' ');
  await panel.waitForTimeout(1700);
  await panel.keyboard.up(' ');
  await room.waitEvent('emergency', (e) => e.actor === 'panel-1', 10000, from);
  await waitStateWords(panel, 'Ended by emergency');
});

run();

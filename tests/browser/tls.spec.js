// Over TLS: the pages served by the room's websockets listener with a certificate (https) connect
// with wss:// to the same origin, and everything else works as over plain ws.
'use strict';

const assert = require('node:assert/strict');
const { spec, run } = require('./support/spec');
const { waitStateWords } = require('./support/pages');

spec('https page, wss:// connection, a command answered', async ({ room, browser }) => {
  const sockets = [];
  browser.context.on('page', (p) => p.on('websocket', (ws) => sockets.push(ws.url())));
  for (const p of browser.context.pages()) p.on('websocket', (ws) => sockets.push(ws.url()));
  assert.match(room.origin, /^https:/);
  const panel = await browser.open('index.html', 'panel-1');
  await waitStateWords(panel, 'No session');
  assert.ok(sockets.length > 0 && sockets.every((u) => u.startsWith(`wss://127.0.0.1:${room.wsPort}/`)), sockets.join(', '));
  const from = room.mark();
  const panelEmergency = panel.locator('#emergency');
  await panelEmergency.focus();
  await panel.keyboard.down('Enter');
  await panel.waitForTimeout(1700);
  await panel.keyboard.up('Enter');
  await room.waitEvent('emergency', (e) => e.actor === 'panel-1', 10000, from);
  await waitStateWords(panel, 'Ended by emergency');
}, { room: { tls: true } });

run();

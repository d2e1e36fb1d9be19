// A small runner for one browser spec file: its cases run one after another, each in a fresh room
// (broker and daemon) and a fresh Chromium, with a time limit. Prints one line per case with its
// duration, the daemon's and the broker's log on a failure, and the closing line
// "N passed, N failed, N skipped". Exit 0, 1 on a failure, 77 when every case was skipped (ctest's
// SKIP_RETURN_CODE): a case skips by throwing skip('why').
'use strict';

const { Room } = require('./room');
const { Browser } = require('./browser');

const cases = [];

class Skip extends Error {}
const skip = (why) => new Skip(why);

/** Registers a case: fn({room, browser}) with a room set up (daemon started unless options.daemon === false). */
function spec(name, fn, options = {}) { cases.push({ name, fn, options }); }

function withTimeout(promise, ms, name) {
  let timer;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`${name}: no end within ${ms / 1000} s`)), ms); }),
  ]);
}

async function runOne(c, room, browser) {
  try {
    await room.setup();
    if (c.options.daemon !== false) await room.startDaemon();
    await browser.launch();
    await c.fn({ room, browser });
    if (browser.foreign.length) throw new Error(`requests to other origins: ${browser.foreign.join(', ')}`);
  } finally {
    await browser.close();
    await room.teardown();
  }
}

const logsOf = (room, browser) =>
  `--- daemon log (tail)\n${room.daemonLog().split('\n').slice(-40).join('\n')}\n` +
  `--- broker log (tail)\n${room.brokerLog().split('\n').slice(-20).join('\n')}\n` +
  `--- page errors\n${browser.consoleErrors.slice(-20).join('\n')}\n` +
  `--- last messages from the room\n${room.received.slice(-8).map((m) => `${m.topic} ${m.text.slice(0, 300)}`).join('\n')}`;

async function run() {
  const only = process.env.STILLROOM_SPEC_CASE;
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  for (const c of cases) {
    if (only && !c.name.includes(only)) continue;
    const t0 = Date.now();
    const room = new Room(c.options.room || {});
    const browser = new Browser(room, c.options.browser || {});
    try {
      await withTimeout(runOne(c, room, browser).catch((error) => {
        if (!(error instanceof Skip)) error.logs = logsOf(room, browser);
        throw error;
      }), (c.options.timeout_s || 120) * 1000, c.name).catch((error) => {
        if (!(error instanceof Skip) && !error.logs) error.logs = logsOf(room, browser);
        throw error;
      });
      ++passed;
      console.log(`ok - ${c.name} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
    } catch (error) {
      if (error instanceof Skip) {
        ++skipped;
        console.log(`skip - ${c.name}: ${error.message}`);
      } else {
        ++failed;
        console.log(`not ok - ${c.name} (${((Date.now() - t0) / 1000).toFixed(1)} s)\n${error.stack}\n${error.logs || ''}`);
      }
    }
  }
  console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
  process.exit(failed ? 1 : passed === 0 && skipped > 0 ? 77 : 0);
}

module.exports = { spec, run, skip };

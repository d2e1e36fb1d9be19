// What the tests read off the pages and do on them, as a person would: the words shown, whether a
// control can be pressed, the banner; every wait is on a condition.
'use strict';

const { until } = require('./room');

const text = (page, selector) => page.textContent(selector).then((t) => (t || '').trim());

/** Waits until the page's state line reads `words` (e.g. 'Running'). */
const waitStateWords = (page, words, ms = 15000) =>
  until(async () => (await text(page, '#state-words')) === words, ms, `the page to show '${words}'`);

/** The banner's problem (broker | offline | stale | unknown_room | waiting) or null when hidden. */
async function bannerProblem(page) {
  if (await page.isHidden('#banner')) return null;
  return page.getAttribute('#banner', 'data-problem');
}

const waitBanner = (page, problem, ms = 15000) =>
  until(async () => (await bannerProblem(page)) === problem, ms, `the banner to say '${problem}'`);

const enabled = (page, selector) => page.isEnabled(selector);

/** Waits until the message line contains `part`; returns the message. */
const waitMessage = (page, part, ms = 10000) =>
  until(async () => { const m = await text(page, '#message'); return m.includes(part) && m; }, ms, `a message with '${part}'`);

/** Presses the Emergency button for `ms` with a pointer (mouse down, wait, up). */
async function holdEmergency(page, ms) {
  const box = await page.locator('#emergency').boundingBox();
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down();
  await page.waitForTimeout(ms);
  await page.mouse.up();
}

module.exports = { text, waitStateWords, bannerProblem, waitBanner, enabled, waitMessage, holdEmergency };

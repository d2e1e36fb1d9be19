// The panel and the tablet as people see them, in each state (idle, ready, running with a due
// reminder, offline), in the dim and the night level: axe-core finds no violation, every border,
// card edge and focus ring stands out ≥ 3:1, Stop and Emergency are inside the screen at 1024×768,
// 1280×800 and 390×844 (the panel with nothing below the fold), and a screenshot of each state
// goes to the build tree's artifacts (docs/screenshots/ holds a copy).
'use strict';

const assert = require('node:assert/strict');
const { spec, run } = require('./support/spec');
const { waitStateWords, waitBanner } = require('./support/pages');

const SIZES = [{ width: 1024, height: 768 }, { width: 1280, height: 800 }, { width: 390, height: 844 }];

/** Borders and fills of controls and cards against what surrounds them; the focus ring against the page. */
function nonTextContrast() {
  const rgb = (c) => (c.match(/[\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => [r, g, b].map((v) => v / 255).map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4))
    .reduce((s, v, i) => s + v * [0.2126, 0.7152, 0.0722][i], 0);
  const ratio = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
  const opaque = (c) => { const v = rgb(c); return v.length < 4 || v[3] > 0.5; };
  const background = (el) => {
    for (let e = el; e; e = e.parentElement) {
      const c = getComputedStyle(e).backgroundColor;
      if (opaque(c) && rgb(c).length >= 3 && !(rgb(c).length === 4 && rgb(c)[3] === 0)) return rgb(c);
    }
    return [0, 0, 0];
  };
  const failures = [];
  for (const el of document.querySelectorAll('button, input, select, .card, .due, .room-card, .faults li')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0 || el.closest('[hidden]')) continue;
    const cs = getComputedStyle(el);
    const side = el.matches('.faults li') ? 'Left' : 'Top';
    if (parseFloat(cs[`border${side}Width`]) === 0) continue;
    const outside = background(el.parentElement);
    const own = opaque(cs.backgroundColor) ? rgb(cs.backgroundColor) : outside;
    const best = Math.max(ratio(rgb(cs[`border${side}Color`]), outside), ratio(own, outside));
    if (best < 3) failures.push(`${el.id || el.className || el.tagName}: ${best.toFixed(2)}:1`);
  }
  const focus = rgb(getComputedStyle(document.body).getPropertyValue('--focus').trim().replace(/^#(..)(..)(..)$/, (m, a, b, c) => `rgb(${parseInt(a, 16)},${parseInt(b, 16)},${parseInt(c, 16)})`));
  const page = background(document.body);
  if (ratio(focus, page) < 3) failures.push(`focus ring ${ratio(focus, page).toFixed(2)}:1`);
  return failures;
}

/** axe-core and non-text contrast in both levels. */
async function accessible(browser, page, name, stateName) {
  for (const level of ['dim', 'night']) {
    await page.evaluate((l) => { document.body.dataset.level = l; }, level);
    const violations = await browser.axe(page);
    assert.deepEqual(violations, [], `${name} ${stateName} (${level}): ${JSON.stringify(violations, null, 1)}`);
    assert.deepEqual(await page.evaluate(nonTextContrast), [], `${name} ${stateName} (${level}): non-text contrast`);
  }
  await page.evaluate(() => { document.body.dataset.level = 'dim'; });
}

async function check(browser, page, name, stateName) {
  for (const level of ['dim', 'night']) {
    await page.evaluate((l) => { document.body.dataset.level = l; }, level);
    const violations = await browser.axe(page);
    assert.deepEqual(violations, [], `${name} ${stateName} (${level}): ${JSON.stringify(violations, null, 1)}`);
    assert.deepEqual(await page.evaluate(nonTextContrast), [], `${name} ${stateName} (${level}): non-text contrast`);
    if (level === 'night' && stateName === 'running-due') await browser.screenshot(page, `${name}-${stateName}-night`);
  }
  await page.evaluate(() => { document.body.dataset.level = 'dim'; });
  for (const size of SIZES) {
    await page.setViewportSize(size);
    for (const id of ['#stop', '#emergency']) {
      const box = await page.locator(id).boundingBox();
      assert.ok(box && box.y >= 0 && box.x >= 0 && box.y + box.height <= size.height && box.x + box.width <= size.width,
        `${name} ${stateName}: ${id} inside ${size.width}×${size.height} (${JSON.stringify(box)})`);
    }
    if (name === 'panel') {
      const overflow = await page.evaluate(() => document.scrollingElement.scrollHeight - window.innerHeight);
      assert.ok(overflow <= 0, `panel ${stateName}: nothing below the fold at ${size.width}×${size.height} (${overflow} px more)`);
    }
  }
  await page.setViewportSize(SIZES[0]);
  await browser.screenshot(page, `${name}-${stateName}`);
  await page.setViewportSize(SIZES[2]);
  await browser.screenshot(page, `${name}-${stateName}-phone`);
  await page.setViewportSize(SIZES[0]);
}

spec('panel and tablet in each state: accessible, contrasted, within the screen; screenshots', async ({ room, browser }) => {
  const pages = { panel: await browser.open('index.html', 'panel-1'), tablet: await browser.open('tablet.html', 'tablet-1') };
  for (const page of Object.values(pages)) await waitStateWords(page, 'No session');
  for (const [name, page] of Object.entries(pages)) await check(browser, page, name, 'idle');

  await room.preload('c-7', 50);
  for (const page of Object.values(pages)) await waitStateWords(page, 'Ready');
  for (const [name, page] of Object.entries(pages)) await check(browser, page, name, 'ready');

  await room.command({ cmd: 'start' });
  await room.command({ cmd: 'vitals', bp_sys: 124, bp_dia: 80, hr: 70 });
  await room.waitEvent('reminder_due', () => true, 20000);
  for (const page of Object.values(pages)) await page.waitForSelector('#due:not([hidden])');
  for (const [name, page] of Object.entries(pages)) await check(browser, page, name, 'running-due');

  await room.signalDaemon('SIGKILL');
  for (const page of Object.values(pages)) await waitBanner(page, 'offline', 5000);
  for (const [name, page] of Object.entries(pages)) await check(browser, page, name, 'offline');
  assert.deepEqual(browser.foreign, [], 'no request to any origin but the room\'s');
}, { timeout_s: 240 });

spec('a room whose clock is not synchronised: the marker and the Start confirmation, accessible and within the screen', async ({ room, browser }) => {
  const pages = { panel: await browser.open('index.html', 'panel-1'), tablet: await browser.open('tablet.html', 'tablet-1') };
  await room.preload('c-7', 50);
  for (const page of Object.values(pages)) {
    await waitStateWords(page, 'Ready');
    await page.waitForSelector('#clock-trust:not([hidden])');
    await page.waitForFunction(() => /it reads/.test(document.getElementById('clock-trust').textContent), null, { timeout: 8000 });
  }
  for (const [name, page] of Object.entries(pages)) await check(browser, page, name, 'unsynced');
  // The Start dialog with the room's time beside this device's: accessible in both levels, on the screen.
  for (const [name, page] of Object.entries(pages)) {
    await page.click('#start');
    await page.waitForSelector('#start-dialog[open] #clock-confirm-label:not([hidden])');
    await accessible(browser, page, name, 'unsynced start dialog');
    for (const size of SIZES) {
      await page.setViewportSize(size);
      for (const id of ['#clock-confirm', '#start-confirm']) {
        await page.locator(id).scrollIntoViewIfNeeded();
        const box = await page.locator(id).boundingBox();
        assert.ok(box && box.y >= 0 && box.y + box.height <= size.height && box.x + box.width <= size.width,
          `${name}: ${id} reachable at ${size.width}×${size.height} (${JSON.stringify(box)})`);
      }
    }
    await page.setViewportSize(SIZES[0]);
    await browser.screenshot(page, `${name}-unsynced-start`);
    await page.click('#start-cancel');
  }
  // The most crowded core: the marker, a due reminder, the clock_unsynced fault, the track.
  await pages.panel.click('#start');
  await pages.panel.check('#clock-confirm');
  await pages.panel.click('#start-confirm');
  await room.waitEvent('reminder_due', () => true, 20000);
  for (const page of Object.values(pages)) await page.waitForSelector('#due:not([hidden])');
  for (const [name, page] of Object.entries(pages)) await check(browser, page, name, 'unsynced-running-due');
}, { room: { clock: 'unsynced' }, timeout_s: 180 });

run();

// The panel and the tablet as people see them, in each state (idle, ready, running with a due
// reminder, offline), in the dim and the night level: axe-core finds no violation, every border,
// card edge and focus ring stands out ≥ 3:1, Stop and Emergency are inside the screen at 1024×768,
// 1280×800 and 390×844 (the panel with nothing below the fold), and a screenshot of each state
// goes to the build tree's artifacts (docs/screenshots/ holds a copy).
'use strict';

const assert = require('node:assert/strict');
const { spec, run } = require('./support/spec');
const { waitStateWords, waitBanner } = require('./support/pages');
const { nonTextContrast, accessible } = require('./support/accessibility');

const SIZES = [{ width: 1024, height: 768 }, { width: 1280, height: 800 }, { width: 390, height: 844 }];

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

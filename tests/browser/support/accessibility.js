// What the accessibility checks of the pages share: axe-core (no violation) and the non-text
// contrast of every border, card edge and focus ring (≥ 3:1 against what surrounds it), in the dim
// and the night level.
'use strict';

const assert = require('node:assert/strict');

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

/** axe-core and non-text contrast in both levels; the page is left in the dim level. */
async function accessible(browser, page, name, stateName) {
  for (const level of ['dim', 'night']) {
    await page.evaluate((l) => { document.body.dataset.level = l; }, level);
    const violations = await browser.axe(page);
    assert.deepEqual(violations, [], `${name} ${stateName} (${level}): ${JSON.stringify(violations, null, 1)}`);
    assert.deepEqual(await page.evaluate(nonTextContrast), [], `${name} ${stateName} (${level}): non-text contrast`);
  }
  await page.evaluate(() => { document.body.dataset.level = 'dim'; });
}

module.exports = { nonTextContrast, accessible };

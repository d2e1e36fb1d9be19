// The tablet's after-care card on a session run to its end from the tablet (the short room: the
// session ends by itself at 30 s, the monitoring at 40 s): an observation, ready to leave, a discharge
// refused while the client is monitored and then recorded, a signature refused before the end; on a
// finished session, a signature given and refused a second time, then an addendum — each checked in
// the record and on the screen, in words. The staff id is kept for the browser session only. The card passes axe-core and the contrast
// checks in both levels and sits above the fold at 1024×768; its screenshot goes to docs/screenshots/.
// In a group, each client has a line and an entry goes to the client chosen.
'use strict';

const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { spec, run } = require('./support/spec');
const { until, source } = require('./support/room');
const { text, waitStateWords } = require('./support/pages');
const { accessible } = require('./support/accessibility');

const SCREEN = { width: 1024, height: 768 };

/** A copy of a screenshot for the docs (docs/screenshots/). */
function docsScreenshot(file, name) {
  fs.mkdirSync(path.join(source, 'docs/screenshots'), { recursive: true });
  fs.copyFileSync(file, path.join(source, 'docs/screenshots', name));
}

/** Waits until `selector`'s words match `pattern`; the words are in the error when they never do. */
const waitText = (page, selector, pattern, ms = 10000) =>
  until(async () => pattern.test(await text(page, selector)), ms, `${selector} to read ${pattern}`)
    .catch(async (e) => { throw new Error(`${e.message}; it reads: ${await text(page, selector)}`); });

/** The after-care card inside the screen without scrolling (nothing of it below the fold), Stop and Emergency too. */
async function aboveTheFold(page, what) {
  await page.setViewportSize(SCREEN);
  await page.evaluate(() => { document.getElementById('tools').scrollTop = 0; });
  for (const id of ['#aftercare-card', '#stop', '#emergency']) {
    const box = await page.locator(id).boundingBox();
    assert.ok(box && box.y >= 0 && box.x >= 0 && box.y + box.height <= SCREEN.height && box.x + box.width <= SCREEN.width,
      `${what}: ${id} inside ${SCREEN.width}×${SCREEN.height} (${JSON.stringify(box)})`);
  }
}

spec('after-care on the tablet: an observation, signing refused while it runs, ready to leave, a discharge refused then given; in the record and in words', async ({ room, browser }) => {
  const tablet = await browser.open('tablet.html', 'tablet-1');
  await waitStateWords(tablet, 'No session');
  assert.ok(await tablet.isHidden('#aftercare-card'), 'no after-care card without a session');

  // The session from the tablet: loaded with its dose, started now.
  await tablet.fill('.preload-row .p-client', 'c-7');
  await tablet.fill('.preload-row .p-amount', '50');
  await tablet.click('#preload');
  await waitStateWords(tablet, 'Ready');
  const from = room.mark();
  await tablet.click('#start');
  await tablet.click('#start-confirm');
  await waitStateWords(tablet, 'Running');
  const { session } = await room.waitState((s) => s.state === 'running', 10000, from);
  await tablet.waitForSelector('#aftercare-card:not([hidden])');
  await waitText(tablet, '#aftercare-clients', /^c-7: no observation yet; ready to leave not recorded; monitored$/);

  // Without a staff id nothing is sent; the id is kept in sessionStorage, never in localStorage.
  await tablet.selectOption('#moaa-s', '3');
  await tablet.click('#observe');
  await waitText(tablet, '#aftercare-error', /^Enter your staff id first/);
  await tablet.fill('#staff-id', 'rn-4');
  assert.equal(await tablet.evaluate(() => sessionStorage.getItem('stillroom-staff-id')), 'rn-4');
  assert.deepEqual(await tablet.evaluate(() => Object.values(localStorage).filter((v) => v.includes('rn-4'))), []);

  // An observation: the sedation scale's words, dissociation present with a feature and CADSS, breathing.
  await tablet.selectOption('#dissociation', 'present');
  await tablet.check('input[name=dissociation-feature][value=amnesia]');
  await tablet.fill('#cadss', '12');
  await tablet.selectOption('#respiratory', 'snoring');
  await tablet.click('#observe');
  const observed = await room.waitEvent('observation', (e) => e.client === 'c-7', 10000, from);
  assert.equal(observed.actor, 'tablet-1');
  assert.equal(observed.moaa_s, undefined, 'the findings travel only on the clinician topics');
  const findings = 'sedation MOAA/S 3 (responds only after name is called loudly or repeatedly); ' +
    'dissociation present (amnesia, CADSS 12); breathing: snoring';
  const escape = (t) => t.replace(/[()]/g, '\\$&');
  // The card names the score; the event list gives the scale's words too.
  await waitText(tablet, '#aftercare-clients', new RegExp('^c-7: 1 observation\\(s\\), last at \\d\\d:\\d\\d:\\d\\d: ' +
    `${escape('sedation MOAA/S 3; dissociation present (amnesia, CADSS 12); breathing: snoring (by rn-4)')}`));
  await waitText(tablet, '#events', new RegExp(`Observation c-7 at \\+0:00:\\d\\d: ${escape(findings)}, by rn-4`));
  await waitText(tablet, '#aftercare-note', /^Observation of c-7 recorded/);

  // Signing a running session is refused, in the room's words.
  await tablet.click('#sign');
  await tablet.click('#confirm-yes');
  await waitText(tablet, '#aftercare-error', new RegExp(`^The room refused 'sign': session ${session} has not finished \\(state running\\)`));

  // Ready to leave now; a discharge while monitored is refused with the end of the monitoring.
  await tablet.click('#ready-to-leave');
  const ready = await room.waitEvent('ready_to_leave', (e) => e.client === 'c-7', 10000, from);
  assert.equal(ready.actor, 'tablet-1');
  await waitText(tablet, '#aftercare-clients', /ready to leave \d\d:\d\d:\d\d \(\+0:00:\d\d\), by rn-4; monitored$/);
  await waitText(tablet, '#events', /Ready to leave: c-7 at \d\d:\d\d:\d\d \(\+0:00:\d\d\), by rn-4/);
  await tablet.click('#discharge');
  await waitText(tablet, '#aftercare-error', /^The room refused 'discharge': c-7 is monitored until \+0:00:40 on the dose clock/);

  // The session runs to its end, then the monitoring; a reload keeps the staff id (this browser session).
  await waitStateWords(tablet, 'Ended', 40000);
  await room.waitEvent('monitoring_ended', (e) => e.client === 'c-7', 30000, from);
  await tablet.reload();
  await waitStateWords(tablet, 'Ended');
  assert.equal(await tablet.inputValue('#staff-id'), 'rn-4', 'the staff id is kept through a reload');
  await waitText(tablet, '#aftercare-clients', /monitoring over, not discharged$/);
  await tablet.click('#discharge');
  const discharged = await room.waitEvent('discharged', (e) => e.client === 'c-7', 10000, from);
  assert.equal(discharged.actor, 'tablet-1');
  await waitText(tablet, '#aftercare-clients', /; discharged \d\d:\d\d:\d\d \(\+0:00:\d\d\), by rn-4$/);
  await waitText(tablet, '#events', /Discharged: c-7 at .*, by rn-4/);

  // The record: each entry with who made it and on which device; the refusals; the chain verifies.
  const events = room.recordEvents(session);
  const of = (type) => events.filter((e) => e.type === type);
  const [o] = of('observation');
  assert.deepEqual({ client: o.payload.client, moaa_s: o.payload.moaa_s, dissociation: o.payload.dissociation,
    features: o.payload.dissociation_features, cadss: o.payload.cadss, respiratory: o.payload.respiratory, by: o.payload.by, device: o.actor.device },
  { client: 'c-7', moaa_s: 3, dissociation: 'present', features: ['amnesia'], cadss: 12, respiratory: 'snoring', by: 'rn-4', device: 'tablet-1' });
  assert.equal(of('observation').length, 1, 'the observation without a staff id was never sent');
  for (const type of ['ready_to_leave', 'discharged']) {
    assert.equal(of(type).length, 1, type);
    assert.deepEqual([of(type)[0].payload.client, of(type)[0].payload.by, of(type)[0].actor.device], ['c-7', 'rn-4', 'tablet-1'], type);
  }
  assert.ok(of('ready_to_leave')[0].payload.at_dose_ms < 30000, 'ready to leave while the session ran');
  assert.ok(of('discharged')[0].payload.at_dose_ms >= 40000, 'discharged after the monitoring');
  const refused = of('command_refused').map((e) => e.payload.cmd);
  assert.deepEqual(refused.filter((c) => ['sign', 'discharge'].includes(c)).sort(), ['discharge', 'sign']);
  room.cli(['verify']);

  // The timeline marks the observation, ready to leave and the discharge.
  for (const kind of ['observation', 'ready', 'discharged']) assert.equal(await tablet.locator(`#timeline .tl-${kind}`).count(), 1, kind);

  // The card before signing, the fullest it gets for one client: accessible, above the fold; its screenshot for the docs.
  await accessible(browser, tablet, 'tablet', 'after-care');
  await aboveTheFold(tablet, 'after-care before signing');
  docsScreenshot(await browser.screenshot(tablet, 'tablet-aftercare'), 'tablet-aftercare.png');
  assert.deepEqual(browser.foreign, [], 'no request to any origin but the room\'s');
}, { room: { short: true }, timeout_s: 180 });

spec('sign from the tablet once (a second tablet\'s signature refused in words), then only an addendum', async ({ room, browser }) => {
  // A session over, its client ready to leave and discharged (entered by a test client: the card's own entries are the case above).
  const { session } = await room.begin('c-7', 50);
  assert.equal((await room.command({ cmd: 'ready_to_leave', by: 'rn-4' })).ok, true);
  await room.waitEvent('monitoring_ended', (e) => e.client === 'c-7', 60000);
  assert.equal((await room.command({ cmd: 'discharge', by: 'rn-4' })).ok, true);
  const from = room.mark();

  const tablet = await browser.open('tablet.html', 'tablet-1');
  await waitStateWords(tablet, 'Ended');
  await tablet.fill('#staff-id', 'rn-4');
  // A second tablet opens its signature confirmation first; this one signs; the second is refused.
  const second = await browser.open('tablet.html', 'tablet-1');
  await waitStateWords(second, 'Ended');
  assert.equal(await second.inputValue('#staff-id'), '', 'a new tab has no staff id until one is typed');
  await second.fill('#staff-id', 'dr-2');
  await second.selectOption('#sign-meaning', 'reviewed');
  await second.click('#sign');
  await second.waitForSelector('dialog[open] #confirm-yes');

  await tablet.bringToFront();
  await tablet.selectOption('#sign-meaning', 'reviewed and approved');
  await tablet.click('#sign');
  await tablet.click('#confirm-yes');
  await waitText(tablet, '#aftercare-note', /^Signed by rn-4 \(reviewed and approved\)\.$/)
    .catch(async (e) => { throw new Error(`${e.message}; the card's error: ${await text(tablet, '#aftercare-error')}`); });
  const signed = await room.waitEvent('signed', () => true, 10000, from);
  assert.equal(signed.meaning, 'reviewed and approved');
  await waitText(tablet, '#signature', /^Signed by rn-4 at \d\d:\d\d:\d\d \(.+\) as “reviewed and approved”, on tablet-1; summary [0-9a-f]{12}\./);
  assert.ok(await tablet.isHidden('#care-entries'), 'a signed session offers no more entries');
  assert.ok(await tablet.isHidden('#sign'));
  assert.ok(await tablet.isVisible('#addendum-text'), 'only an addendum');
  await waitText(tablet, '#events', /Signed \(reviewed and approved\), by rn-4 at \d\d:\d\d:\d\d; summary [0-9a-f]{12}/);

  await second.bringToFront();
  await second.click('#confirm-yes');
  await waitText(second, '#aftercare-error',
    new RegExp(`^The room refused 'sign': session ${session} is already signed \\(reviewed and approved by rn-4 at .+\\): a session is signed once`));
  await waitText(second, '#signature', /^Signed by rn-4 /);
  await second.close();

  // An addendum.
  await tablet.bringToFront();
  await tablet.fill('#addendum-text', 'Snoring resolved with a chin lift at about +0:00:20.');
  await tablet.selectOption('#addendum-section', 'observation');
  await tablet.click('#addendum');
  const addendum = await room.waitEvent('addendum', () => true, 10000, from);
  assert.equal(addendum.section, 'observation');
  await waitText(tablet, '#addenda', /^\d\d:\d\d:\d\d rn-4, observation: Snoring resolved with a chin lift at about \+0:00:20\.$/);
  await waitText(tablet, '#events', /Addendum \(observation\), by rn-4: Snoring resolved with a chin lift/);
  assert.equal(await tablet.inputValue('#addendum-text'), '');

  // The record: one signature, by the staff member on this device over a summary hash; the addendum after it.
  const events = room.recordEvents(session);
  const of = (type) => events.filter((e) => e.type === type);
  assert.equal(of('signed').length, 1, 'signed once');
  const sig = of('signed')[0].payload;
  assert.deepEqual([sig.meaning, sig.by, of('signed')[0].actor.device], ['reviewed and approved', 'rn-4', 'tablet-1']);
  assert.match(sig.content_hash, /^[0-9a-f]{64}$/);
  assert.equal(of('addendum').length, 1);
  assert.deepEqual([of('addendum')[0].payload.text, of('addendum')[0].payload.section, of('addendum')[0].payload.by],
    ['Snoring resolved with a chin lift at about +0:00:20.', 'observation', 'rn-4']);
  assert.ok(of('addendum')[0].seq > of('signed')[0].seq, 'the addendum follows the signature');
  assert.deepEqual(of('command_refused').map((e) => e.payload.cmd), ['sign'], 'the second signature refused');
  room.cli(['verify']);

  // The signed card: accessible, above the fold.
  await accessible(browser, tablet, 'tablet', 'after-care signed');
  await aboveTheFold(tablet, 'after-care signed');
  docsScreenshot(await browser.screenshot(tablet, 'tablet-aftercare-signed'), 'tablet-aftercare-signed.png');
}, { room: { short: true }, timeout_s: 180 });

spec('a group: each client\'s after-care on its own line; an entry for the client chosen; dissociation details accessible', async ({ room, browser }) => {
  await room.command({ cmd: 'preload', client: 'c-7', clients: ['c-7', 'c-8'],
    doses: [{ client: 'c-7', amount_mg: 50 }, { client: 'c-8', amount_mg: 40 }] });
  await room.waitState((s) => s.state === 'ready' && (s.clients || []).length === 2, 15000);
  const from = room.mark();
  assert.equal((await room.command({ cmd: 'start' })).ok, true);
  const { session } = await room.waitState((s) => s.state === 'running', 10000, from);
  const tablet = await browser.open('tablet.html', 'tablet-1');
  await waitStateWords(tablet, 'Running');
  await waitText(tablet, '#aftercare-clients', /^c-7: no observation yet; .*monitoredc-8: no observation yet; .*monitored$/);
  assert.ok(await tablet.isVisible('#care-client'), 'a group chooses the client');
  await tablet.fill('#staff-id', 'rn-4');
  await tablet.selectOption('#care-client', 'c-8');
  await tablet.selectOption('#moaa-s', '5');
  await tablet.selectOption('#dissociation', 'present');
  await tablet.waitForSelector('#dissociation-details:not([hidden])');
  await accessible(browser, tablet, 'tablet', 'after-care, dissociation details');
  await aboveTheFold(tablet, 'after-care of a group with the dissociation details');
  await tablet.check('input[name=dissociation-feature][value=derealization]');
  await tablet.click('#observe');
  const observed = await room.waitEvent('observation', () => true, 10000, from);
  assert.equal(observed.client, 'c-8');
  await waitText(tablet, '#aftercare-clients', /^c-7: no observation yet; .*c-8: 1 observation\(s\), last at .*: sedation MOAA\/S 5; dissociation present \(derealisation\) \(by rn-4\)/);
  await tablet.selectOption('#care-client', 'c-7');
  // A time given is on the room's clock (UTC here): a minute ago is before the dose, and refused so.
  const minuteAgo = new Date(Date.now() - 60000).toISOString().slice(11, 16);
  await tablet.fill('#care-time', minuteAgo);
  await tablet.click('#ready-to-leave');
  await waitText(tablet, '#aftercare-error', new RegExp(`^The room refused 'ready_to_leave': ready to leave at \\S+T${minuteAgo}:00\\.000Z is before c-7's dose`));
  assert.equal(await tablet.inputValue('#care-time'), minuteAgo, 'a refused time stays to be corrected');
  await tablet.fill('#care-time', '');
  await tablet.click('#ready-to-leave');
  await room.waitEvent('ready_to_leave', () => true, 10000, from);
  await waitText(tablet, '#aftercare-clients', /^c-7: .*ready to leave \d\d:\d\d:\d\d \(\+0:00:\d\d\), by rn-4; monitoredc-8: .*ready to leave not recorded; monitored$/);
  const events = room.recordEvents(session);
  assert.deepEqual(events.filter((e) => e.type === 'observation').map((e) => [e.payload.client, e.payload.moaa_s, e.payload.dissociation_features]),
    [['c-8', 5, ['derealization']]]);
  assert.deepEqual(events.filter((e) => e.type === 'ready_to_leave').map((e) => e.payload.client), ['c-7']);
}, { room: { short: true } });

run();

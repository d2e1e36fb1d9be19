// Debian's Chromium driven by playwright-core (no browser download): a fresh profile per browser,
// every request checked against the room's origin, sign-in, axe-core injected from the pinned npm
// package, screenshots into the build tree's artifacts.
'use strict';

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { chromium } = require('playwright-core');
const { binaryDir } = require('./room');

const CHROMIUM = process.env.STILLROOM_CHROMIUM || '/usr/bin/chromium';
const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'];
const artifacts = path.join(binaryDir, 'tests/browser/artifacts');

class Browser {
  constructor(room, options = {}) {
    this.room = room;
    this.options = options;
    this.foreign = [];   // requests to any origin but the room's
    this.consoleErrors = [];
  }

  async launch() {
    this.profile = fs.mkdtempSync(path.join(os.tmpdir(), 'stillroom-chromium-'));
    this.context = await chromium.launchPersistentContext(this.profile, {
      executablePath: CHROMIUM,
      headless: true,
      // mosquitto 2.0.11's TLS websockets listener offers h2 by ALPN and then cannot serve files over
      // it (ERR_HTTP2_PROTOCOL_ERROR): over TLS the browser must speak HTTP/1.1 to it.
      args: this.room.options.tls ? [...FLAGS, '--disable-http2'] : FLAGS,
      viewport: this.options.viewport || { width: 1024, height: 768 },
      ignoreHTTPSErrors: true,   // the test room's self-signed certificate
      locale: 'en-GB',
      timezoneId: 'UTC',
    });
    const origin = this.room.origin;
    const allowed = (url) => url.startsWith(`${origin}/`) || url === origin ||
      url.startsWith(origin.replace(/^http/, 'ws')) || url.startsWith('data:') || url.startsWith('about:');
    await this.context.route('**/*', (route) => {
      const url = route.request().url();
      if (allowed(url)) return route.continue();
      this.foreign.push(url);
      return route.abort();
    });
    this.context.on('page', (page) => this.watchPage(page));
    for (const page of this.context.pages()) this.watchPage(page);
    this.allowed = allowed;
  }

  watchPage(page) {
    page.on('websocket', (ws) => { if (!this.allowed(ws.url())) this.foreign.push(ws.url()); });
    page.on('request', (request) => { if (!this.allowed(request.url())) this.foreign.push(request.url()); });
    page.on('console', (m) => { if (m.type() === 'error') this.consoleErrors.push(m.text()); });
    page.on('pageerror', (e) => this.consoleErrors.push(String(e)));
  }

  /** A new tab on `page` of the room (query e.g. 'room=room-1'), signed in as `user` unless user is null. */
  async open(file, user, query = '', viewport) {
    const page = this.context.pages().find((p) => p.url() === 'about:blank') || await this.context.newPage();
    if (viewport) await page.setViewportSize(viewport);
    await page.goto(this.room.url(file, query));
    if (user) await this.signIn(page, user, this.room.password(user));
    return page;
  }

  async signIn(page, user, password) {
    await page.waitForSelector('#signin:not([hidden])');
    await page.fill('#signin input[name=user]', user);
    await page.fill('#signin input[name=password]', password);
    await page.click('#signin button[type=submit]');
  }

  /** Runs axe-core (the pinned package's axe.min.js, injected) on the page; returns its violations. */
  async axe(page, options = {}) {
    const axePath = require.resolve('axe-core/axe.min.js');
    if (!(await page.evaluate(() => !!window.axe))) await page.addScriptTag({ path: axePath });
    return page.evaluate(async (opts) => {
      const result = await window.axe.run(document, {
        runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] },
        ...opts,
      });
      return result.violations.map((v) => ({
        id: v.id, impact: v.impact, help: v.help,
        nodes: v.nodes.map((n) => `${n.target.join(' ')}: ${n.failureSummary}`).slice(0, 5),
      }));
    }, options);
  }

  async screenshot(page, name) {
    fs.mkdirSync(artifacts, { recursive: true });
    const file = path.join(artifacts, `${name}.png`);
    await page.screenshot({ path: file });
    return file;
  }

  async close() {
    if (this.context) await this.context.close().catch(() => {});
    if (this.profile) fs.rmSync(this.profile, { recursive: true, force: true });
  }
}

module.exports = { Browser, artifacts, CHROMIUM };

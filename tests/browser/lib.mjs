/*
 * lib.mjs — what the browser checks share: starting the real atelier
 * binary on a free port with a temporary database and the repository's
 * sessions/, reading the facilitator links it prints, and launching the
 * system Chromium through playwright-core (never a downloaded browser).
 */

import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

export const SOURCE_DIR = process.env.ATELIER_SOURCE_DIR ||
  resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export const CHROMIUM = process.env.ATELIER_CHROMIUM || '/usr/bin/chromium';

const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'
];

export function sleep(ms) {
  return new Promise((done) => setTimeout(done, ms));
}

/* Waits until fn() returns a truthy value (or throws after ms). */
export async function until(fn, ms, what) {
  const end = Date.now() + ms;
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() > end) throw new Error('timed out waiting for ' + what);
    await sleep(50);
  }
}

/* The atelier binary: $ATELIER_BIN. */
export function atelierBin() {
  const bin = process.env.ATELIER_BIN;
  if (!bin || !existsSync(bin)) {
    throw new Error('atelier binary not found: set ATELIER_BIN');
  }
  return bin;
}

/*
 * A running server. start() launches `atelier serve` on 127.0.0.1 (port 0
 * the first time, then the same port again after a stop, so pages can
 * reconnect), waits for the port file and the facilitator line.
 */
export class Server {
  /* extraArgs: more options for `atelier serve` (--no-rate-limit, say);
   * sessions: the folder of definitions it imports (default sessions/). */
  constructor(extraArgs, sessions) {
    this.extraArgs = extraArgs || [];
    this.sessions = sessions || join(SOURCE_DIR, 'sessions');
    this.dir = mkdtempSync(join(tmpdir(), 'atelier-browser-'));
    this.db = join(this.dir, 'test.db');
    this.portFile = join(this.dir, 'port');
    this.port = 0;
    this.proc = null;
    this.output = '';
    this.seminars = new Map(); /* code -> key */
  }

  get base() {
    return 'http://127.0.0.1:' + this.port;
  }

  async start() {
    rmSync(this.portFile, { force: true });
    this.output = '';
    const args = ['serve', '--listen', '127.0.0.1:' + this.port, '--port-file', this.portFile,
      '--db', this.db, '--sessions', this.sessions, '--web', join(SOURCE_DIR, 'web')].concat(this.extraArgs);
    const proc = spawn(atelierBin(), args, { cwd: this.dir, stdio: ['ignore', 'pipe', 'pipe'] });
    this.proc = proc;
    /* Never leave a server behind, whatever ends this process. */
    process.once('exit', () => { if (proc.exitCode === null) proc.kill('SIGKILL'); });
    proc.stdout.on('data', (d) => { this.output += d; });
    proc.stderr.on('data', (d) => { this.output += d; });
    const exited = new Promise((done) => proc.on('exit', (code) => done(code)));
    this.exited = exited;
    await until(async () => {
      if (proc.exitCode !== null) throw new Error('atelier serve exited: ' + this.output);
      if (!existsSync(this.portFile)) return false;
      const text = readFileSync(this.portFile, 'utf8').trim();
      return /^\d+$/.test(text) && /cle=/.test(this.output) ? text : false;
    }, 10000, 'the server to start');
    this.port = Number(readFileSync(this.portFile, 'utf8').trim());
    const re = /animation\.html#code=([A-Za-z0-9]+)&cle=(\S+)/g;
    let m;
    while ((m = re.exec(this.output)) !== null) this.seminars.set(m[1], m[2]);
  }

  async stop() {
    if (!this.proc || this.proc.exitCode !== null) return;
    this.proc.kill('SIGTERM');
    const timer = setTimeout(() => this.proc.kill('SIGKILL'), 5000);
    await this.exited;
    clearTimeout(timer);
  }

  async cleanup() {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/* Launches the system Chromium. playwright-core makes a fresh temporary
 * profile (--user-data-dir) for every launch and removes it on close. */
export async function launchBrowser() {
  let chromium;
  try {
    ({ chromium } = await import('playwright-core'));
  } catch (e) {
    throw new Error('playwright-core is not installed: npm ci --prefix tests/browser');
  }
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}

/* The seminar definitions in sessions/ that fix their join code, by code. */
export function definitions() {
  const out = new Map();
  const dir = join(SOURCE_DIR, 'sessions');
  for (const name of readdirSync(dir).filter((n) => n.endsWith('.json')).sort()) {
    const d = JSON.parse(readFileSync(join(dir, name), 'utf8'));
    if (d.code) out.set(d.code, d);
  }
  return out;
}

/*
 * A tally of named checks for the scripts of this folder: ok(name, cond,
 * detail) records one; step(name, fn) runs fn and records it (fn returns
 * true/undefined for success, a string saying what went wrong, or throws).
 * finish() prints "N passed, N failed" and sets the exit code.
 */
export class Report {
  constructor() {
    this.passed = 0;
    this.failed = 0;
  }

  ok(name, cond, detail) {
    if (cond) this.passed += 1;
    else this.failed += 1;
    const said = detail && detail.length > 400 ? detail.slice(0, 400) + '…' : detail;
    console.log((cond ? 'ok   ' : 'FAIL ') + name + (!cond && said ? ': ' + said : ''));
    return !!cond;
  }

  async step(name, fn) {
    let result;
    try {
      result = await fn();
    } catch (e) {
      return this.ok(name, false, String(e.message || e).split('\n')[0]);
    }
    const good = result === undefined || result === true;
    return this.ok(name, good, typeof result === 'string' ? result : '');
  }

  finish() {
    console.log(this.passed + ' passed, ' + this.failed + ' failed');
    process.exitCode = this.failed ? 1 : 0;
  }
}

/*
 * Records on `seen` what a page must never do: a request to a host other
 * than the server (seen.hosts), a dialog (seen.dialogs: alert, confirm,
 * prompt; dismissed at once), a CSP refusal (seen.csp), a script error
 * (seen.errors).
 */
export function watchPage(page, label, server, seen) {
  for (const k of ['hosts', 'dialogs', 'csp', 'errors']) seen[k] = seen[k] || [];
  page.on('request', (req) => {
    const url = new URL(req.url());
    if (url.protocol !== 'data:' && url.protocol !== 'blob:' && url.host !== '127.0.0.1:' + server.port) {
      seen.hosts.push(label + ' ' + req.url());
    }
  });
  page.on('dialog', (d) => {
    seen.dialogs.push(label + ' ' + d.type() + ' ' + d.message());
    d.dismiss().catch(() => {});
  });
  page.on('console', (msg) => {
    if (/Content Security Policy|Refused to/i.test(msg.text())) seen.csp.push(label + ': ' + msg.text());
  });
  page.on('pageerror', (err) => seen.errors.push(label + ': ' + err.message));
}

/*
 * Speaks atelier.v1 from inside a page of the server's origin, on a new
 * WebSocket: sends each message in turn and resolves with the replies (the
 * message whose "re" is its id, or an error whose "re" is null). A
 * rate_limited refusal is waited out and the message sent again under a
 * new id, up to `ms` in all. The socket is closed at the end.
 */
export function atelierCall(page, messages, ms) {
  return page.evaluate(async ({ messages, ms }) => {
    const end = Date.now() + ms;
    const ws = new WebSocket((location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/ws',
      'atelier.v1');
    const inbox = [];
    ws.onmessage = (ev) => { inbox.push(JSON.parse(ev.data)); };
    await new Promise((ok, ko) => { ws.onopen = ok; ws.onerror = () => ko(new Error('WebSocket refused')); });
    const next = (id) => new Promise((ok, ko) => {
      const look = () => {
        const i = inbox.findIndex((m) => m.type !== 'event' && (m.re === id || (m.re === null && m.type === 'error')));
        if (i >= 0) return ok(inbox.splice(i, 1)[0]);
        if (Date.now() > end) return ko(new Error('no reply to ' + id));
        setTimeout(look, 20);
      };
      look();
    });
    const replies = [];
    for (const msg of messages) {
      for (let attempt = 0; ; attempt++) {
        const id = msg.id + (attempt ? '-' + attempt : '');
        ws.send(JSON.stringify(Object.assign({}, msg, { id: id })));
        const reply = await next(id);
        if (reply.code !== 'rate_limited') {
          replies.push(reply);
          break;
        }
        await new Promise((ok) => setTimeout(ok, 500));
      }
    }
    ws.close();
    return replies;
  }, { messages, ms });
}

/* The hostile texts of tests/hostile/payloads.json: each case with its
 * text as sent (repeat applied) and, when the server stores it, `stored`. */
export function hostilePayloads() {
  const doc = JSON.parse(readFileSync(join(SOURCE_DIR, 'tests', 'hostile', 'payloads.json'), 'utf8'));
  return doc.cases.filter((c) => typeof c.text === 'string').map((c) => {
    const text = c.text.repeat(c.repeat || 1);
    const ok = (c.text_reply || 'ack') === 'ack';
    const labelOk = (c.label_reply || 'ack') === 'ack';
    const stored = c.stored !== undefined ? c.stored : text;
    return { name: c.name, text: text, stored: ok ? stored : null, label: labelOk ? stored : null };
  });
}

/*
 * The frame of a browser script: without node_modules it says "SKIP
 * <name>: ..." and exits 0 (ctest counts it skipped), except in CI where
 * that is a failure. Otherwise it launches Chromium, starts `server`, runs
 * main(browser) and always closes both; a run longer than deadlineMs fails
 * and kills the server. Ends with report.finish().
 */
export async function runScript(name, report, server, deadlineMs, main) {
  const modules = fileURLToPath(new URL('./node_modules/playwright-core', import.meta.url));
  if (!existsSync(modules)) {
    if (process.env.CI) {
      report.ok('tests/browser/node_modules is present (npm ci --prefix tests/browser)', false);
      report.finish();
      return;
    }
    console.log('SKIP ' + name + ': tests/browser/node_modules is missing (npm ci --prefix tests/browser)');
    return;
  }
  const deadline = setTimeout(() => {
    report.ok('the run ends within ' + deadlineMs / 1000 + ' s', false);
    report.finish();
    if (server.proc && server.proc.exitCode === null) server.proc.kill('SIGKILL');
    process.exit(1);
  }, deadlineMs);
  let browser = null;
  try {
    browser = await launchBrowser();
    await server.start();
    await main(browser);
  } catch (e) {
    report.ok(name + ' setup', false, String(e.message || e).split('\n')[0]);
  } finally {
    if (browser) await browser.close();
    await server.cleanup();
    clearTimeout(deadline);
    report.finish();
  }
}

/* A page in a context of its own (French, this viewport, waits bounded by
 * waitMs), watched with watchPage, opened at url. */
export async function openPage(browser, server, seen, label, url, viewport, waitMs) {
  const context = await browser.newContext({ viewport: viewport, locale: 'fr-FR' });
  context.setDefaultTimeout(waitMs);
  const page = await context.newPage();
  watchPage(page, label, server, seen);
  await page.goto(url);
  return page;
}

/* A page whose clock the test drives (playwright's page.clock), paused
 * once loaded: its timers and frames run only when the test lets them
 * (tick, page.clock.runFor), so that a projection screen turns its pages
 * when the test says and never meanwhile. */
export async function openClockedPage(browser, server, seen, label, url, viewport, waitMs) {
  const context = await browser.newContext({ viewport: viewport, locale: 'fr-FR' });
  context.setDefaultTimeout(waitMs);
  const page = await context.newPage();
  watchPage(page, label, server, seen);
  await page.clock.install();
  await page.goto(url);
  await pauseClock(page);
  page.clocked = true;
  return page;
}

/* Pauses a clocked page's time where it is (after a load or a reload). */
export async function pauseClock(page) {
  await page.clock.pauseAt(await page.evaluate(() => Date.now() + 500));
}

/* Lets a clocked page's frames and timers run for 20 ms of its time
 * (nothing for another page). */
export async function tick(page) {
  if (page.clocked) await page.clock.runFor(20);
}

/*
 * Runs axe-core (tests/browser/node_modules/axe-core, pinned in
 * package.json) on the page as it is now, with its default rule set and
 * no rule disabled. The pages' CSP (script-src 'self') refuses a script
 * element added by the test, so axe's source is evaluated through the
 * DevTools protocol (page.evaluate), which the CSP does not govern; the
 * page's own policy stays in force for everything else. Resolves with
 * one line per violation: "rule (impact): help — target, target…".
 */
export async function axeViolations(page) {
  const path = fileURLToPath(new URL('./node_modules/axe-core/axe.min.js', import.meta.url));
  if (!existsSync(path)) throw new Error('axe-core is not installed: npm ci --prefix tests/browser');
  const source = readFileSync(path, 'utf8');
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.evaluate(source);
  const violations = await page.evaluate(async () => {
    const result = await window.axe.run(document);
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help,
      targets: v.nodes.map((n) => n.target.join(' ')) }));
  });
  return violations.map((v) => v.id + ' (' + v.impact + '): ' + v.help + ' — ' + v.targets.join(', '));
}

/* A check of report that axe-core finds no violation on page (where
 * says which), each violation printed. */
export async function axeStep(report, page, where) {
  await report.step('axe-core: no violation on ' + where, async () => {
    const found = await axeViolations(page);
    for (const v of found) console.log('     ' + v);
    return found.length === 0 || found.length + ' violation(s): ' + found.map((v) => v.split(' ')[0]).join(', ');
  });
}

/* On the facilitator console, shows activity id (its link in the
 * navigator, as a facilitator clicks it) and waits until its view is
 * drawn: article[data-key=id]. */
export async function consoleShow(page, id, waitMs) {
  await page.click('#nav-list li[data-key="' + id + '"] a', { timeout: waitMs });
  await page.waitForSelector('article[data-key="' + id + '"]', { timeout: waitMs });
}

/* The first activity of template "open" of seminar code in sessions/
 * (the definition's activity, its first board, the seminar's key), and a
 * small page of the server's origin to speak atelier.v1 from
 * (atelierCall): what a script that fills a board starts with. */
export async function openTarget(browser, server, seen, code, waitMs) {
  const def = definitions().get(code);
  const activity = def.activities.find((a) => a.template === 'open');
  const board = activity.boards ? activity.boards[0].id : 'salle';
  const poster = await openPage(browser, server, seen, 'poster', server.base + '/api/health',
    { width: 400, height: 300 }, waitMs);
  return { def: def, activity: activity, board: board, key: server.seminars.get(code), poster: poster };
}

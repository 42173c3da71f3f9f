/*
 * weight.mjs — S8 of issue 4: what the phone page loads, and when it is
 * usable, in the system Chromium with a slow 3G network emulated through
 * the DevTools protocol. Prints figures; asserts no time.
 *
 * For each page (/ and the join link /j/RBX22), each run in a fresh
 * browser context (empty cache, French, 360×740): every request with its
 * status, encoding and transferred bytes (Chromium's encodedDataLength:
 * response headers + body as received), the WebSocket's received frames,
 * the total, and the time from navigation start until the page is usable:
 *
 *   /          the code field is shown, enabled, and its label holds the
 *              catalogue's French text (phone.code_label);
 *   /j/RBX22   the open activity is shown with its title, every
 *              contribution already posted, and the writing form whose
 *              label holds the catalogue's text (phone.note_label).
 *
 * The page attaches its handlers in the same task that fills the texts
 * (phone.js: i18n.load('phone').then(init)), so "shown with its text" is
 * also "answers a tap" (on /, a code sent before the joined phone's
 * modules arrived waits for them). After each run the script types into
 * the field to check it takes text.
 *
 * Network emulation (Network.emulateNetworkConditions), by default the
 * "slow 3G" of WebPageTest's 3GSlow profile: 400 ms latency, 400 kbit/s
 * down, 400 kbit/s up. Chromium applies the latency once per request
 * (request sent → response headers), not per TCP round trip: connection
 * set-up and TCP slow start are not simulated, and WebSocket frames get
 * the bandwidth but no latency. DevTools' own "3G" preset
 * uses 2,000 ms (400 ms × 5, to stand for those round trips): with it no
 * page that needs its HTML then one more request can be usable within
 * 2 s.
 *
 * Before the phones, a facilitator opens the first "open" activity of
 * RBX22 and two participants post --contributions texts (default 20) in
 * it, so the join link lands on an activity in use.
 *
 * Usage: ATELIER_BIN=build/atelier node tests/browser/weight.mjs [options]
 * (docs/BENCHMARKS.md, section S8, has the figures and what they mean)
 *   --runs N            runs per page (default 3; the median is printed)
 *   --latency MS        emulated latency per request (default 400)
 *   --down KBIT         download throughput (default 400)
 *   --up KBIT           upload throughput (default 400)
 *   --cpu N             CPU slowdown (Emulation.setCPUThrottlingRate, default 1)
 *   --contributions N   posted before the phones join (default 20)
 *   --budget BYTES      one run per page without emulation; fails (exit 1)
 *                       when a page loads more than BYTES over HTTP (the
 *                       seminar's data on the WebSocket is not counted:
 *                       it grows with the contributions) (ctest)
 *   --quiet             totals only, no per-request table
 */

import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Server, Report, runScript, openPage, watchPage, atelierCall, definitions, SOURCE_DIR } from './lib.mjs';

const CODE = 'RBX22';
const WAIT_MS = 30000;

function options(argv) {
  const o = { runs: 3, latency: 400, down: 400, up: 400, cpu: 1, contributions: 20, budget: 0, quiet: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const num = () => {
      const v = Number(argv[++i]);
      if (!Number.isFinite(v) || v < 0) throw new Error(a + ' needs a number');
      return v;
    };
    if (a === '--runs') o.runs = Math.max(1, num());
    else if (a === '--latency') o.latency = num();
    else if (a === '--down') o.down = num();
    else if (a === '--up') o.up = num();
    else if (a === '--cpu') o.cpu = Math.max(1, num());
    else if (a === '--contributions') o.contributions = num();
    else if (a === '--budget') o.budget = num();
    else if (a === '--quiet') o.quiet = true;
    else if (!process.env.ATELIER_BIN && !a.startsWith('--')) process.env.ATELIER_BIN = a;
    else throw new Error('unknown option ' + a);
  }
  if (o.budget) o.runs = 1;
  /* The server runs in a scratch directory: the binary's path must not
   * be relative. */
  if (process.env.ATELIER_BIN) process.env.ATELIER_BIN = resolve(process.env.ATELIER_BIN);
  return o;
}

const opt = options(process.argv.slice(2));
const report = new Report();
const server = new Server();
const catalogue = JSON.parse(readFileSync(join(SOURCE_DIR, 'web', 'i18n.json'), 'utf8'));

/* Runs in the page before any of its scripts: records, with a mutation
 * observer, the first instant (performance.now(), ms since navigation
 * start) at which the page is usable as defined above. */
function watchUsable(want) {
  const shown = (n) => !!n && !n.closest('[hidden]') && !n.disabled;
  const labelOf = (id) => {
    const l = document.querySelector('label[for="' + id + '"]');
    return l ? l.textContent : '';
  };
  const usable = () => {
    if (want.kind === 'code') {
      return shown(document.getElementById('join-code')) && labelOf('join-code') === want.label;
    }
    const title = document.getElementById('activity-title');
    const list = document.getElementById('board-list');
    return shown(title) && title.textContent !== '' && shown(document.getElementById('note-text')) &&
      labelOf('note-text') === want.label && !!list && list.children.length >= want.cards;
  };
  const check = () => {
    if (window.__usableAt === undefined && usable()) {
      window.__usableAt = performance.now();
      observer.disconnect();
    }
  };
  const observer = new MutationObserver(check);
  observer.observe(document, { subtree: true, childList: true, attributes: true, characterData: true });
}

/* Opens the activity and posts n contributions from two participants
 * (a participant's burst is 20 posts), from a page of the server. */
async function prepare(browser, seen) {
  const def = definitions().get(CODE);
  const activity = def.activities.find((a) => a.template === 'open');
  const board = activity.boards ? activity.boards[0].id : 'salle';
  const page = await openPage(browser, server, seen, 'poster', server.base + '/api/health',
    { width: 400, height: 300 }, WAIT_MS);
  const key = server.seminars.get(CODE);
  const opened = await atelierCall(page, [{ type: 'set_state', id: 'open', code: CODE, key: key,
    activity: activity.id, state: 'open' }], WAIT_MS);
  report.ok('the activity opens', opened[0].type === 'ack', JSON.stringify(opened[0]));
  for (let who = 0; who < 2; who++) {
    const msgs = [{ type: 'join', id: 'j' + who, code: CODE }];
    for (let k = who; k < opt.contributions; k += 2) {
      msgs.push({ type: 'post', id: 'p' + k, activity: activity.id, board: board,
        text: 'Proposition ' + (k + 1) + ' : que les écoles, les familles et les associations du ' +
          'quartier préparent ensemble la rentrée, avec un temps d’accueil commun.' });
    }
    const replies = await atelierCall(page, msgs, WAIT_MS);
    const refused = replies.filter((r) => r.type !== 'ack' && r.type !== 'joined');
    report.ok('participant ' + (who + 1) + ' posts its contributions', refused.length === 0,
      JSON.stringify(refused[0]));
  }
  await page.context().close();
}

/* One load of url in a fresh context: the requests, the WebSocket frames
 * and the usable instant. */
async function measure(browser, seen, path, want) {
  const context = await browser.newContext({ viewport: { width: 360, height: 740 }, locale: 'fr-FR',
    isMobile: true, hasTouch: true });
  context.setDefaultTimeout(WAIT_MS);
  const page = await context.newPage();
  watchPage(page, path, server, seen);
  const cdp = await context.newCDPSession(page);
  const requests = new Map();
  const ws = { frames: 0, bytes: 0, sent: 0, framesAtUsable: null, bytesAtUsable: null, kinds: [] };
  cdp.on('Network.requestWillBeSent', (e) => {
    if (!requests.has(e.requestId)) {
      requests.set(e.requestId, { url: e.request.url, start: e.timestamp, wall: e.wallTime,
        by: e.initiator.type });
    }
  });
  cdp.on('Network.responseReceived', (e) => {
    const r = requests.get(e.requestId);
    if (!r) return;
    const h = e.response.headers || {};
    const enc = Object.keys(h).find((k) => k.toLowerCase() === 'content-encoding');
    r.status = e.response.status;
    r.encoding = enc ? h[enc] : '';
  });
  cdp.on('Network.loadingFinished', (e) => {
    const r = requests.get(e.requestId);
    if (r) { r.bytes = e.encodedDataLength; r.end = e.timestamp; }
  });
  cdp.on('Network.loadingFailed', (e) => {
    const r = requests.get(e.requestId);
    if (r) { r.failed = e.errorText; r.end = e.timestamp; }
  });
  const frame = (dir, e) => {
    const data = e.response.payloadData || '';
    const type = /"type":"([a-z_]+)"/.exec(data);
    const bytes = Buffer.byteLength(data, 'utf8');
    ws.kinds.push({ what: dir + (type ? type[1] : '?') + ' ' + bytes, at: e.timestamp });
    return bytes;
  };
  cdp.on('Network.webSocketCreated', (e) => { ws.kinds.push({ what: 'open', at: null }); });
  cdp.on('Network.webSocketWillSendHandshakeRequest', (e) => { ws.kinds.push({ what: 'handshake', at: e.timestamp }); });
  cdp.on('Network.webSocketHandshakeResponseReceived', (e) => { ws.kinds.push({ what: '101', at: e.timestamp }); });
  cdp.on('Network.webSocketFrameReceived', (e) => {
    ws.frames += 1;
    ws.bytes += frame('← ', e);
  });
  cdp.on('Network.webSocketFrameSent', (e) => {
    ws.sent += frame('→ ', e);
  });
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  if (!opt.budget) {
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false, latency: opt.latency,
      downloadThroughput: opt.down * 1000 / 8, uploadThroughput: opt.up * 1000 / 8,
      connectionType: 'cellular3g'
    });
    if (opt.cpu > 1) await cdp.send('Emulation.setCPUThrottlingRate', { rate: opt.cpu });
  }
  await page.addInitScript(watchUsable, want);
  await page.goto(server.base + path, { waitUntil: 'commit' });
  const usableAt = await page.waitForFunction(() => window.__usableAt, null,
    { timeout: WAIT_MS, polling: 50 }).then((h) => h.jsonValue());
  ws.framesAtUsable = ws.frames;
  ws.bytesAtUsable = ws.bytes;
  /* Whatever the page still loads after that (an icon, a late fetch)
   * counts too: wait until nothing is pending for a second. */
  const pending = () => Array.from(requests.values()).filter((r) => r.end === undefined).length;
  let quietSince = Date.now();
  const giveUp = Date.now() + WAIT_MS;
  while (Date.now() - quietSince < 1000 && Date.now() < giveUp) {
    await new Promise((done) => setTimeout(done, 100));
    if (pending()) quietSince = Date.now();
  }
  const nav = await page.evaluate(() => {
    const n = performance.getEntriesByType('navigation')[0];
    return { dcl: n.domContentLoadedEventEnd, load: n.loadEventEnd, origin: performance.timeOrigin };
  });
  /* The field takes text. */
  const field = want.kind === 'code' ? '#join-code' : '#note-text';
  await page.focus(field);
  await page.keyboard.type('AB');
  const typed = await page.inputValue(field);
  await context.close();
  const list = Array.from(requests.values()).filter((r) => !r.url.startsWith('data:'));
  /* The network's clock (monotonic seconds) to the page's: ms since
   * navigation start, through the wall time of the first request. */
  const first = list.reduce((a, r) => (!a || r.start < a.start ? r : a), null);
  const t0 = first ? first.start - (first.wall * 1000 - nav.origin) / 1000 : 0;
  return { path, usableAt, nav, typed: typed.endsWith('AB'), ws, t0,
    requests: list.sort((a, b) => a.start - b.start) };
}

function pad(s, n, right) {
  s = String(s);
  return right ? s.padStart(n) : s.padEnd(n);
}

function printRun(run) {
  const total = run.requests.reduce((s, r) => s + (r.bytes || 0), 0);
  if (!opt.quiet) {
    console.log('  times in ms since navigation start');
    console.log('  ' + pad('request', 34) + pad('by', 8) + pad('status', 7) + pad('enc', 6) +
      pad('bytes', 8, true) + pad('start ms', 10, true) + pad('end ms', 9, true));
    for (const r of run.requests) {
      const u = new URL(r.url);
      console.log('  ' + pad(u.pathname + u.search, 34) + pad(r.by, 8) + pad(r.failed ? 'failed' : r.status, 7) +
        pad(r.encoding || '-', 6) + pad(r.bytes || 0, 8, true) +
        pad(Math.round((r.start - run.t0) * 1000), 10, true) +
        pad(r.end ? Math.round((r.end - run.t0) * 1000) : '-', 9, true));
    }
  }
  if (!opt.quiet && run.ws.kinds.length) {
    console.log('  WebSocket: ' + run.ws.kinds.filter((k) => k.at !== null).map((k) =>
      k.what + ' @' + Math.round((k.at - run.t0) * 1000)).join(', '));
  }
  const all = total + run.ws.bytesAtUsable;
  console.log('  ' + run.requests.length + ' requests, ' + total + ' bytes; WebSocket ' +
    run.ws.framesAtUsable + ' frames received, ' + run.ws.bytesAtUsable + ' bytes of payload until usable (' +
    run.ws.bytes + ' in all, ' + run.ws.sent + ' sent); all: ' + all + ' bytes');
  console.log('  usable at ' + Math.round(run.usableAt) + ' ms (DOMContentLoaded ' +
    Math.round(run.nav.dcl) + ' ms, load ' + Math.round(run.nav.load) + ' ms)');
  return { total, all };
}

function median(xs) {
  const s = xs.slice().sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) / 2)];
}

async function main(browser) {
  const seen = {};
  await prepare(browser, seen);
  console.log(opt.budget
    ? 'no network emulation (byte budget ' + opt.budget + ')'
    : 'emulated network: latency ' + opt.latency + ' ms per request, ' + opt.down + ' kbit/s down, ' +
      opt.up + ' kbit/s up, CPU slowdown ×' + opt.cpu + '; empty cache; ' + opt.contributions +
      ' contributions in the activity');
  const pages = [
    { path: '/', want: { kind: 'code', label: catalogue['phone.code_label'].fr } },
    { path: '/j/' + CODE, want: { kind: 'activity', label: catalogue['phone.note_label'].fr,
      cards: opt.contributions } }
  ];
  for (const p of pages) {
    const times = [];
    let bytes = null;
    for (let i = 0; i < opt.runs; i++) {
      console.log(p.path + ' run ' + (i + 1) + ':');
      const run = await measure(browser, seen, p.path, p.want);
      const sums = printRun(run);
      times.push(run.usableAt);
      report.ok(p.path + ': the field takes text once usable', run.typed);
      const failed = run.requests.filter((r) => r.failed || r.status >= 400);
      report.ok(p.path + ': every request succeeds', failed.length === 0,
        failed.map((r) => r.url + ' ' + (r.failed || r.status)).join(', '));
      /* No waterfall before the join form: every script, style sheet
       * and text asked for before it is usable is named by the HTML
       * itself (preloads), none waits for a script to run and ask for
       * it. (A join link then needs the joined phone's modules, which
       * phone.js imports as soon as it runs.) */
      const late = run.requests.filter((r) => /\/(js|css|i18n)\//.test(new URL(r.url).pathname) &&
        r.by !== 'parser' && (r.start - run.t0) * 1000 < run.usableAt);
      if (p.path === '/') console.log('  asked for before usable but not by the HTML: ' +
        (late.map((r) => new URL(r.url).pathname).join(', ') || 'none'));
      if (p.want.kind === 'code') {
        report.ok(p.path + ': what the join form needs is asked for by the HTML', late.length === 0,
          late.map((r) => new URL(r.url).pathname + ' by ' + r.by).join(', '));
      }
      if (bytes === null) bytes = sums;
    }
    console.log('S8 ' + p.path + ': ' + bytes.total + ' bytes over HTTP' +
      (bytes.all > bytes.total ? ' + ' + (bytes.all - bytes.total) + ' of WebSocket payload = ' + bytes.all : '') +
      ', usable at ' + Math.round(median(times)) + ' ms (median of ' + times.length + ': ' +
      times.map(Math.round).join(', ') + ')');
    /* The budget is the page's own: what it fetches over HTTP. The
     * seminar's data on the WebSocket grows with its contributions. */
    if (opt.budget) {
      report.ok(p.path + ' loads at most ' + opt.budget + ' bytes over HTTP', bytes.total <= opt.budget,
        bytes.total + ' bytes');
    }
  }
  report.ok('no request to another host, no CSP refusal, no script error',
    !seen.hosts.length && !seen.csp.length && !seen.errors.length,
    seen.hosts.concat(seen.csp, seen.errors).join('; '));
}

runScript('browser_weight', report, server, opt.budget ? 110000 : 600000, main);

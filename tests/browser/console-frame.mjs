/*
 * console-frame.mjs — what one event costs the facilitator console
 * (web/animation.html) in the system Chromium, at 500, 2,000 and 10,000
 * contributions on one board. Prints figures; asserts no time. Exits
 * non-zero when a probe does not reach the console, or is not on the
 * page at the end of the frame that follows its arrival.
 *
 * The server runs with --no-rate-limit. For each size, in increasing
 * order on the same seminar (RBX22), a WebSocket client fills the first
 * "open" activity's board up to the size (a burst of posts, the replies
 * awaited in windows), then the console is opened in a fresh context and
 * waited for until it shows the newest contribution. Then, --runs times,
 * a second client posts one more contribution carrying a probe word, and
 * the page measures, around the console's own socket.onmessage handler
 * (wrapped by an init script, before any page script runs):
 *
 *   arrival → paint  from the handler's call for the probe's event to
 *                    the end of the next frame (a message posted from
 *                    the last animation-frame callback runs once the
 *                    frame's style, layout and paint are done);
 *   work             the handler's own time plus the frame's (from the
 *                    first animation-frame callback to the end of the
 *                    frame), i.e. arrival → paint without the wait for
 *                    the display's next frame (up to 16.7 ms at 60 Hz);
 *   main thread CPU  the CPU time of the page's main thread from arrival
 *                    to paint, from a trace of the probes (the thread
 *                    clock of two performance marks): the work without
 *                    the time the thread waited for a core, which on a
 *                    shared machine is most of a slow probe's wall time
 *                    (Chromium's CPU slowdown, --cpu, counts in it too).
 *
 * Each probe is awaited on the page before the next is sent. The sizes
 * count the probes already posted.
 *
 * Each size prints a line for people and a `BENCH scenario=console …`
 * line for scripts.
 *
 * Usage: build/bench/atelier-bench --scenario console [--sizes …] [--runs N] [--cpu N]
 *    or: ATELIER_BIN=build/atelier node tests/browser/console-frame.mjs [options]
 * (docs/BENCHMARKS.md, section "The console's frame", has the figures)
 *   --runs N        probes per size (default 20; p50 and p95 are printed)
 *   --sizes A,B,C   contributions on the board (default 500,2000,10000)
 *   --cpu N         CPU slowdown (Emulation.setCPUThrottlingRate, default 1)
 */

import { resolve } from 'node:path';
import { Server, Report, runScript, openPage, watchPage, atelierCall, definitions } from './lib.mjs';

const CODE = 'RBX22';
const WAIT_MS = 120000;

function options(argv) {
  const o = { runs: 20, sizes: [500, 2000, 10000], cpu: 1 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const num = () => {
      const v = Number(argv[++i]);
      if (!Number.isFinite(v) || v < 1) throw new Error(a + ' needs a positive number');
      return v;
    };
    if (a === '--runs') o.runs = num();
    else if (a === '--cpu') o.cpu = num();
    else if (a === '--sizes') {
      o.sizes = String(argv[++i]).split(',').map(Number);
      if (o.sizes.some((n) => !Number.isInteger(n) || n < 1)) throw new Error('--sizes needs counts');
      o.sizes.sort((x, y) => x - y);
    } else if (!process.env.ATELIER_BIN && !a.startsWith('--')) process.env.ATELIER_BIN = a;
    else throw new Error('unknown option ' + a);
  }
  if (process.env.ATELIER_BIN) process.env.ATELIER_BIN = resolve(process.env.ATELIER_BIN);
  return o;
}

const opt = options(process.argv.slice(2));
const report = new Report();
const server = new Server(['--no-rate-limit']);

/* Runs in the console before any of its scripts: wraps the onmessage
 * setter of WebSocket so that the page's handler is timed for a message
 * holding the probe word; window.__probes gets one {total, work, drawn}
 * per probe, in order (drawn: its text was on the page at the end of the
 * frame, looked for once the times were taken), and the marks
 * "sonde:K:start" and "sonde:K:end" (K: its place) go to the trace. */
function watchFrames() {
  window.__probes = [];
  const desc = Object.getOwnPropertyDescriptor(WebSocket.prototype, 'onmessage');
  Object.defineProperty(WebSocket.prototype, 'onmessage', {
    configurable: true,
    enumerable: desc.enumerable,
    get: desc.get,
    set: function (fn) {
      if (typeof fn !== 'function') return desc.set.call(this, fn);
      desc.set.call(this, function (ev) {
        const probe = typeof ev.data === 'string' && ev.data.indexOf('"type":"event"') >= 0 &&
          ev.data.indexOf('sondeframe') >= 0;
        if (!probe) return fn.call(this, ev);
        const word = /sondeframe \d+\)/.exec(ev.data)[0];
        const mark = 'sonde:' + window.__probes.length + ':';
        performance.mark(mark + 'start');
        const t0 = performance.now();
        let frame = 0;
        requestAnimationFrame(function () { frame = performance.now(); });
        const result = fn.call(this, ev);
        const handled = performance.now();
        requestAnimationFrame(function () {
          const channel = new MessageChannel();
          channel.port1.onmessage = function () {
            const end = performance.now();
            performance.mark(mark + 'end');
            const drawn = Array.from(document.querySelectorAll('.item-text')).some((n) => n.textContent.endsWith(word));
            window.__probes.push({ total: end - t0, work: (handled - t0) + (end - frame), drawn: drawn });
          };
          channel.port2.postMessage(0);
        });
        return result;
      });
    }
  });
}

/* Posts count contributions on the board as one participant, the
 * replies awaited in windows of 200; resolves with the number refused. */
function fill(page, target, from, count) {
  return page.evaluate(async ({ target, from, count, ms }) => {
    const end = Date.now() + ms;
    const ws = new WebSocket('ws://' + location.host + '/ws', 'atelier.v1');
    let waiting = 0;
    let refused = 0;
    let wake = null;
    ws.onmessage = (ev) => {
      const m = JSON.parse(ev.data);
      if (m.type === 'event' || typeof m.re !== 'string' || m.re[0] !== 'f') return;
      if (m.type !== 'ack' && m.re !== 'fjoin') refused += 1;
      waiting -= 1;
      if (wake) wake();
    };
    await new Promise((ok, ko) => { ws.onopen = ok; ws.onerror = () => ko(new Error('WebSocket refused')); });
    const settle = (left) => new Promise((ok, ko) => {
      const look = () => {
        if (waiting <= left) return ok();
        if (Date.now() > end) return ko(new Error('the filler got no reply'));
        wake = look;
        setTimeout(look, 200);
      };
      look();
    });
    waiting = 1;
    ws.send(JSON.stringify({ type: 'join', id: 'fjoin', code: target.code }));
    await settle(0);
    for (let k = 0; k < count; k++) {
      waiting += 1;
      ws.send(JSON.stringify({ type: 'post', id: 'f' + (from + k), activity: target.activity, board: target.board,
        text: 'Proposition ' + (from + k + 1) + ' : que les écoles, les familles et les associations du ' +
          'quartier préparent ensemble la rentrée, avec un temps d’accueil commun.' }));
      if (waiting >= 200) await settle(100);
    }
    await settle(0);
    ws.close();
    return refused;
  }, { target, from, count, ms: WAIT_MS });
}

/* The CPU time in ms of the page's main thread from the mark
 * "sonde:K:start" to "sonde:K:end", for each K < count, from trace
 * events (Chrome's JSON trace format): the difference of the marks'
 * thread clocks ("tts", which moves only while the thread runs). null for
 * a probe whose marks are not there. */
function threadTimes(events, count) {
  const tts = new Map();
  for (const e of events) if (/^sonde:\d+:(start|end)$/.test(e.name) && e.tts !== undefined) tts.set(e.name, e.tts);
  const out = [];
  for (let k = 0; k < count; k++) {
    const s = tts.get('sonde:' + k + ':start');
    const e = tts.get('sonde:' + k + ':end');
    out.push(s === undefined || e === undefined ? null : (e - s) / 1000);
  }
  return out;
}

function quantile(xs, q) {
  const s = xs.slice().sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)];
}

const fmt = (x) => x.toFixed(1);

async function main(browser) {
  const seen = {};
  const def = definitions().get(CODE);
  const activity = def.activities.find((a) => a.template === 'open');
  const target = { code: CODE, activity: activity.id, board: activity.boards ? activity.boards[0].id : 'salle' };
  const key = server.seminars.get(CODE);
  const poster = await openPage(browser, server, seen, 'poster', server.base + '/api/health',
    { width: 400, height: 300 }, WAIT_MS);
  const opened = await atelierCall(poster, [{ type: 'set_state', id: 'open', code: CODE, key: key,
    activity: activity.id, state: 'open' }], WAIT_MS);
  report.ok('the activity opens', opened[0].type === 'ack', JSON.stringify(opened[0]));
  console.log('console frame: ' + opt.runs + ' probes per size, CPU slowdown ×' + opt.cpu +
    '; times in ms from the event\'s arrival');
  let posted = 0;
  let probes = 0;
  const lines = [];
  for (const size of opt.sizes) {
    const refused = await fill(poster, target, posted, size - posted);
    report.ok('the board fills to ' + size, refused === 0, refused + ' posts refused');
    posted = size;
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'fr-FR' });
    context.setDefaultTimeout(WAIT_MS);
    const page = await context.newPage();
    watchPage(page, 'console ' + size, server, seen);
    await page.addInitScript(watchFrames);
    if (opt.cpu > 1) {
      const cdp = await context.newCDPSession(page);
      await cdp.send('Emulation.setCPUThrottlingRate', { rate: opt.cpu });
    }
    const started = Date.now();
    await page.goto(server.base + '/animation.html#code=' + CODE + '&cle=' + encodeURIComponent(key));
    const newest = 'Proposition ' + posted + ' :';
    await page.waitForFunction((text) => Array.from(document.querySelectorAll('.item-text'))
      .some((n) => n.textContent.startsWith(text)), newest, { timeout: WAIT_MS, polling: 100 });
    const loaded = Date.now() - started;
    await browser.startTracing(page, { categories: ['blink.user_timing'] });
    for (let i = 0; i < opt.runs; i++) {
      probes += 1;
      const replies = await atelierCall(poster, [{ type: 'join', id: 'sj' + probes, code: CODE },
        { type: 'post', id: 'sonde' + probes, activity: target.activity, board: target.board,
          text: 'Une de plus (sondeframe ' + probes + ')' }], WAIT_MS);
      if (replies[1].type !== 'ack') {
        report.ok('probe ' + probes + ' is taken', false, JSON.stringify(replies[1]));
        break;
      }
      await page.waitForFunction((n) => window.__probes.length >= n, i + 1, { timeout: WAIT_MS, polling: 20 });
    }
    const got = await page.evaluate(() => window.__probes);
    const threads = threadTimes(JSON.parse((await browser.stopTracing()).toString()).traceEvents, got.length);
    await context.close();
    report.ok('every probe reaches the console at ' + size, got.length === opt.runs, got.length + ' measured');
    report.ok('every probe is drawn by the frame after its arrival at ' + size, got.every((p) => p.drawn),
      got.filter((p) => !p.drawn).length + ' not drawn');
    report.ok('every probe is in the trace at ' + size, threads.every((t) => t !== null),
      threads.filter((t) => t === null).length + ' missing');
    posted += opt.runs;
    const total = got.map((p) => p.total);
    const work = got.map((p) => p.work);
    const thread = threads.filter((t) => t !== null);
    const line = pad(size, 6) + '  arrival → paint p50 ' + pad(fmt(quantile(total, 0.5)), 6) +
      ' p95 ' + pad(fmt(quantile(total, 0.95)), 6) + '  work p50 ' + pad(fmt(quantile(work, 0.5)), 6) +
      ' p95 ' + pad(fmt(quantile(work, 0.95)), 6) + '  main thread CPU p50 ' + pad(fmt(quantile(thread, 0.5)), 6) +
      ' p95 ' + pad(fmt(quantile(thread, 0.95)), 6) + '  (page shown in ' + loaded + ' ms)';
    console.log(line);
    console.log('BENCH scenario=console size=' + size + ' runs=' + got.length + ' slowdown=' + opt.cpu +
      ' paint_p50_ms=' + fmt(quantile(total, 0.5)) + ' paint_p95_ms=' + fmt(quantile(total, 0.95)) +
      ' work_p50_ms=' + fmt(quantile(work, 0.5)) + ' work_p95_ms=' + fmt(quantile(work, 0.95)) +
      ' thread_p50_ms=' + fmt(quantile(thread, 0.5)) + ' thread_p95_ms=' + fmt(quantile(thread, 0.95)) +
      ' load_ms=' + loaded);
    lines.push(line);
  }
  await poster.context().close();
  console.log('summary (contributions on the board, ms):');
  lines.forEach((l) => console.log('  ' + l));
  report.ok('no request to another host, no CSP refusal, no script error',
    !seen.hosts.length && !seen.csp.length && !seen.errors.length,
    seen.hosts.concat(seen.csp, seen.errors).join('; '));
}

function pad(s, n) {
  return String(s).padStart(n);
}

runScript('console_frame', report, server, 1800000, main);

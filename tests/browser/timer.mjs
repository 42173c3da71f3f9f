/*
 * timer.mjs — an activity's timer seen from the other side, in a real
 * browser against the real server (tests/browser/data/phases.json): the
 * console sets and starts it by keyboard (facil-timer.js), and a phone
 * and the screen count it down from the server's clock, not their own.
 *
 * Each page's clock is playwright's page.clock set to a fixed time of
 * its own, far from the server's (Date.now() says what the test says;
 * timers and animation frames still run): what a page shows is then
 * exactly what the server's time ("now") and the timer's end received in
 * its frames give, whatever the page's clock says, and moving a page's
 * clock by 30 s shows 30 s less. Nothing waits for the wall clock:
 *  - after the start, the phone and the screen show the time the server
 *    says is left; 30 s later on their clocks, 30 s less;
 *  - the phone reconnects (a reload) with its clock 10 min ahead: it
 *    shows the server's time left again, not its own count (0:00);
 *  - paused on the console, both show the time left, paused;
 *  - axe-core finds no violation (every rule, none disabled) on the phone
 *    and the screen with a running timer, and on the console's controls.
 *
 * Usage: ATELIER_BIN=build/atelier node tests/browser/timer.mjs
 * Prints "N passed, N failed"; exits non-zero on any failure.
 */

import { join } from 'node:path';
import { Server, Report, SOURCE_DIR, runScript, atelierCall, axeStep, watchPage, until } from './lib.mjs';

const WAIT_MS = 15000;
const DEADLINE_MS = 170000;
const CODE = 'PHASES';
const ACTIVITY = 'demain';

const report = new Report();
const server = new Server([], join(SOURCE_DIR, 'tests', 'browser', 'data'));

/* timer.js's formatTime, written again here on purpose: the test says
 * what the room must read. */
function shown(ms) {
  const total = Math.ceil(Math.max(0, ms) / 1000);
  return Math.floor(total / 60) + ':' + String(total % 60).padStart(2, '0');
}

/* A page at a fixed time of its own, its received frames parsed into
 * frames (what the server said). */
async function openAt(browser, seen, label, viewport, time, frames, options) {
  const context = await browser.newContext(Object.assign({ viewport: viewport, locale: 'fr-FR' }, options));
  context.setDefaultTimeout(WAIT_MS);
  const page = await context.newPage();
  await page.clock.setFixedTime(time);
  watchPage(page, label, server, seen);
  page.on('websocket', (ws) => {
    ws.on('framereceived', (f) => {
      try {
        frames.push(JSON.parse(String(f.payload)));
      } catch (e) { /* a fragment of a long snapshot: not a timer's */ }
    });
  });
  return page;
}

/* The server's latest time and the activity's timer in frames: the
 * last "synced" or activity event that said them. */
function lastSaid(frames) {
  let now = null;
  let timer = null;
  for (const m of frames) {
    if (m.type === 'synced' && typeof m.now === 'number') {
      now = m.now;
      const a = m.seminar && m.seminar.activities.find((x) => x.id === ACTIVITY);
      if (a) timer = a.timer;
    } else if (m.type === 'event' && m.kind === 'activity' && m.activity.id === ACTIVITY) {
      now = m.activity.now;
      timer = m.activity.timer;
    }
  }
  return { now: now, timer: timer };
}

/* What page should show, from what it received, its clock moved by
 * ahead ms since. */
function expected(frames, ahead) {
  const said = lastSaid(frames);
  if (!said.timer) return null;
  return shown(said.timer.running ? said.timer.ends - said.now - ahead : said.timer.left);
}

async function main(browser) {
  const key = server.seminars.get(CODE);
  const seen = {};
  const phoneAt = new Date('2001-09-08T10:00:00Z').getTime();
  const screenAt = new Date('2031-03-02T18:30:00Z').getTime();
  const framesPhone = [];
  const framesScreen = [];
  const ignored = [];

  const console_ = await openAt(browser, seen, 'console', { width: 1280, height: 900 }, Date.now(), ignored);
  await console_.goto(server.base + '/animation.html#code=' + CODE + '&cle=' + encodeURIComponent(key));
  await console_.waitForSelector('article[data-key="' + ACTIVITY + '"] #timer-minutes');
  const [open] = await atelierCall(console_, [{ type: 'set_state', id: 'open', code: CODE, key: key,
    activity: ACTIVITY, state: 'writing' }], WAIT_MS);
  if (open.type !== 'ack') throw new Error('set_state: ' + JSON.stringify(open));

  const phone = await openAt(browser, seen, 'phone', { width: 360, height: 740 }, phoneAt, framesPhone,
    { hasTouch: true, isMobile: true });
  await phone.goto(server.base + '/');
  await phone.fill('#join-code', CODE);
  await phone.press('#join-code', 'Enter');
  await phone.waitForSelector('#activity-view:not([hidden])');
  const screen = await openAt(browser, seen, 'screen', { width: 1920, height: 1080 }, screenAt, framesScreen);
  await screen.goto(server.base + '/ecran.html?code=' + CODE + '&activite=' + ACTIVITY);
  await screen.waitForSelector('#projection:not([hidden]) .column');

  /* ===== The console, by keyboard ===== */
  await report.step('the console sets a timer of 2 minutes that moves on at zero, by keyboard', async () => {
    await console_.focus('#timer-minutes');
    await console_.keyboard.press('Control+A');
    await console_.keyboard.type('2');
    await console_.keyboard.press('Tab');
    const at = await console_.evaluate(() => document.activeElement.id);
    if (at !== 'timer-advance') return 'Tab from the minutes went to ' + at;
    await console_.keyboard.press('Space');
    await console_.keyboard.press('Tab');
    const op = await console_.evaluate(() => document.activeElement.dataset.op);
    if (op !== 'timer_set') return 'Tab from the check box went to ' + op;
    await console_.keyboard.press('Enter');
    await console_.waitForFunction(() => document.querySelector('.timer-controls .timer').textContent === '2:00');
    const label = await console_.getAttribute('.timer-controls .timer', 'aria-label');
    const legend = await console_.textContent('.timer-controls legend');
    return (/2:00/.test(label) && /Minuteur/.test(legend)) || 'label ' + label + ', legend ' + legend;
  });
  await report.step('the console starts it (Enter on « Démarrer »)', async () => {
    await console_.focus('.timer-controls button[data-op="timer_start"]');
    await console_.keyboard.press('Enter');
    await console_.waitForSelector('.timer-controls button[data-op="timer_pause"]:not([disabled])');
    return true;
  });

  /* ===== The phone and the screen, from the server's clock ===== */
  const running = (frames) => until(() => { const s = lastSaid(frames); return s.timer && s.timer.running; },
    WAIT_MS, 'the running timer');
  await running(framesPhone);
  await running(framesScreen);
  await report.step('the phone shows the time the server says is left, not its own clock\'s', async () => {
    const want = expected(framesPhone, 0);
    await phone.waitForFunction((w) => document.getElementById('timer').textContent === w, want);
    return true;
  });
  await report.step('the screen shows it too, its clock set elsewhere', async () => {
    const want = expected(framesScreen, 0);
    await screen.waitForFunction((w) => document.getElementById('timer').textContent === w, want);
    return true;
  });
  await axeStep(report, phone, 'the phone with a running timer');
  await axeStep(report, screen, 'the screen with a running timer');
  await axeStep(report, console_, 'the console with the timer\'s controls');

  await report.step('30 s later on their clocks: 30 s less on the phone and the screen', async () => {
    await phone.clock.setFixedTime(phoneAt + 30000);
    await screen.clock.setFixedTime(screenAt + 30000);
    const wantPhone = expected(framesPhone, 30000);
    const wantScreen = expected(framesScreen, 30000);
    await phone.waitForFunction((w) => document.getElementById('timer').textContent === w, wantPhone);
    await screen.waitForFunction((w) => document.getElementById('timer').textContent === w, wantScreen);
    return wantPhone !== expected(framesPhone, 0) || 'the phone\'s clock moved nothing: ' + wantPhone;
  });

  await report.step('the phone reconnects mid-countdown: it shows the server\'s time left again', async () => {
    const before = framesPhone.length;
    /* its clock now 10 min ahead: counted from what it held before, the
     * timer would be over (0:00) */
    await phone.clock.setFixedTime(phoneAt + 600000);
    await phone.reload();
    await until(() => framesPhone.slice(before).some((m) => m.type === 'synced'), WAIT_MS, 'the new watch');
    await phone.waitForSelector('#activity-view:not([hidden])');
    const want = expected(framesPhone.slice(before), 0);
    await phone.waitForFunction((w) => document.getElementById('timer').textContent === w, want);
    return want !== '0:00' || 'the server says it is over';
  });

  await report.step('paused on the console: the phone and the screen show the time left, paused', async () => {
    await console_.click('.timer-controls button[data-op="timer_pause"]');
    await until(() => { const s = lastSaid(framesScreen); return s.timer && !s.timer.running; }, WAIT_MS, 'the pause');
    const want = expected(framesScreen, 0);
    await screen.waitForFunction((w) => document.getElementById('timer').textContent === w &&
      document.getElementById('timer').classList.contains('paused'), want);
    await phone.waitForFunction((w) => document.getElementById('timer').textContent === w &&
      /pause/.test(document.getElementById('timer').getAttribute('aria-label')), want);
    return true;
  });

  report.ok('no page error, CSP refusal or request to another host',
    !seen.errors.length && !seen.csp.length && !seen.hosts.length,
    seen.errors.concat(seen.csp, seen.hosts).join('; '));
}

runScript('browser_timer', report, server, DEADLINE_MS, main);

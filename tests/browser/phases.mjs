/*
 * phases.mjs — an activity's phases seen from the phones and the screen,
 * in a real browser against the real server (tests/browser/data/
 * phases.json: one activity that chose private writing, reveal, voting
 * with hidden tallies and results). Every WebSocket frame phone B and the
 * screen receive is recorded (page.on('websocket')):
 *  - private writing: phone A sees its own text; phone B and the screen
 *    never receive it (not in an event, nor a snapshot), B sees only its
 *    own; the screen counts the contributions per board;
 *  - the reveal: everything appears at once on B and the screen;
 *  - voting with hidden tallies: no count reaches phone A nor the screen
 *    (no frame holds a "votes" number), the screen says how many have
 *    voted, B sees its own vote (the button pressed) and no count;
 *  - the results: the screen numbers the cards by votes, with their count;
 *  - axe-core finds no violation (every rule, none disabled) on a phone
 *    and on the screen in private writing and in the hidden vote.
 *
 * Usage: ATELIER_BIN=build/atelier node tests/browser/phases.mjs
 * Prints "N passed, N failed"; exits non-zero on any failure.
 */

import { join } from 'node:path';
import { Server, Report, SOURCE_DIR, runScript, openPage, atelierCall, axeStep, until, watchPage } from './lib.mjs';

const WAIT_MS = 15000;
const DEADLINE_MS = 170000;
const CODE = 'PHASES';
const ACTIVITY = 'demain';
const SECRET_A = 'Un potager partagé au pied des immeubles, tenu avec les parents';
const TEXT_B = 'Des devoirs faits ensemble à la médiathèque le mercredi';
const PHONE = { width: 360, height: 740 };
const SCREEN = { width: 1920, height: 1080 };

const report = new Report();
const server = new Server([], join(SOURCE_DIR, 'tests', 'browser', 'data'));

/* Records the text of every frame page receives on its WebSockets, in
 * order, in list. */
function recordFrames(page, list) {
  page.on('websocket', (ws) => {
    ws.on('framereceived', (f) => list.push(String(f.payload)));
  });
}

/* A phone that joins the seminar and lands in its one activity. */
async function joinPhone(browser, seen, label, frames) {
  const context = await browser.newContext({ viewport: PHONE, locale: 'fr-FR', hasTouch: true, isMobile: true });
  context.setDefaultTimeout(WAIT_MS);
  const page = await context.newPage();
  if (frames) recordFrames(page, frames);
  watchPage(page, label, server, seen);
  await page.goto(server.base + '/');
  await page.fill('#join-code', CODE);
  await page.press('#join-code', 'Enter');
  await page.waitForSelector('#activity-view:not([hidden])');
  return page;
}

async function post(page, text) {
  await page.fill('#note-text', text);
  await page.press('#note-text', 'Control+Enter');
  await page.waitForFunction((t) => [...document.querySelectorAll('#board-list .card:not(.pending) .card-text')]
    .some((n) => n.textContent === t), text);
}

const cardTexts = (page, list) => page.$$eval(list + ' .card-text', (n) => n.map((x) => x.textContent));

async function main(browser) {
  const key = server.seminars.get(CODE);
  const seen = {};
  const poster = await openPage(browser, server, seen, 'poster', server.base + '/api/health', { width: 400, height: 300 }, WAIT_MS);
  let step = 0;
  const setState = async (state) => {
    const [r] = await atelierCall(poster, [{ type: 'set_state', id: 'st-' + (++step), code: CODE, key: key,
      activity: ACTIVITY, state: state }], WAIT_MS);
    if (r.type !== 'ack') throw new Error('set_state ' + state + ': ' + JSON.stringify(r));
  };
  await setState('writing');

  const framesA = [];
  const framesB = [];
  const framesScreen = [];
  const a = await joinPhone(browser, seen, 'phone A', framesA);
  const b = await joinPhone(browser, seen, 'phone B', framesB);
  const screen = await openPage(browser, server, seen, 'screen', 'about:blank', SCREEN, WAIT_MS);
  recordFrames(screen, framesScreen);
  await screen.goto(server.base + '/ecran.html?code=' + CODE + '&activite=' + ACTIVITY);
  await screen.waitForSelector('#projection:not([hidden]) .column');

  /* ===== Private writing ===== */
  await report.step('private writing: phone A sees its own contribution', async () => {
    await post(a, SECRET_A);
    return true;
  });
  await report.step('private writing: phone B sees only its own, and says the writing is private', async () => {
    await post(b, TEXT_B);
    const texts = await cardTexts(b, '#board-list');
    const note = await b.textContent('#state-note');
    return (texts.join('|') === TEXT_B && /seul·e/.test(note)) || 'cards: ' + texts.join('|') + '; note: ' + note;
  });
  await report.step('private writing: the screen counts the contributions of each board, no text', async () => {
    await screen.waitForFunction(() => /2 contributions/.test(document.querySelector('.column-tally').textContent));
    const texts = await cardTexts(screen, '#boards');
    return texts.length === 0 || 'cards on the screen: ' + texts.join('|');
  });
  await report.step('private writing: no frame phone B or the screen received holds A\'s text', async () => {
    /* B's reconnection's snapshot too */
    await b.reload();
    await b.waitForSelector('#activity-view:not([hidden]) #board-list .card');
    const leaks = framesB.concat(framesScreen).filter((f) => f.includes(SECRET_A));
    const sawEvent = framesB.some((f) => f.includes('"kind":"contribution"') && f.includes('"text":null'));
    return (leaks.length === 0 && sawEvent) || (leaks.length + ' frame(s) with the text; B saw the event: ' + sawEvent);
  });
  await axeStep(report, b, 'a phone in private writing');
  await axeStep(report, screen, 'the screen in private writing');

  /* ===== The reveal ===== */
  const beforeReveal = framesB.length;
  await setState('reveal');
  await report.step('the reveal: every text appears at once on phone B and the screen', async () => {
    await b.waitForFunction((t) => [...document.querySelectorAll('#board-list .card-text')].some((n) => n.textContent === t), SECRET_A);
    await screen.waitForFunction((t) => [...document.querySelectorAll('#boards .card-text')].some((n) => n.textContent === t), SECRET_A);
    const first = framesB.findIndex((f) => f.includes(SECRET_A));
    return first >= beforeReveal || 'B had the text before the reveal (frame ' + first + ')';
  });

  /* ===== Voting with hidden tallies ===== */
  await setState('blind_voting');
  const fromA = framesA.length;
  const fromScreen = framesScreen.length;
  await report.step('hidden tallies: phone B votes and sees its own vote, no count', async () => {
    const card = b.locator('#board-list .card', { hasText: SECRET_A });
    await card.locator('button.vote').tap();
    await until(async () => (await card.locator('button.vote').getAttribute('aria-pressed')) === 'true', WAIT_MS, 'the vote');
    const votes = await card.locator('.card-votes').textContent();
    return votes === '' || 'B shows a count: ' + votes;
  });
  await report.step('hidden tallies: the screen says how many have voted', async () => {
    await screen.waitForFunction(() => /1 personne a voté/.test(document.getElementById('voters').textContent));
    return true;
  });
  await report.step('hidden tallies: no vote count reaches phone A nor the screen', async () => {
    const counted = framesA.slice(fromA).concat(framesScreen.slice(fromScreen)).filter((f) => /"votes":[0-9]/.test(f));
    const aboutContribution = framesScreen.slice(fromScreen).filter((f) => f.includes('"kind":"contribution"'));
    return (counted.length === 0 && aboutContribution.length === 0) ||
      counted.length + ' frame(s) with a count, ' + aboutContribution.length + ' contribution event(s)';
  });
  await axeStep(report, b, 'a phone in the hidden vote');
  await axeStep(report, screen, 'the screen in the hidden vote');

  /* ===== The results ===== */
  await setState('results');
  await report.step('the results: the screen numbers the cards by votes, with their count', async () => {
    await screen.waitForSelector('.column.ranked');
    await screen.waitForFunction(() => /1 vote/.test(document.querySelector('.column.ranked .card-votes').textContent));
    const first = await screen.$eval('.column.ranked .card .card-text', (n) => n.textContent);
    const rank = await screen.$eval('.column.ranked .card .card-rank', (n) => (n.hidden ? '' : n.textContent));
    return (first === SECRET_A && rank === '1') || 'first: ' + first + ', rank: ' + rank;
  });
  await axeStep(report, screen, 'the screen with the results');

  report.ok('no page error, CSP refusal or request to another host',
    !seen.errors.length && !seen.csp.length && !seen.hosts.length,
    seen.errors.concat(seen.csp, seen.hosts).join('; '));
}

runScript('browser_phases', report, server, DEADLINE_MS, main);

/*
 * phone.mjs — the participant's page on a phone (360x740, touch), in a
 * real browser against the real server:
 *  - after a vote by keyboard the focus stays on that contribution's vote
 *    button, even when the vote moves its card up the list;
 *  - axe-core (lib.mjs axeViolations: every rule, none disabled) finds no
 *    violation on the join form, the list, a board holding contributions
 *    and votes, the orientation form and an orientations board;
 *  - no request to another host, no CSP violation, no script error.
 *
 * Usage: ATELIER_BIN=build/atelier node tests/browser/phone.mjs
 * Prints "N passed, N failed"; exits non-zero on any failure.
 */

import { Server, Report, runScript, atelierCall, definitions, watchPage, axeViolations } from './lib.mjs';

const WAIT_MS = 15000;
const DEADLINE_MS = 110000;
const PHONE = { viewport: { width: 360, height: 740 }, locale: 'fr-FR' };

const report = new Report();
const server = new Server();

/* The card (li) of the contribution whose text is exactly text. */
function card(text) {
  return '#board-list .card:not(.pending):has(> .card-text:text-is("' + text + '"))';
}

/* Describes the focused element: its id, or its tag, class and the key of
 * the list item it is in. */
function focused(page) {
  return page.evaluate(() => {
    const a = document.activeElement;
    if (!a || a === document.body) return 'body';
    const item = a.closest('[data-key]');
    return a.id ? '#' + a.id : a.tagName.toLowerCase() + '.' + a.className + (item ? ' in ' + item.dataset.key : '');
  });
}

async function axeStep(page, where) {
  await report.step('axe-core: no violation on ' + where, async () => {
    const found = await axeViolations(page);
    for (const v of found) console.log('     ' + v);
    return found.length === 0 || found.length + ' violation(s): ' + found.map((v) => v.split(' ')[0]).join(', ');
  });
}

async function main(browser) {
  const code = 'RBX22';
  const base = server.base;
  const seen = {};

  const newPage = async (label, options, url) => {
    const context = await browser.newContext(Object.assign({}, PHONE, options));
    context.setDefaultTimeout(WAIT_MS);
    const page = await context.newPage();
    watchPage(page, label, server, seen);
    await page.goto(url);
    return page;
  };

  /* ===== The seminar's day: some activities open, voting, closed ===== */
  const poster = await newPage('poster', {}, base + '/api/health');
  const setState = async (activity, state, seminar) => {
    const [r] = await atelierCall(poster, [{ type: 'set_state', id: 'st-' + (seminar || code) + '-' + activity + '-' + state,
      code: seminar || code, key: server.seminars.get(seminar || code), activity: activity, state: state }], WAIT_MS);
    if (r.type !== 'ack') throw new Error('set_state ' + activity + ' ' + state + ': ' + JSON.stringify(r));
  };
  const closedText = 'Ce qui a été dit pendant l\'axe 2';
  const otherText = 'Une contribution d\'un autre téléphone, assez longue pour que son nom soit coupé au bout de soixante caractères';
  await setState('axe-2', 'open');
  await setState('axe-1', 'open');
  const posted = await atelierCall(poster, [
    { type: 'join', id: 'other-join', code: code },
    { type: 'post', id: 'other-closed', activity: 'axe-2', board: 'salle', text: closedText },
    { type: 'post', id: 'other-open', activity: 'axe-1', board: 'salle', text: otherText }
  ], WAIT_MS);
  if (posted.some((r) => r.type === 'error')) throw new Error('seeding: ' + JSON.stringify(posted));
  await setState('axe-2', 'closed');
  await setState('demain', 'voting');
  await setState('cite-de-demain', 'open');

  /* ===== Joining with Enter ===== */
  const phone = await newPage('phone', { hasTouch: true, isMobile: true }, base + '/');
  await phone.waitForFunction(() => document.getElementById('lang').textContent !== '');
  await axeStep(phone, 'the join form');
  await phone.fill('#join-code', code);
  await phone.press('#join-code', 'Enter');
  await phone.waitForSelector('#activities-view:not([hidden])');

  /* ===== The list ===== */
  await axeStep(phone, 'the list of activities');

  /* ===== A board holding contributions ===== */
  await phone.click('#activity-list li[data-key="axe-1"] button');
  await phone.waitForSelector('#note-form:not([hidden])');
  const notes = ['Ouvrir les cours d\'école le samedi', 'Un guide simple pour les parents, traduit',
    'Associer les jeunes aux décisions'];
  for (const text of notes) {
    await phone.fill('#note-text', text);
    await phone.click('#note-form button[type=submit]');
    await phone.waitForSelector(card(text));
  }
  await phone.waitForSelector(card(otherText));

  await phone.focus(card(notes[0]) + ' .vote');
  await phone.keyboard.press('Enter');
  await phone.waitForSelector(card(notes[0]) + ' .vote[aria-pressed="true"]:not(:disabled)');

  /* ===== Focus after a vote, the card moving up ===== */
  await report.step('after a vote by keyboard the focus stays on that contribution\'s vote button', async () => {
    await phone.click('#sort-votes');
    const last = await phone.$eval('#board-list li:last-child', (li) => li.dataset.key);
    await phone.focus('#board-list li[data-key="' + last + '"] .vote');
    await phone.keyboard.press('Enter');
    await phone.waitForSelector('#board-list li[data-key="' + last + '"] .vote[aria-pressed="true"]');
    const moved = await phone.$eval('#board-list li:last-child', (li, k) => li.dataset.key !== k, last);
    const at = await focused(phone);
    return (moved && at === 'button.vote in ' + last) || 'focus on ' + at + (moved ? '' : '; the card did not move');
  });
  await axeStep(phone, 'a board holding contributions and a vote');

  /* ===== Orientations ===== */
  await phone.click('#back');
  await phone.click('#activity-list li[data-key="cite-de-demain"] button');
  await phone.waitForSelector('#ori-form:not([hidden])');
  await phone.fill('#ori-title', 'Faire de l\'école un lieu ouvert sur le quartier');
  await phone.fill('#ori-actions li:last-child input', 'Cours d\'école ouvertes le samedi');
  await phone.click('#ori-add-line');
  await phone.fill('#ori-actions li:last-child input', 'Cafés des parents');
  await axeStep(phone, 'the orientation form');
  await phone.click('#ori-form button[type=submit]');
  await phone.waitForSelector('#board-list .card.orientation:not(.pending) .add-action-text');
  await axeStep(phone, 'an orientations board');

  await report.step('no request left for another host', async () =>
    seen.hosts.length === 0 || seen.hosts.join(', '));
  await report.step('no Content-Security-Policy violation', async () =>
    seen.csp.length === 0 || seen.csp.join(' | '));
  await report.step('no script error, no dialog', async () =>
    (seen.errors.length === 0 && seen.dialogs.length === 0) || seen.errors.concat(seen.dialogs).join(' | '));
}

runScript('browser_phone', report, server, DEADLINE_MS, main);

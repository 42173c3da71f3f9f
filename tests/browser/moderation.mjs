/*
 * moderation.mjs — moderation with nothing lost, seen from the other
 * side, in a real browser against the real server (docs/PROTOCOL.md,
 * "Moderation"): a phone page posts in RBX22's axe-1; then, on the
 * console at 1920×1080:
 *  - « Reformuler » rewords it: the phone shows the new wording, the
 *    console the author's words under it (« Texte d'origine : … »);
 *  - « Historique » lists the change with the key's name (« animation »)
 *    and what it did; axe-core (every rule, none disabled) finds no
 *    violation on the console with the trail open;
 *  - « Annuler » on that change gives the phone the author's words back,
 *    and the trail gains the undo, the change marked « (annulé) »;
 *  - « Masquer » takes the card off the phone; undoing the hide from the
 *    trail brings it back;
 *  - the phone votes for the card; « Retirer » takes it off the phone and
 *    gives the vote back (« votes restants » as before the vote);
 *    « Rétablir » brings the card and the vote back; the trail says so;
 *  - « Déplacer » takes a contribution of a two-board activity to its
 *    other board, and the trail says from where to where;
 *  - no request to another host, no CSP violation, no script error.
 *
 * Usage: ATELIER_BIN=build/atelier node tests/browser/moderation.mjs
 * Prints "N passed, N failed"; exits non-zero on any failure.
 */

import { Server, Report, runScript, openPage, atelierCall, axeViolations, until, consoleShow } from './lib.mjs';

const WAIT_MS = 20000;
const DEADLINE_MS = 110000;
const CODE = 'RBX22';
const ACTIVITY = 'axe-1';
const WORDS = 'ecole ouverte le samedi pour les parents';
const REWORDED = 'Ouvrir l\'école le samedi aux parents';

const report = new Report();
const server = new Server();

/* The texts of the phone's cards. */
function phoneTexts(phone) {
  return phone.$$eval('#board-list .card .card-text', (ps) => ps.map((p) => p.textContent));
}

async function main(browser) {
  const key = server.seminars.get(CODE);
  const base = server.base;
  const seen = {};
  const open = (label, url, viewport) => openPage(browser, server, seen, label, url, viewport, WAIT_MS);

  const helper = await open('helper', base + '/api/health', { width: 400, height: 300 });
  const [opened] = await atelierCall(helper, [{ type: 'set_state', id: 'open', code: CODE, key: key,
    activity: ACTIVITY, state: 'open' }], WAIT_MS);
  if (opened.type !== 'ack') throw new Error('set_state: ' + JSON.stringify(opened));

  const phone = await open('phone', base + '/j/' + CODE, { width: 360, height: 740 });
  await report.step('the phone posts in axe-1', async () => {
    await phone.waitForSelector('#group-form:not([hidden])');
    await phone.click('#group-form button[type=submit]'); /* « Je préfère ne pas le dire » */
    await phone.waitForSelector('#group-form', { state: 'hidden' });
    await phone.waitForSelector('#activity-view:not([hidden])');
    await phone.fill('#note-text', WORDS);
    await phone.click('#note-form button[type=submit]');
    await phone.waitForSelector('#board-list .card:not(.pending)');
  });

  const console_ = await open('console', base + '/animation.html#code=' + CODE + '&cle=' + encodeURIComponent(key),
    { width: 1920, height: 1080 });
  await console_.waitForSelector('article[data-key="' + ACTIVITY + '"]');
  const row = 'article[data-key="' + ACTIVITY + '"] li.item';
  await console_.waitForSelector(row);
  const id = await console_.$eval(row, (li) => li.dataset.key);
  const item = row + '[data-key="' + id + '"]';

  await report.step('« Reformuler » on the console: the phone shows the new wording', async () => {
    await console_.click(item + ' details.rephrase summary');
    const filled = await console_.inputValue(item + ' .rephrase-text');
    if (filled !== WORDS) return 'the form starts with ' + JSON.stringify(filled);
    await console_.fill(item + ' .rephrase-text', REWORDED);
    await console_.click(item + ' .rephrase-form button[type=submit]');
    await until(async () => (await phoneTexts(phone)).indexOf(REWORDED) >= 0, WAIT_MS, 'the new wording on the phone');
    const texts = await phoneTexts(phone);
    return texts.indexOf(WORDS) < 0 || JSON.stringify(texts);
  });

  await report.step('the console shows the new wording and the author\'s words under it', async () => {
    await console_.waitForSelector(item + ' .item-original:not([hidden])');
    const text = await console_.textContent(item + ' .item-text');
    const original = await console_.textContent(item + ' .item-original');
    const meta = await console_.textContent(item + ' .item-meta');
    return (text === REWORDED && original === 'Texte d\'origine\u00a0: ' + WORDS && /reformulée/.test(meta)) ||
      JSON.stringify({ text, original, meta });
  });

  const entries = (page) => page.$$eval(item + ' .history-list li .history-what', (s) => s.map((x) => x.textContent));
  await report.step('« Historique » lists the change, by « animation »', async () => {
    await console_.click(item + ' details.history summary');
    await until(async () => (await entries(console_)).length === 1, WAIT_MS, 'the trail');
    const [line] = await entries(console_);
    return (/— animation — reformulée\u00a0: «\u00a0ecole ouverte/.test(line) && line.indexOf(REWORDED) > 0) || line;
  });

  await report.step('axe-core: no violation on the console with the trail open', async () => {
    const found = await axeViolations(console_);
    return found.length === 0 || found.join(' | ');
  });

  await report.step('« Annuler » gives the phone the author\'s words back; the trail gains the undo', async () => {
    await console_.click(item + ' .history-list li button.undo');
    await until(async () => (await phoneTexts(phone)).indexOf(WORDS) >= 0, WAIT_MS, 'the words back on the phone');
    await until(async () => (await entries(console_)).length === 2, WAIT_MS, 'the undo in the trail');
    const lines = await entries(console_);
    const hidden = await console_.$eval(item + ' .item-original', (p) => p.hidden);
    return (/annulation du changement n° \d+/.test(lines[0]) && /\(annulé\)$/.test(lines[1]) && hidden) ||
      JSON.stringify({ lines, hidden });
  });

  await report.step('« Masquer » takes the card off the phone; undoing it brings it back', async () => {
    await console_.click(item + ' button.toggle');
    await until(async () => (await phoneTexts(phone)).indexOf(WORDS) < 0, WAIT_MS, 'the card gone from the phone');
    await until(async () => (await entries(console_)).length === 3, WAIT_MS, 'the hide in the trail');
    const lines = await entries(console_);
    if (!/— masquée$/.test(lines[0])) return JSON.stringify(lines);
    await console_.click(item + ' .history-list li:first-child button.undo');
    await until(async () => (await phoneTexts(phone)).indexOf(WORDS) >= 0, WAIT_MS, 'the card back on the phone');
  });

  const votesLeft = () => phone.textContent('#votes-left');
  let before = '';
  await report.step('the phone votes for the card: one vote fewer left', async () => {
    before = await votesLeft();
    await phone.click('#board-list .card:not(.pending) button.vote');
    await until(async () => (await votesLeft()) !== before, WAIT_MS, 'the votes left to change');
  });

  await report.step('« Retirer »: the card leaves the phone, its vote is given back', async () => {
    const after = await votesLeft();
    await console_.click(item + ' button.remove');
    await until(async () => (await phoneTexts(phone)).indexOf(WORDS) < 0, WAIT_MS, 'the card gone from the phone');
    await until(async () => (await votesLeft()) === before, WAIT_MS, 'the vote given back');
    const meta = await console_.textContent(item + ' .item-meta');
    const button = await console_.textContent(item + ' button.remove');
    return (/retirée, votes rendus/.test(meta) && button === 'Rétablir' && after !== before) ||
      JSON.stringify({ meta, button, before, after });
  });

  await report.step('« Rétablir »: the card and its vote are back', async () => {
    await console_.click(item + ' button.remove');
    await until(async () => (await phoneTexts(phone)).indexOf(WORDS) >= 0, WAIT_MS, 'the card back on the phone');
    await until(async () => (await votesLeft()) !== before, WAIT_MS, 'the vote counting again');
    /* The trail is asked for again after the event: it may come later. */
    let lines = [];
    await until(async () => /— rétablie$/.test((lines = await entries(console_))[0] || ''), WAIT_MS,
      'the trail to say « rétablie »').catch(() => {});
    return (/— rétablie$/.test(lines[0]) && /— retirée$/.test(lines[1])) || JSON.stringify(lines);
  });

  await report.step('« Déplacer » moves a contribution to another board of its activity, in the trail', async () => {
    const other = 'atelier-illettrisme';
    const replies = await atelierCall(helper, [
      { type: 'set_state', id: 'open2', code: CODE, key: key, activity: other, state: 'open' },
      { type: 'join', id: 'j2', code: CODE },
      { type: 'post', id: 'p2', activity: other, board: 'constats', text: 'Peu de lieux pour lire en famille' }
    ], WAIT_MS);
    if (replies[2].type !== 'ack') return JSON.stringify(replies[2]);
    const moved = replies[2].contribution.id;
    await consoleShow(console_, other, WAIT_MS);
    const card = 'article[data-key="' + other + '"] li.item[data-key="' + moved + '"]';
    await console_.waitForSelector(card + ' .move-form:not([hidden])');
    await console_.selectOption(card + ' .move-board', 'pistes');
    await console_.click(card + ' .move-form button[type=submit]');
    await until(async () => (await console_.$$eval('article[data-key="' + other + '"] .board', (bs) =>
      bs.map((b) => b.dataset.board + ':' + Array.from(b.querySelectorAll('li.item')).map((li) => li.dataset.key).join(','))
    )).some((s) => /pistes:/.test(s) && s.indexOf(String(moved)) > 0), WAIT_MS, 'the row on the board « pistes »');
    await console_.click(card + ' details.history summary');
    await until(async () => (await console_.$$eval(card + ' .history-what', (s) => s.length)) === 1, WAIT_MS, 'the move in the trail');
    const line = await console_.textContent(card + ' .history-what');
    return /déplacée de «\u00a0constats\u00a0» vers «\u00a0pistes\u00a0»/.test(line) || line;
  });

  await report.step('no request to another host, no CSP violation, no script error, no dialog', async () => {
    const bad = [].concat(seen.hosts, seen.csp, seen.errors, seen.dialogs);
    return bad.length === 0 || bad.join(' | ');
  });
}

runScript('browser_moderation', report, server, DEADLINE_MS, main);

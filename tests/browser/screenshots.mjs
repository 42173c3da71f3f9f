/*
 * screenshots.mjs — pictures of the pages for a human to look at (not a
 * test): the phone at 360x740 as a touch screen (its join form, its
 * « Vous êtes… » form after joining a seminar with stakeholder groups, the
 * list of activities, a board with contributions and a vote tapped, the
 * orientation form with its example actions, an orientations board),
 * the projection screen at 1920x1080, the facilitator console at
 * 1280x900, with a few sample contributions, and at 1920x1080 with the
 * participation per group of axe-1 (« moins de 3 », « masqué »), and a
 * rephrased contribution with its « Historique » open (1920x1080 and
 * 360x740); then a
 * big board (120 contributions on axe-2) on the console at 1920x1080 and
 * at 360x740: the top of the page (navigator, activity, sort, filter,
 * search, selection), its first rows with two of them selected, its "show
 * more" button, the same board searched, and on the phone. Then, on
 * the seminar of tests/browser/data/phases.json, with a timer running:
 * the phone and the screen in each phase (private writing, reveal,
 * voting with hidden tallies, results), and the console's timer; then a
 * projection screen paired by its code and driven through every mode
 * (pairing, board, results, spotlight, plenary with and without the join
 * panel, SWOT) at 1920x1080, 1280x720 and 360x740.
 *
 * Usage: ATELIER_BIN=build/atelier node tests/browser/screenshots.mjs [OUT_DIR]
 * Writes PNG files into OUT_DIR (default: a new temporary folder; under
 * build/ keeps them out of git) and prints their paths.
 */

import { mkdtempSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Server, SOURCE_DIR, launchBrowser, atelierCall, consoleShow } from './lib.mjs';

const out = process.argv[2] || mkdtempSync(join(tmpdir(), 'atelier-shots-'));
mkdirSync(out, { recursive: true });

const code = 'RBX22';
const notes = [
  'Ouvrir les cours d\'école le samedi matin pour les familles',
  'Un temps d\'échange régulier entre enseignant·es et animateur·rices du périscolaire',
  'Mieux faire connaître les dispositifs aux parents : un guide simple, traduit',
  'Les jeunes veulent être associés aux décisions, pas seulement consultés'
];

/* A phone's picture is of its whole page: the viewport is made as tall
 * as the page for the picture, then given back. (A "fullPage" picture
 * would show a touch screen as if a mouse hovered, the touch emulation
 * being set aside while it is taken, and the sticky bar where the page
 * was scrolled to.) */
async function shot(page, name) {
  const path = join(out, name + '.png');
  const size = page.viewportSize();
  if (size.width < 500) {
    await page.evaluate(() => window.scrollTo(0, 0));
    const height = await page.evaluate(() => document.documentElement.scrollHeight);
    await page.setViewportSize({ width: size.width, height: Math.max(height, size.height) });
  }
  await page.screenshot({ path: path });
  await page.setViewportSize(size);
  console.log(path);
}

/* The viewport as it is scrolled now (a long page, in part). */
async function view(page, name) {
  const path = join(out, name + '.png');
  await page.screenshot({ path: path });
  console.log(path);
}

async function main() {
  /* Without rate limits, so that one participant posts the big board. */
  const server = new Server(['--no-rate-limit']);
  const browser = await launchBrowser();
  try {
    await server.start();
    const key = server.seminars.get(code);
    const base = server.base;
    const context = (viewport, touch) => browser.newContext({ viewport: viewport, locale: 'fr-FR',
      hasTouch: !!touch, isMobile: !!touch });

    const facil = await (await context({ width: 1280, height: 900 })).newPage();
    await facil.goto(base + '/animation.html#code=' + code + '&cle=' + key);
    for (const id of ['axe-1', 'demain', 'cite-de-demain']) {
      await consoleShow(facil, id, 30000);
      await facil.click('article[data-key="' + id + '"] button[data-state="open"]');
      await facil.waitForSelector('article[data-key="' + id + '"] .state-open');
    }

    const phone = await (await context({ width: 360, height: 740 }, true)).newPage();
    await phone.goto(base + '/');
    await shot(phone, 'phone-join');
    await phone.fill('#join-code', code);
    await phone.click('#join-form button[type=submit]');
    await phone.waitForSelector('#activities-view:not([hidden])');
    await phone.waitForSelector('#group-form:not([hidden])');
    await shot(phone, 'phone-join-group');
    await phone.selectOption('#group-select', 'parents');
    await phone.click('#group-form button[type=submit]');
    await phone.waitForSelector('#group-form', { state: 'hidden' });
    await shot(phone, 'phone-activities');
    await phone.click('#activity-list li[data-key="axe-1"] button');
    for (const text of notes) {
      await phone.fill('#note-text', text);
      await phone.click('#note-form button[type=submit]');
    }
    await phone.waitForFunction((n) => document.querySelectorAll('#board-list .card:not(.pending)').length === n, notes.length);
    await phone.tap('#board-list .card .vote');
    await phone.waitForSelector('#board-list .card .vote[aria-pressed="true"]:not([aria-disabled])');
    /* Chromium paints its tap highlight again when the viewport grows for
     * the picture, over the last element tapped; a phone shows it only
     * under the finger. A tap on plain text takes it off the vote. */
    await phone.tap('#activity-question');
    await phone.fill('#note-text', 'Un brouillon en cours d\'écriture');
    await shot(phone, 'phone-board');

    await phone.click('#back');
    await phone.click('#activity-list li[data-key="cite-de-demain"] button');
    await phone.fill('#ori-title', 'Faire de l\'école un lieu ouvert sur le quartier');
    await phone.fill('#ori-actions input', 'Cours d\'école ouvertes le samedi');
    await phone.click('#ori-add-line');
    await phone.fill('#ori-actions li:last-child input', 'Cafés des parents animés par les centres sociaux');
    await shot(phone, 'phone-orientation-form');
    await phone.click('#ori-form button[type=submit]');
    await phone.waitForSelector('#board-list .card.orientation:not(.pending)');
    await phone.fill('#board-list .add-action-text', 'Une fête de quartier par trimestre');
    await phone.click('#board-list .add-action button');
    await phone.waitForFunction(() => document.querySelectorAll('#board-list .actions li:not(.pending)').length === 3);
    await shot(phone, 'phone-orientations');

    const screen = await (await context({ width: 1920, height: 1080 })).newPage();
    await screen.goto(base + '/ecran.html?code=' + code + '&activite=axe-1');
    await screen.waitForSelector('.column-cards .card');
    await shot(screen, 'screen-axe-1');
    await screen.goto(base + '/ecran.html?code=' + code + '&activite=cite-de-demain');
    await screen.waitForSelector('.column-cards .card');
    await shot(screen, 'screen-orientations');
    await phone.click('#back');
    await phone.click('#activity-list li[data-key="demain"] button');
    await phone.fill('#note-text', 'Abandonner les réunions d\'information descendantes');
    await phone.click('#note-form button[type=submit]');
    await screen.goto(base + '/ecran.html?code=' + code + '&activite=demain');
    await screen.waitForSelector('.column-cards .card');
    await shot(screen, 'screen-ami');
    await screen.goto(base + '/ecran.html?code=' + code);
    await screen.waitForSelector('#activity-links li');
    await shot(screen, 'screen-chooser');

    await consoleShow(facil, 'axe-1', 30000);
    await facil.waitForSelector('li.item');
    await shot(facil, 'console');

    /* Seven more participants with their groups in axe-1: the console's
     * table per group, masked. */
    const groups = ['education-nationale', 'education-nationale', 'education-nationale',
      'education-nationale', 'ville', 'ville', 'ville'];
    for (let i = 0; i < groups.length; i++) {
      await atelierCall(phone, [{ type: 'join', id: 'g' + i, code: code, group: groups[i] },
        { type: 'post', id: 'gp' + i, activity: 'axe-1', board: 'salle', text: notes[i % notes.length] }], 20000);
    }
    const wide = await (await context({ width: 1920, height: 1080 })).newPage();
    await wide.goto(base + '/animation.html#code=' + code + '&cle=' + key);
    const table = 'article[data-key="axe-1"] .activity-groups:not([hidden])';
    await wide.waitForSelector(table);
    await wide.click(table + ' summary');
    await wide.waitForFunction((sel) => /moins de 3/.test(document.querySelector(sel).textContent), table);
    await wide.evaluate((sel) => document.querySelector(sel).scrollIntoView({ block: 'center' }), table);
    await view(wide, 'console-groups-1920');

    /* A rephrased contribution with its trail open (« Historique »), at
     * 1920x1080 and at 360x740. */
    const first = 'article[data-key="axe-1"] li.item';
    const reworded = Number(await wide.$eval(first, (li) => li.dataset.key));
    await atelierCall(phone, [{ type: 'rephrase', id: 'rw1', code: code, key: key, contribution: reworded,
      text: 'Ouvrir les cours d\'école aux familles le samedi matin' }], 20000);
    for (const [width, height] of [[1920, 1080], [360, 740]]) {
      const page = width === 1920 ? wide : await (await context({ width: width, height: height })).newPage();
      if (page !== wide) await page.goto(base + '/animation.html#code=' + code + '&cle=' + key);
      const row = 'article[data-key="axe-1"] li.item[data-key="' + reworded + '"]';
      await page.waitForSelector(row + ' .item-original:not([hidden])');
      await page.click(row + ' details.history summary');
      await page.waitForSelector(row + ' .history-list li');
      await page.evaluate((sel) => document.querySelector(sel).scrollIntoView({ block: 'center' }), row);
      await view(page, 'console-rephrased-' + width);
    }

    /* A big board: 120 contributions on axe-2. */
    await consoleShow(facil, 'axe-2', 30000);
    await facil.click('article[data-key="axe-2"] button[data-state="open"]');
    await facil.waitForSelector('article[data-key="axe-2"] .state-open');
    const posts = [{ type: 'join', id: 'j', code: code }];
    for (let k = 1; k <= 120; k++) {
      posts.push({ type: 'post', id: 'big' + k, activity: 'axe-2', board: 'salle',
        text: 'Proposition ' + k + ' : ' + notes[k % notes.length], author: k % 3 ? undefined : 'Parent d\'élève' });
    }
    await atelierCall(phone, posts, 60000);
    for (const [width, height] of [[1920, 1080], [360, 740]]) {
      const page = await (await context({ width: width, height: height })).newPage();
      await page.goto(base + '/animation.html#code=' + code + '&cle=' + key + '&activite=axe-2');
      const board = 'article[data-key="axe-2"] .board';
      await page.waitForFunction((sel) => document.querySelectorAll(sel + ' > .items > li').length === 50, board);
      await view(page, 'console-top-' + width);
      await page.click(board + ' > .items > li:nth-child(2) > .select');
      await page.click(board + ' > .items > li:nth-child(3) > .select');
      await page.evaluate((sel) => document.querySelector(sel).scrollIntoView(), board);
      await view(page, 'console-big-board-' + width);
      await page.evaluate((sel) => document.querySelector(sel + ' > .more').scrollIntoView({ block: 'center' }), board);
      await view(page, 'console-big-board-more-' + width);
      await page.fill('#search', 'guide');
      await page.waitForFunction((sel) => document.querySelectorAll(sel + ' > .items > li').length === 30, board);
      await page.evaluate(() => window.scrollTo(0, 0));
      await view(page, 'console-search-' + width);
    }
    await phone.click('#back');
    await phone.click('#activity-list li[data-key="axe-2"] button');
    await phone.waitForSelector('#board-more:not([hidden])');
    await phone.evaluate(() => document.getElementById('board-more').scrollIntoView({ block: 'center' }));
    await view(phone, 'phone-big-board-more');

    /* The projection screen driven by the console: paired by its code,
     * then each mode at 1920x1080, 1280x720 and 360x740. */
    await atelierCall(phone, [{ type: 'join', id: 'pj', code: code }].concat(
      ['atelier-illettrisme', 'atelier-sport-culture', 'atelier-16-25', 'atelier-participation'].map((a, i) =>
        ({ type: 'set_state', id: 'po' + i, code: code, key: key, activity: a, state: 'open' }))), 20000);
    const ateliers = [['atelier-illettrisme', 'constats'], ['atelier-sport-culture', 'pistes'],
      ['atelier-16-25', 'constats'], ['atelier-participation', 'demarches']];
    const plenaryPosts = [{ type: 'join', id: 'pj2', code: code }];
    ateliers.forEach(([a, b], i) => notes.forEach((text, k) => plenaryPosts.push({ type: 'post', id: 'pl' + i + '-' + k,
      activity: a, board: b, text: text })));
    await atelierCall(phone, plenaryPosts, 30000);
    const projector = await (await context({ width: 1920, height: 1080 })).newPage();
    await projector.goto(base + '/ecran.html');
    await projector.waitForFunction(() => /\d/.test(document.getElementById('pair-code').textContent));
    const pairing = (await projector.textContent('#pair-code')).replace(/\D/g, '');
    const modes = async (label) => {
      for (const [width, height] of [[1920, 1080], [1280, 720], [360, 740]]) {
        await projector.setViewportSize({ width: width, height: height });
        await projector.waitForTimeout(300);
        await shot(projector, 'screen-' + label + '-' + width);
      }
      await projector.setViewportSize({ width: 1920, height: 1080 });
    };
    await modes('pairing');
    const paired = await atelierCall(phone, [{ type: 'screen_pair', id: 'sp', code: code, key: key, pairing: pairing,
      activity: 'axe-2' }], 20000);
    const screenId = paired[0].screen.id;
    const set = (fields) => atelierCall(phone, [Object.assign({ type: 'screen_set', id: 'ss' + Math.random().toString(36).slice(2),
      code: code, key: key, screen: screenId }, fields)], 20000);
    await projector.waitForSelector('#boards .column-cards .card', { timeout: 20000 });
    await modes('board');
    await set({ mode: 'results' });
    await projector.waitForSelector('#boards.results .card-rank:not([hidden])');
    await modes('results');
    const spot = await atelierCall(phone, [{ type: 'join', id: 'sj', code: code },
      { type: 'post', id: 'spot', activity: 'axe-2', board: 'salle', text: notes[0] }], 20000);
    await set({ mode: 'spotlight', contribution: spot[1].contribution.id });
    await projector.waitForSelector('#spotlight:not([hidden])');
    await modes('spotlight');
    await set({ mode: 'plenary', activity: 'atelier-illettrisme' });
    await projector.waitForSelector('#boards.plenary .column');
    await modes('plenary');
    await set({ join: false });
    await projector.waitForSelector('#join-panel[hidden]', { state: 'attached' });
    await modes('plenary-no-join');
    /* SWOT: a screen of the diagnostic seminar. */
    const swotKey = server.seminars.get('SWOTCE');
    const swot = await (await context({ width: 1920, height: 1080 })).newPage();
    await swot.goto(base + '/ecran.html');
    await swot.waitForFunction(() => /\d/.test(document.getElementById('pair-code').textContent));
    const swotPairing = (await swot.textContent('#pair-code')).replace(/\D/g, '');
    await atelierCall(phone, [{ type: 'set_state', id: 'so', code: 'SWOTCE', key: swotKey, activity: 'axe-1', state: 'open' },
      { type: 'join', id: 'sj2', code: 'SWOTCE' }].concat(['forces', 'faiblesses', 'opportunites', 'menaces'].map((b, i) =>
      ({ type: 'post', id: 'sw' + i, activity: 'axe-1', board: b, text: notes[i] }))), 20000);
    const swotPaired = await atelierCall(phone, [{ type: 'screen_pair', id: 'sp2', code: 'SWOTCE', key: swotKey,
      pairing: swotPairing, activity: 'axe-1' }], 20000);
    await atelierCall(phone, [{ type: 'screen_set', id: 'ss-swot', code: 'SWOTCE', key: swotKey,
      screen: swotPaired[0].screen.id, mode: 'swot' }], 20000);
    await swot.waitForSelector('#boards.swot .column', { timeout: 20000 });
    for (const [width, height] of [[1920, 1080], [1280, 720], [360, 740]]) {
      await swot.setViewportSize({ width: width, height: height });
      await swot.waitForTimeout(300);
      await shot(swot, 'screen-swot-' + width);
    }
  } finally {
    await browser.close();
    await server.cleanup();
  }
}

/* The phases and the timer: a seminar of its own (one activity with
 * every phase), two phones that write, the screen, the console. */
async function phases() {
  const server = new Server([], join(SOURCE_DIR, 'tests', 'browser', 'data'));
  const browser = await launchBrowser();
  try {
    await server.start();
    const code = 'PHASES';
    const activity = 'demain';
    const key = server.seminars.get(code);
    const base = server.base;
    const context = (viewport, touch) => browser.newContext({ viewport: viewport, locale: 'fr-FR',
      hasTouch: !!touch, isMobile: !!touch });
    const poster = await (await context({ width: 400, height: 300 })).newPage();
    await poster.goto(base + '/api/health');
    let n = 0;
    const send = async (type, fields) => {
      const [r] = await atelierCall(poster, [Object.assign({ type: type, id: 'p' + (++n), code: code, key: key,
        activity: activity }, fields)], 15000);
      if (r.type !== 'ack') throw new Error(type + ': ' + JSON.stringify(r));
    };
    await send('set_state', { state: 'writing' });
    await send('timer_set', { seconds: 300, advance: true });
    await send('timer_start', {});
    const phones = [];
    for (const text of ['Un potager partagé au pied des immeubles, tenu avec les parents',
      'Des devoirs faits ensemble à la médiathèque le mercredi']) {
      const phone = await (await context({ width: 360, height: 740 }, true)).newPage();
      await phone.goto(base + '/');
      await phone.fill('#join-code', code);
      await phone.press('#join-code', 'Enter');
      await phone.waitForSelector('#activity-view:not([hidden])');
      await phone.fill('#note-text', text);
      await phone.press('#note-text', 'Control+Enter');
      await phone.waitForSelector('#board-list .card:not(.pending)');
      phones.push(phone);
    }
    const screen = await (await context({ width: 1920, height: 1080 })).newPage();
    await screen.goto(base + '/ecran.html?code=' + code + '&activite=' + activity);
    await screen.waitForFunction(() => [...document.querySelectorAll('.column-tally')]
      .some((n) => /2 contributions/.test(n.textContent)));
    await shot(phones[0], 'phases-phone-writing');
    await shot(screen, 'phases-screen-writing');
    await send('set_state', { state: 'reveal' });
    await phones[0].waitForFunction(() => document.querySelectorAll('#board-list .card').length === 2);
    await screen.waitForFunction(() => document.querySelectorAll('#boards .card').length === 2);
    await shot(phones[0], 'phases-phone-reveal');
    await shot(screen, 'phases-screen-reveal');
    await send('set_state', { state: 'blind_voting' });
    await phones[1].waitForSelector('#board-list .card button.vote:not([hidden])');
    await phones[1].locator('#board-list .card button.vote').first().tap();
    await screen.waitForFunction(() => /a voté/.test((document.getElementById('voters') || {}).textContent));
    await shot(phones[1], 'phases-phone-blind-voting');
    await shot(screen, 'phases-screen-blind-voting');
    await send('timer_pause', {});
    await send('set_state', { state: 'results' });
    await screen.waitForSelector('.column.ranked .card');
    await phones[0].click('#sort-votes');
    await phones[0].waitForSelector('#board-list.ranked');
    await shot(phones[0], 'phases-phone-results');
    await shot(screen, 'phases-screen-results');
    const console_ = await (await context({ width: 1280, height: 900 })).newPage();
    await console_.goto(base + '/animation.html#code=' + code + '&cle=' + encodeURIComponent(key));
    await console_.waitForSelector('.timer-controls .timer:not([hidden])');
    await view(console_, 'phases-console-timer');
  } finally {
    await browser.close();
    await server.cleanup();
  }
}

main().then(phases).catch((e) => {
  console.error(e);
  process.exitCode = 1;
});

/*
 * screen.mjs — the projection screen driven by the console, in a real
 * browser against the real server (run with --no-rate-limit, so one
 * participant posts a long board):
 * - a screen opened with no activity shows a pairing code; the
 *   facilitator types it in the console (by keyboard); the screen then
 *   shows the console's activity, follows it to another one, and comes
 *   back to it after a reload (its token in local storage, its choice on
 *   the server);
 * - a board of 119 contributions: the screen shows whole cards only,
 *   says which (« 1–N sur 119 ») and pages by itself; every card is on
 *   the screen within one paging cycle (the page's clock is driven by
 *   playwright's page.clock: nothing waits for wall time);
 * - each mode chosen from the console: board, results (ranked, rank
 *   numbers, vote counts and bars, one column read top to bottom), SWOT
 *   (2x2), spotlight (the selected contribution), plenary (the four
 *   parallel ateliers of the Roubaix programme side by side), the join
 *   panel hidden and shown;
 * - in every mode, at 1920x1080, 1280x720 and 1024x768, no element of
 *   the projection lies outside the viewport and no card outside its
 *   column; axe-core finds nothing, with no rule disabled.
 *
 * Usage: ATELIER_BIN=build/atelier node tests/browser/screen.mjs
 * Prints "N passed, N failed"; exits non-zero on any failure.
 */

import { Server, Report, runScript, openPage, openClockedPage, pauseClock, tick, atelierCall, until, axeViolations,
  consoleShow, definitions } from './lib.mjs';

const WAIT_MS = 15000;
const PAGE_MS = 12000;   /* web/js/screen-columns.js */
const HELLO_MS = 3000;   /* web/js/screen-link.js */
const POSTS = 119;
const VIEWPORTS = [{ width: 1920, height: 1080 }, { width: 1280, height: 720 }, { width: 1024, height: 768 }];

const report = new Report();
const server = new Server(['--no-rate-limit']);

/* What the screen shows: the pairing code, the title, the mode's view. */
function screenState(page) {
  return page.evaluate(() => {
    const visible = (n) => !!n && !n.closest('[hidden]');
    const q = (s) => document.querySelector(s);
    return {
      pairing: visible(q('#pair-code')) ? q('#pair-code').textContent.replace(/\D/g, '') : null,
      title: visible(q('#activity-title')) ? q('#activity-title').textContent : null,
      boards: visible(q('#boards')) ? q('#boards').className : null,
      columns: Array.from(document.querySelectorAll('#boards .column-name')).map((n) => n.textContent),
      counts: Array.from(document.querySelectorAll('#boards .column-count')).map((n) => n.textContent),
      spotlight: visible(q('#spotlight')) ? q('#spotlight-text').textContent : null,
      join: visible(q('#join-panel'))
    };
  });
}

async function waitScreen(page, what, fn) {
  let last = null;
  try {
    return await until(async () => {
      await tick(page);
      last = await screenState(page);
      return fn(last) ? last : false;
    }, WAIT_MS, what);
  } catch (e) {
    throw new Error(e.message + ': ' + JSON.stringify(last));
  }
}

/* Elements of the projection outside the viewport, and cards outside
 * their column's list: one line each ([] when none). */
function cutOff(page) {
  return page.evaluate(() => {
    const out = [];
    const w = window.innerWidth;
    const h = window.innerHeight;
    const name = (n) => n.nodeName.toLowerCase() + (n.id ? '#' + n.id : '') + (n.className ? '.' + String(n.className).split(' ')[0] : '');
    const root = document.querySelector('#projection');
    for (const n of root.querySelectorAll('*')) {
      if (n.closest('[hidden]') || n.closest('wbr')) continue;
      const r = n.getBoundingClientRect();
      if (!r.width && !r.height) continue;
      if (r.left < -0.5 || r.top < -0.5 || r.right > w + 0.5 || r.bottom > h + 0.5) {
        out.push(name(n) + ' ' + [r.left, r.top, r.right, r.bottom].map(Math.round).join(','));
      }
    }
    for (const list of root.querySelectorAll('.column-cards')) {
      const box = list.getBoundingClientRect();
      for (const card of list.children) {
        const r = card.getBoundingClientRect();
        if (r.bottom > box.bottom + 0.5 || r.right > box.right + 0.5) out.push('card cut: ' + card.querySelector('.card-text').textContent.slice(0, 30));
      }
    }
    /* a text wider or taller than its own box: cut (overflow hidden) or
     * spilling over what is beside it */
    for (const n of root.querySelectorAll('.card-text, .column-name, .column-count, .spotlight-text, h1, .join-code, .join-url')) {
      if (n.closest('[hidden]')) continue;
      if (n.scrollHeight > n.clientHeight + 1 || n.scrollWidth > n.clientWidth + 1) out.push('text cut: ' + name(n) + ' ' + n.textContent.slice(0, 30));
    }
    return out.slice(0, 8);
  });
}

/* Checks the mode at every viewport: nothing cut; axe at the first. */
async function checkEverywhere(page, label) {
  for (const vp of VIEWPORTS) {
    await page.setViewportSize(vp);
    await page.clock.runFor(100);
    await report.step(label + ': nothing cut at ' + vp.width + 'x' + vp.height, async () => {
      const cut = await cutOff(page);
      return cut.length === 0 || cut.join('; ');
    });
  }
  await page.setViewportSize(VIEWPORTS[0]);
  await page.clock.runFor(100);
  await report.step(label + ': axe-core finds nothing', async () => {
    await page.clock.resume(); /* axe-core waits on timers of its own */
    const v = await axeViolations(page);
    await pauseClock(page);
    return v.length === 0 || v.join(' | ');
  });
}

/* Sets a screen's mode from the console's select, by keyboard. */
async function chooseMode(consolePage, mode) {
  const select = consolePage.locator('.screen-row select').first();
  await select.focus();
  await select.selectOption(mode);
}

async function main(browser) {
  const seen = { hosts: [], csp: [], errors: [], dialogs: [] };
  const code = 'RBX22';
  const key = server.seminars.get(code);
  const def = definitions().get(code);
  const ateliers = def.activities.filter((a) => a.start === '14:30');
  const first = def.activities[0];
  const second = def.activities[1];

  /* The screen, its clock in the test's hands. */
  const screen = await openClockedPage(browser, server, seen, 'screen', server.base + '/ecran.html', VIEWPORTS[0], WAIT_MS);
  const unpaired = await waitScreen(screen, 'a pairing code', (s) => s.pairing && s.pairing.length === 6);
  report.ok('a screen opened with no activity shows a 6-digit pairing code', true);
  await checkPairing(screen);

  const consolePage = await openPage(browser, server, seen, 'console', server.base + '/animation.html#code=' + code +
    '&cle=' + encodeURIComponent(key) + '&activite=' + first.id, { width: 1280, height: 900 }, WAIT_MS);
  await consolePage.waitForSelector('#pair-input');
  await consolePage.focus('#pair-input');
  await consolePage.keyboard.type(unpaired.pairing);
  await consolePage.keyboard.press('Enter');
  await until(() => consolePage.evaluate(() => document.querySelectorAll('.screen-row').length === 1), WAIT_MS,
    'the screen in the console\'s list');
  report.ok('the console pairs the screen by its code, typed and sent by keyboard', true);

  await screen.clock.runFor(HELLO_MS + 100);
  await report.step('the paired screen shows the console\'s activity', async () => {
    await waitScreen(screen, first.title, (s) => s.title === first.title);
  });
  await consoleShow(consolePage, second.id, WAIT_MS);
  await report.step('the screen follows the console to another activity', async () => {
    await waitScreen(screen, second.title, (s) => s.title === second.title);
  });
  await screen.reload();
  await pauseClock(screen);
  await report.step('reloaded, the screen comes back to the same view', async () => {
    await waitScreen(screen, second.title + ' after a reload', (s) => s.title === second.title && !s.pairing);
  });

  /* A long board: 119 contributions on the first board of an atelier. */
  const target = ateliers[0];
  const board = target.boards[0].id;
  const poster = await openPage(browser, server, seen, 'poster', server.base + '/api/health', { width: 400, height: 300 }, WAIT_MS);
  const msgs = [{ type: 'set_state', id: 'open', code: code, key: key, activity: target.id, state: 'open' },
    { type: 'join', id: 'j', code: code }];
  for (let k = 1; k <= POSTS; k++) {
    msgs.push({ type: 'post', id: 'p' + k, activity: target.id, board: board,
      text: 'Proposition ' + k + (k % 7 === 0 ? ' : une idée plus longue, qui prend deux ou trois lignes sur le panneau projeté pour voir les cartes de hauteurs différentes' : '') });
  }
  const replies = await atelierCall(poster, msgs, 60000);
  report.ok(POSTS + ' contributions posted', replies.every((r) => r.type === 'ack' || r.type === 'joined'));
  /* A few votes, so that the results have an order. */
  const ids = replies.filter((r) => r.contribution).map((r) => r.contribution.id);
  await atelierCall(poster, [{ type: 'join', id: 'j2', code: code }, { type: 'vote', id: 'v1', contribution: ids[10] },
    { type: 'vote', id: 'v2', contribution: ids[20] }, { type: 'vote', id: 'v3', contribution: ids[30] }], WAIT_MS);

  await consoleShow(consolePage, target.id, WAIT_MS);
  await waitScreen(screen, 'the long board', (s) => s.title === target.title && s.counts.some((c) => /sur 119/.test(c)));
  await report.step('a board of 119 shows whole cards and says which: « 1–N sur 119 »', async () => {
    const s = await screenState(screen);
    return s.counts.some((c) => /^1–\d+ sur 119$/.test(c)) || JSON.stringify(s.counts);
  });
  await report.step('every card of the 119 is on the screen within one paging cycle', async () => {
    const seenTexts = new Set();
    let pages = 0;
    for (;;) {
      const now = await screen.evaluate(() => {
        const column = Array.from(document.querySelectorAll('#boards .column')).find((c) =>
          c.querySelector('.column-count').classList.contains('range'));
        return { range: column.querySelector('.column-count').textContent,
          cards: Array.from(column.querySelectorAll('.card-text')).map((n) => n.textContent) };
      });
      now.cards.forEach((t) => seenTexts.add(t.replace(/ :.*/, '')));
      pages++;
      /* the turn, then the frame that draws it (a turn at the end of
       * the span draws in the next one) */
      await screen.clock.runFor(PAGE_MS);
      await screen.clock.runFor(100);
      const next = await screen.evaluate(() => Array.from(document.querySelectorAll('#boards .column-count.range'))
        .map((n) => n.textContent)[0]);
      if ((next && next.startsWith('1–')) || pages > 60) break;
    }
    const missing = [];
    for (let k = 1; k <= POSTS; k++) if (!seenTexts.has('Proposition ' + k)) missing.push(k);
    return missing.length === 0 || missing.length + ' never shown in ' + pages + ' pages, e.g. ' + missing.slice(0, 5).join(', ');
  });
  await checkEverywhere(screen, 'board mode, 119 contributions');

  await chooseMode(consolePage, 'results');
  await report.step('results: ranked with rank numbers, vote counts and bars, one column top to bottom', async () => {
    await waitScreen(screen, 'results', (s) => / results/.test(s.boards || ''));
    return screen.evaluate(() => {
      const column = document.querySelector('#boards .column');
      const cards = Array.from(column.querySelectorAll('.card'));
      const ranks = cards.map((c) => Number(c.querySelector('.card-rank').textContent));
      const tops = cards.map((c) => c.getBoundingClientRect().top);
      const lefts = new Set(cards.map((c) => Math.round(c.getBoundingClientRect().left)));
      const ok = cards.length > 0 && ranks[0] === 1 && ranks.every((r, i) => i === 0 || r >= ranks[i - 1]) &&
        tops.every((t, i) => i === 0 || t > tops[i - 1]) && lefts.size === 1 &&
        cards.every((c) => c.querySelector('meter.card-bar') && /vote/.test(c.querySelector('.card-votes').textContent));
      return ok || JSON.stringify({ ranks: ranks.slice(0, 5), lefts: Array.from(lefts) });
    });
  });
  await checkEverywhere(screen, 'results');

  /* Spotlight: the first contribution selected in the console. */
  await consolePage.locator('.board > .items > li input[type=checkbox]').first().check();
  await chooseMode(consolePage, 'spotlight');
  await report.step('spotlight: the selected contribution, full screen', async () => {
    await waitScreen(screen, 'the spotlight', (s) => s.spotlight && /^Proposition/.test(s.spotlight));
  });
  await checkEverywhere(screen, 'spotlight');

  await chooseMode(consolePage, 'plenary');
  await report.step('plenary: the four parallel ateliers side by side', async () => {
    const s = await waitScreen(screen, 'the plenary', (x) => / plenary/.test(x.boards || '') && x.columns.length === 4);
    const want = ateliers.map((a) => a.title);
    return JSON.stringify(s.columns) === JSON.stringify(want) || JSON.stringify(s.columns);
  });
  await checkEverywhere(screen, 'plenary');

  await consolePage.locator('.screen-row input[id$="-join"]').uncheck();
  await report.step('the join panel hidden from the console', async () => {
    await waitScreen(screen, 'no join panel', (s) => !s.join);
  });
  await checkEverywhere(screen, 'plenary without the join panel');
  await consolePage.locator('.screen-row input[id$="-join"]').check();
  await waitScreen(screen, 'the join panel back', (s) => s.join);

  /* SWOT: the diagnostic seminar's first axis. */
  await report.step('SWOT: the four boards as a 2x2 grid', async () => {
    const swot = await swotScreen(browser, seen);
    return swot;
  });

  await report.step('the console\'s screen panel passes axe-core', async () => {
    const v = await axeViolations(consolePage);
    return v.length === 0 || v.join(' | ');
  });
  report.ok('no request to another host, no CSP refusal, no script error',
    !seen.hosts.length && !seen.csp.length && !seen.errors.length,
    seen.hosts.concat(seen.csp, seen.errors).join('; '));

  /* The pairing page itself. */
  async function checkPairing(page) {
    await report.step('the pairing page passes axe-core', async () => {
      await page.clock.resume();
      const v = await axeViolations(page);
      await pauseClock(page);
      return v.length === 0 || v.join(' | ');
    });
  }
}

/* A second screen, paired to the diagnostic seminar from a second
 * console, in SWOT mode: its four columns in two rows of two. */
async function swotScreen(browser, seen) {
  const code = 'SWOTCE';
  const key = server.seminars.get(code);
  const def = definitions().get(code);
  const axis = def.activities.find((a) => a.template === 'swot');
  const screen = await openClockedPage(browser, server, seen, 'screen-swot', server.base + '/ecran.html', VIEWPORTS[0],
    WAIT_MS);
  const s0 = await waitScreen(screen, 'a pairing code', (s) => s.pairing && s.pairing.length === 6);
  const page = await openPage(browser, server, seen, 'console-swot', server.base + '/animation.html#code=' + code +
    '&cle=' + encodeURIComponent(key) + '&activite=' + axis.id, { width: 1280, height: 900 }, WAIT_MS);
  await page.waitForSelector('#pair-input');
  await page.fill('#pair-input', s0.pairing);
  await page.press('#pair-input', 'Enter');
  await until(() => page.evaluate(() => document.querySelectorAll('.screen-row').length === 1), WAIT_MS, 'paired');
  await screen.clock.runFor(HELLO_MS + 100);
  await waitScreen(screen, axis.title, (s) => s.title === axis.title);
  await chooseMode(page, 'swot');
  await waitScreen(screen, 'the grid', (s) => / swot/.test(s.boards || ''));
  const grid = await screen.evaluate(() => {
    const boxes = Array.from(document.querySelectorAll('#boards .column')).map((c) => c.getBoundingClientRect());
    return { n: boxes.length, rows: new Set(boxes.map((b) => Math.round(b.top))).size,
      cols: new Set(boxes.map((b) => Math.round(b.left))).size };
  });
  if (grid.n !== 4 || grid.rows !== 2 || grid.cols !== 2) return JSON.stringify(grid);
  await checkEverywhere(screen, 'SWOT');
  return true;
}

runScript('browser_screen', report, server, 170000, main);

/*
 * boards.mjs — long boards on the three pages, in a real browser against
 * the real server (run with --no-rate-limit, so one participant posts
 * them all). On a board of 120 contributions:
 * - the console shows its 50 newest rows, each saying where it stands in
 *   the whole list (aria-posinset, aria-setsize); a "show more" button,
 *   reached by keyboard, adds the next rows until none is left;
 * - the phone (360x740) does the same with its cards;
 * - the screen (1920x1080) draws the first cards of the column, as many
 *   as fit whole, and says which (« 1–N sur 120 ») (it pages through
 *   the rest by itself: tests/browser/screen.mjs);
 * - one more contribution arrives on top of each, the list's size
 *   updated, and draws its own row only: a MutationObserver, set on each
 *   page's boards while it arrives, sees the new row, the list's order
 *   and the rows' positions change, and nothing inside the rows already
 *   shown nor in any other board (on the console, the activity's count
 *   and the board's own heading, hint and button may change too);
 * - a row shown on the console still hides its contribution.
 *
 * Usage: ATELIER_BIN=build/atelier node tests/browser/boards.mjs
 * Prints "N passed, N failed"; exits non-zero on any failure.
 */

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Server, Report, runScript, openPage, openClockedPage, tick, atelierCall, until, openTarget, SOURCE_DIR } from './lib.mjs';

const CODE = 'RBX22';
const WAIT_MS = 15000;
const POSTS = 120;

const report = new Report();
const server = new Server(['--no-rate-limit']);
const catalogue = JSON.parse(readFileSync(join(SOURCE_DIR, 'web', 'i18n.json'), 'utf8'));

/* Where each page draws its rows: a row of the list, its text, the more
 * button beside the list (a selector from the list's parent; null:
 * none), the root the observer watches, and what else an event may
 * change there. */
const PAGES = {
  console: { row: '.board > .items > li', text: '.item-text', more: ':scope > button.more',
    root: '#activities', allowed: '.activity-count, .board > h4, .board > .hint, .board > .more' },
  phone: { row: '#board-list > li', text: '.card-text', more: ':scope > #board-more',
    root: '#board-list', allowed: null },
  screen: { row: '.column-cards > li', text: '.card-text', more: null,
    root: '#boards', allowed: '.column-count' }
};

/* The rows of the list that holds a "Proposition" text on a page: their
 * count, first and last text, positions and set sizes, and the more
 * button's text (null when there is none or it is hidden). */
function rows(page, where) {
  return page.evaluate(({ row, text, more }) => {
    const first = Array.from(document.querySelectorAll(row + ' ' + text)).find((n) => n.textContent.startsWith('Proposition'));
    if (!first) return null;
    const list = first.closest(row).parentNode;
    const items = Array.from(list.children);
    const button = more ? list.parentNode.querySelector(more) : null;
    return {
      count: items.length,
      first: items[0].querySelector(text).textContent,
      last: items[items.length - 1].querySelector(text).textContent,
      pos: items.map((li) => Number(li.getAttribute('aria-posinset'))),
      sizes: Array.from(new Set(items.map((li) => li.getAttribute('aria-setsize')))),
      more: button && !button.closest('[hidden]') ? button.textContent : null
    };
  }, where);
}

/* Starts recording every change under the page's root. */
function observe(page, where) {
  return page.evaluate((root) => {
    window.__changes = [];
    window.__observer = new MutationObserver((records) => { window.__changes.push(...records); });
    window.__observer.observe(document.querySelector(root), { subtree: true, childList: true, attributes: true,
      characterData: true });
  }, where.root);
}

/* Once the row of text is shown and two frames have passed, stops
 * recording and says what changed beyond that row, the list's children,
 * the rows' positions and the page's allowed parts ([] when nothing). */
async function strayChanges(page, where, text) {
  for (let i = 0; page.clocked && i < 3; i++) await tick(page); /* its frames, in its time */
  return page.evaluate(async ({ row, textSel, allowed, text, clocked }) => {
    const frame = () => clocked ? Promise.resolve() : new Promise((done) => requestAnimationFrame(() => setTimeout(done, 0)));
    await frame();
    await frame();
    const records = window.__changes.concat(window.__observer.takeRecords());
    window.__observer.disconnect();
    const fresh = Array.from(document.querySelectorAll(row + ' ' + textSel)).find((n) => n.textContent === text);
    const newRow = fresh ? fresh.closest(row) : null;
    const stray = [];
    for (const r of records) {
      const el = r.target.nodeType === 1 ? r.target : r.target.parentElement;
      if (!el || (newRow && newRow.contains(el))) continue;
      if (r.type === 'childList' && el.matches(row.replace(/ > li$/, ''))) continue;
      if (r.type === 'attributes' && el.matches(row) && /^aria-(posinset|setsize)$/.test(r.attributeName)) continue;
      if (allowed && el.matches(allowed)) continue;
      const where = el.closest(row);
      stray.push(r.type + (r.attributeName ? ' ' + r.attributeName : '') + ' on ' + el.nodeName.toLowerCase() +
        (el.className ? '.' + String(el.className).split(' ')[0] : '') +
        (where ? ' in the row "' + where.querySelector(textSel).textContent + '"' : ''));
    }
    return stray;
  }, { row: where.row, textSel: where.text, allowed: where.allowed, text, clocked: !!page.clocked });
}

const inOrder = (pos) => pos.every((p, i) => p === i + 1);
const moreText = (page, n) => catalogue[page + '.more_other'].fr.replace('{n}', String(n));

/* A list of 50 rows out of POSTS, newest first, each placed in the list,
 * with the more button offering the next 50 (an error text, else true). */
function firstPage(r, more) {
  if (r.count !== 50 || r.first !== 'Proposition ' + POSTS || r.last !== 'Proposition ' + (POSTS - 49)) {
    return JSON.stringify(r);
  }
  if (!inOrder(r.pos) || r.sizes.join() !== String(POSTS)) return 'positions ' + r.pos.slice(0, 3) + ' sizes ' + r.sizes;
  return r.more === more || 'more button: ' + r.more;
}

/* Presses the more button from the keyboard until every row is shown. */
async function showAll(page, where, name, button) {
  await page.focus(button);
  await page.keyboard.press('Enter');
  let r = await until(async () => { const x = await rows(page, where); return x.count === 100 ? x : false; },
    WAIT_MS, '100 rows');
  if (r.more !== moreText(name, 20)) return 'more button: ' + r.more;
  const focused = await page.evaluate(() => document.activeElement.classList.contains('more'));
  if (!focused) return 'the focus left the button';
  await page.keyboard.press('Enter');
  r = await until(async () => { const x = await rows(page, where); return x.count === POSTS ? x : false; }, WAIT_MS,
    'every row');
  return (r.more === null && inOrder(r.pos) && r.last === 'Proposition 1') || JSON.stringify(r).slice(0, 300);
}

async function main(browser) {
  const seen = {};
  const { activity, board, key, poster } = await openTarget(browser, server, seen, CODE, WAIT_MS);
  const post = (k) => ({ type: 'post', id: 'p' + k, activity: activity.id, board: board,
    text: 'Proposition ' + k });
  const msgs = [{ type: 'set_state', id: 'open', code: CODE, key: key, activity: activity.id, state: 'open' },
    { type: 'join', id: 'j', code: CODE }];
  for (let k = 1; k <= POSTS; k++) msgs.push(post(k));
  const replies = await atelierCall(poster, msgs, 60000);
  report.ok(POSTS + ' contributions posted', replies.every((r) => r.type === 'ack' || r.type === 'joined'),
    JSON.stringify(replies.find((r) => r.type === 'error')));

  const pages = {
    console: await openPage(browser, server, seen, 'console', server.base + '/animation.html#code=' + CODE +
      '&cle=' + encodeURIComponent(key), { width: 1280, height: 900 }, WAIT_MS),
    phone: await openPage(browser, server, seen, 'phone', server.base + '/j/' + CODE, { width: 360, height: 740 },
      WAIT_MS),
    screen: await openClockedPage(browser, server, seen, 'screen', server.base + '/ecran.html?code=' + CODE + '&activite=' +
      encodeURIComponent(activity.id), { width: 1920, height: 1080 }, WAIT_MS)
  };
  const got = {};
  for (const name of Object.keys(pages)) got[name] = await until(async () => { await tick(pages[name]); return rows(pages[name], PAGES[name]); }, WAIT_MS, 'the board on the ' + name);

  await report.step('the console shows a long board\'s 50 newest rows, placed in the whole list', () =>
    firstPage(got.console, moreText('facil', 50)));
  await report.step('the console\'s more button, pressed from the keyboard, adds the next rows', () =>
    showAll(pages.console, PAGES.console, 'facil', '.board > button.more:not([hidden])'));
  await report.step('the phone shows a long board\'s 50 newest cards, placed in the whole list', () =>
    firstPage(got.phone, moreText('phone', 50)));
  await report.step('the phone\'s more button, pressed from the keyboard, adds the next cards', () =>
    showAll(pages.phone, PAGES.phone, 'phone', '#board-more'));
  await report.step('the screen draws the first cards that fit whole, and says « 1–N sur 120 »', async () => {
    const count = await pages.screen.evaluate(() => document.querySelector('.column-count').textContent);
    const r = got.screen;
    return (r.count > 1 && r.count < POSTS && r.first === 'Proposition ' + POSTS &&
      count === '1–' + r.count + ' sur ' + POSTS && inOrder(r.pos) && r.sizes.join() === String(POSTS)) ||
      JSON.stringify({ count: count, rows: r.count, first: r.first });
  });

  /* The screen's highlight of the 120 new cards ends after 6 s: wait for
   * it, so that the one change left to see is the next contribution's. */
  await pages.screen.clock.runFor(7000);
  await until(async () => { await tick(pages.screen); return pages.screen.evaluate(() => !document.querySelector('.fresh')); },
    WAIT_MS, 'the highlight to end');
  for (const name of Object.keys(pages)) await observe(pages[name], PAGES[name]);
  const more = await atelierCall(poster, [{ type: 'join', id: 'j2', code: CODE }, post(POSTS + 1)], WAIT_MS);
  report.ok('one more contribution is posted', more[1].type === 'ack', JSON.stringify(more[1]));
  const newest = 'Proposition ' + (POSTS + 1);
  for (const name of Object.keys(pages)) {
    await report.step('on the ' + name + ', the new contribution arrives on top, placed in the list', async () => {
      const r = await until(async () => { await tick(pages[name]); const x = await rows(pages[name], PAGES[name]); return x.first === newest ? x : false; },
        WAIT_MS, 'the new post');
      return (r.sizes.join() === String(POSTS + 1) && inOrder(r.pos)) || JSON.stringify(r.sizes);
    });
    await report.step('on the ' + name + ', it draws its own row and touches no other', async () => {
      const stray = await strayChanges(pages[name], PAGES[name], newest);
      return stray.length === 0 || stray.length + ' changes elsewhere, e.g. ' + stray.slice(0, 3).join('; ');
    });
  }

  await report.step('a row shown on the console hides its contribution', async () => {
    const button = pages.console.locator('.board > .items > li', { hasText: 'Proposition 60' }).locator('> button.toggle');
    await button.click();
    await until(() => pages.console.evaluate(() => Array.from(document.querySelectorAll('.board > .items > li.is-hidden'))
      .some((li) => li.querySelector('.item-text').textContent === 'Proposition 60')), WAIT_MS, 'the row hidden');
  });

  report.ok('no request to another host, no CSP refusal, no script error',
    !seen.hosts.length && !seen.csp.length && !seen.errors.length,
    seen.hosts.concat(seen.csp, seen.errors).join('; '));
}

runScript('browser_boards', report, server, 110000, main);

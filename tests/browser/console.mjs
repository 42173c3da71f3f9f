/*
 * console.mjs — the console's long boards in a real browser against the
 * real server (run with --no-rate-limit, so one participant posts them
 * all): a board of 120 contributions shows its 50 newest rows, each saying
 * where it stands in the whole list (aria-posinset, aria-setsize); a
 * "show more" button, reached by keyboard, adds the next rows until none
 * is left; a new post arrives on top with the list's size updated; the
 * rows shown still hide and show their contribution.
 *
 * Usage: ATELIER_BIN=build/atelier node tests/browser/console.mjs
 * Prints "N passed, N failed"; exits non-zero on any failure.
 */

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Server, Report, runScript, openPage, atelierCall, definitions, until, SOURCE_DIR } from './lib.mjs';

const CODE = 'RBX22';
const WAIT_MS = 15000;
const POSTS = 120;

const report = new Report();
const server = new Server(['--no-rate-limit']);
const catalogue = JSON.parse(readFileSync(join(SOURCE_DIR, 'web', 'i18n.json'), 'utf8'));

/* The rows of the board whose list holds a "Proposition" text: their
 * count, first and last text, positions and set sizes, and the more
 * button's text (null when hidden). */
function rows(page) {
  return page.evaluate(() => {
    const text = Array.from(document.querySelectorAll('.board > .items > li .item-text'))
      .find((n) => n.textContent.startsWith('Proposition'));
    if (!text) return null;
    const board = text.closest('.board');
    const items = Array.from(board.querySelectorAll(':scope > .items > li'));
    const more = board.querySelector(':scope > button.more');
    return {
      count: items.length,
      first: items[0].querySelector('.item-text').textContent,
      last: items[items.length - 1].querySelector('.item-text').textContent,
      pos: items.map((li) => Number(li.getAttribute('aria-posinset'))),
      sizes: Array.from(new Set(items.map((li) => li.getAttribute('aria-setsize')))),
      more: more && !more.closest('[hidden]') ? more.textContent : null
    };
  });
}

const inOrder = (pos) => pos.every((p, i) => p === i + 1);
const moreText = (n) => catalogue['facil.more_other'].fr.replace('{n}', String(n));

async function main(browser) {
  const seen = {};
  const def = definitions().get(CODE);
  const activity = def.activities.find((a) => a.template === 'open');
  const board = activity.boards ? activity.boards[0].id : 'salle';
  const key = server.seminars.get(CODE);
  const poster = await openPage(browser, server, seen, 'poster', server.base + '/api/health',
    { width: 400, height: 300 }, WAIT_MS);
  const post = (k) => ({ type: 'post', id: 'p' + k, activity: activity.id, board: board,
    text: 'Proposition ' + k });
  const msgs = [{ type: 'set_state', id: 'open', code: CODE, key: key, activity: activity.id, state: 'open' },
    { type: 'join', id: 'j', code: CODE }];
  for (let k = 1; k <= POSTS; k++) msgs.push(post(k));
  const replies = await atelierCall(poster, msgs, 60000);
  report.ok(POSTS + ' contributions posted', replies.every((r) => r.type === 'ack' || r.type === 'joined'),
    JSON.stringify(replies.find((r) => r.type === 'error')));

  const page = await openPage(browser, server, seen, 'console', server.base + '/animation.html#code=' + CODE +
    '&cle=' + encodeURIComponent(key), { width: 1280, height: 900 }, WAIT_MS);
  let r = await until(() => rows(page), WAIT_MS, 'the board on the console');
  await report.step('a long board shows its 50 newest rows, placed in the whole list', () => {
    if (r.count !== 50 || r.first !== 'Proposition ' + POSTS || r.last !== 'Proposition ' + (POSTS - 49)) {
      return JSON.stringify(r);
    }
    if (!inOrder(r.pos) || r.sizes.join() !== String(POSTS)) return 'positions ' + r.pos.slice(0, 3) + ' sizes ' + r.sizes;
    return r.more === moreText(50) || 'more button: ' + r.more;
  });

  await report.step('the more button, pressed from the keyboard, adds the next rows', async () => {
    await page.focus('.board > button.more:not([hidden])');
    await page.keyboard.press('Enter');
    r = await until(async () => { const x = await rows(page); return x.count === 100 ? x : false; }, WAIT_MS, '100 rows');
    if (r.more !== moreText(20)) return 'more button: ' + r.more;
    const focused = await page.evaluate(() => document.activeElement.classList.contains('more'));
    if (!focused) return 'the focus left the button';
    await page.keyboard.press('Enter');
    r = await until(async () => { const x = await rows(page); return x.count === POSTS ? x : false; }, WAIT_MS, 'every row');
    return (r.more === null && inOrder(r.pos) && r.last === 'Proposition 1') || JSON.stringify(r).slice(0, 300);
  });

  await report.step('a new post arrives on top and the list says its new size', async () => {
    const more = await atelierCall(poster, [{ type: 'join', id: 'j2', code: CODE }, post(POSTS + 1)], WAIT_MS);
    if (more[1].type !== 'ack') return JSON.stringify(more[1]);
    r = await until(async () => { const x = await rows(page); return x.first === 'Proposition ' + (POSTS + 1) ? x : false; },
      WAIT_MS, 'the new post');
    return (r.sizes.join() === String(POSTS + 1) && inOrder(r.pos)) || JSON.stringify(r.sizes);
  });

  await report.step('a row shown hides its contribution', async () => {
    const button = page.locator('.board > .items > li', { hasText: 'Proposition 60' }).locator('> button.toggle');
    await button.click();
    await until(() => page.evaluate(() => Array.from(document.querySelectorAll('.board > .items > li.is-hidden'))
      .some((li) => li.querySelector('.item-text').textContent === 'Proposition 60')), WAIT_MS, 'the row hidden');
  });

  report.ok('no request to another host, no CSP refusal, no script error',
    !seen.hosts.length && !seen.csp.length && !seen.errors.length,
    seen.hosts.concat(seen.csp, seen.errors).join('; '));
}

runScript('browser_console', report, server, 110000, main);

/*
 * console.mjs — the facilitator console as a facilitator works in it,
 * seen from the other side (the projection screen, a second console, the
 * server), in a real browser against the real server. On an activity of
 * 100 contributions:
 * - axe-core (no rule disabled) finds no violation on the console;
 * - the shortcuts are listed on the page, each with its text;
 * - while the activity is in voting or closed the rows go by votes, else
 *   newest first, and a sort chosen by hand stays;
 * - the filter by state and the search (case and accents aside);
 * - several contributions selected at once are hidden, then shown again,
 *   and the screen drops them, then shows them again;
 * - the same by keyboard only (J, K, X, M, A, /, T, S, P, Escape);
 * - two consoles: the second, which has not yet seen that the first hid
 *   and showed again a contribution, asks to hide it: the server refuses
 *   (stale), the console says so in words, the screen still shows it;
 *   once it has seen the changes, the same click hides it;
 * - wrong keys: the form again with the wait counted down (from the
 *   server's rate_limited "retry"), never a blank console, and the
 *   right key after the wait opens the console (a server with its rate
 *   limits, so that the lock-out happens).
 *
 * Usage: ATELIER_BIN=build/atelier node tests/browser/console.mjs
 * Prints "N passed, N failed"; exits non-zero on any failure.
 */

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Server, Report, runScript, openPage, openClockedPage, tick, until, atelierCall, axeViolations, watchPage,
  openTarget, SOURCE_DIR } from './lib.mjs';

const CODE = 'RBX22';
const WAIT_MS = 15000;
const POSTS = 100;

const report = new Report();
const server = new Server(['--no-rate-limit']);
const catalogue = JSON.parse(readFileSync(join(SOURCE_DIR, 'web', 'i18n.json'), 'utf8'));
const fr = (key, vars) => catalogue[key].fr.replace(/\{(\w+)\}/g, (w, n) => (vars && n in vars ? String(vars[n]) : w));

const textOf = (k) => 'Idée ' + String(k).padStart(3, '0') + ' : ' +
  (k % 10 === 0 ? 'une bibliothèque ouverte le soir' : 'un temps d\u2019accueil commun');

/* Runs in the second console before its scripts: while window.__held is
 * an array, the events the server sends wait there (replies go on), as
 * if the network were slow; window.__release() hands them over. */
function holdEvents() {
  window.__held = null;
  const desc = Object.getOwnPropertyDescriptor(WebSocket.prototype, 'onmessage');
  Object.defineProperty(WebSocket.prototype, 'onmessage', {
    configurable: true,
    enumerable: desc.enumerable,
    get: desc.get,
    set: function (fn) {
      if (typeof fn !== 'function') return desc.set.call(this, fn);
      const socket = this;
      desc.set.call(this, function (ev) {
        if (window.__held && typeof ev.data === 'string' && ev.data.indexOf('"type":"event"') >= 0) {
          window.__held.push(() => fn.call(socket, ev));
          return undefined;
        }
        return fn.call(this, ev);
      });
    }
  });
  window.__release = () => {
    const held = window.__held || [];
    window.__held = null;
    held.forEach((f) => f());
  };
}

/* The texts of the console's rows, in order (top-level rows only). */
function rowTexts(page) {
  return page.evaluate(() => Array.from(document.querySelectorAll('#boards .board > .items > li > .item-body > .item-text'))
    .map((n) => n.textContent));
}

function row(page, text) {
  return page.locator('#boards .board > .items > li').filter({ hasText: text });
}

/* True once the screen shows (on) or no longer shows (!on) each text.
 * The screen's clock is the test's (openClockedPage): it stays on its
 * first page, the newest cards, while its frames run. */
function screenShows(screen, texts, on) {
  return until(async () => {
    await tick(screen);
    return screen.evaluate(({ texts, on }) => {
      const shown = new Set(Array.from(document.querySelectorAll('.column-cards .card-text')).map((n) => n.textContent));
      return texts.every((t) => shown.has(t) === on);
    }, { texts, on });
  }, WAIT_MS, 'the screen ' + (on ? 'showing ' : 'no longer showing ') + texts.join(', '));
}

function rowHidden(page, text, hidden) {
  return page.waitForFunction(({ text, hidden }) => Array.from(document.querySelectorAll('#boards li.item'))
    .some((li) => li.querySelector('.item-text').textContent === text && li.classList.contains('is-hidden') === hidden),
  { text, hidden }, { timeout: WAIT_MS });
}

async function main(browser) {
  const seen = {};
  const { def, activity, board, key, poster } = await openTarget(browser, server, seen, CODE, WAIT_MS);
  const msgs = [{ type: 'set_state', id: 'open', code: CODE, key: key, activity: activity.id, state: 'open' },
    { type: 'join', id: 'j', code: CODE }];
  for (let k = 1; k <= POSTS; k++) msgs.push({ type: 'post', id: 'p' + k, activity: activity.id, board: board, text: textOf(k) });
  const replies = await atelierCall(poster, msgs, 60000);
  report.ok(POSTS + ' contributions posted', replies.every((r) => r.type === 'ack' || r.type === 'joined'),
    JSON.stringify(replies.find((r) => r.type === 'error')));
  const ids = [0].concat(replies.slice(2).map((r) => r.contribution.id)); /* ids[k]: the k-th post's */
  /* Votes: the 10th gets 3, the 20th 2, the 30th 1. */
  for (const [n, targets] of [[1, [10, 20, 30]], [2, [10, 20]], [3, [10]]]) {
    const v = await atelierCall(poster, [{ type: 'join', id: 'v' + n, code: CODE }].concat(
      targets.map((k) => ({ type: 'vote', id: 'v' + n + '-' + k, contribution: ids[k] }))), WAIT_MS);
    report.ok('participant ' + n + ' votes', v.slice(1).every((r) => r.type === 'ack'), JSON.stringify(v));
  }

  const consoleUrl = server.base + '/animation.html#code=' + CODE + '&cle=' + encodeURIComponent(key) +
    '&activite=' + encodeURIComponent(activity.id);
  const facil = await openPage(browser, server, seen, 'console', consoleUrl, { width: 1280, height: 900 }, WAIT_MS);
  const screen = await openClockedPage(browser, server, seen, 'screen', server.base + '/ecran.html?code=' + CODE +
    '&activite=' + encodeURIComponent(activity.id), { width: 1920, height: 1080 }, WAIT_MS);
  await facil.waitForFunction((n) => document.querySelectorAll('#boards .board > .items > li').length === n, 50);
  await until(async () => { await tick(screen); return screen.$('.column-cards .card-text'); }, WAIT_MS, 'the screen\'s cards');

  await report.step('the console opens on the activity of its address, kept there without the key', async () => {
    const hash = await facil.evaluate(() => window.location.hash);
    const current = await facil.getAttribute('#nav-list li[data-key="' + activity.id + '"] a', 'aria-current');
    return (hash === '#code=' + CODE + '&activite=' + encodeURIComponent(activity.id) && current === 'page') ||
      hash + ' ' + current;
  });

  await report.step('axe-core finds no violation on the console with 100 contributions', async () => {
    const v = await axeViolations(facil);
    return v.length === 0 || v.length + ' violations: ' + v.join(' | ');
  });

  await report.step('the shortcuts are listed on the page, each with its text', async () => {
    const listed = await facil.evaluate(() => Array.from(document.querySelectorAll('#shortcut-list dt kbd'))
      .map((k) => k.textContent + '=' + k.parentNode.nextElementSibling.textContent));
    const want = ['/=' + fr('facil.key_search'), 'J=' + fr('facil.key_next'), 'X=' + fr('facil.key_select'),
      'M=' + fr('facil.key_hide'), 'A=' + fr('facil.key_show'), 'T=' + fr('facil.key_sort')];
    return want.every((w) => listed.includes(w)) || JSON.stringify(listed);
  });

  /* ===== Sort ===== */
  await report.step('while the activity is open the rows go newest first', async () => {
    const texts = await rowTexts(facil);
    const sort = await facil.inputValue('#sort');
    return (sort === 'recent' && texts[0] === textOf(POSTS) && texts[1] === textOf(POSTS - 1)) || sort + ' ' + texts[0];
  });
  const setState = async (s) => {
    await facil.click('article[data-key="' + activity.id + '"] button[data-state="' + s + '"]');
    await facil.waitForSelector('article[data-key="' + activity.id + '"] .state-' + s);
  };
  for (const s of ['voting', 'closed']) {
    await report.step('in ' + s + ' the rows go by votes by default', async () => {
      await setState(s);
      await facil.waitForFunction((t) => document.querySelector('#boards .item-text').textContent === t, textOf(10));
      const texts = await rowTexts(facil);
      const sort = await facil.inputValue('#sort');
      return (sort === 'votes' && texts.slice(0, 3).join('|') === [textOf(10), textOf(20), textOf(30)].join('|')) ||
        sort + ' ' + texts.slice(0, 3).join('|');
    });
  }
  await report.step('a sort chosen by hand stays when the state changes', async () => {
    await facil.selectOption('#sort', 'recent');
    await facil.waitForFunction((t) => document.querySelector('#boards .item-text').textContent === t, textOf(POSTS));
    await setState('voting');
    await facil.waitForTimeout(300);
    const texts = await rowTexts(facil);
    await facil.selectOption('#sort', 'votes');
    await setState('open');
    return texts[0] === textOf(POSTS) || texts[0];
  });
  await facil.selectOption('#sort', 'recent');
  await facil.waitForFunction((t) => document.querySelector('#boards .item-text').textContent === t, textOf(POSTS));

  /* ===== Filter and search ===== */
  await report.step('the search finds the texts, case and accents aside', async () => {
    await facil.fill('#search', 'BIBLIOTHEQUE');
    await facil.waitForFunction(() => document.querySelectorAll('#boards .board > .items > li').length === 10);
    const texts = await rowTexts(facil);
    await facil.fill('#search', 'introuvable');
    await facil.waitForFunction(() => document.querySelectorAll('#boards .board > .items > li').length === 0);
    const hint = await facil.textContent('#boards .board > .hint');
    await facil.fill('#search', '');
    await facil.waitForFunction(() => document.querySelectorAll('#boards .board > .items > li').length === 50);
    return (texts.every((t) => t.includes('bibliothèque')) && texts[0] === textOf(100) && hint === fr('facil.no_match')) ||
      texts.join('|') + ' / ' + hint;
  });

  /* ===== Several at once ===== */
  const three = [textOf(POSTS), textOf(POSTS - 1), textOf(POSTS - 2)];
  await report.step('three contributions selected are hidden at once; the screen drops them', async () => {
    await screenShows(screen, three, true);
    for (const t of three) await row(facil, t).locator(':scope > .select').check();
    await facil.waitForFunction((t) => document.getElementById('selection-count').textContent === t,
      fr('facil.selected_other', { n: 3 }));
    const marked = await facil.$$eval('#boards li.item.is-selected', (l) => l.length);
    if (marked !== 3) return marked + ' rows drawn as selected';
    await facil.click('#hide-selected');
    await screenShows(screen, three, false);
    for (const t of three) await rowHidden(facil, t, true);
    const left = await facil.$$eval('#boards li.item', (l) => l.filter((li) => li.classList.contains('is-selected') ||
      li.querySelector('.select').checked).length);
    return ((await facil.textContent('#selection-count')) === fr('facil.selected_none') && left === 0) ||
      'the selection stays (' + left + ' rows)';
  });
  await report.step('the filter lists the hidden ones; shown again at once, the screen has them back', async () => {
    await facil.selectOption('#filter', 'unshown');
    await facil.waitForFunction(() => document.querySelectorAll('#boards .board > .items > li').length === 3);
    const texts = await rowTexts(facil);
    if (texts.join('|') !== three.join('|')) return 'hidden rows: ' + texts.join('|');
    for (const t of three) await row(facil, t).locator(':scope > .select').check();
    await facil.click('#show-selected');
    await screenShows(screen, three, true);
    await facil.waitForFunction(() => document.querySelectorAll('#boards .board > .items > li').length === 0);
    await facil.selectOption('#filter', 'all');
    await facil.waitForFunction(() => document.querySelectorAll('#boards .board > .items > li').length === 50);
  });

  /* ===== Keyboard only ===== */
  await report.step('by keyboard only: J, X, K, X then M hides two, A shows them again', async () => {
    await facil.evaluate(() => document.activeElement && document.activeElement.blur());
    const kb = facil.keyboard;
    await kb.press('j');
    await kb.press('j');
    await kb.press('x');
    await kb.press('k');
    await kb.press('x');
    await facil.waitForFunction((t) => document.getElementById('selection-count').textContent === t,
      fr('facil.selected_other', { n: 2 }));
    const focused = await facil.evaluate(() => document.activeElement.closest('li.item').querySelector('.item-text').textContent);
    if (focused !== three[0]) return 'focus on ' + focused;
    await kb.press('m');
    await screenShows(screen, three.slice(0, 2), false);
    await rowHidden(facil, three[0], true);
    await kb.press('x');
    await kb.press('j');
    await kb.press('x');
    await kb.press('a');
    await screenShows(screen, three.slice(0, 2), true);
    await rowHidden(facil, three[1], false);
  });
  await report.step('by keyboard only: / searches, Escape clears, T sorts, S and P change the activity', async () => {
    const kb = facil.keyboard;
    await kb.press('/');
    if (!(await facil.evaluate(() => document.activeElement.id === 'search'))) return 'the search has not the focus';
    await kb.type('bibli');
    await facil.waitForFunction(() => document.querySelectorAll('#boards .board > .items > li').length === 10);
    await kb.press('Escape');
    await facil.waitForFunction(() => document.querySelectorAll('#boards .board > .items > li').length === 50);
    const left = await facil.evaluate(() => document.activeElement.classList.contains('select'));
    if (!left) return 'Escape left the focus in the search';
    await kb.press('t');
    await facil.waitForFunction((t) => document.querySelector('#boards .item-text').textContent === t, textOf(10));
    await kb.press('t');
    await facil.waitForFunction((t) => document.querySelector('#boards .item-text').textContent === t, textOf(POSTS));
    const list = def.activities.map((a) => a.id);
    const at = list.indexOf(activity.id);
    const other = list[at + 1 < list.length ? at + 1 : at - 1];
    await kb.press(at + 1 < list.length ? 's' : 'p');
    await facil.waitForSelector('article[data-key="' + other + '"]');
    const where = await facil.evaluate(() => [document.activeElement.id, window.location.hash]);
    await kb.press(at + 1 < list.length ? 'p' : 's');
    await facil.waitForSelector('article[data-key="' + activity.id + '"]');
    return (where[0] === 'activity-title' && where[1].endsWith('&activite=' + encodeURIComponent(other))) ||
      JSON.stringify(where);
  });

  /* ===== Two consoles ===== */
  const target = textOf(POSTS - 3);
  const second = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'fr-FR' });
  second.setDefaultTimeout(WAIT_MS);
  const other = await second.newPage();
  watchPage(other, 'console 2', server, seen);
  await other.addInitScript(holdEvents);
  await other.goto(consoleUrl);
  await other.waitForFunction((n) => document.querySelectorAll('#boards .board > .items > li').length === n, 50);
  await report.step('a console that has not seen the last changes is refused, in words, and nothing is done', async () => {
    await other.evaluate(() => { window.__held = []; });
    /* The first console hides the contribution, then shows it again. */
    await row(facil, target).locator(':scope > button.toggle').click();
    await rowHidden(facil, target, true);
    await row(facil, target).locator(':scope > button.toggle').click();
    await rowHidden(facil, target, false);
    await other.waitForFunction(() => window.__held.length >= 2);
    /* The second still sees it as it was, and hides it. */
    await row(other, target).locator(':scope > button.toggle').click();
    await other.waitForFunction((t) => document.getElementById('notice').textContent === t, fr('err.stale'));
    await screenShows(screen, [target], true);
    const firstSees = await row(facil, target).evaluate((li) => li.classList.contains('is-hidden'));
    return !firstSees || 'the first console sees it hidden';
  });
  await report.step('once it has seen the changes, the second console hides it', async () => {
    await other.evaluate(() => window.__release());
    await row(other, target).locator(':scope > button.toggle').click();
    await screenShows(screen, [target], false);
    await rowHidden(facil, target, true);
    await rowHidden(other, target, true);
  });
  await second.close();

  /* ===== Wrong keys ===== */
  await report.step('wrong keys: the form with the wait counted down, then the right key opens the console', async () => {
    const limited = new Server([]);
    await limited.start();
    try {
      const page = await openPage(browser, limited, seen, 'locked console', limited.base + '/animation.html#code=' +
        CODE + '&cle=pas-la-bonne-0', { width: 1280, height: 900 }, WAIT_MS);
      await page.waitForFunction((t) => document.getElementById('login-error').textContent === t, fr('err.bad_key'));
      let wait = null;
      for (let i = 1; i <= 30 && wait === null; i++) {
        await page.fill('#login-key', 'pas-la-bonne-' + i);
        await page.waitForSelector('#login-button:not([disabled])');
        await page.click('#login-button');
        const said = await page.waitForFunction(() => {
          const w = document.getElementById('login-wait');
          const e = document.getElementById('login-error');
          if (!w.hidden) return { wait: w.textContent, error: e.textContent };
          return !e.hidden && e.textContent ? { error: e.textContent } : false;
        }, null, { timeout: WAIT_MS, polling: 20 }).then((h) => h.jsonValue());
        if (said.wait) {
          wait = said;
          const blank = await page.evaluate(() => ({ console: !document.getElementById('console').hidden,
            status: !document.getElementById('status').hidden, login: !document.getElementById('login').hidden,
            button: document.getElementById('login-button').disabled }));
          if (blank.console || blank.status || !blank.login || !blank.button) return 'while locked: ' + JSON.stringify(blank);
        }
      }
      if (!wait) return 'no lock-out after 30 wrong keys';
      const seconds = Number((/(\d+) s/.exec(wait.wait) || [])[1]);
      if (!(seconds >= 1) || wait.wait !== fr('facil.locked_wait', { seconds: seconds }) ||
          wait.error !== fr('facil.locked', { seconds: seconds })) return JSON.stringify(wait);
      await page.waitForSelector('#login-button:not([disabled])', { timeout: 30000 });
      const over = await page.textContent('#login-error');
      if (over !== fr('facil.locked_over')) return 'after the wait: ' + over;
      await page.fill('#login-key', limited.seminars.get(CODE));
      await page.click('#login-button');
      await page.waitForSelector('#console:not([hidden]) #boards');
    } finally {
      await limited.cleanup();
    }
  });

  report.ok('no request to another host, no CSP refusal, no script error',
    !seen.hosts.length && !seen.csp.length && !seen.errors.length,
    seen.hosts.concat(seen.csp, seen.errors).join('; '));
}

runScript('browser_console', report, server, 170000, main);

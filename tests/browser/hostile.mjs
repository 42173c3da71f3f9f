/*
 * hostile.mjs — the hostile texts of tests/hostile/payloads.json shown by
 * the three pages in a real browser: the phone, the projection screen and
 * the facilitator console display each one as its exact text. No dialog
 * opens (an alert() run from user text would), no request leaves for
 * another host, no element is created from user text (the img, script,
 * a, svg... inside each board stay as many as the page itself draws), no
 * CSP refusal and no script error; nor from a hostile code or key in the
 * address of a page.
 *
 * Usage: ATELIER_BIN=build/atelier node tests/browser/hostile.mjs
 * Prints "N passed, N failed"; exits non-zero on any failure.
 */

import { Server, Report, runScript, openPage, watchPage, atelierCall, hostilePayloads, definitions, consoleShow } from './lib.mjs';

const WAIT_MS = 15000;
const DEADLINE_MS = 170000;
/* Elements that user text must never create. */
const RISKY = 'img,script,a,svg,math,iframe,object,embed,link,style,base,meta,video,audio,source,template';

/* Where each page draws the board, and its text and author nodes. */
const PAGES = {
  phone: { board: '#board-list', text: '.card-text', author: '.card-meta' },
  screen: { board: '#boards', text: '.card-text', author: '.card-author' },
  console: { board: 'main', text: '.item-text', author: '.item-meta' }
};

const PAGE_MS = 12000; /* a screen's page (web/js/screen-columns.js) */
const report = new Report();
const server = new Server();

/* Counts of risky elements: in the board and in the whole document. */
function riskyCounts(page, board) {
  return page.evaluate(({ board, risky }) => {
    const root = document.querySelector(board);
    return {
      board: root ? root.querySelectorAll(risky).length : -1,
      document: document.querySelectorAll(risky).length
    };
  }, { board: board, risky: RISKY });
}

/* The texts that are not yet shown, visible, as the exact text of a text
 * node of the page (and, for authors, at the start of an author node). */
function missing(page, where, texts, authors) {
  return page.evaluate(({ where, texts, authors }) => {
    const shown = (n) => n.getClientRects().length > 0 && !n.closest('[hidden]');
    const root = document.querySelector(where.board);
    if (!root) return texts.concat(authors);
    const t = new Set(Array.from(root.querySelectorAll(where.text)).filter(shown).map((n) => n.textContent));
    const a = Array.from(root.querySelectorAll(where.author)).filter(shown).map((n) => n.textContent);
    return texts.filter((x) => !t.has(x)).concat(authors.filter((x) => !a.some((s) => s.indexOf(x) === 0)));
  }, { where, texts, authors });
}

/* The screen's page, its clock in the test's hands (page.clock), so
 * that its pages turn when the test says. */
async function openScreen(browser, seen, url) {
  const context = await browser.newContext({ viewport: { width: 1920, height: 1080 }, locale: 'fr-FR' });
  context.setDefaultTimeout(WAIT_MS);
  const page = await context.newPage();
  watchPage(page, 'screen', server, seen);
  await page.clock.install();
  await page.goto(url);
  return page;
}

async function main(browser) {
  const def = definitions().get('RBX22');
  const activity = def.activities.find((a) => a.template === 'open');
  const board = activity.boards ? activity.boards[0].id : 'salle';
  const cases = hostilePayloads();
  const seen = {};
  const code = 'RBX22';
  const key = server.seminars.get(code);
  const base = server.base;

  const open = (label, url, viewport) => openPage(browser, server, seen, label, url, viewport, WAIT_MS);

  /* Opens the activity, from a page of the server's origin. */
  const poster = await open('poster', base + '/api/health', { width: 400, height: 300 });
  const opened = await atelierCall(poster, [{ type: 'set_state', id: 'open', code: code, key: key,
    activity: activity.id, state: 'open' }], WAIT_MS);
  report.ok('the activity opens', opened[0].type === 'ack', JSON.stringify(opened[0]));

  const pages = {
    phone: await open('phone', base + '/j/' + code, { width: 360, height: 740 }),
    screen: await openScreen(browser, seen, base + '/ecran.html?code=' + code + '&activite=' + activity.id),
    console: await open('console', base + '/animation.html#code=' + code + '&cle=' + encodeURIComponent(key),
      { width: 1280, height: 900 })
  };
  await pages.phone.waitForSelector('#status.status-connected');
  await pages.phone.waitForSelector('#note-form:not([hidden])');
  await pages.screen.waitForFunction((t) => document.getElementById('activity-title').textContent === t,
    activity.title);
  await consoleShow(pages.console, activity.id, 15000);
  await pages.console.waitForSelector('article[data-key="' + activity.id + '"] .state-open');
  const before = {};
  for (const name of Object.keys(pages)) before[name] = await riskyCounts(pages[name], PAGES[name].board);

  /* Every payload the server stores, as a text and as an author. With
   * the one typed below they must stay within the 50 newest that each
   * page shows of a board (49 today). */
  const texts = [];
  const authors = [];
  await report.step('every payload is posted, as text and as author', async () => {
    const wrong = [];
    for (const [i, c] of cases.entries()) {
      const msgs = [{ type: 'join', id: 'j' + i, code: code }];
      if (c.stored !== null) msgs.push({ type: 'post', id: 't' + i, activity: activity.id, board: board, text: c.text });
      if (c.label !== null) {
        msgs.push({ type: 'post', id: 'a' + i, activity: activity.id, board: board,
          text: 'Signé, cas ' + i, author: c.text });
      }
      const replies = await atelierCall(poster, msgs, WAIT_MS);
      let r = 1;
      if (c.stored !== null) {
        const got = replies[r++];
        if (got.type !== 'ack' || got.contribution.text !== c.stored) wrong.push(c.name + ': ' + JSON.stringify(got).slice(0, 120));
        texts.push(c.stored);
      }
      if (c.label !== null) {
        const got = replies[r++];
        if (got.type !== 'ack' || got.contribution.author !== c.label) wrong.push(c.name + ' (author)');
        texts.push('Signé, cas ' + i);
        authors.push(c.label);
      }
    }
    return wrong.length === 0 || wrong.join(' | ');
  });

  /* One more through the phone's own form and outbox. */
  const typed = '<img src=/x onerror=alert(2)> "><script>alert(3)</script> =cmd|\' /C calc\'!A0';
  await report.step('a payload typed in the phone form is acknowledged', async () => {
    await pages.phone.fill('#note-text', typed);
    await pages.phone.click('#note-form button[type=submit]');
    await pages.phone.waitForFunction((t) => Array.from(document.querySelectorAll('#board-list .card:not(.pending) .card-text'))
      .some((n) => n.textContent === t), typed);
  });
  texts.push(typed);

  for (const name of Object.keys(pages)) {
    const page = pages[name];
    await report.step(name + ' shows every payload as its exact text', async () => {
      let left = null;
      let textsLeft = texts;
      let authorsLeft = authors;
      const end = Date.now() + WAIT_MS;
      while (Date.now() < end) {
        /* The screen shows a page of whole cards at a time and turns to
         * the next by itself: what it has shown so far counts. */
        if (name === 'screen') {
          textsLeft = await missing(page, PAGES[name], textsLeft, []);
          authorsLeft = await missing(page, PAGES[name], [], authorsLeft);
          left = textsLeft.concat(authorsLeft);
        } else {
          left = await missing(page, PAGES[name], texts, authors);
        }
        if (left.length === 0) return true;
        if (name === 'screen') await page.clock.runFor(PAGE_MS + 100);
        else await page.waitForTimeout(200);
      }
      return left.length + ' not shown, e.g. ' + JSON.stringify(left[0]).slice(0, 80);
    });
  }
  /* An image error or a late script would fire within this pause. */
  await pages.phone.waitForTimeout(1000);
  for (const name of Object.keys(pages)) {
    await report.step(name + ' creates no element from user text', async () => {
      const after = await riskyCounts(pages[name], PAGES[name].board);
      return (after.board === before[name].board && after.document === before[name].document) ||
        'before ' + JSON.stringify(before[name]) + ', after ' + JSON.stringify(after);
    });
  }
  await report.step('hostile codes and keys in the addresses create nothing', async () => {
    const evil = '<img src=x onerror=alert(4)>';
    const evil2 = '"><svg onload=alert(5)>';
    /* The phone takes its code from the join form (/j/ answers 404 to
     * anything that is not a code), the others from their address. */
    const urls = (c, a) => [{ url: base + '/', code: c },
      { url: base + '/ecran.html?code=' + encodeURIComponent(c) + '&activite=' + encodeURIComponent(a) },
      { url: base + '/animation.html#code=' + encodeURIComponent(c) + '&cle=' + encodeURIComponent(a) }];
    const plain = urls('ZZZZ9', 'nope');
    const wrong = [];
    for (const [i, target] of urls(evil, evil2).entries()) {
      const counts = [];
      for (const t of [plain[i], target]) {
        const page = await open('address ' + i, t.url, { width: 800, height: 600 });
        if (t.code) {
          await page.fill('#join-code', t.code);
          await page.click('#join-form button[type=submit]');
        }
        await page.waitForTimeout(1500);
        counts.push(await page.evaluate((risky) => {
          const handlers = Array.from(document.querySelectorAll('*')).filter((n) =>
            Array.from(n.attributes).some((a) => /^on/i.test(a.name) || /^\s*javascript:/i.test(a.value))).length;
          return document.querySelectorAll(risky).length + '/' + handlers;
        }, RISKY));
        await page.context().close();
      }
      if (counts[0] !== counts[1]) wrong.push(target.url + ': ' + counts.join(' vs '));
    }
    return wrong.length === 0 || wrong.join(' | ');
  });
  report.ok('no dialog opened', seen.dialogs.length === 0, seen.dialogs.join(' | '));
  report.ok('no request to another host', seen.hosts.length === 0, seen.hosts.join(' | '));
  report.ok('no Content-Security-Policy refusal', seen.csp.length === 0, seen.csp.join(' | '));
  report.ok('no script error', seen.errors.length === 0, seen.errors.join(' | '));
}

runScript('browser_hostile', report, server, DEADLINE_MS, main);

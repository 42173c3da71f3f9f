/*
 * run.mjs — end-to-end check of the pages in a real browser against the
 * real server: the facilitator opens an activity from the console, a
 * phone joins by code and posts, the projection screen and a second phone
 * see the post live without reload, votes and hiding travel too, and a
 * post written while the server is down waits in the outbox and arrives
 * after the server comes back, the console downloads a synthesis and
 * says in its words when the server's export worker is busy (503). Also:
 * no request to another host, no CSP violation, no script error.
 *
 * Usage: ATELIER_BIN=build/atelier node tests/browser/run.mjs
 *    or: node tests/browser/run.mjs build/atelier
 * Prints "N passed, N failed"; exits non-zero on any failure.
 */

import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Server, launchBrowser, until, definitions, consoleShow, SOURCE_DIR } from './lib.mjs';

/* Without node_modules the check cannot run: skipped on a developer's
 * machine (ctest reads "SKIP browser_pages:"), a failure in CI. */
const modules = fileURLToPath(new URL('./node_modules/playwright-core', import.meta.url));
if (!existsSync(modules)) {
  if (process.env.CI) {
    console.log('FAIL tests/browser/node_modules is missing: run npm ci --prefix tests/browser');
    console.log('0 passed, 1 failed');
    process.exit(1);
  }
  console.log('SKIP browser_pages: tests/browser/node_modules is missing (npm ci --prefix tests/browser)');
  process.exit(0);
}

if (!process.env.ATELIER_BIN && process.argv[2]) process.env.ATELIER_BIN = process.argv[2];

const DEADLINE_MS = 150000; /* a hang guard, under ctest's TIMEOUT: a loaded machine took over 55 s */
const WAIT_MS = 8000;

let server = null;
let passed = 0;
let failed = 0;

function check(name, ok, detail) {
  if (ok) {
    passed += 1;
    console.log('ok   ' + name);
  } else {
    failed += 1;
    console.log('FAIL ' + name + (detail ? ': ' + detail : ''));
  }
}

/* Runs one step; an exception fails it (and says why) without stopping
 * the steps that do not depend on it. */
async function step(name, fn) {
  try {
    const detail = await fn();
    check(name, detail === undefined || detail === true, typeof detail === 'string' ? detail : '');
    return detail === undefined || detail === true;
  } catch (e) {
    check(name, false, e.message.split('\n')[0]);
    return false;
  }
}

/* Watches a page for requests to other hosts, CSP reports and errors. */
function guard(page, label, server, problems) {
  page.on('request', (req) => {
    const url = new URL(req.url());
    if (url.protocol === 'data:' || url.protocol === 'blob:') return;
    if (url.host !== '127.0.0.1:' + server.port) problems.hosts.push(label + ' ' + req.url());
  });
  page.on('console', (msg) => {
    const text = msg.text();
    if (/Content Security Policy|Refused to/i.test(text)) problems.csp.push(label + ': ' + text);
  });
  page.on('pageerror', (err) => problems.errors.push(label + ': ' + err.message));
}

async function textOf(page, selector) {
  return page.$$eval(selector, (nodes) => nodes.map((n) => n.textContent));
}

async function main() {
  const defs = definitions();
  const code = 'RBX22';
  const def = defs.get(code);
  if (!def) throw new Error('sessions/ has no seminar with code ' + code);
  const activity = def.activities.find((a) => a.template === 'open');

  server = new Server();
  const browser = await launchBrowser();
  const problems = { hosts: [], csp: [], errors: [] };
  try {
    await server.start();
    const key = server.seminars.get(code);
    check('server prints the facilitator link with the key', !!key);
    const base = server.base;

    const contexts = [];
    async function open(label, viewport) {
      const context = await browser.newContext({ viewport: viewport, locale: 'fr-FR' });
      context.setDefaultTimeout(WAIT_MS);
      contexts.push(context);
      const page = await context.newPage();
      guard(page, label, server, problems);
      return page;
    }

    /* ===== Facilitator: open the activity ===== */
    const facil = await open('console', { width: 1280, height: 900 });
    const response = await facil.goto(base + '/animation.html#code=' + code + '&cle=' + encodeURIComponent(key));
    await step('pages are served with a Content-Security-Policy', async () =>
      /script-src 'self'/.test(response.headers()['content-security-policy'] || ''));
    const article = 'article[data-key="' + activity.id + '"]';
    await step('console lists the activities with their state', async () => {
      await facil.waitForSelector('#nav-list li[data-key="' + activity.id + '"] .state-prepared', { timeout: WAIT_MS });
      await consoleShow(facil, activity.id, WAIT_MS);
      await facil.waitForSelector(article + ' .state-prepared', { timeout: WAIT_MS });
    });
    await step('console removes the key from the address bar', async () => {
      const hash = await facil.evaluate(() => window.location.hash);
      return hash.indexOf('cle=') < 0 || 'hash still has the key: ' + hash;
    });
    await step('console opens the activity (set_state)', async () => {
      await facil.click(article + ' button[data-state="open"]');
      await facil.waitForSelector(article + ' .state-open', { timeout: WAIT_MS });
    });

    /* ===== Projection screen ===== */
    const screen = await open('screen', { width: 1920, height: 1080 });
    await screen.goto(base + '/ecran.html?code=' + code + '&activite=' + activity.id);
    await step('screen shows the activity, the code and the QR code', async () => {
      await screen.waitForFunction((t) => document.getElementById('activity-title').textContent === t,
        activity.title, { timeout: WAIT_MS });
      const joinCode = await screen.textContent('#join-code');
      await screen.waitForFunction(() => {
        const img = document.getElementById('qr');
        return img && !img.hidden && img.complete && img.naturalWidth > 0;
      }, null, { timeout: WAIT_MS });
      const url = await screen.textContent('#join-url');
      return (joinCode === code && url.indexOf('/j/' + code) >= 0) || 'code ' + joinCode + ', url ' + url;
    });
    await screen.evaluate(() => { window.notReloaded = true; });

    /* ===== Phone 1 joins by code and posts ===== */
    const phone = await open('phone1', { width: 360, height: 740 });
    await phone.goto(base + '/');
    await step('phone page is in French from the catalogue', async () => {
      /* The catalogue arrives after the load event. */
      await phone.waitForFunction(() => document.querySelector('#join-form button[type=submit]').textContent !== '',
        null, { timeout: WAIT_MS })
        .catch(() => {});
      const label = await phone.textContent('#join-form button[type=submit]');
      return label === 'Rejoindre' || 'join button says ' + JSON.stringify(label);
    });
    await step('language switch turns the page to English and back', async () => {
      /* The English texts are fetched on the first switch. */
      const isLang = (l) => phone.waitForFunction((want) => document.documentElement.lang === want, l,
        { timeout: WAIT_MS }).catch(() => {});
      await phone.click('#lang');
      await isLang('en');
      const english = await phone.textContent('#join-form button[type=submit]');
      const lang = await phone.evaluate(() => document.documentElement.lang);
      await phone.click('#lang');
      await isLang('fr');
      const french = await phone.textContent('#join-form button[type=submit]');
      return (english === 'Join' && lang === 'en' && french === 'Rejoindre') ||
        [english, lang, french].join(' / ');
    });
    await step('phone joins by code and lands on the open activity', async () => {
      await phone.fill('#join-code', code.toLowerCase());
      await phone.click('#join-form button[type=submit]');
      await phone.waitForFunction((t) => document.getElementById('activity-title').textContent === t,
        activity.title, { timeout: WAIT_MS });
      await phone.waitForSelector('#status.status-connected', { timeout: WAIT_MS });
      const path = await phone.evaluate(() => window.location.pathname);
      return path === '/j/' + code || 'address is ' + path;
    });
    const first = 'Ouvrir les écoles le samedi <b>pas de balise</b> ' + Date.now();
    await step('phone posts and gets the acknowledgement', async () => {
      await phone.fill('#note-text', first);
      await phone.click('#note-form button[type=submit]');
      await phone.waitForFunction((t) => Array.from(document.querySelectorAll('#board-list .card:not(.pending) .card-text'))
        .some((n) => n.textContent === t), first, { timeout: WAIT_MS });
      const outbox = await phone.evaluate((c) => localStorage.getItem('atelier.outbox.' + c), code);
      const input = await phone.inputValue('#note-text');
      return (outbox === null && input === '') || 'outbox ' + outbox + ', input ' + input;
    });
    await step('text is shown as text, not markup', async () => {
      const bold = await phone.$$('#board-list .card-text b');
      return bold.length === 0;
    });

    /* ===== The screen and a second phone see it live ===== */
    await step('screen shows the post live, without reload', async () => {
      await screen.waitForFunction((t) => Array.from(document.querySelectorAll('.column-cards .card-text'))
        .some((n) => n.textContent === t), first, { timeout: WAIT_MS });
      return (await screen.evaluate(() => window.notReloaded === true)) || 'the screen reloaded';
    });
    await step('screen highlights the new contribution', async () =>
      (await screen.$$('.column-cards .card.fresh')).length > 0);

    const phone2 = await open('phone2', { width: 360, height: 740 });
    await step('second phone joins by link and sees the post', async () => {
      await phone2.goto(base + '/j/' + code);
      await phone2.waitForFunction((t) => Array.from(document.querySelectorAll('#board-list .card-text'))
        .some((n) => n.textContent === t), first, { timeout: WAIT_MS });
    });
    await step('second phone cannot edit the first phone\'s post', async () => {
      const visible = await phone2.$$eval('#board-list .card', (cards) =>
        cards.filter((c) => c.querySelector('.card-tools .own:not([hidden])')).length);
      return visible === 0;
    });

    /* ===== Votes ===== */
    await step('second phone votes; the screen counts it', async () => {
      const before = await phone2.textContent('#votes-left');
      await phone2.click('#board-list .card .vote');
      await phone2.waitForSelector('#board-list .card .vote[aria-pressed="true"]', { timeout: WAIT_MS });
      await screen.waitForFunction(() => Array.from(document.querySelectorAll('.card-votes'))
        .some((n) => /^1 vote$/.test(n.textContent)), null, { timeout: WAIT_MS });
      const after = await phone2.textContent('#votes-left');
      return before !== after || 'votes left did not change: ' + after;
    });

    /* ===== Own edits and deletions ===== */
    await step('phone edits then deletes its own post; the screen follows', async () => {
      const extra = 'À corriger ' + Date.now();
      const fixed = 'Corrigé ' + Date.now();
      await phone.fill('#note-text', extra);
      await phone.click('#note-form button[type=submit]');
      const card = '#board-list .card:not(.pending):has(.card-text:text-is("' + extra + '"))';
      await phone.click(card + ' .own button >> nth=0');
      await phone.fill(card + ' textarea', fixed);
      await phone.click(card + ' .editor button[type=submit]');
      await screen.waitForFunction((t) => Array.from(document.querySelectorAll('.column-cards .card-text'))
        .some((n) => n.textContent === t), fixed, { timeout: WAIT_MS });
      phone.once('dialog', (d) => d.accept());
      const edited = '#board-list .card:not(.pending):has(.card-text:text-is("' + fixed + '"))';
      await phone.click(edited + ' .own button >> nth=1');
      await screen.waitForFunction((t) => !Array.from(document.querySelectorAll('.column-cards .card-text'))
        .some((n) => n.textContent === t), fixed, { timeout: WAIT_MS });
      await phone.waitForSelector(edited, { state: 'detached' });
    });

    /* ===== Outbox across a server restart ===== */
    const second = 'Écrit pendant la coupure ' + Date.now();
    await step('post written while the server is down waits in the outbox', async () => {
      await server.stop();
      await phone.waitForSelector('#status.status-reconnecting, #status.status-offline', { timeout: WAIT_MS });
      await phone.fill('#note-text', second);
      await phone.click('#note-form button[type=submit]');
      const stored = await phone.evaluate((c) => localStorage.getItem('atelier.outbox.' + c), code);
      await phone.waitForFunction(() => /^1 en attente/.test(document.getElementById('pending').textContent),
        null, { timeout: WAIT_MS });
      return (stored !== null && stored.indexOf(second) >= 0) || 'outbox ' + stored;
    });
    await step('after the restart the outbox is resent and the screen catches up', async () => {
      await server.start();
      await screen.waitForFunction((t) => Array.from(document.querySelectorAll('.column-cards .card-text'))
        .some((n) => n.textContent === t), second, { timeout: 20000 });
      await until(async () => (await phone.evaluate((c) => localStorage.getItem('atelier.outbox.' + c), code)) === null,
        WAIT_MS, 'the outbox to empty');
      const texts = await textOf(screen, '.column-cards .card-text');
      return texts.filter((t) => t === second).length === 1 || 'shown ' + texts.filter((t) => t === second).length + ' times';
    });

    await step('a post the server refuses for good comes back into the input', async () => {
      const long = 'x'.repeat(600);
      await phone.evaluate((args) => {
        const msg = { type: 'post', id: 'refused-' + Date.now(), activity: args.activity, board: args.board, text: args.text };
        localStorage.setItem('atelier.outbox.' + args.code, JSON.stringify([{ msg: msg, saved: new Date().toISOString() }]));
        localStorage.removeItem('atelier.draft.' + args.code + '.' + args.activity + '.' + args.board);
      }, { code: code, activity: activity.id, board: activity.boards ? activity.boards[0].id : 'salle', text: long });
      await phone.reload();
      await phone.waitForFunction((t) => document.getElementById('note-text').value === t, long, { timeout: WAIT_MS })
        .catch(async (e) => {
          throw new Error(e.message.split('\n')[0] + '; input ' + JSON.stringify((await phone.inputValue('#note-text')).slice(0, 20)) +
            ', notice ' + JSON.stringify(await phone.textContent('#notice')) + ', outbox ' +
            await phone.evaluate((c) => localStorage.getItem('atelier.outbox.' + c), code));
        });
      const error = await phone.textContent('#compose-error');
      const outbox = await phone.evaluate((c) => localStorage.getItem('atelier.outbox.' + c), code);
      return (error === 'Texte trop long.' && outbox === null) || 'error ' + JSON.stringify(error) + ', outbox ' + outbox;
    });

    /* ===== Moderation ===== */
    await step('facilitator hides the post; screen and phone drop it', async () => {
      await facil.waitForSelector('#status.status-connected', { timeout: 20000 });
      const item = await facil.waitForSelector(article + ' li.item:has-text("' + second + '") .toggle', { timeout: WAIT_MS });
      await item.click();
      await facil.waitForSelector(article + ' li.item.is-hidden', { timeout: WAIT_MS });
      await screen.waitForFunction((t) => !Array.from(document.querySelectorAll('.column-cards .card-text'))
        .some((n) => n.textContent === t), second, { timeout: WAIT_MS });
      await phone2.waitForFunction((t) => !Array.from(document.querySelectorAll('#board-list .card-text'))
        .some((n) => n.textContent === t), second, { timeout: WAIT_MS });
      const kept = await facil.textContent(article + ' li.item.is-hidden .item-text');
      return kept === second || 'console shows ' + JSON.stringify(kept);
    });

    /* ===== Orientations with example actions ===== */
    const orient = def.activities.find((a) => a.template === 'orientations');
    await step('orientation with example actions reaches the screen', async () => {
      const art = 'article[data-key="' + orient.id + '"]';
      await consoleShow(facil, orient.id, WAIT_MS);
      await facil.click(art + ' button[data-state="open"]');
      await facil.waitForSelector(art + ' .state-open');
      await phone2.click('#back');
      await phone2.click('#activity-list li[data-key="' + orient.id + '"] button');
      await phone2.waitForSelector('#ori-form:not([hidden])');
      await phone2.fill('#ori-title', 'Ouvrir l\'école sur le quartier');
      await phone2.fill('#ori-actions li:last-child input', 'Cours ouvertes le samedi');
      await phone2.click('#ori-add-line');
      await phone2.fill('#ori-actions li:last-child input', 'Cafés des parents');
      await phone2.click('#ori-form button[type=submit]');
      await phone2.waitForSelector('#board-list .card.orientation:not(.pending) .add-action-text');
      await phone2.fill('#board-list .add-action-text', 'Une fête de quartier');
      await phone2.click('#board-list .add-action button');
      const screen2 = await open('screen2', { width: 1920, height: 1080 });
      /* A link with the code as people write it (lower case, a space
       * inside) projects the same seminar as the code typed. */
      const loose = encodeURIComponent(code.slice(0, 3).toLowerCase() + ' ' + code.slice(3));
      await screen2.goto(base + '/ecran.html?code=' + loose + '&activite=' + orient.id);
      await screen2.waitForFunction(() => document.querySelectorAll('.column-cards .actions li').length === 3,
        null, { timeout: WAIT_MS });
      const actions = await textOf(screen2, '.column-cards .actions li');
      const title = await screen2.textContent('.column-cards .card-text');
      return (title === 'Ouvrir l\'école sur le quartier' &&
        actions.join('|') === 'Cours ouvertes le samedi|Cafés des parents|Une fête de quartier') ||
        title + ': ' + actions.join('|');
    });

    /* ===== A phone waiting on the list enters the activity that opens ===== */
    await step('waiting phone enters an activity as soon as it opens', async () => {
      const other = [...defs.keys()].find((c) => c !== code);
      if (!other) return 'sessions/ has a single seminar';
      const first = defs.get(other).activities[0];
      const phone3 = await open('phone3', { width: 360, height: 740 });
      await phone3.goto(base + '/j/' + other);
      await phone3.waitForSelector('#no-activity:not([hidden])');
      const console2 = await open('console2', { width: 1280, height: 900 });
      await console2.goto(base + '/animation.html#code=' + other + '&cle=' + server.seminars.get(other));
      await consoleShow(console2, first.id, WAIT_MS);
      await console2.click('article[data-key="' + first.id + '"] button[data-state="open"]');
      await phone3.waitForFunction((t) => document.getElementById('activity-title').textContent === t &&
        !document.getElementById('activity-view').hidden, first.title, { timeout: WAIT_MS });
      const tabs = await phone3.$$eval('#board-tabs button', (b) => b.length);
      const byTemplate = { swot: 4, ami: 3, open: 1, orientations: 1 };
      const boards = first.boards ? first.boards.length : byTemplate[first.template];
      return tabs === boards || tabs + ' board tabs';
    });

    /* ===== Export download ===== */
    await step('console downloads the JSON synthesis with the key header', async () => {
      const [download] = await Promise.all([
        facil.waitForEvent('download', { timeout: WAIT_MS }),
        facil.click('button.export[data-format="json"]')
      ]);
      const path = await download.path();
      const doc = JSON.parse(readFileSync(path, 'utf8'));
      const texts = JSON.stringify(doc);
      return (doc.format === 'atelier-synthese' && texts.indexOf(first) >= 0 &&
        download.suggestedFilename() === code + '-synthese.json') || 'got ' + download.suggestedFilename();
    });

    await step('console says the server is busy when the export worker answers 503', async () => {
      /* A full queue of the server's export worker, as the server answers it. */
      await facil.route('**/api/export/**', (route) => route.fulfill({
        status: 503, headers: { 'Retry-After': '1', 'Content-Type': 'application/json' },
        body: JSON.stringify({ error: 'busy', message: 'Le serveur est occupé.' })
      }));
      const busy = JSON.parse(readFileSync(SOURCE_DIR + '/web/i18n.json', 'utf8'))['err.busy'].fr;
      await facil.click('button.export[data-format="md"]');
      await facil.waitForFunction((t) => document.getElementById('export-status').textContent === t,
        busy, { timeout: WAIT_MS }).catch(() => null);
      const shown = await facil.textContent('#export-status');
      await facil.unroute('**/api/export/**');
      return shown === busy || 'shown: ' + shown;
    });

    await step('no request left for another host', async () =>
      problems.hosts.length === 0 || problems.hosts.join(', '));
    await step('no Content-Security-Policy violation', async () =>
      problems.csp.length === 0 || problems.csp.join(' | '));
    await step('no script error', async () =>
      problems.errors.length === 0 || problems.errors.join(' | '));
    for (const c of contexts) await c.close();
  } finally {
    await browser.close();
    await server.cleanup();
  }
}

const deadline = setTimeout(() => {
  console.log('FAIL the run took more than ' + DEADLINE_MS / 1000 + ' s');
  console.log(passed + ' passed, ' + (failed + 1) + ' failed');
  if (server && server.proc && server.proc.exitCode === null) server.proc.kill('SIGKILL');
  process.exit(1);
}, DEADLINE_MS);

main().catch((e) => {
  check('browser test setup', false, e.message.split('\n')[0]);
}).finally(() => {
  clearTimeout(deadline);
  console.log(passed + ' passed, ' + failed + ' failed');
  process.exitCode = failed ? 1 : 0;
});

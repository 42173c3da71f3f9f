/*
 * outbox.mjs — nothing a participant sends is lost or doubled, in a real
 * browser against the real server:
 *  - the phone goes offline (browser network emulation) and its WebSocket
 *    really closes; three contributions written then wait in the outbox,
 *    shown as waiting, and reach nobody; the page is reloaded while still
 *    offline (the browser shows its error page); the network comes back ->
 *    each of the three is on the screen, and in the server's snapshot,
 *    exactly once;
 *  - posts the server refuses for now (rate_limited) keep their text in
 *    the outbox, the phone says why (catalogue err.rate_limited) and sends
 *    them again later until each is stored once;
 *  - a watch refused with rate_limited (a phone switching activities
 *    quickly) is asked again, so the phone follows its activity;
 *  - a post too big for one protocol message is given back as too long
 *    instead of closing the connection again and again;
 *  - a post refused for good (activity_state) gives its text back with
 *    the reason; every error code of docs/PROTOCOL.md has its err.<code>
 *    text in French and English;
 *  - a phone that cannot load the modules joining needs (imported after
 *    the join form) says so and keeps its join form.
 *
 * Usage: ATELIER_BIN=build/atelier node tests/browser/outbox.mjs
 * Prints "N passed, N failed"; exits non-zero on any failure.
 */

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Server, Report, SOURCE_DIR, runScript, openPage, atelierCall, definitions, until } from './lib.mjs';

const WAIT_MS = 15000;
const DEADLINE_MS = 110000;
/* More posts at once than any per-connection burst the server allows. */
const BURST = 30;

const report = new Report();
const server = new Server();
const catalogue = JSON.parse(readFileSync(join(SOURCE_DIR, 'web', 'i18n.json'), 'utf8'));

/* How many times each text is on the screen's board. */
function countsOnScreen(screen, texts) {
  return screen.evaluate((texts) => {
    const shown = Array.from(document.querySelectorAll('.column-cards .card-text')).map((n) => n.textContent);
    return texts.map((t) => shown.filter((s) => s === t).length);
  }, texts);
}

/* How many times each text is in the server's snapshot (facilitator). */
async function countsInSnapshot(poster, code, key, texts) {
  const [synced] = await atelierCall(poster, [{ type: 'watch', id: 'snap-' + Date.now(), code: code, key: key }], WAIT_MS);
  if (synced.type !== 'synced') throw new Error('watch: ' + JSON.stringify(synced));
  return texts.map((t) => synced.contributions.filter((c) => c.text === t).length);
}

function outboxOf(phone, code) {
  return phone.evaluate((c) => JSON.parse(localStorage.getItem('atelier.outbox.' + c) || '[]'), code);
}

async function main(browser) {
  const code = 'RBX22';
  const def = definitions().get(code);
  const activity = def.activities.find((a) => a.template === 'open');
  const board = activity.boards ? activity.boards[0].id : 'salle';
  const seen = {};
  const key = server.seminars.get(code);
  const base = server.base;

  const open = (label, url, viewport) => openPage(browser, server, seen, label, url, viewport, WAIT_MS);

  const poster = await open('poster', base + '/api/health', { width: 400, height: 300 });
  const setState = async (state) => {
    const [r] = await atelierCall(poster, [{ type: 'set_state', id: 'st-' + state + Date.now(), code: code,
      key: key, activity: activity.id, state: state }], WAIT_MS);
    if (r.type !== 'ack') throw new Error('set_state ' + state + ': ' + JSON.stringify(r));
  };
  await setState('open');
  const screen = await open('screen', base + '/ecran.html?code=' + code + '&activite=' + activity.id,
    { width: 1920, height: 1080 });
  const phone = await open('phone', base + '/j/' + code, { width: 360, height: 740 });
  await phone.waitForSelector('#status.status-connected');
  await phone.waitForSelector('#note-form:not([hidden])');
  const sockets = [];
  phone.on('websocket', (ws) => {
    const entry = { ws: ws, closed: false };
    ws.on('close', () => { entry.closed = true; });
    sockets.push(entry);
  });
  /* The socket opened before the listener: reconnect once so it is seen. */
  await phone.reload();
  await phone.waitForSelector('#status.status-connected');
  const context = phone.context();

  /* ===== Offline: the socket drops, three posts wait ===== */
  await report.step('offline, the phone\'s WebSocket really closes', async () => {
    if (sockets.length === 0) return 'no WebSocket seen';
    await context.setOffline(true);
    await until(() => sockets.every((s) => s.closed), WAIT_MS, 'the WebSocket to close');
    await phone.waitForSelector('#status.status-offline');
  });
  const stamp = Date.now();
  const texts = [1, 2, 3].map((n) => 'Hors ligne ' + n + ' — ' + stamp);
  await report.step('three posts written offline wait in the outbox, shown as waiting', async () => {
    for (const t of texts) {
      await phone.fill('#note-text', t);
      await phone.click('#note-form button[type=submit]');
    }
    await phone.waitForFunction(() => /^3 en attente/.test(document.getElementById('pending').textContent));
    const waiting = await phone.$$eval('#board-list .card.pending .card-text', (n) => n.map((x) => x.textContent));
    const stored = (await outboxOf(phone, code)).map((e) => e.msg.text);
    return (texts.every((t) => waiting.includes(t) && stored.includes(t))) ||
      'waiting ' + JSON.stringify(waiting) + ', outbox ' + JSON.stringify(stored);
  });
  await report.step('while offline, nothing reached the server', async () => {
    await phone.waitForTimeout(1000);
    const live = sockets.filter((s) => !s.closed).length;
    const snap = await countsInSnapshot(poster, code, key, texts);
    return (live === 0 && snap.every((n) => n === 0)) || live + ' sockets open, snapshot ' + snap.join(',');
  });
  await report.step('a reload while offline fails to load the page', async () => {
    const failed = await phone.reload().then(() => false, () => true);
    return failed || 'the page loaded offline';
  });
  await report.step('back online, the three posts are on the screen and in the snapshot exactly once', async () => {
    await context.setOffline(false);
    /* The browser reloads its error page by itself once online; if it
     * has not within a few seconds, the participant does. */
    const back = await phone.waitForSelector('#status', { timeout: 5000 }).then(() => true, () => false);
    if (!back) await phone.goto(base + '/j/' + code);
    await until(async () => (await countsOnScreen(screen, texts)).every((n) => n >= 1), WAIT_MS,
      'the three posts on the screen');
    await until(async () => (await outboxOf(phone, code)).length === 0, WAIT_MS, 'the outbox to empty');
    await phone.waitForTimeout(500);
    const onScreen = await countsOnScreen(screen, texts);
    const inSnap = await countsInSnapshot(poster, code, key, texts);
    return (onScreen.every((n) => n === 1) && inSnap.every((n) => n === 1)) ||
      'screen ' + onScreen.join(',') + ', snapshot ' + inSnap.join(',');
  });

  /* ===== rate_limited: kept, explained, sent again later ===== */
  const burst = Array.from({ length: BURST }, (_, i) => 'Rafale ' + i + ' — ' + stamp);
  const limited = catalogue['err.rate_limited'] && catalogue['err.rate_limited'].fr;
  await report.step('posts refused with rate_limited stay waiting and the phone says why', async () => {
    if (!limited) return 'web/i18n.json has no err.rate_limited';
    await phone.evaluate((a) => {
      const now = new Date().toISOString();
      const entries = a.texts.map((t, i) => ({ msg: { type: 'post', id: 'burst-' + a.stamp + '-' + i,
        activity: a.activity, board: a.board, text: t }, saved: now }));
      localStorage.setItem('atelier.outbox.' + a.code, JSON.stringify(entries));
    }, { texts: burst, stamp: stamp, activity: activity.id, board: board, code: code });
    await phone.reload();
    await phone.waitForFunction((m) => document.getElementById('notice').textContent === m &&
      !document.getElementById('notice').hidden, limited);
    const kept = (await outboxOf(phone, code)).map((e) => e.msg.text);
    const waiting = await phone.$$eval('#board-list .card.pending .card-text', (n) => n.map((x) => x.textContent));
    return (kept.length > 0 && kept.every((t) => waiting.includes(t))) ||
      kept.length + ' kept, ' + waiting.length + ' shown waiting';
  });
  await report.step('the refused posts are sent again until each is stored once', async () => {
    await until(async () => (await outboxOf(phone, code)).length === 0, 60000, 'the outbox to empty');
    const inSnap = await countsInSnapshot(poster, code, key, burst);
    const notice = await phone.evaluate(() => document.getElementById('notice').hidden);
    return (inSnap.every((n) => n === 1) && notice) ||
      'snapshot counts ' + inSnap.join(',') + (notice ? '' : ', the notice stays');
  });

  /* ===== A watch refused for now is asked again ===== */
  const other = def.activities.find((a) => a.id !== activity.id);
  await report.step('a watch refused with rate_limited is asked again: the phone follows its activity', async () => {
    const [r] = await atelierCall(poster, [{ type: 'set_state', id: 'st-other', code: code, key: key,
      activity: other.id, state: 'open' }], WAIT_MS);
    if (r.type !== 'ack') return 'set_state: ' + JSON.stringify(r);
    /* The phone's watches, in order, with the server's answer. */
    const watches = [];
    const byId = new Map();
    for (const s of sockets) {
      s.ws.on('framesent', (f) => {
        const m = JSON.parse(f.payload);
        if (m.type !== 'watch') return;
        const w = { activity: m.activity, answer: null };
        watches.push(w);
        byId.set(m.id, w);
      });
      s.ws.on('framereceived', (f) => {
        const m = JSON.parse(f.payload);
        if (byId.has(m.re)) byId.get(m.re).answer = m.type === 'error' ? m.code : m.type;
      });
    }
    /* Switches quickly until the last watch (of the activity under test)
     * is refused while the last one taken was of the other activity: the
     * server then sends this phone the other activity's events only. */
    const stuck = () => {
      const last = watches[watches.length - 1];
      const taken = watches.filter((w) => w.answer === 'synced').pop();
      return last && last.activity === activity.id && last.answer === 'rate_limited' &&
        taken && taken.activity === other.id;
    };
    for (let i = 0; i < 120 && !stuck(); i++) {
      await phone.click('#back');
      await phone.click('#activity-list li[data-key="' + other.id + '"] button');
      await phone.click('#back');
      await phone.click('#activity-list li[data-key="' + activity.id + '"] button');
      await until(() => watches.length && watches[watches.length - 1].answer, WAIT_MS, 'the watch answer');
    }
    if (!stuck()) return 'never refused a watch with rate_limited: ' + watches.length + ' watches';
    const [joined, posted] = await atelierCall(poster, [{ type: 'join', id: 'other-j', code: code },
      { type: 'post', id: 'other-p', activity: activity.id, board: board, text: 'Par un voisin ' + stamp }], WAIT_MS);
    if (joined.type !== 'joined' || posted.type !== 'ack') return 'post: ' + JSON.stringify(posted);
    await phone.waitForFunction((t) => Array.from(document.querySelectorAll('#board-list .card-text'))
      .some((n) => n.textContent === t), 'Par un voisin ' + stamp, { timeout: 30000 });
  });

  /* ===== A post over the message limit is never sent ===== */
  await report.step('a post over the message limit gives back its text as too long, and the phone stays connected', async () => {
    const text = 'Trop de place ' + stamp;
    const actions = Array.from({ length: 20 }, () => '\u{1F600}'.repeat(300));
    await phone.evaluate((a) => {
      const msg = { type: 'post', id: 'huge-' + a.stamp, activity: a.activity, board: a.board, text: a.text,
        actions: a.actions };
      localStorage.setItem('atelier.outbox.' + a.code, JSON.stringify([{ msg: msg, saved: new Date().toISOString() }]));
      localStorage.removeItem('atelier.draft.' + a.code + '.' + a.activity + '.' + a.board);
    }, { stamp: stamp, activity: activity.id, board: board, text: text, actions: actions, code: code });
    const before = sockets.length;
    await phone.reload();
    const why = catalogue['err.too_long'].fr;
    await phone.waitForFunction((a) => document.getElementById('note-text').value === a.text &&
      document.getElementById('compose-error').textContent === a.why, { text: text, why: why });
    await phone.waitForTimeout(1500);
    const kept = await outboxOf(phone, code);
    const opened = sockets.length - before;
    const status = await phone.getAttribute('#status', 'class');
    return (kept.length === 0 && opened === 1 && /status-connected/.test(status)) ||
      'outbox ' + kept.length + ', sockets opened ' + opened + ', status ' + status;
  });
  await phone.fill('#note-text', '');

  /* ===== A post refused for good gives its text back ===== */
  const late = 'Écrit avant la fermeture ' + stamp;
  await report.step('a post refused with activity_state gives back its text and says why', async () => {
    await context.setOffline(true);
    await phone.waitForSelector('#status.status-offline');
    await phone.fill('#note-text', late);
    await phone.click('#note-form button[type=submit]');
    await setState('closed');
    await context.setOffline(false);
    const why = catalogue['err.activity_state'].fr;
    await phone.waitForFunction((a) => {
      const n = document.getElementById('notice');
      return !n.hidden && n.textContent.indexOf(a.late) >= 0 && n.textContent.indexOf(a.why) >= 0;
    }, { late: late, why: why });
    const kept = await outboxOf(phone, code);
    return kept.length === 0 || 'outbox still ' + kept.length;
  });

  /* ===== The joined phone's modules never arrive ===== */
  await report.step('a phone that cannot load what joining needs says so and keeps its join form', async () => {
    const cut = await open('cut', 'about:blank', { width: 360, height: 740 });
    await cut.route('**/js/ws.js', (route) => route.abort('internetdisconnected'));
    await cut.goto(base + '/');
    await cut.fill('#join-code', code);
    await cut.click('#join-form button[type=submit]');
    const said = catalogue['phone.load_failed'].fr;
    await cut.waitForFunction((want) => {
      const e = document.getElementById('join-error');
      return !e.hidden && e.textContent === want && !document.getElementById('join-view').hidden;
    }, said);
    await cut.context().close();
  });

  report.ok('every protocol error code has its text in French and English', (() => {
    const text = readFileSync(join(SOURCE_DIR, 'docs', 'PROTOCOL.md'), 'utf8');
    const doc = text.slice(text.indexOf('| code | meaning |'));
    const codes = new Set();
    for (const m of doc.matchAll(/^\| `([a-z_]+)`(?: \/ `([a-z_]+)`)? \|/gm)) {
      codes.add(m[1]);
      if (m[2]) codes.add(m[2]);
    }
    codes.add('rate_limited');
    const missing = [...codes].filter((c) => !(catalogue['err.' + c] && catalogue['err.' + c].fr && catalogue['err.' + c].en));
    return codes.size > 15 && missing.length === 0;
  })(), 'missing err.<code> for some codes');
  report.ok('no dialog opened', seen.dialogs.length === 0, seen.dialogs.join(' | '));
  report.ok('no request to another host', seen.hosts.length === 0, seen.hosts.join(' | '));
  report.ok('no script error', seen.errors.length === 0, seen.errors.join(' | '));
}

runScript('browser_outbox', report, server, DEADLINE_MS, main);

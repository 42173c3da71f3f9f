/*
 * attend.mjs — attendance seen from the facilitator's side, in a real
 * browser against the real server (docs/EXPORTS.md): a phone that sits on
 * the activity list watches the first activity (to hear of state changes)
 * and must not count as attending it, not even after a reconnection; the
 * "participants" figure of that activity in the synthesis (/api/export,
 * as the console downloads it) stays 0, then becomes 1 once the
 * participant opens the activity from the list, and stays 1 when they go
 * back to the list and open it again.
 *
 * Usage: ATELIER_BIN=build/atelier node tests/browser/attend.mjs
 * Prints "N passed, N failed"; exits non-zero on any failure.
 */

import { Server, Report, runScript, openPage, atelierCall, definitions, until } from './lib.mjs';

const WAIT_MS = 15000;
const DEADLINE_MS = 100000;

const report = new Report();
const server = new Server();

/* The "participants" figure of each activity in the JSON synthesis, by
 * activity id, fetched from page with the facilitator key. */
async function figures(page, code, key) {
  const doc = await page.evaluate(async (a) => {
    const r = await fetch('/api/export/' + a.code + '.json', { headers: { 'X-Atelier-Key': a.key },
      cache: 'no-store' });
    return r.ok ? r.json() : { status: r.status };
  }, { code: code, key: key });
  if (!doc.activities) throw new Error('/api/export: ' + JSON.stringify(doc));
  return new Map(doc.activities.map((a) => [a.id, a.participants]));
}

async function main(browser) {
  const code = 'RBX22';
  const def = definitions().get(code);
  const first = def.activities[0].id;
  const second = def.activities[1].id;
  const key = server.seminars.get(code);
  const base = server.base;
  const seen = {};
  const open = (label, url, viewport) => openPage(browser, server, seen, label, url, viewport, WAIT_MS);

  /* Two activities open: the phone shows the list and waits there. */
  const poster = await open('poster', base + '/api/health', { width: 400, height: 300 });
  for (const activity of [first, second]) {
    const [r] = await atelierCall(poster, [{ type: 'set_state', id: 'open-' + activity, code: code,
      key: key, activity: activity, state: 'open' }], WAIT_MS);
    if (r.type !== 'ack') throw new Error('set_state: ' + JSON.stringify(r));
  }
  /* The console watches every activity with the key; it never attends. */
  const console_ = await open('console', base + '/animation.html#code=' + code + '&cle=' +
    encodeURIComponent(key), { width: 1280, height: 800 });

  /* Every watch the phone sends, with the server's answer. */
  const watches = [];
  const phone = await open('phone', 'about:blank', { width: 360, height: 740 });
  phone.on('websocket', (ws) => {
    const byId = new Map();
    ws.on('framesent', (f) => {
      const m = JSON.parse(f.payload);
      if (m.type !== 'watch') return;
      const w = { activity: m.activity, attend: m.attend, answer: null };
      watches.push(w);
      byId.set(m.id, w);
    });
    ws.on('framereceived', (f) => {
      const m = JSON.parse(f.payload);
      if (byId.has(m.re)) byId.get(m.re).answer = m.type === 'error' ? m.code : m.type;
    });
  });
  /* The number of the phone's watches answered "synced" so far, and a wait
   * for one more that matches. */
  const synced = () => watches.filter((w) => w.answer === 'synced').length;
  const nextSynced = (after, what, match) => until(() => watches.slice(after)
    .some((w) => w.answer === 'synced' && match(w)), WAIT_MS, what);

  await report.step('the console is connected', async () => {
    await console_.waitForSelector('#activities [data-key="' + first + '"]');
  });

  await report.step('a phone on the list watches the first activity without attending it', async () => {
    await phone.goto(base + '/j/' + code);
    await phone.waitForSelector('#activities-view:not([hidden])');
    await nextSynced(0, 'the phone\'s watch', (w) => w.activity === first);
    const bad = watches.filter((w) => w.attend !== undefined);
    return bad.length === 0 || 'watches saying attend: ' + JSON.stringify(bad);
  });

  await report.step('while the phone sits on the list, the synthesis counts nobody in the first activity', async () => {
    const f = await figures(poster, code, key);
    return (f.get(first) === 0 && f.get(second) === 0) ||
      first + ': ' + f.get(first) + ', ' + second + ': ' + f.get(second);
  });

  await report.step('after a reconnection on the list, still nobody', async () => {
    const before = synced();
    await phone.context().setOffline(true);
    await phone.waitForSelector('#status.status-offline');
    await phone.context().setOffline(false);
    await nextSynced(before, 'the watch after the reconnection', (w) => w.activity === first);
    await phone.waitForSelector('#activities-view:not([hidden])');
    const f = await figures(poster, code, key);
    return f.get(first) === 0 || first + ': ' + f.get(first);
  });

  await report.step('the participant opens the first activity: the synthesis counts one', async () => {
    const before = synced();
    await phone.click('#activity-list li[data-key="' + first + '"] button');
    await phone.waitForSelector('#activity-view:not([hidden])');
    await nextSynced(before, 'the watch of the opened activity', (w) => w.activity === first && w.attend === true);
    const f = await figures(poster, code, key);
    return (f.get(first) === 1 && f.get(second) === 0) ||
      first + ': ' + f.get(first) + ', ' + second + ': ' + f.get(second);
  });

  await report.step('back to the list and in again: still one participant', async () => {
    await phone.click('#back');
    await phone.waitForSelector('#activities-view:not([hidden])');
    const before = synced();
    await phone.click('#activity-list li[data-key="' + first + '"] button');
    await nextSynced(before, 'the second watch of the opened activity', (w) => w.activity === first && w.attend === true);
    const f = await figures(poster, code, key);
    return f.get(first) === 1 || first + ': ' + f.get(first);
  });

  report.ok('no request to another host', seen.hosts.length === 0, seen.hosts.join(' | '));
  report.ok('no CSP violation', seen.csp.length === 0, seen.csp.join(' | '));
  report.ok('no script error', seen.errors.length === 0, seen.errors.join(' | '));
}

runScript('browser_attend', report, server, DEADLINE_MS, main);

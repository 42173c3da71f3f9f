/*
 * groups.mjs — participation by stakeholder group, seen from the other
 * side, in a real browser against the real server (docs/EXPORTS.md,
 * "Participation by stakeholder group"): in RBX22's axe-1, four phones say
 * « Éducation nationale », three « Ville » and one, a real phone page,
 * « Parents » through its « Vous êtes… » form; each posts once. Then:
 *  - the phone's join message carries the group chosen, and the server's
 *    "joined" reply says it back;
 *  - the console shows, for axe-1, Éducation nationale 4 and 4, Parents
 *    « moins de 3 », Ville « masqué » (the next smallest, masked so that
 *    the total does not give Parents away), the others 0, the total 8 and
 *    8; another activity's table, chosen in the navigator, says 0;
 *  - the JSON synthesis (/api/export, as the console downloads it) gives
 *    the same masked table: null figures with "fewer_than_3" and
 *    "complement";
 *  - an unknown group is refused with bad_field;
 *  - axe-core (every rule, none disabled) finds no violation on the phone
 *    with its « Vous êtes… » form, nor on the console with its tables;
 *  - no request to another host, no CSP violation, no script error.
 *
 * Usage: ATELIER_BIN=build/atelier node tests/browser/groups.mjs
 * Prints "N passed, N failed"; exits non-zero on any failure.
 */

import { Server, Report, runScript, openPage, atelierCall, axeViolations, until } from './lib.mjs';

const WAIT_MS = 20000;
const DEADLINE_MS = 110000;
const CODE = 'RBX22';
const ACTIVITY = 'axe-1';

const report = new Report();
const server = new Server();

/* The rows of axe-1's table on the console: [[group, participants,
 * contributions]…], the total last. */
function consoleRows(page) {
  return page.$$eval('article[data-key="' + ACTIVITY + '"] .groups-table tr', (rows) =>
    rows.slice(1).map((tr) => Array.from(tr.children).map((c) => c.textContent)));
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

  const console_ = await open('console', base + '/animation.html#code=' + CODE + '&cle=' + encodeURIComponent(key),
    { width: 1920, height: 1080 });
  await console_.waitForSelector('article[data-key="' + ACTIVITY + '"]');

  /* The phone page: its join and the answer to it. */
  const phone = await open('phone', 'about:blank', { width: 360, height: 740 });
  const joins = [];
  phone.on('websocket', (ws) => {
    ws.on('framesent', (f) => {
      const m = JSON.parse(f.payload);
      if (m.type === 'join') joins.push({ sent: m, reply: null });
    });
    ws.on('framereceived', (f) => {
      const m = JSON.parse(f.payload);
      const j = joins.find((x) => x.sent.id === m.re);
      if (j) j.reply = m;
    });
  });

  await report.step('a phone joining a seminar with groups is asked « Vous êtes… », none chosen', async () => {
    await phone.goto(base + '/j/' + CODE);
    await phone.waitForSelector('#group-form:not([hidden])');
    const options = await phone.$$eval('#group-select option', (os) => os.map((o) => o.value + '=' + o.textContent));
    const chosen = await phone.$eval('#group-select', (s) => s.selectedIndex + ':' + s.value);
    return (options.length === 8 && options[0] === '=Je préfère ne pas le dire' &&
      options[1] === 'education-nationale=Éducation nationale' && chosen === '0:') || JSON.stringify({ options, chosen });
  });

  await report.step('axe-core: no violation on the phone with its « Vous êtes… » form', async () => {
    const found = await axeViolations(phone);
    return found.length === 0 || found.join(' | ');
  });

  await report.step('the phone says « Parents »: its join carries the group, the server says it back', async () => {
    await phone.selectOption('#group-select', 'parents');
    await phone.click('#group-form button[type=submit]');
    await phone.waitForSelector('#group-form', { state: 'hidden' });
    await until(() => joins.some((j) => j.sent.group === 'parents' && j.reply), WAIT_MS, 'the join with the group');
    const j = joins.find((x) => x.sent.group === 'parents');
    return (j.reply.type === 'joined' && j.reply.group === 'parents') || JSON.stringify(j.reply).slice(0, 200);
  });

  await report.step('the phone posts in axe-1', async () => {
    await phone.waitForSelector('#activity-view:not([hidden])');
    await phone.fill('#note-text', 'Un café des parents chaque mois');
    await phone.click('#note-form button[type=submit]');
    await phone.waitForSelector('#board-list .card:not(.pending)');
  });

  await report.step('seven more phones join with their group and post', async () => {
    const groups = ['education-nationale', 'education-nationale', 'education-nationale', 'education-nationale',
      'ville', 'ville', 'ville'];
    for (let i = 0; i < groups.length; i++) {
      const replies = await atelierCall(helper, [
        { type: 'join', id: 'j' + i, code: CODE, group: groups[i] },
        { type: 'post', id: 'p' + i, activity: ACTIVITY, board: 'salle', text: 'Proposition ' + i }
      ], WAIT_MS);
      if (replies[0].type !== 'joined' || replies[1].type !== 'ack') return JSON.stringify(replies).slice(0, 200);
    }
  });

  await report.step('an unknown group is refused (bad_field)', async () => {
    const [r] = await atelierCall(helper, [{ type: 'join', id: 'bad', code: CODE, group: 'mairie' }], WAIT_MS);
    return (r.type === 'error' && r.code === 'bad_field') || JSON.stringify(r);
  });

  const want = [
    ['Éducation nationale', '4', '4'],
    ['Ville', 'masqué', 'masqué'],
    ['Associations', '0', '0'],
    ['Parents', 'moins de 3', 'moins de 3'],
    ['Jeunes', '0', '0'],
    ['CAF / Département', '0', '0'],
    ['Autre', '0', '0'],
    ['Sans groupe', '0', '0'],
    ['Total', '8', '8']
  ];
  await report.step('the console\'s table is folded under « Participation par groupe », and opens', async () => {
    const summary = 'article[data-key="' + ACTIVITY + '"] .activity-groups summary';
    await console_.waitForSelector(summary);
    const folded = await console_.$eval(summary, (el) => !el.parentNode.open && el.textContent);
    await console_.click(summary);
    const open = await console_.$eval(summary, (el) => el.parentNode.open);
    return (folded === 'Participation par groupe' && open) || JSON.stringify({ folded, open });
  });

  await report.step('the console shows the counts per group, « moins de 3 » and « masqué » where masked', async () => {
    try {
      await until(async () => JSON.stringify(await consoleRows(console_)) === JSON.stringify(want), WAIT_MS,
        'the console\'s table');
    } catch (e) {
      return JSON.stringify(await consoleRows(console_));
    }
    const caption = await console_.textContent('article[data-key="' + ACTIVITY + '"] .groups-table caption');
    return caption.indexOf('Participation par groupe') === 0 || caption;
  });

  await report.step('the console\'s other activities show 0 everywhere', async () => {
    /* One activity at a time: axe-2 through the navigator. */
    await console_.click('.nav-link[href$="&activite=axe-2"]');
    await console_.waitForSelector('article[data-key="axe-2"] .activity-groups:not([hidden])');
    const other = await console_.$$eval('article[data-key="axe-2"] .groups-table td', (tds) => tds.map((t) => t.textContent));
    return (other.length === 18 && other.every((x) => x === '0')) || JSON.stringify(other);
  });

  await report.step('axe-core: no violation on the console with its tables', async () => {
    const found = await axeViolations(console_);
    return found.length === 0 || found.join(' | ');
  });

  await report.step('the JSON synthesis gives the same masked table', async () => {
    const doc = await helper.evaluate(async (a) => {
      const r = await fetch('/api/export/' + a.code + '.json', { headers: { 'X-Atelier-Key': a.key }, cache: 'no-store' });
      return r.ok ? r.json() : { status: r.status };
    }, { code: CODE, key: key });
    const act = (doc.activities || []).find((a) => a.id === ACTIVITY);
    if (!act) return JSON.stringify(doc).slice(0, 200);
    const t = act.by_group;
    const row = (id) => t.groups.find((g) => g.id === id);
    const en = row('education-nationale'), parents = row('parents'), ville = row('ville'), none = row(null);
    const ok = t.participants === 8 && t.contributions === 8 &&
      en.participants === 4 && en.contributions === 4 && en.masked === null &&
      parents.participants === null && parents.contributions === null && parents.masked === 'fewer_than_3' &&
      ville.participants === null && ville.contributions === null && ville.masked === 'complement' &&
      none.participants === 0 && none.label === null &&
      doc.seminar.groups.length === 7 && doc.seminar.groups[3].label === 'Parents';
    return ok || JSON.stringify(t);
  });

  report.ok('no request to another host', seen.hosts.length === 0, seen.hosts.join(' | '));
  report.ok('no CSP violation', seen.csp.length === 0, seen.csp.join(' | '));
  report.ok('no script error', seen.errors.length === 0, seen.errors.join(' | '));
}

runScript('browser_groups', report, server, DEADLINE_MS, main);

/*
 * protocol.test.mjs — the pages' side of protocol atelier.v1
 * (docs/PROTOCOL.md): web/js/join.js (the socket's address, the join
 * message, a join link's early connection) and web/js/ws.js (the client:
 * what it sends, which reply answers which request, events in sequence,
 * reconnection with back-off, catch-up with "since", resending), under
 * Node's own runner (node --test, node:test and node:assert only), in the
 * browser of fakes.mjs: a fake WebSocket the test opens, answers and
 * drops, and a fake clock for the back-off, the watchdog and the retries.
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeSocket, FakeClock, local } from './fakes.mjs';

const { LIMITS, TRANSIENT } = await import('../../web/js/protocol.js');
const { SUBPROTOCOL, socketUrl, tokenKey, joinMessage, groupChoice, saveGroupChoice } =
  await import('../../web/js/join.js');
const { AtelierClient, CONNECTED, RECONNECTING, OFFLINE } = await import('../../web/js/ws.js');
const { Model } = await import('../../web/js/model.js');

const CODE = 'ABCDE';
const ID = /^[A-Za-z0-9._:-]+$/;
const SEMINAR = { title: 'Séminaire', activities: [{ id: 'a1', state: 'open', boards: [{ id: 'b1' }] },
  { id: 'a2', state: 'open', boards: [{ id: 'b1' }] }] };

function contribution(id, fields) {
  return Object.assign({ id: id, activity: 'a1', board: 'b1', parent: null, state: 'visible', votes: 0,
    text: 'texte ' + id, created: '2026-12-04T10:00:' + String(id % 60).padStart(2, '0') + 'Z' }, fields);
}

function event(seq, c) {
  return { type: 'event', seq: seq, kind: 'contribution', contribution: c };
}

/* Runs fn(clock) with the fake clock in place of the real timers (and
 * Math.random fixed at 0.5), then stops every client it made. */
function withClock(fn) {
  const clock = new FakeClock().install();
  const random = Math.random;
  Math.random = () => 0.5;
  const clients = [];
  try {
    return fn(clock, clients);
  } finally {
    clients.forEach((c) => c.stop());
    Math.random = random;
    clock.uninstall();
  }
}

/* A client started on a fresh socket, with what it told the page. */
function client(clients, options) {
  const told = { status: [], errors: [], joined: 0, ready: 0 };
  const c = new AtelierClient(Object.assign({
    code: CODE, model: new Model(), participant: false, activity: null,
    onStatus: (s) => told.status.push(s),
    onError: (e) => told.errors.push(e.code),
    onJoined: () => { told.joined += 1; },
    onReady: () => { told.ready += 1; }
  }, options));
  clients.push(c);
  c.start();
  return { c, told, socket: FakeSocket.newest() };
}

/* Answers the watch on socket with a snapshot at sequence seq. */
function synced(socket, seq, contributions) {
  socket.reply({ type: 'synced', re: socket.last('watch').id, mode: 'snapshot', seq: seq, seminar: SEMINAR,
    contributions: contributions || [] });
}

/* ===== join.js ===== */

test('the socket is the page\'s host, ws or wss as the page, with the subprotocol atelier.v1', () => {
  assert.equal(SUBPROTOCOL, 'atelier.v1');
  assert.equal(socketUrl(), 'ws://atelier.test/ws');
  window.location.protocol = 'https:';
  try {
    assert.equal(socketUrl(), 'wss://atelier.test/ws');
  } finally {
    window.location.protocol = 'http:';
  }
});

test('a join carries a fresh valid id, the code, the stored token and the profile given', () => {
  local.items.clear();
  const a = joinMessage(CODE, null);
  const b = joinMessage(CODE, { name: 'Animatrice', structure: '' });
  assert.deepEqual(Object.keys(a).sort(), ['code', 'id', 'type']);
  assert.equal(a.type, 'join');
  assert.equal(a.code, CODE);
  for (const m of [a, b]) assert.ok(ID.test(m.id) && m.id.length <= LIMITS.id, m.id);
  assert.notEqual(a.id, b.id);
  assert.equal(b.name, 'Animatrice');
  assert.equal('structure' in b, false, 'an empty field is left out');
  local.setItem(tokenKey(CODE), JSON.stringify('jeton-1'));
  assert.equal(joinMessage(CODE, null).token, 'jeton-1');
  assert.equal(joinMessage('AUTRE', null).token, undefined, 'a token is kept per seminar');
  local.items.clear();
});

test('a join carries the group chosen for its seminar once asked: an id, null for none, nothing before', () => {
  local.items.clear();
  assert.equal(groupChoice(CODE), null);
  assert.equal('group' in joinMessage(CODE, null), false, 'never asked: no field');
  saveGroupChoice(CODE, 'parents');
  assert.equal(joinMessage(CODE, null).group, 'parents');
  assert.equal('group' in joinMessage('AUTRE', null), false, 'a group is kept per seminar');
  saveGroupChoice(CODE, '');
  assert.equal(groupChoice(CODE), '');
  assert.equal(joinMessage(CODE, null).group, null, 'none chosen: null, which clears it');
  saveGroupChoice(CODE, null, true);
  assert.equal('group' in joinMessage(CODE, null), false, 'forgotten: asked again');
  local.items.clear();
});

test('a group_counts reply answers its request', () => withClock((clock, clients) => {
  const { c, socket } = client(clients);
  socket.open();
  synced(socket, 1);
  let answer = null;
  c.request({ type: 'group_counts', id: 'g1', code: CODE, key: 'k' }, (err, reply) => { answer = err || reply; },
    { resend: false });
  socket.reply({ type: 'group_counts', re: 'g1', activities: [] });
  assert.equal(answer && answer.type, 'group_counts');
}));

/* A fresh instance of join.js (tag: its own query string) loaded on the
 * page at path, as on a join link: {early: the module, socket: the
 * connection it opened}. */
async function loadedAt(path, tag) {
  window.location.pathname = path;
  try {
    const early = await import('../../web/js/join.js?' + tag);
    return { early: early, socket: FakeSocket.newest() };
  } finally {
    window.location.pathname = '/';
  }
}

test('a join link opens the connection early; the client takes it over with what came meanwhile', async () => {
  const { early, socket } = await loadedAt('/j/abcde', 'link');
  assert.equal(socket.url, 'ws://atelier.test/ws');
  assert.equal(socket.protocol, SUBPROTOCOL);
  socket.open();
  const join = socket.last('join');
  assert.equal(join.code, CODE, 'the code of the link, as the server knows it');
  socket.reply({ type: 'joined', re: join.id, token: 'jeton-2', seminar: SEMINAR, my_contributions: [], my_votes: [] });
  withClock((clock, clients) => {
    const { c, told } = client(clients, { participant: true, early: early.takeEarly(CODE) });
    assert.equal(FakeSocket.newest(), socket, 'no second connection');
    assert.equal(socket.count('join'), 1, 'the join is not sent again');
    assert.equal(told.joined, 1, 'the reply that came before is its answer');
    assert.equal(c.status, CONNECTED);
    assert.ok(socket.last('watch'), 'then it watches');
    assert.equal(JSON.parse(local.getItem(tokenKey(CODE))), 'jeton-2', 'the token is kept');
    assert.equal(early.takeEarly(CODE), null, 'given once');
  });
  local.items.clear();
});

test('an early connection for another code is closed, not taken', async () => {
  const { early, socket } = await loadedAt('/j/AUTRE', 'other');
  socket.open();
  assert.equal(early.takeEarly(CODE), null);
  assert.equal(socket.closed, 1000);
});

/* ===== ws.js: what it sends, which reply answers what ===== */

test('a screen watches on each connection: code, activity, key; no since before a snapshot', () => withClock((clock, clients) => {
  const { c, socket } = client(clients, { activity: 'a1', key: 'cle' });
  assert.equal(socket.url, socketUrl());
  assert.equal(socket.sent.length, 0, 'nothing before the connection opens');
  socket.open();
  const watch = socket.last('watch');
  assert.deepEqual(Object.keys(watch).sort(), ['activity', 'code', 'id', 'key', 'type']);
  assert.equal(watch.activity, 'a1');
  assert.equal(watch.key, 'cle');
  assert.ok(ID.test(watch.id));
  assert.equal(c.ready, false);
  synced(socket, 3, [contribution(1)]);
  assert.equal(c.ready, true);
  assert.equal(c.lastSeq, 3);
  assert.equal(c.model.contribution(1).text, 'texte 1');
}));

test('a phone joins, keeps its token, then watches the activity it attends', () => withClock((clock, clients) => {
  const { c, told, socket } = client(clients, { participant: true, profile: () => ({ name: 'Parent' }) });
  socket.open();
  const join = socket.last('join');
  assert.equal(join.name, 'Parent');
  assert.equal(socket.last('watch'), undefined, 'the watch waits for the join\'s reply');
  socket.reply({ type: 'joined', re: join.id, token: 'jeton-3', seminar: SEMINAR, my_contributions: [], my_votes: [] });
  assert.equal(told.joined, 1);
  assert.equal(c.model.seminar.title, SEMINAR.title);
  assert.equal(JSON.parse(local.getItem(tokenKey(CODE))), 'jeton-3');
  assert.ok(socket.last('watch'));
  c.watch('a2', true);
  const watch = socket.last('watch');
  assert.equal(watch.activity, 'a2');
  assert.equal(watch.attend, true);
  local.items.clear();
}));

test('each reply answers its own request once; an error with no request goes to the page', () => withClock((clock, clients) => {
  const { c, told, socket } = client(clients);
  socket.open();
  synced(socket, 1);
  const answers = [];
  const ask = (id) => c.request({ type: 'hide', id: id, contribution: 1 }, (err, reply) => {
    answers.push(id + ':' + (err ? err.code : reply.type));
  });
  assert.equal(ask('r1'), true, 'sent now');
  ask('r2');
  socket.reply({ type: 'ack', re: 'r2', contribution: contribution(1, { state: 'hidden', text: null }) });
  socket.reply({ type: 'error', re: 'r1', code: 'forbidden', message: 'no' });
  socket.reply({ type: 'ack', re: 'r2' });
  socket.reply({ type: 'ack', re: 'inconnu' });
  assert.deepEqual(answers, ['r2:ack', 'r1:forbidden'], 'in the order the replies came, each once');
  assert.deepEqual(told.errors, [], 'an error answering a request is that request\'s');
  assert.equal(c.model.contribution(1).state, 'hidden', 'an ack\'s contribution is applied');
  socket.reply({ type: 'error', re: null, code: 'rate_limited', message: 'slow down' });
  assert.deepEqual(told.errors, ['rate_limited']);
  c.forget('r3');
  ask('r4');
  c.forget('r4');
  socket.reply({ type: 'ack', re: 'r4' });
  assert.equal(answers.length, 2, 'a forgotten request has no answer');
  socket.reply({ type: 'nonsense', re: 'r5' });
  socket.onmessage({ data: '{not json' });
}));

test('the reply to a watch that another replaced is not applied', () => withClock((clock, clients) => {
  const { c, socket } = client(clients, { activity: 'a1' });
  socket.open();
  const first = socket.last('watch');
  c.watch('a2', false);
  socket.reply({ type: 'synced', re: first.id, mode: 'snapshot', seq: 9, seminar: SEMINAR, contributions: [contribution(5)] });
  assert.equal(c.ready, false);
  assert.equal(c.model.contribution(5), null);
  synced(socket, 10, [contribution(6, { activity: 'a2' })]);
  assert.equal(c.ready, true);
  assert.equal(c.model.contribution(6).activity, 'a2');
}));

test('events apply once, in sequence: one already seen is dropped', () => withClock((clock, clients) => {
  const { c, socket } = client(clients);
  socket.open();
  synced(socket, 4, [contribution(1)]);
  const changes = [];
  c.model.onChange((ch) => changes.push(ch.kind + ':' + (ch.item ? ch.item.id : '')));
  socket.reply(event(5, contribution(2)));
  socket.reply(event(5, contribution(2, { text: 'rejoué' })));
  socket.reply(event(3, contribution(1, { text: 'ancien' })));
  socket.reply({ type: 'event', seq: 6, kind: 'activity', activity: { id: 'a1', state: 'voting', boards: [] } });
  socket.reply({ type: 'event', kind: 'contribution', contribution: contribution(3) });
  assert.deepEqual(changes, ['contribution:2', 'activity:a1']);
  assert.equal(c.lastSeq, 6);
  assert.equal(c.model.contribution(2).text, 'texte 2');
  assert.equal(c.model.contribution(1).text, 'texte 1');
  assert.equal(c.model.activity('a1').state, 'voting');
}));

/* ===== ws.js: reconnection, catch-up, resending ===== */

test('a dropped connection comes back after a growing back-off, at once when the browser is back online', () => withClock((clock, clients) => {
  const { c, told, socket } = client(clients);
  socket.open();
  synced(socket, 1);
  const sockets = FakeSocket.all.length;
  socket.drop();
  assert.equal(c.status, RECONNECTING);
  clock.tick(374);
  assert.equal(FakeSocket.all.length, sockets, 'not before the back-off (500 ms ceiling, half to all of it)');
  clock.tick(1);
  assert.equal(FakeSocket.all.length, sockets + 1);
  FakeSocket.newest().drop(); /* never opened: the next wait is longer */
  clock.tick(749);
  assert.equal(FakeSocket.all.length, sockets + 1, 'the second wait has a 1,000 ms ceiling');
  clock.tick(1);
  assert.equal(FakeSocket.all.length, sockets + 2);
  FakeSocket.newest().drop();
  window.fire('online');
  assert.equal(FakeSocket.all.length, sockets + 3, 'back online: at once');
  const back = FakeSocket.newest();
  back.open();
  synced(back, 1);
  assert.equal(c.attempt, 0, 'a synced connection starts the back-off again');
  assert.deepEqual(told.status.slice(-2), [RECONNECTING, CONNECTED]);
}));

test('the browser going offline drops the connection and says so', () => withClock((clock, clients) => {
  const { c, told, socket } = client(clients);
  socket.open();
  synced(socket, 1);
  navigator.onLine = false;
  try {
    window.fire('offline');
    assert.equal(c.status, OFFLINE);
    assert.equal(socket.closed !== null, true, 'the old socket is closed');
    assert.notEqual(FakeSocket.newest(), socket, 'a new attempt is made (it fails while offline)');
    assert.ok(told.status.includes(OFFLINE));
  } finally {
    navigator.onLine = true;
  }
}));

test('a connection that never opens, or a reply that never comes, is started again by the watchdog', () => withClock((clock, clients) => {
  const { c, socket } = client(clients);
  clock.tick(12000);
  const second = FakeSocket.newest();
  assert.notEqual(second, socket, 'not open after 10 s: another attempt');
  second.open();
  synced(second, 1);
  c.request({ type: 'hide', id: 'h1', contribution: 1 }, () => {});
  clock.tick(20000);
  assert.equal(FakeSocket.newest(), second, 'an answer may take up to 20 s');
  clock.tick(4000);
  assert.notEqual(FakeSocket.newest(), second, 'unanswered after 20 s: the network is gone');
}));

test('after a reconnection the watch asks for what was missed since the last sequence seen', () => withClock((clock, clients) => {
  const { c, socket } = client(clients, { activity: 'a1' });
  socket.open();
  synced(socket, 7, [contribution(1)]);
  socket.reply(event(8, contribution(2)));
  socket.drop();
  clock.tick(500);
  const again = FakeSocket.newest();
  again.open();
  const watch = again.last('watch');
  assert.equal(watch.since, 8);
  assert.equal(watch.activity, 'a1');
  again.reply({ type: 'synced', re: watch.id, mode: 'events', seq: 10, seminar: SEMINAR,
    events: [event(8, contribution(2, { text: 'déjà vu' })), event(9, contribution(3)), event(10, contribution(1, { votes: 2 }))] });
  assert.equal(c.lastSeq, 10);
  assert.equal(c.model.contribution(2).text, 'texte 2', 'an event already seen is not applied again');
  assert.equal(c.model.contribution(3).id, 3);
  assert.equal(c.model.contribution(1).votes, 2);
  assert.equal(c.model.contribution(1).text, 'texte 1', 'a catch-up keeps what the page held');
}));

test('since is asked only for the activity the last snapshot covered', () => withClock((clock, clients) => {
  const { c, socket } = client(clients, { activity: 'a1' });
  socket.open();
  synced(socket, 7, [contribution(1)]);
  c.watch('a2', false);
  assert.equal(socket.last('watch').since, undefined, 'another activity: a snapshot');
  socket.drop();
  clock.tick(500);
  const again = FakeSocket.newest();
  again.open();
  assert.equal(again.last('watch').activity, 'a2');
  assert.equal(again.last('watch').since, undefined, 'still no snapshot of it: a snapshot, after a reconnection too');
  synced(again, 8, [contribution(4, { activity: 'a2' })]);
  assert.equal(c.model.contribution(1), null, 'a snapshot replaces what the page held');
  c.watch('a2', false);
  assert.equal(again.last('watch').since, 8, 'the same activity again: what was missed');
}));

test('a write sent before a drop goes again, same id, once synced; a watch or join of an old connection does not', () => withClock((clock, clients) => {
  const { c, socket } = client(clients, { participant: true });
  socket.open();
  const join = socket.last('join');
  socket.reply({ type: 'joined', re: join.id, token: 't', seminar: SEMINAR, my_contributions: [], my_votes: [] });
  synced(socket, 1);
  const answers = [];
  c.request({ type: 'vote', id: 'v1', contribution: 1 }, (err, reply) => answers.push(err ? err.code : reply.type));
  const oldWatch = socket.last('watch').id;
  socket.drop();
  assert.equal(c.request({ type: 'vote', id: 'v2', contribution: 2 }, () => answers.push('v2')), false,
    'no connection: not sent now');
  clock.tick(500);
  const again = FakeSocket.newest();
  again.open();
  assert.equal(again.count('vote'), 0, 'nothing before the join and the watch are answered');
  again.reply({ type: 'joined', re: again.last('join').id, token: 't', seminar: SEMINAR, my_contributions: [], my_votes: [] });
  synced(again, 1);
  assert.deepEqual(again.sent.filter((m) => m.type === 'vote').map((m) => m.id), ['v1', 'v2']);
  assert.equal(c.pending.has(oldWatch), false, 'the old connection\'s watch is forgotten');
  again.reply({ type: 'ack', re: 'v1', contribution: contribution(1, { votes: 1 }) });
  assert.deepEqual(answers, ['ack']);
  local.items.clear();
}));

test('a watch refused for now is asked again on the same connection; a final refusal is not', () => withClock((clock, clients) => {
  assert.ok(TRANSIENT.length > 0);
  const { c, told, socket } = client(clients);
  socket.open();
  socket.reply({ type: 'error', re: socket.last('watch').id, code: TRANSIENT[0], message: '' });
  assert.deepEqual(told.errors, [TRANSIENT[0]], 'the page is told');
  assert.equal(socket.count('watch'), 1);
  clock.tick(375);
  assert.equal(socket.count('watch'), 2, 'again after the back-off');
  assert.equal(FakeSocket.newest(), socket, 'on the same connection');
  socket.reply({ type: 'error', re: socket.last('watch').id, code: 'unknown_seminar', message: '' });
  clock.tick(60000);
  assert.equal(socket.count('watch'), 2, 'a final error is not asked again');
  assert.equal(c.ready, false);
}));

/* ===== Phases ===== */

function withState(seminar, id, state) {
  return Object.assign({}, seminar, { activities: seminar.activities.map((a) =>
    (a.id === id ? Object.assign({}, a, { state: state }) : a)) });
}

test('a phase that reveals texts or tallies asks for a fresh snapshot; one that changes neither does not', () => withClock((clock, clients) => {
  const writing = withState(SEMINAR, 'a1', 'writing');
  const { c, socket } = client(clients, { activity: 'a1' });
  socket.open();
  socket.reply({ type: 'synced', re: socket.last('watch').id, mode: 'snapshot', seq: 3, seminar: writing,
    contributions: [contribution(1, { text: null, author: null })] });
  assert.equal(c.model.contribution(1).text, null);
  const watches = () => socket.sent.filter((m) => m.type === 'watch').length;
  const before = watches();
  socket.reply({ type: 'event', seq: 4, kind: 'activity', activity: Object.assign({}, writing.activities[0], { state: 'reveal' }) });
  assert.equal(watches(), before + 1, 'the reveal asks again');
  const watch = socket.last('watch');
  assert.equal(watch.since, undefined, 'for a snapshot, not a catch-up');
  assert.equal(c.ready, false);
  socket.reply({ type: 'synced', re: watch.id, mode: 'snapshot', seq: 4, seminar: withState(SEMINAR, 'a1', 'reveal'),
    contributions: [contribution(1)] });
  assert.equal(c.model.contribution(1).text, 'texte 1');
  /* reveal -> voting keeps the texts and gives the tallies; voting -> closed changes neither */
  socket.reply({ type: 'event', seq: 5, kind: 'activity', activity: Object.assign({}, SEMINAR.activities[0], { state: 'voting' }) });
  assert.equal(watches(), before + 2);
  synced(socket, 5, [contribution(1)]);
  socket.reply({ type: 'event', seq: 6, kind: 'activity', activity: Object.assign({}, SEMINAR.activities[0], { state: 'closed' }) });
  assert.equal(watches(), before + 2, 'closed after voting changes nothing seen');
  /* another activity's phase, when watching one: nothing */
  socket.reply({ type: 'event', seq: 7, kind: 'activity', activity: Object.assign({}, SEMINAR.activities[1], { state: 'writing' }) });
  assert.equal(watches(), before + 2);
}));

test('a catch-up that brings a reveal asks for a fresh snapshot', () => withClock((clock, clients) => {
  const { c, socket } = client(clients, { activity: 'a1' });
  socket.open();
  socket.reply({ type: 'synced', re: socket.last('watch').id, mode: 'snapshot', seq: 3,
    seminar: withState(SEMINAR, 'a1', 'writing'), contributions: [contribution(1, { text: null })] });
  socket.drop();
  clock.tick(500);
  const again = FakeSocket.newest();
  again.open();
  const watch = again.last('watch');
  assert.equal(watch.since, 3);
  const revealed = withState(SEMINAR, 'a1', 'reveal');
  again.reply({ type: 'synced', re: watch.id, mode: 'events', seq: 4, seminar: revealed,
    events: [{ type: 'event', seq: 4, kind: 'activity', activity: revealed.activities[0] }] });
  const fresh = again.last('watch');
  assert.notEqual(fresh.id, watch.id, 'asked again');
  assert.equal(fresh.since, undefined);
  assert.equal(c.ready, false);
}));

test('a facilitator\'s page, which has every text, asks for nothing at a reveal', () => withClock((clock, clients) => {
  const { socket } = client(clients, { activity: 'a1', key: 'cle' });
  socket.open();
  socket.reply({ type: 'synced', re: socket.last('watch').id, mode: 'snapshot', seq: 3,
    seminar: withState(SEMINAR, 'a1', 'writing'), contributions: [] });
  const n = socket.sent.filter((m) => m.type === 'watch').length;
  socket.reply({ type: 'event', seq: 4, kind: 'activity', activity: Object.assign({}, SEMINAR.activities[0], { state: 'reveal' }) });
  assert.equal(socket.sent.filter((m) => m.type === 'watch').length, n);
}));

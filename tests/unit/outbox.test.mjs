/*
 * outbox.test.mjs — the outbox (web/js/outbox.js over storage.js) and
 * the client's resending (web/js/ws.js) under Node's own runner (node
 * --test, node:test and node:assert only), in the browser of fakes.mjs
 * (a fake localStorage and WebSocket), put in place before the modules are
 * imported:
 * - a post is saved before it is sent and stays, across a reload (a new
 *   Outbox on the same storage), until its ack;
 * - after a dropped connection the client sends it again with the same
 *   id, and its ack empties the outbox;
 * - a storage that refuses writes leaves the post in memory.
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeSocket, local } from './fakes.mjs';

const { Outbox } = await import('../../web/js/outbox.js');
const { AtelierClient } = await import('../../web/js/ws.js');
const { Model } = await import('../../web/js/model.js');

const CODE = 'ABCDE';

function post(id) {
  return { type: 'post', id: id, activity: 'a1', board: 'b1', text: 'à ne pas perdre ' + id };
}

/* A client whose connection is open and synced. */
function readyClient() {
  const client = new AtelierClient({ code: CODE, model: new Model(), participant: false, activity: null });
  client.start();
  const socket = FakeSocket.newest();
  socket.open();
  socket.reply({ type: 'synced', re: socket.last('watch').id, seq: 1, mode: 'snapshot',
    seminar: { title: 'S', activities: [] }, contributions: [] });
  return { client, socket };
}

test('a post is kept in localStorage until its ack, a reload included', () => {
  const outbox = new Outbox(CODE);
  assert.equal(outbox.size(), 0);
  assert.equal(outbox.add(post('p1')), true);
  assert.equal(outbox.add(post('p2')), true);
  assert.ok(local.getItem('atelier.outbox.' + CODE).includes('p1'), 'written to localStorage');
  const reloaded = new Outbox(CODE);
  assert.deepEqual(reloaded.list().map((e) => e.msg.id), ['p1', 'p2'], 'oldest first, after a reload');
  assert.ok(reloaded.has('p2'));
  assert.equal(reloaded.remove('p1').msg.id, 'p1');
  assert.equal(reloaded.remove('p1'), null);
  assert.deepEqual(outbox.list().map((e) => e.msg.id), ['p2'], 'two tabs see one list');
  outbox.remove('p2');
  assert.equal(local.getItem('atelier.outbox.' + CODE), null, 'an empty outbox leaves no key');
});

test('a post sent before a dropped connection goes again with the same id, and its ack empties the outbox', () => {
  const outbox = new Outbox(CODE);
  const { client, socket } = readyClient();
  try {
    const msg = post('p3');
    outbox.add(msg);
    const answers = [];
    client.request(msg, (err, reply) => {
      answers.push(err ? err.code : reply.type);
      if (!err) outbox.remove(msg.id);
    });
    assert.equal(socket.last('post').id, 'p3');
    socket.drop();
    assert.equal(new Outbox(CODE).size(), 1, 'kept while unanswered');
    client.wake(); /* back online: connect now */
    const again = FakeSocket.newest();
    assert.notEqual(again, socket);
    again.open();
    const watch = again.last('watch');
    assert.equal(watch.since, 1, 'the watch asks for what was missed');
    assert.equal(again.last('post'), undefined, 'nothing resent before the connection is synced');
    again.reply({ type: 'synced', re: watch.id, seq: 1, mode: 'events', events: [],
      seminar: { title: 'S', activities: [] } });
    assert.deepEqual(again.last('post'), msg, 'the same message, same id');
    assert.equal(new Outbox(CODE).size(), 1, 'kept until the ack');
    again.reply({ type: 'ack', re: 'p3', contribution: { id: 7, activity: 'a1', board: 'b1', parent: null,
      state: 'visible', votes: 0, text: msg.text, created: '2026-12-04T10:00:00Z' } });
    assert.deepEqual(answers, ['ack']);
    assert.equal(new Outbox(CODE).size(), 0);
    assert.equal(client.model.contribution(7).text, msg.text);
    again.reply({ type: 'ack', re: 'p3' });
    assert.deepEqual(answers, ['ack'], 'a second reply to the same id is not an answer');
  } finally {
    client.stop(); /* its watchdog would keep the runner alive */
  }
});

test('a storage that refuses writes leaves the post in memory', () => {
  local.refuse = true;
  try {
    const outbox = new Outbox(CODE);
    assert.equal(outbox.add(post('p4')), false);
    assert.deepEqual(outbox.list().map((e) => e.msg.id), ['p4']);
    outbox.remove('p4');
    assert.equal(outbox.size(), 0);
  } finally {
    local.refuse = false;
  }
});

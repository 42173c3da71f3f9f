/*
 * groups.test.mjs — web/js/facil-groups.js's GroupCounts, the console's
 * asking for the figures per stakeholder group, under Node's own runner
 * (node --test, node:test and node:assert only) with the fake clock of
 * fakes.mjs: never two requests at once, at most one per 2 s after
 * changes, one every 15 s, a request that cannot go or whose reply is
 * lost never stops the next, each reply given as a Map by activity.
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from './fakes.mjs';

const { GroupCounts } = await import('../../web/js/facil-groups.js');

/* A GroupCounts whose requests are recorded: asked[i] is the callback of
 * the i-th; sent says whether the next one goes. */
function counts() {
  const r = { asked: [], told: [], sent: true };
  r.g = new GroupCounts((cb) => {
    if (!r.sent) return false;
    r.asked.push(cb);
    return true;
  }, (figures) => r.told.push(figures));
  return r;
}

function withClock(fn) {
  const clock = new FakeClock().install();
  try {
    return fn(clock);
  } finally {
    clock.uninstall();
  }
}

const REPLY = { type: 'group_counts', activities: [{ id: 'axe-1', participants: 8, contributions: 8, groups: [] }] };

test('one request at a time, then at most one per 2 s after changes', () => withClock((clock) => {
  const r = counts();
  r.g.start();
  assert.equal(r.asked.length, 1, 'asked at start');
  r.g.refresh();
  r.g.refresh();
  assert.equal(r.asked.length, 1, 'not while one is in flight');
  clock.tick(500);
  r.asked[0](null, REPLY);
  assert.equal(r.told.length, 1);
  assert.equal(r.told[0].get('axe-1').participants, 8, 'a Map by activity id');
  assert.equal(r.asked.length, 1, 'the changes meanwhile wait for 2 s after the last');
  clock.tick(1500);
  assert.equal(r.asked.length, 2, 'then one request for them all');
  r.asked[1](null, REPLY);
  r.g.stop();
}));

test('one request every 15 s without changes; none after stop', () => withClock((clock) => {
  const r = counts();
  r.g.start();
  r.asked[0](null, REPLY);
  clock.tick(15000);
  assert.equal(r.asked.length, 2);
  r.asked[1](null, REPLY);
  r.g.stop();
  clock.tick(60000);
  assert.equal(r.asked.length, 2);
}));

test('a request that could not go, or whose reply never came, does not stop the next', () => withClock((clock) => {
  const r = counts();
  r.sent = false;
  r.g.start();
  assert.equal(r.asked.length, 0);
  r.sent = true;
  clock.tick(2000);
  r.g.refresh();
  assert.equal(r.asked.length, 1, 'asked at the next change');
  clock.tick(10000);
  r.g.refresh();
  assert.equal(r.asked.length, 2, 'a lost reply is given up after 10 s');
  r.asked[0](null, REPLY);
  assert.equal(r.told.length, 0, 'the reply to a request given up is not used');
  r.asked[1]({ type: 'error', code: 'bad_key' }, null);
  assert.equal(r.told.length, 0, 'an error changes nothing');
  r.g.stop();
}));

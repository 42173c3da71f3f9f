/*
 * state.test.mjs — web/js/state.js, the pages' state container, under
 * Node's own runner (node --test, node:test and node:assert only): a
 * change marks the parts it touches and tells the subscribers, a value
 * set again unchanged marks nothing, the render takes each mark once, and
 * a model's changes mark what the page says they touch.
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PageState, ALL } from '../../web/js/state.js';
import { Model } from '../../web/js/model.js';

/* A state whose subscriber counts its calls. */
function counted(initial) {
  const state = new PageState(initial);
  const calls = { n: 0 };
  state.subscribe(() => { calls.n += 1; });
  return { state, calls };
}

test('the whole page starts marked, once', () => {
  const { state } = counted({ a: 1 });
  assert.deepEqual([...state.take()], [ALL]);
  assert.deepEqual([...state.take()], []);
});

test('set marks the fields that changed, or the parts given, and tells the subscribers', () => {
  const { state, calls } = counted({ a: 1, b: 'x' });
  state.take();
  state.set({ a: 1, b: 'x' });
  assert.equal(calls.n, 0, 'nothing changed: no one is told');
  state.set({ a: 2, b: 'x' });
  assert.equal(state.get('a'), 2);
  assert.deepEqual([...state.take()], ['a']);
  state.set({ b: 'y' }, ['header', 'board:1']);
  assert.deepEqual([...state.take()], ['header', 'board:1']);
  state.set({ b: 'z' }, []);
  assert.equal(state.get('b'), 'z', 'a change already drawn is kept');
  assert.deepEqual([...state.take()], [], 'and marks nothing');
  assert.equal(calls.n, 2);
});

test('update changes a Set or Map in place and marks its parts; marks gather until taken', () => {
  const { state, calls } = counted({ busy: new Set() });
  state.take();
  const busy = state.get('busy');
  assert.equal(state.update('busy', (s) => { s.add(7); return s.size; }, 'row:7'), 1);
  state.update('busy', (s) => s.add(8));
  state.mark(['row:7', ALL]);
  assert.equal(state.get('busy'), busy);
  assert.deepEqual([...busy], [7, 8]);
  assert.deepEqual([...state.take()].sort(), [ALL, 'busy', 'row:7']);
  assert.equal(calls.n, 3);
  state.mark([]);
  assert.equal(calls.n, 3, 'an empty mark tells no one');
});

test('follow marks what a model\'s changes touch, as the page says', () => {
  const { state } = counted({});
  const model = new Model();
  state.take();
  state.follow(model, (change) => (change.kind === 'contribution'
    ? ['board:' + change.item.board].concat(change.previous ? ['board:' + change.previous.board] : [])
    : ALL));
  model.upsertContribution({ id: 1, activity: 'a', board: 'b1', parent: null, state: 'visible', votes: 0, created: 'x' });
  assert.deepEqual([...state.take()], ['board:b1']);
  model.upsertContribution({ id: 1, activity: 'a', board: 'b2', parent: null, state: 'visible', votes: 0, created: 'x' });
  assert.deepEqual([...state.take()].sort(), ['board:b1', 'board:b2'], 'where it is and where it was');
  model.replaceContributions([]);
  assert.deepEqual([...state.take()], [ALL]);
});

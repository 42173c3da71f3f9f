/*
 * model.test.mjs — web/js/model.js under Node's own runner (node --test,
 * node:test and node:assert only): events applied in order, a
 * contribution replaced (each change saying what it was), and the
 * indexes (by board, by parent, by theme) and the ordered lists of a
 * board right after posts, edits, votes, hides, deletes and snapshots. Each index is checked against a scan of
 * every contribution, so a stale entry fails.
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Model, live, shown } from '../../web/js/model.js';

let seq = 0;

function contribution(fields) {
  seq += 1;
  return Object.assign({ id: seq, activity: 'a1', board: 'b1', parent: null, state: 'visible', votes: 0,
    text: 'texte ' + seq, author: 'A', created: '2026-12-04T10:00:' + String(seq % 60).padStart(2, '0') + 'Z' },
  fields);
}

/* What topLevel must answer, computed by a scan. */
function scanTop(model, activity, board, sort, visibleOnly) {
  const out = Array.from(model.contributions.values()).filter((c) => c.activity === activity &&
    c.board === board && (c.parent === null || c.parent === undefined) && live(c) && (!visibleOnly || shown(c)));
  const recent = (a, b) => (a.created !== b.created ? (a.created < b.created ? 1 : -1) : b.id - a.id);
  out.sort(sort === 'votes' ? (a, b) => (b.votes - a.votes) || recent(a, b) : recent);
  return out.map((c) => c.id);
}

function ids(list) {
  return list.map((c) => c.id);
}

/* Every index and every ordered list of model agrees with a scan. */
function checkIndexes(model) {
  const boards = new Set();
  model.contributions.forEach((c) => { if (c.parent === null || c.parent === undefined) boards.add(c.activity + '\n' + c.board); });
  for (const key of new Set([...boards, ...model.sorted.keys()])) {
    const [activity, board] = key.split('\n');
    for (const sort of ['recent', 'votes']) {
      for (const visibleOnly of [false, true]) {
        assert.deepEqual(ids(model.topLevel(activity, board, sort, visibleOnly)),
          scanTop(model, activity, board, sort, visibleOnly), key + ' ' + sort + ' ' + visibleOnly);
      }
    }
  }
  model.contributions.forEach((c) => {
    if (c.parent !== null && c.parent !== undefined) return;
    const want = Array.from(model.contributions.values()).filter((a) => a.parent === c.id && live(a))
      .sort((x, y) => (x.position - y.position) || (x.id - y.id)).map((a) => a.id);
    assert.deepEqual(ids(model.actionsOf(c.id, false)), want, 'actions of ' + c.id);
  });
  const themes = new Set(Array.from(model.contributions.values()).map((c) => (c.theme === undefined ? null : c.theme)));
  for (const theme of new Set([...themes, ...model.themes.keys()])) {
    const want = Array.from(model.contributions.values()).filter((c) => (c.theme === undefined ? null : c.theme) === theme)
      .map((c) => c.id).sort((x, y) => x - y);
    assert.deepEqual(ids(model.themed(theme)), want, 'theme ' + theme);
  }
}

test('events are applied in order and a later one replaces the contribution', () => {
  const model = new Model();
  const changes = [];
  model.onChange((ch) => changes.push(ch.kind + (ch.isNew ? '+' : '')));
  const c = contribution({});
  model.upsertContribution(c);
  model.upsertContribution(Object.assign({}, c, { text: 'modifié', edited: true }));
  assert.deepEqual(changes, ['contribution+', 'contribution']);
  assert.equal(model.contribution(c.id).text, 'modifié');
  assert.equal(model.contributions.size, 1);
  assert.deepEqual(ids(model.topLevel('a1', 'b1', 'recent', false)), [c.id]);
  model.upsertContribution(null);
  model.upsertContribution({ text: 'sans id' });
  assert.equal(model.contributions.size, 1);
});

test('a change says what the contribution was, so that a page redraws where it was too', () => {
  const model = new Model();
  const seen = [];
  model.onChange((ch) => seen.push(ch));
  const c = contribution({ board: 'b1' });
  model.upsertContribution(c);
  const moved = Object.assign({}, c, { board: 'b2' });
  model.upsertContribution(moved);
  assert.equal(seen[0].previous, null);
  assert.equal(seen[0].isNew, true);
  assert.equal(seen[1].previous, c);
  assert.equal(seen[1].item, moved);
  assert.equal(seen[1].isNew, false);
});

test('a facilitator model keeps the text an event hides', () => {
  const model = new Model({ keepHiddenText: true });
  const c = contribution({ text: 'à garder' });
  model.upsertContribution(c);
  model.upsertContribution(Object.assign({}, c, { state: 'hidden', text: null, author: null }));
  assert.equal(model.contribution(c.id).text, 'à garder');
  assert.deepEqual(ids(model.topLevel('a1', 'b1', 'recent', false)), [c.id]);
  assert.deepEqual(ids(model.topLevel('a1', 'b1', 'recent', true)), []);
  checkIndexes(model);
  const phone = new Model();
  phone.upsertContribution(c);
  phone.upsertContribution(Object.assign({}, c, { state: 'hidden', text: null }));
  assert.equal(phone.contribution(c.id).text, null);
});

test('the ordered lists follow posts, votes, hides, shows, deletes and moves', () => {
  const model = new Model({ keepHiddenText: true });
  const made = [];
  for (let i = 0; i < 30; i++) {
    const c = contribution({ board: i % 3 ? 'b1' : 'b2', votes: i % 4 });
    made.push(c);
    model.upsertContribution(c);
    if (i === 5) checkIndexes(model); /* the lists exist from here on: kept, not rebuilt */
  }
  checkIndexes(model);
  const before = model.topLevel('a1', 'b1', 'recent', false);
  const edit = (c, fields) => {
    const next = Object.assign({}, model.contribution(c.id), fields);
    model.upsertContribution(next);
    checkIndexes(model);
  };
  edit(made[4], { votes: 9 });
  edit(made[7], { state: 'hidden', text: null });
  edit(made[7], { state: 'visible' });
  edit(made[8], { state: 'deleted' });
  edit(made[10], { state: 'merged' });
  edit(made[11], { board: 'b2' });
  edit(made[12], { activity: 'a2' });
  edit(made[13], { created: '2026-12-04T11:00:00Z' });
  assert.equal(model.topLevel('a1', 'b1', 'recent', false), before, 'one list per board, updated in place');
  assert.equal(model.topLevel('a1', 'b1', 'recent', false)[0].id, made[13].id);
  assert.equal(model.topLevel('a1', 'b1', 'votes', false)[0].id, made[4].id);
});

test('a change on one board leaves the lists of another as they were', () => {
  const model = new Model();
  model.upsertContribution(contribution({ board: 'b1' }));
  model.upsertContribution(contribution({ board: 'b2' }));
  const other = model.topLevel('a1', 'b2', 'recent', false).slice();
  model.upsertContribution(contribution({ board: 'b1' }));
  assert.deepEqual(model.topLevel('a1', 'b2', 'recent', false), other);
  assert.equal(model.topLevel('a1', 'b1', 'recent', false).length, 2);
});

test('example actions are indexed by their orientation, in position order', () => {
  const model = new Model();
  const o = contribution({ board: 'orientations' });
  const a1 = contribution({ parent: o.id, position: 2 });
  const a2 = contribution({ parent: o.id, position: 1 });
  model.upsertContribution(Object.assign({}, o, { actions: [a1, a2] }));
  assert.deepEqual(ids(model.actionsOf(o.id, false)), [a2.id, a1.id]);
  assert.deepEqual(ids(model.topLevel('a1', 'orientations', 'recent', false)), [o.id], 'actions are not top level');
  model.upsertContribution(Object.assign({}, a2, { state: 'hidden' }));
  assert.deepEqual(ids(model.actionsOf(o.id, true)), [a1.id]);
  assert.deepEqual(ids(model.actionsOf(o.id, false)), [a2.id, a1.id]);
  model.upsertContribution(Object.assign({}, a1, { state: 'deleted' }));
  assert.deepEqual(ids(model.actionsOf(o.id, false)), [a2.id]);
  checkIndexes(model);
});

test('the theme index is keyed by c.theme, null when there is none', () => {
  const model = new Model();
  const c1 = contribution({});
  const c2 = contribution({ theme: 't1' });
  const c3 = contribution({ theme: 't1' });
  [c1, c2, c3].forEach((c) => model.upsertContribution(c));
  assert.deepEqual(ids(model.themed(null)), [c1.id]);
  assert.deepEqual(ids(model.themed('t1')), [c2.id, c3.id]);
  model.upsertContribution(Object.assign({}, c2, { theme: 't2' }));
  model.upsertContribution(Object.assign({}, c1, { theme: 't1' }));
  assert.deepEqual(ids(model.themed('t1')), [c1.id, c3.id]);
  assert.deepEqual(ids(model.themed('t2')), [c2.id]);
  assert.deepEqual(ids(model.themed(null)), []);
  checkIndexes(model);
});

test('a snapshot replaces every contribution and every index', () => {
  const model = new Model();
  const old = contribution({ theme: 'x' });
  model.upsertContribution(old);
  model.topLevel('a1', 'b1', 'recent', false);
  const kinds = [];
  model.onChange((ch) => kinds.push(ch.kind));
  const fresh = [contribution({ board: 'b3' }), contribution({ board: 'b3', votes: 2 })];
  model.replaceContributions(fresh);
  assert.deepEqual(kinds, ['reset']);
  assert.equal(model.contribution(old.id), null);
  assert.deepEqual(ids(model.topLevel('a1', 'b1', 'recent', false)), []);
  assert.deepEqual(ids(model.themed('x')), []);
  assert.deepEqual(ids(model.topLevel('a1', 'b3', 'votes', false)), [fresh[1].id, fresh[0].id]);
  checkIndexes(model);
});

test('activities keep their programme order and are replaced by id', () => {
  const model = new Model();
  model.setSeminar({ title: 'S', activities: [{ id: 'x', state: 'open' }, { id: 'y', state: 'prepared' }] });
  model.upsertActivity({ id: 'z', state: 'open' });
  model.upsertActivity({ id: 'x', state: 'closed' });
  assert.deepEqual(model.activityList().map((a) => a.id + ':' + a.state), ['x:closed', 'y:prepared', 'z:open']);
  assert.equal(model.activity('nope'), null);
});

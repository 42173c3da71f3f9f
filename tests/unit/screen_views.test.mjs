/*
 * screen_views.test.mjs — what the projection screen shows in each mode
 * (web/js/screen-views.js), from a Model, and its link to the console
 * (web/js/screen-link.js): which activities run in parallel (the same
 * start and end) and are restituted together, the plenary's columns (an
 * activity's top contributions by votes), the SWOT grid only for four
 * boards, competition ranks, what a phase keeps back in every mode (no
 * card while the texts are, nothing ranked while the tallies are), the
 * screen's token kept once made. Run with
 * `node --test`; Node's own runner and node:assert only.
 */

import './fakes.mjs';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Model } from '../../web/js/model.js';
import { viewOf, parallelTo, PLENARY_TOP } from '../../web/js/screen-views.js';
import { ranksOf } from '../../web/js/screen-columns.js';
import { screenToken, spacedPairing } from '../../web/js/screen-link.js';

const board = (id) => ({ id: id, title: id, prompt: '', kind: 'notes' });
const activity = (id, start, end, boards) => ({ id: id, title: id, question: '', template: 'custom', state: 'open',
  vote_budget: 3, start: start || null, end: end || null, animators: [], boards: (boards || ['b']).map(board) });

/* A day like Roubaix's: a morning without slots, four parallel ateliers,
 * then two activities of their own slots. */
function day() {
  const model = new Model();
  model.setSeminar({ code: 'RBX22', title: 'S', activities: [
    activity('axe-1'), activity('axe-2'),
    activity('at-1', '14:30', '16:00'), activity('at-2', '14:30', '16:00'),
    activity('at-3', '14:30', '16:00'), activity('at-4', '14:30', '16:00'),
    activity('demain', '16:00', '17:00', ['abandonner', 'maintenir', 'inventer']),
    activity('fin', '17:00', '17:30')
  ] });
  return model;
}

let next = 1;
function note(a, b, votes) {
  const id = next++;
  return { id: id, activity: a, board: b, parent: null, position: 0, text: 'n' + id, author: null,
    state: 'visible', votes: votes, created: '2022-10-11T14:00:00Z', edited: false };
}

test('the parallel ateliers: an atelier\'s own slot, else the last shared slot before', () => {
  const model = day();
  const ids = (list) => list.map((a) => a.id);
  assert.deepEqual(ids(parallelTo(model, model.activity('at-2'))), ['at-1', 'at-2', 'at-3', 'at-4']);
  /* the plenary after the ateliers (« restitution des ateliers ») */
  assert.deepEqual(ids(parallelTo(model, model.activity('fin'))), ['at-1', 'at-2', 'at-3', 'at-4']);
  assert.deepEqual(ids(parallelTo(model, model.activity('demain'))), ['at-1', 'at-2', 'at-3', 'at-4']);
  /* nothing runs in parallel before them */
  assert.deepEqual(ids(parallelTo(model, model.activity('axe-2'))), []);
});

test('the plenary: one column per atelier, its top contributions by votes, ranked', () => {
  const model = day();
  const list = [];
  for (let k = 0; k < 8; k++) list.push(note('at-1', 'b', k % 4));
  list.push(note('at-2', 'b', 2));
  list.push(Object.assign(note('at-2', 'b', 9), { state: 'hidden', text: null }));
  model.replaceContributions(list);
  const v = viewOf(model, 'plenary', model.activity('fin'));
  assert.deepEqual(v.columns.map((c) => c.key), ['at-1', 'at-2', 'at-3', 'at-4']);
  const first = v.columns[0];
  assert.equal(first.items.length, PLENARY_TOP);
  assert.ok(first.ranked);
  assert.deepEqual(first.items.map((c) => c.votes), [3, 3, 2, 2, 1]);
  assert.deepEqual(first.ranks, [1, 1, 3, 3, 5]);
  /* a hidden contribution is on no screen */
  assert.deepEqual(v.columns[1].items.map((c) => c.votes), [2]);
  assert.equal(v.columns[2].items.length, 0);
});

test('SWOT is a 2x2 grid of four boards, else the boards\' view', () => {
  const model = new Model();
  model.setSeminar({ code: 'X', title: 'S', activities: [
    activity('swot', null, null, ['forces', 'faiblesses', 'opportunites', 'menaces']),
    activity('three', null, null, ['a', 'b', 'c'])] });
  assert.equal(viewOf(model, 'swot', model.activity('swot')).layout, 'swot');
  assert.equal(viewOf(model, 'swot', model.activity('three')).layout, 'boards-3');
  assert.equal(viewOf(model, 'results', model.activity('three')).columns[0].ranked, true);
  assert.equal(viewOf(model, 'board', model.activity('three')).columns[0].ranked, false);
});

test('ranks: equal votes, equal rank', () => {
  assert.deepEqual(ranksOf([5, 3, 3, 1, 1, 0].map((v) => ({ votes: v }))), [1, 2, 2, 4, 4, 6]);
  assert.deepEqual(ranksOf([]), []);
});

test('the screen\'s token is made once, then kept', () => {
  const a = screenToken();
  assert.ok(typeof a === 'string' && a.length > 0 && a.length <= 64);
  assert.equal(screenToken(), a);
  assert.equal(spacedPairing('482913'), '482\u2009913');
});

test('the phases in every mode: no card while the texts are kept back, nothing ranked while the tallies are', () => {
  const model = new Model();
  const two = activity('axe', '14:30', '16:00');
  model.setSeminar({ code: 'X', title: 'S', activities: [two, activity('autre', '14:30', '16:00')] });
  const kept = [note('axe', 'b', null), note('axe', 'b', null)].map((c) => Object.assign(c, { text: null }));
  model.replaceContributions(kept);
  /* private writing: the server sent no text; each column counts */
  model.upsertActivity(Object.assign({}, two, { state: 'writing' }));
  ['board', 'results', 'swot'].forEach(function (mode) {
    const column = viewOf(model, mode, model.activity('axe')).columns[0];
    assert.equal(column.items.length, 0, mode);
    assert.equal(column.kept, 2, mode);
  });
  const plenary = viewOf(model, 'plenary', model.activity('axe')).columns[0];
  assert.equal(plenary.items.length, 0);
  assert.equal(plenary.kept, 2);
  /* voting with hidden tallies: the texts, no ranks, no counts */
  model.replaceContributions(kept.map((c) => Object.assign({}, c, { text: 't' + c.id })));
  model.upsertActivity(Object.assign({}, two, { state: 'blind_voting' }));
  ['board', 'results'].forEach(function (mode) {
    const column = viewOf(model, mode, model.activity('axe')).columns[0];
    assert.equal(column.items.length, 2, mode);
    assert.equal(column.kept, null, mode);
    assert.equal(column.ranked, false, mode);
    assert.equal(column.ranks, null, mode);
  });
  assert.equal(viewOf(model, 'plenary', model.activity('axe')).columns[0].ranked, false);
  /* the results: the board's cards numbered by votes, without the bars */
  model.replaceContributions([note('axe', 'b', 1), note('axe', 'b', 4)]);
  model.upsertActivity(Object.assign({}, two, { state: 'results' }));
  const board = viewOf(model, 'board', model.activity('axe')).columns[0];
  assert.deepEqual(board.items.map((c) => c.votes), [4, 1]);
  assert.deepEqual(board.ranks, [1, 2]);
  assert.equal(board.ranked, false);
  assert.equal(viewOf(model, 'results', model.activity('axe')).columns[0].ranked, true);
});

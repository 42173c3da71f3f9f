/*
 * facil_list.test.mjs — web/js/facil-list.js and the table of
 * web/js/facil-keys.js under Node's own runner (node --test, node:test
 * and node:assert only): the console's default sort by an activity's
 * state (by votes once its state is "ranked": voting, closed), a sort
 * chosen for one activity only, the filter by state, the search without
 * regard to case or accents, and the shortcuts' keys, each one once.
 */

import './fakes.mjs';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Model } from '../../web/js/model.js';
import { ACTIVITY_STATES, CAPABILITIES } from '../../web/js/protocol.js';
import { SORTS, FILTERS, defaultSort, sortOf, fold, boardRows } from '../../web/js/facil-list.js';
import { SHORTCUTS, shortcutOf } from '../../web/js/facil-keys.js';

let seq = 0;
function contribution(fields) {
  seq += 1;
  return Object.assign({ id: seq, activity: 'a1', board: 'b1', parent: null, state: 'visible', votes: 0,
    text: 'texte ' + seq, author: null, created: '2026-12-04T10:00:' + String(seq).padStart(2, '0') + 'Z' }, fields);
}

function model() {
  const m = new Model({ keepHiddenText: true });
  m.replaceContributions([
    contribution({ text: 'École ouverte le samedi', votes: 1 }),
    contribution({ text: 'Un café des parents', votes: 5, author: 'Élodie' }),
    contribution({ text: 'Des ateliers du soir', votes: 3, state: 'hidden' }),
    contribution({ text: 'ECOLE et familles', votes: 0 }),
    contribution({ text: 'Supprimée', state: 'deleted' })
  ]);
  return m;
}

const texts = (list) => list.map((c) => c.text);
const A = { id: 'a1', state: 'open' };

test('the default sort: newest first, by votes once the state is ranked', () => {
  for (const s of ACTIVITY_STATES) {
    assert.equal(defaultSort({ id: 'a', state: s }), CAPABILITIES[s].ranked ? 'votes' : 'recent', s);
  }
  assert.equal(defaultSort({ id: 'a', state: 'voting' }), 'votes');
  assert.equal(defaultSort({ id: 'a', state: 'closed' }), 'votes');
  assert.equal(defaultSort({ id: 'a', state: 'open' }), 'recent');
  assert.equal(defaultSort({ id: 'a', state: 'prepared' }), 'recent');
  assert.equal(defaultSort(null), SORTS[0]);
});

test('a sort chosen for one activity is its own, and only a known one counts', () => {
  const chosen = new Map([['a1', 'votes'], ['a2', 'nonsense']]);
  assert.equal(sortOf({ id: 'a1', state: 'open' }, chosen), 'votes');
  assert.equal(sortOf({ id: 'a2', state: 'closed' }, chosen), 'votes');
  assert.equal(sortOf({ id: 'a2', state: 'open' }, chosen), 'recent');
  assert.equal(sortOf({ id: 'a3', state: 'voting' }, chosen), 'votes');
});

test('the rows: sorted, filtered by state, the deleted left out', () => {
  const m = model();
  assert.deepEqual(texts(boardRows(m, A, 'b1', { sort: 'recent', filter: 'all', query: '' })),
    ['ECOLE et familles', 'Des ateliers du soir', 'Un café des parents', 'École ouverte le samedi']);
  assert.deepEqual(texts(boardRows(m, A, 'b1', { sort: 'votes', filter: 'all', query: '' })),
    ['Un café des parents', 'Des ateliers du soir', 'École ouverte le samedi', 'ECOLE et familles']);
  assert.deepEqual(texts(boardRows(m, A, 'b1', { sort: 'votes', filter: 'shown', query: '' })),
    ['Un café des parents', 'École ouverte le samedi', 'ECOLE et familles']);
  assert.deepEqual(texts(boardRows(m, A, 'b1', { sort: 'votes', filter: 'unshown', query: '' })),
    ['Des ateliers du soir']);
  assert.deepEqual(FILTERS, ['all', 'shown', 'unshown']);
  /* Nothing filters: the model's own list, not a copy. */
  assert.equal(boardRows(m, A, 'b1', { sort: 'recent', filter: 'all', query: '' }), m.topLevel('a1', 'b1', 'recent', false));
});

test('the search: case, accents and spaces aside, in the text and the author', () => {
  const m = model();
  assert.equal(fold('  École\u00a0 OUVERTE '), 'ecole ouverte');
  assert.deepEqual(texts(boardRows(m, A, 'b1', { sort: 'recent', filter: 'all', query: 'ecole' })),
    ['ECOLE et familles', 'École ouverte le samedi']);
  assert.deepEqual(texts(boardRows(m, A, 'b1', { sort: 'recent', filter: 'all', query: 'ÉLODIE' })),
    ['Un café des parents']);
  assert.deepEqual(texts(boardRows(m, A, 'b1', { sort: 'recent', filter: 'unshown', query: 'soir' })),
    ['Des ateliers du soir']);
  assert.deepEqual(texts(boardRows(m, A, 'b1', { sort: 'recent', filter: 'shown', query: 'soir' })), []);
  /* A contribution changed is searched as it is now. */
  const first = boardRows(m, A, 'b1', { sort: 'recent', filter: 'all', query: 'samedi' })[0];
  m.upsertContribution(Object.assign({}, first, { text: 'Bibliothèque' }));
  assert.deepEqual(texts(boardRows(m, A, 'b1', { sort: 'recent', filter: 'all', query: 'bibliotheque' })),
    ['Bibliothèque']);
});

test('each shortcut has its own key, text and action', () => {
  const keys = SHORTCUTS.map((s) => s.key);
  assert.equal(new Set(keys).size, keys.length);
  assert.equal(new Set(SHORTCUTS.map((s) => s.action)).size, SHORTCUTS.length);
  for (const s of SHORTCUTS) {
    assert.ok(s.text.startsWith('facil.key_'), s.text);
    assert.ok(s.shown || (s.name && s.name.startsWith('facil.kbd_')), s.key);
    assert.equal(shortcutOf(s.key), s);
  }
  assert.equal(shortcutOf('J').action, 'next');
  assert.equal(shortcutOf('q'), null);
});

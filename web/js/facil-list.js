/*
 * facil-list.js — which contributions of a board the console lists, and
 * in which order: the sort (newest first, or by votes: the default once
 * an activity's votes are in, its state's row "ranked" in protocol.js),
 * the filter by state (every live one, those shown to everyone, those
 * not) and the search in the texts (and authors), without regard to
 * case or accents.
 *
 * Owns: the view's settings as plain values, and the lists they give
 * from the Model's ordered lists. With no filter and no search a board's
 * list is the Model's own (nothing copied: a frame costs the rows
 * shown); otherwise a copy filtered once per call. Must not touch the
 * DOM, the network or storage.
 */

import { shown } from './model.js';
import { CAPABILITIES } from './protocol.js';

export const SORTS = Object.freeze(['recent', 'votes']);
/* every live contribution, those shown to everyone, those not */
export const FILTERS = Object.freeze(['all', 'shown', 'unshown']);

/* The order an activity's boards are listed in when the facilitator
 * chose none: by votes once its state is "ranked", else newest first. */
export function defaultSort(activity) {
  const row = activity ? CAPABILITIES[activity.state] : null;
  return row && row.ranked ? SORTS[1] : SORTS[0];
}

/* The sort in force: the one chosen for this activity (chosen: a Map
 * activity id -> sort), else its default. */
export function sortOf(activity, chosen) {
  const picked = activity && chosen ? chosen.get(activity.id) : undefined;
  return SORTS.indexOf(picked) >= 0 ? picked : defaultSort(activity);
}

/* Text as the search compares it: lower case, accents and other marks
 * removed, runs of white space as one space, trimmed. */
export function fold(text) {
  return String(text || '').normalize('NFD').replace(/[\u0300-\u036f]/g, '')
    .toLowerCase().replace(/\s+/g, ' ').trim();
}

const folded = new WeakMap();

/* The folded text and author of c, computed once per version of c (the
 * Model replaces a contribution's object when it changes). */
function foldedOf(c) {
  let f = folded.get(c);
  if (f === undefined) {
    f = fold(c.text) + '\n' + fold(c.author);
    folded.set(c, f);
  }
  return f;
}

/* True when contribution c passes filter and query (query already
 * folded; '' matches everything). */
export function matches(c, filter, query) {
  if (filter === FILTERS[1] && !shown(c)) return false;
  if (filter === FILTERS[2] && shown(c)) return false;
  return !query || foldedOf(c).indexOf(query) >= 0;
}

/* The top-level contributions of board boardId of activity a that the
 * console lists: view is {sort, filter, query} (query as typed). The
 * Model's own list when nothing filters (read it, never change it). */
export function boardRows(model, a, boardId, view) {
  const list = model.topLevel(a.id, boardId, view.sort, view.filter === FILTERS[1]);
  const query = fold(view.query);
  if (!query && view.filter !== FILTERS[2]) return list;
  return list.filter(function (c) { return matches(c, view.filter, query); });
}

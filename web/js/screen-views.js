/*
 * screen-views.js — what each screen mode shows (server/vocab.c's screen
 * modes, SCREEN_MODES of protocol.js), as columns of cards for
 * screen-columns.js, or one card in the spotlight.
 *
 * Owns: the table of modes: for each, the layout of the view and its
 * columns (a board, a ranked board, an activity of a time slot), read
 * from the Model. Which activities run in parallel (the same start and
 * end) is decided here. No DOM, no network: screen.js draws.
 *
 * A phase of the room that changes what a board shows plugs in by the
 * capabilities the Model's activity carries (screen-phase.js): while the
 * writing is private a column has no card, only its count (the server
 * sends no text); while the tallies are hidden nothing is ranked nor
 * counted by votes (it sends none); once the results are in, a board's
 * cards are numbered. Never a state's name.
 */

import { capabilities, ORIENTATIONS } from './ui.js';
import { ranksOf } from './screen-columns.js';
import { ranked as phaseRanked, textsKept, talliesKept } from './screen-phase.js';

/* Contributions a plenary column shows per activity: its top ones. */
export const PLENARY_TOP = 5;
/* Boards of a SWOT grid, in its order (the swot template's four). */
const SWOT_BOARDS = 4;

/* The part of the page that a column of board b is drawn for. */
export function boardPart(boardId) {
  return 'board:' + boardId;
}

export function activityPart(activityId) {
  return 'activity:' + activityId;
}

/* Once the votes are in (a ranked state) a board is read by votes,
 * before by the newest first; and only where tallies are shown. */
function boardOrder(a) {
  const can = capabilities(a);
  return can.ranked && can.tallies ? 'votes' : 'recent';
}

/* Board b of activity a as a column; ranked: the results' form (vote
 * counts and bars), where the phase shows the tallies. */
function boardColumn(model, a, b, ranked) {
  const kept = textsKept(a);
  const byVotes = ranked && !talliesKept(a);
  const items = kept ? [] : model.topLevel(a.id, b.id, byVotes ? 'votes' : boardOrder(a), true);
  const numbered = byVotes || phaseRanked(a);
  return {
    key: b.id,
    part: boardPart(b.id),
    title: b.title,
    prompt: b.prompt,
    items: items,
    ranked: byVotes,
    ranks: numbered ? ranksOf(items) : null,
    kept: kept ? model.countVisible(a.id, b.id) : null,
    orientations: b.kind === ORIENTATIONS
  };
}

/* The time slot of activity a as a key ("14:30-16:00"), or null. */
function slotOf(a) {
  return a && a.start && a.end ? a.start + '-' + a.end : null;
}

/* The activities that run in parallel and are to be restituted with a:
 * those of a's own slot when it shares it with others, else those of
 * the last slot before a in the programme that several share (the
 * plenary after the parallel ateliers), else none. */
export function parallelTo(model, a) {
  const list = model.activityList();
  const bySlot = new Map();
  list.forEach(function (x) {
    const slot = slotOf(x);
    if (!slot) return;
    if (!bySlot.has(slot)) bySlot.set(slot, []);
    bySlot.get(slot).push(x);
  });
  const shared = function (x) {
    const group = bySlot.get(slotOf(x));
    return group && group.length > 1 ? group : null;
  };
  if (a && shared(a)) return shared(a);
  const at = a ? list.findIndex(function (x) { return x.id === a.id; }) : list.length;
  for (let i = (at < 0 ? list.length : at) - 1; i >= 0; i--) {
    if (shared(list[i])) return shared(list[i]);
  }
  return [];
}

/* An activity's top contributions over its boards: by votes, the
 * newest first among equal votes. */
function topOf(model, a, n) {
  const all = [];
  a.boards.forEach(function (b) {
    Array.prototype.push.apply(all, model.topLevel(a.id, b.id, 'votes', true));
  });
  all.sort(function (x, y) { return ((y.votes || 0) - (x.votes || 0)) || (y.id - x.id); });
  return all.slice(0, n);
}

/* Activity a of the plenary as a column: its top contributions, ranked
 * where its phase shows the tallies; only counted while its writing is
 * private. */
function plenaryColumn(model, a) {
  const kept = textsKept(a);
  const byVotes = !talliesKept(a);
  const items = kept ? [] : topOf(model, a, PLENARY_TOP);
  return {
    key: a.id,
    part: activityPart(a.id),
    title: a.title,
    prompt: '', /* the slot is the heading's */
    items: items,
    ranked: byVotes,
    ranks: byVotes ? ranksOf(items) : null,
    kept: kept ? a.boards.reduce(function (n, b) { return n + model.countVisible(a.id, b.id); }, 0) : null,
    orientations: false
  };
}

/* Each mode: its layout (a class of the view) and its columns for
 * activity a of the Model. */
const VIEWS = {
  board: function (model, a) {
    return { layout: 'boards-' + Math.min(a.boards.length, 4),
      columns: a.boards.map(function (b) { return boardColumn(model, a, b, false); }) };
  },
  results: function (model, a) {
    return { layout: 'boards-' + Math.min(a.boards.length, 4) + ' results',
      columns: a.boards.map(function (b) { return boardColumn(model, a, b, true); }) };
  },
  swot: function (model, a) {
    if (a.boards.length !== SWOT_BOARDS) return VIEWS.board(model, a);
    return { layout: 'swot', columns: a.boards.map(function (b) { return boardColumn(model, a, b, false); }) };
  },
  plenary: function (model, a) {
    const group = parallelTo(model, a);
    return { layout: 'plenary plenary-' + Math.min(group.length, 4),
      columns: group.map(function (x) { return plenaryColumn(model, x); }) };
  }
};

/* The view of mode for activity a: {layout, columns}; the board's view
 * for a mode that has no columns (the spotlight) or is unknown. */
export function viewOf(model, mode, a) {
  return (VIEWS[mode] || VIEWS.board)(model, a);
}

/* The slot's label for the plenary's heading ("14:30–16:00"), or "". */
export function slotLabel(group) {
  const a = group[0];
  return a && a.start ? a.start + '–' + a.end : '';
}

/*
 * screen-phase.js — what the projection screen shows of an activity's
 * phase (protocol.js CAPABILITIES): while private writing keeps the texts
 * back, each column counts its contributions instead of showing them;
 * while voting keeps the tallies back, the head says how many have voted;
 * once the results are in, the cards by votes are numbered.
 *
 * Owns: those three decisions (read by the views, screen-views.js) and
 * their drawing in the parts screen.js gives it: a column's count in
 * large type, the head's count of voters. Must not touch the network
 * nor the model's contents: the server sends only what the phase lets
 * the public see (texts null, votes null), and this module only says so
 * to the room.
 */

import { el, setText, show } from './dom.js';
import { tn } from './i18n.js';
import { CAPABILITIES } from './protocol.js';

function rowOf(a) {
  return (a && CAPABILITIES[a.state]) || {};
}

/* True when the cards of activity a are ranked by votes and numbered. */
export function ranked(a) {
  const row = rowOf(a);
  return !!row.ranked && !!row.tallies;
}

/* True while the phase of activity a keeps the texts back (private
 * writing): its columns count their contributions, with no card. */
export function textsKept(a) {
  return rowOf(a).texts === false;
}

/* True while the phase of activity a keeps the tallies back: no vote
 * count, no ranking by votes. */
export function talliesKept(a) {
  return rowOf(a).tallies === false;
}

/* Adds to column (screen-columns.js's createColumn) the place of its
 * count in large type; returns the column. */
export function createColumnPhase(column) {
  column.appendChild(el('p', { class: 'column-tally', hidden: true }));
  return column;
}

/* Draws what column says of the phase, from its spec (screen-views.js):
 * while the texts are kept back (spec.kept, the contributions counted),
 * that count in its title and in large type under its prompt; and
 * whether its cards are numbered. */
export function drawColumnPhase(column, spec) {
  const tally = column.querySelector('.column-tally');
  const kept = typeof spec.kept === 'number';
  if (kept) setText(column.children[0].lastChild, String(spec.kept));
  setText(tally, kept ? tn('screen.count', spec.kept) : '');
  show(tally, kept);
  column.classList.toggle('ranked', !!spec.ranks);
}

/* Draws into voters how many have voted in activity a (null: none), while
 * its phase shows that and not the tallies (voters_shown). */
export function renderVoters(voters, a) {
  const counting = !!a && !!rowOf(a).voters && typeof a.voters === 'number';
  setText(voters, counting ? tn('screen.voters', a.voters) : '');
  show(voters, counting);
}

/*
 * screen-phase.js — what the projection screen shows of an activity's
 * phase (protocol.js CAPABILITIES): while private writing keeps the texts
 * back, each column counts its contributions instead of showing them;
 * while voting keeps the tallies back, the head says how many have voted;
 * once the results are in, the cards by votes are numbered.
 *
 * Owns: those three decisions and their drawing in the parts screen.js
 * gives it. Must not touch the network nor the model's contents: the
 * server sends only what the phase lets the public see (texts null,
 * votes null), and this module only says so to the room.
 */

import { setText, show } from './dom.js';
import { tn } from './i18n.js';
import { CAPABILITIES } from './protocol.js';

function rowOf(a) {
  return CAPABILITIES[a.state] || {};
}

/* True when the cards of activity a are ranked by votes and numbered. */
export function ranked(a) {
  const row = rowOf(a);
  return !!row.ranked && !!row.tallies;
}

/* Draws what column (a board b of activity a) says of the phase: its
 * count (the visible contributions, their texts received or not) into
 * count, and, while the texts are kept back, that count in large type
 * into tally. */
export function renderColumnPhase(column, count, tally, model, a, b, shownCount) {
  const hidden = rowOf(a).texts === false;
  const n = hidden ? model.countVisible(a.id, b.id) : shownCount;
  setText(count, String(n));
  setText(tally, hidden ? tn('screen.count', n) : '');
  show(tally, hidden);
  column.classList.toggle('ranked', ranked(a));
}

/* Draws into voters how many have voted in activity a, while its phase
 * shows that and not the tallies (voters_shown). */
export function renderVoters(voters, a) {
  const counting = !!rowOf(a).voters && typeof a.voters === 'number';
  setText(voters, counting ? tn('screen.voters', a.voters) : '');
  show(voters, counting);
}

/*
 * protocol.js — what the server's tables say of the protocol, for the
 * pages: limits, activity states and what each allows, contribution
 * states, board kinds, screen modes, error codes (and which are worth
 * a retry) and export formats. Made from server/vocab.c, proto.h and
 * export.c by scripts/protocol-js, and checked against them by
 * tests/unit/test_vocab.c: change the tables, then run the script;
 * never edit this file by hand.
 */

export const LIMITS = Object.freeze({
  message_bytes: 16384,
  id: 64,
  code: 16,
  key: 128,
  text: 500,
  label: 80,
  action: 300,
  actions: 20
});

/* Activity states, in the order of a day, with what each allows. */
export const ACTIVITY_STATES = Object.freeze(['prepared', 'open', 'writing', 'reveal', 'voting', 'blind_voting', 'results', 'closed']);

export const CAPABILITIES = Object.freeze({
  prepared: Object.freeze({ post: false, vote: false, edit: false, texts: true, tallies: true, ranked: false, voters: false }),
  open: Object.freeze({ post: true, vote: true, edit: true, texts: true, tallies: true, ranked: false, voters: false }),
  writing: Object.freeze({ post: true, vote: false, edit: true, texts: false, tallies: false, ranked: false, voters: false }),
  reveal: Object.freeze({ post: false, vote: false, edit: false, texts: true, tallies: false, ranked: false, voters: false }),
  voting: Object.freeze({ post: false, vote: true, edit: false, texts: true, tallies: true, ranked: true, voters: false }),
  blind_voting: Object.freeze({ post: false, vote: true, edit: false, texts: true, tallies: false, ranked: false, voters: true }),
  results: Object.freeze({ post: false, vote: false, edit: false, texts: true, tallies: true, ranked: true, voters: false }),
  closed: Object.freeze({ post: false, vote: false, edit: false, texts: true, tallies: true, ranked: true, voters: false })
});

/* Contribution states: shown to everyone, or not. */
export const CONTRIBUTION_STATES = Object.freeze({
  visible: Object.freeze({ shown: true, live: true, counted: true }),
  awaiting: Object.freeze({ shown: false, live: true, counted: true }),
  hidden: Object.freeze({ shown: false, live: true, counted: true }),
  merged: Object.freeze({ shown: false, live: false, counted: true }),
  deleted: Object.freeze({ shown: false, live: false, counted: true }),
  removed: Object.freeze({ shown: false, live: true, counted: false })
});

export const BOARD_KINDS = Object.freeze(['notes', 'orientations']);

/* What a projection screen may show, chosen from the console. */
export const SCREEN_MODES = Object.freeze({
  board: Object.freeze({ one_contribution: false, whole_seminar: false }),
  results: Object.freeze({ one_contribution: false, whole_seminar: false }),
  swot: Object.freeze({ one_contribution: false, whole_seminar: false }),
  spotlight: Object.freeze({ one_contribution: true, whole_seminar: false }),
  plenary: Object.freeze({ one_contribution: false, whole_seminar: true })
});

/* Error codes; TRANSIENT ones are worth sending again later. */
export const ERRORS = Object.freeze(['bad_json', 'unknown_type', 'missing_field', 'bad_field', 'too_long', 'empty_text', 'unknown_seminar', 'unknown_activity', 'unknown_board', 'unknown_contribution', 'not_joined', 'not_owner', 'activity_state', 'vote_budget', 'already_voted', 'not_voted', 'not_orientation', 'bad_key', 'storage', 'internal', 'rate_limited', 'forbidden', 'stale', 'unknown_entry', 'other_activity', 'unknown_screen']);

export const TRANSIENT = Object.freeze(['storage', 'internal', 'rate_limited']);

export const EXPORT_FORMATS = Object.freeze(['md', 'html', 'csv', 'json']);

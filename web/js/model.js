/*
 * model.js — what a page knows of one seminar: its activities and the
 * contributions it has received, kept up to date from snapshots, events
 * and acknowledgements.
 *
 * Owns: upserting activities and contributions by id, the orderings the
 * pages show (newest first, by votes, example actions by position), and
 * what a contribution's state says (shown, live: protocol.js). Must not
 * touch the network or the DOM.
 */

import { CONTRIBUTION_STATES } from './protocol.js';

const GONE = Object.freeze({});

/* The row of contribution c's state (protocol.js CONTRIBUTION_STATES);
 * a state this page does not know is neither shown nor live. */
function stateOf(c) {
  return CONTRIBUTION_STATES[c.state] || GONE;
}

/* True when contribution c's text reaches every audience (visible). */
export function shown(c) {
  return !!stateOf(c).shown;
}

/* True when contribution c can still be acted on (not deleted, not
 * merged into another). */
export function live(c) {
  return !!stateOf(c).live;
}

export class Model {
  /* keepHiddenText: a facilitator page keeps the text of a contribution
   * that an event hides (events carry null text for those not shown). */
  constructor(options) {
    this.keepHiddenText = !!(options && options.keepHiddenText);
    this.seminar = null;
    this.activities = new Map();
    this.order = [];
    this.contributions = new Map();
    this.listeners = [];
  }

  /* Registers fn(change); change is {kind, item, isNew} or {kind:'reset'}. */
  onChange(fn) {
    this.listeners.push(fn);
  }

  emit(change) {
    this.listeners.forEach(function (fn) { fn(change); });
  }

  /* Replaces the seminar and its activities (joined / synced replies). */
  setSeminar(seminar) {
    if (!seminar) return;
    this.seminar = seminar;
    this.activities = new Map();
    this.order = [];
    (seminar.activities || []).forEach(function (a) {
      this.activities.set(a.id, a);
      this.order.push(a.id);
    }, this);
    this.emit({ kind: 'seminar' });
  }

  /* Replaces or adds one activity (an "activity" event or a set_state ack). */
  upsertActivity(activity) {
    if (!activity || !activity.id) return;
    if (!this.activities.has(activity.id)) this.order.push(activity.id);
    this.activities.set(activity.id, activity);
    this.emit({ kind: 'activity', item: activity });
  }

  /* Activities in programme order. */
  activityList() {
    return this.order.map(function (id) { return this.activities.get(id); }, this);
  }

  activity(id) {
    return this.activities.get(id) || null;
  }

  /* Replaces every contribution (a snapshot). */
  replaceContributions(list) {
    this.contributions = new Map();
    (list || []).forEach(function (c) { this.store(c); }, this);
    this.emit({ kind: 'reset' });
  }

  store(c) {
    const previous = this.contributions.get(c.id);
    let next = c;
    if (this.keepHiddenText && previous && !shown(c) && c.text === null) {
      next = Object.assign({}, c, { text: previous.text, author: previous.author });
    }
    this.contributions.set(c.id, next);
    if (Array.isArray(c.actions)) c.actions.forEach(function (a) { this.store(a); }, this);
    return !previous;
  }

  /* Replaces or adds one contribution (event or ack). */
  upsertContribution(c) {
    if (!c || c.id === undefined || c.id === null) return;
    const isNew = this.store(c);
    this.emit({ kind: 'contribution', item: this.contributions.get(c.id), isNew: isNew });
  }

  contribution(id) {
    return this.contributions.get(id) || null;
  }

  /* Top-level contributions of one board that can still be acted on.
   * visibleOnly keeps those shown to everyone only; sort is "recent"
   * (newest first) or "votes". */
  topLevel(activityId, boardId, sort, visibleOnly) {
    const out = [];
    this.contributions.forEach(function (c) {
      if (c.activity !== activityId || c.board !== boardId) return;
      if (c.parent !== null && c.parent !== undefined) return;
      if (!live(c)) return;
      if (visibleOnly && !shown(c)) return;
      out.push(c);
    });
    out.sort(sort === 'votes' ? byVotes : byRecent);
    return out;
  }

  /* Example actions of an orientation that can still be acted on, in
   * position order (visibleOnly: those shown to everyone only). */
  actionsOf(parentId, visibleOnly) {
    const out = [];
    this.contributions.forEach(function (c) {
      if (c.parent !== parentId || !live(c)) return;
      if (visibleOnly && !shown(c)) return;
      out.push(c);
    });
    out.sort(function (a, b) { return (a.position - b.position) || (a.id - b.id); });
    return out;
  }
}

function byRecent(a, b) {
  if (a.created !== b.created) return a.created < b.created ? 1 : -1;
  return b.id - a.id;
}

function byVotes(a, b) {
  return (b.votes - a.votes) || byRecent(a, b);
}

/*
 * model.js — what a page knows of one seminar: its activities and the
 * contributions it has received, kept up to date from snapshots, events
 * and acknowledgements.
 *
 * Owns: upserting activities and contributions by id, the indexes that
 * keep a query to what it asks for (by board, by parent, by theme), the
 * orderings the pages show (newest first, by votes, example actions by
 * position), and what a contribution's state says (shown, live:
 * protocol.js). Each event updates the indexes and the ordered lists of
 * its board only; nothing is rebuilt per frame. Must not touch the
 * network or the DOM.
 */

import { CONTRIBUTION_STATES } from './protocol.js';

const GONE = Object.freeze({});

/* The row of contribution c's state (protocol.js CONTRIBUTION_STATES);
 * a state this page does not know is neither shown nor live. */
function stateOf(c) {
  return CONTRIBUTION_STATES[c.state] || GONE;
}

/* True when contribution c's text reaches every audience (visible) and
 * this page has it: a phase that keeps the others' texts back (private
 * writing) sends them without (text null) until they are revealed. */
export function shown(c) {
  return !!stateOf(c).shown && c.text !== null;
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
    this.listeners = [];
    this.clearContributions();
  }

  /* Empties the contributions and their indexes:
   *   boards   "activity\nboard" -> Set of the top-level contributions'
   *            ids (every state; the queries filter);
   *   parents  parent id -> Set of its example actions' ids;
   *   themes   c.theme (null when none) -> Set of ids;
   *   sorted   "activity\nboard" -> Map "sort/visibleOnly" -> the
   *            board's ordered list, kept up to date by insertion and
   *            removal while it exists. */
  clearContributions() {
    this.contributions = new Map();
    this.boards = new Map();
    this.parents = new Map();
    this.themes = new Map();
    this.sorted = new Map();
  }

  /* Registers fn(change); change is {kind: 'contribution', item, previous
   * (the contribution as it was, null when new), isNew}, {kind:
   * 'activity', item}, {kind: 'seminar'} or {kind: 'reset'}. */
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
    this.clearContributions();
    (list || []).forEach(function (c) { this.store(c); }, this);
    this.emit({ kind: 'reset' });
  }

  /* Stores c (and its example actions), indexed; returns the
   * contribution it replaced, or null. */
  store(c) {
    const previous = this.contributions.get(c.id) || null;
    let next = c;
    if (this.keepHiddenText && previous && !shown(c) && c.text === null) {
      next = Object.assign({}, c, { text: previous.text, author: previous.author });
    }
    if (previous) this.unindex(previous);
    this.contributions.set(c.id, next);
    this.index(next);
    if (Array.isArray(c.actions)) c.actions.forEach(function (a) { this.store(a); }, this);
    return previous;
  }

  /* Adds c to the indexes and to the board's ordered lists it belongs in. */
  index(c) {
    if (isTop(c)) {
      const key = boardKey(c.activity, c.board);
      addTo(this.boards, key, c.id);
      const lists = this.sorted.get(key);
      if (lists) lists.forEach(function (list, variant) { if (fits(c, variant)) insertSorted(list, c, variant); });
    } else {
      addTo(this.parents, c.parent, c.id);
    }
    addTo(this.themes, themeOf(c), c.id);
  }

  /* Takes c (the object the model held) out of what index(c) put it in. */
  unindex(c) {
    if (isTop(c)) {
      const key = boardKey(c.activity, c.board);
      removeFrom(this.boards, key, c.id);
      const lists = this.sorted.get(key);
      if (lists) lists.forEach(function (list, variant) { if (fits(c, variant)) removeSorted(list, c, variant); });
    } else {
      removeFrom(this.parents, c.parent, c.id);
    }
    removeFrom(this.themes, themeOf(c), c.id);
  }

  /* Replaces or adds one contribution (event or ack). */
  upsertContribution(c) {
    if (!c || c.id === undefined || c.id === null) return;
    const previous = this.store(c);
    this.emit({ kind: 'contribution', item: this.contributions.get(c.id), previous: previous, isNew: !previous });
  }

  contribution(id) {
    return this.contributions.get(id) || null;
  }

  /* Top-level contributions of one board that can still be acted on.
   * visibleOnly keeps those shown to everyone only; sort is "recent"
   * (newest first) or "votes". The list is the model's own, kept in
   * order as contributions come: read it, never change it. */
  topLevel(activityId, boardId, sort, visibleOnly) {
    const key = boardKey(activityId, boardId);
    const variant = (sort === 'votes' ? 'votes' : 'recent') + (visibleOnly ? '/shown' : '/live');
    let lists = this.sorted.get(key);
    if (!lists) {
      lists = new Map();
      this.sorted.set(key, lists);
    }
    let list = lists.get(variant);
    if (!list) {
      list = this.pick(this.boards.get(key), function (c) { return fits(c, variant); });
      list.sort(compareFor(variant));
      lists.set(variant, list);
    }
    return list;
  }

  /* How many top-level contributions of one board are visible, their
   * texts received or not (private writing sends them without). */
  countVisible(activityId, boardId) {
    return this.pick(this.boards.get(boardKey(activityId, boardId)), function (c) {
      return !!stateOf(c).shown;
    }).length;
  }

  /* Example actions of an orientation that can still be acted on, in
   * position order (visibleOnly: those shown to everyone only). */
  actionsOf(parentId, visibleOnly) {
    const out = this.pick(this.parents.get(parentId), function (c) {
      return live(c) && (!visibleOnly || shown(c));
    });
    out.sort(function (a, b) { return (a.position - b.position) || (a.id - b.id); });
    return out;
  }

  /* Every contribution of a theme (null: those in none), in any state,
   * by id. */
  themed(theme) {
    const out = this.pick(this.themes.get(theme === undefined ? null : theme), function () { return true; });
    out.sort(function (a, b) { return a.id - b.id; });
    return out;
  }

  /* The contributions whose ids are in the set ids that keep(c) accepts. */
  pick(ids, keep) {
    const out = [];
    if (ids) {
      ids.forEach(function (id) {
        const c = this.contributions.get(id);
        if (keep(c)) out.push(c);
      }, this);
    }
    return out;
  }
}

function isTop(c) {
  return c.parent === null || c.parent === undefined;
}

function themeOf(c) {
  return c.theme === undefined ? null : c.theme;
}

function boardKey(activityId, boardId) {
  return activityId + '\n' + boardId;
}

function addTo(index, key, id) {
  let set = index.get(key);
  if (!set) {
    set = new Set();
    index.set(key, set);
  }
  set.add(id);
}

function removeFrom(index, key, id) {
  const set = index.get(key);
  if (!set) return;
  set.delete(id);
  if (set.size === 0) index.delete(key);
}

/* True when top-level contribution c belongs in an ordered list of this
 * variant ("recent/live", "votes/shown", …). */
function fits(c, variant) {
  return live(c) && (variant.endsWith('/live') || shown(c));
}

function compareFor(variant) {
  return variant.startsWith('votes') ? byVotes : byRecent;
}

/* The first index of list (ordered by variant's order) whose element
 * does not come before c. */
function position(list, c, variant) {
  const cmp = compareFor(variant);
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cmp(list[mid], c) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function insertSorted(list, c, variant) {
  list.splice(position(list, c, variant), 0, c);
}

/* Removes c itself (the order is total: ids break ties, so c sits where
 * position() looks). */
function removeSorted(list, c, variant) {
  const at = position(list, c, variant);
  if (list[at] === c) list.splice(at, 1);
}

function byRecent(a, b) {
  if (a.created !== b.created) return a.created < b.created ? 1 : -1;
  return b.id - a.id;
}

function byVotes(a, b) {
  return (b.votes - a.votes) || byRecent(a, b);
}

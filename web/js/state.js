/*
 * state.js — the one state container of a page: what the page knows (its
 * Model of the seminar, the connection's status) and its interface state
 * (what is chosen, what waits for a reply, how many rows are shown), in
 * one place.
 *
 * Owns: the values, changed only through set() and update(); the parts
 * of the page each change marks (names the page chooses: "status",
 * "board:…", ALL); and the subscribers, told after each mark. The page
 * subscribes its render (once per animation frame, dom.js onFrame),
 * which takes the parts marked since it last ran and draws those only:
 * a frame costs what changed, not what exists. Must not touch the DOM,
 * the network or storage.
 */

/* The part that stands for the whole page (a snapshot, a language). */
export const ALL = '*';

export class PageState {
  /* initial: the page's fields and their first values. The whole page
   * starts marked. */
  constructor(initial) {
    this.values = Object.assign({}, initial);
    this.marked = new Set([ALL]);
    this.subscribers = [];
  }

  /* The value of field name. A Set or Map read here is changed through
   * update(), never directly. */
  get(name) {
    return this.values[name];
  }

  /* Gives each field of patch its value; when one changed, marks parts
   * (a name or a list; default: the names of the fields that changed). */
  set(patch, parts) {
    const changed = Object.keys(patch).filter(function (name) {
      return this.values[name] !== patch[name];
    }, this);
    if (!changed.length) return;
    changed.forEach(function (name) { this.values[name] = patch[name]; }, this);
    this.mark(parts === undefined ? changed : parts);
  }

  /* Changes field name in place with fn(value) (a Set, a Map), then marks
   * parts (default: name). Returns what fn returned. */
  update(name, fn, parts) {
    const result = fn(this.values[name]);
    this.mark(parts === undefined ? name : parts);
    return result;
  }

  /* Marks parts (a name or a list of names) to be drawn again and tells
   * the subscribers; an empty list marks nothing and tells no one (a
   * change the page has already drawn). */
  mark(parts) {
    const list = Array.isArray(parts) ? parts : [parts];
    if (!list.length) return;
    list.forEach(function (p) { this.marked.add(p); }, this);
    this.subscribers.forEach(function (fn) { fn(); });
  }

  /* Registers fn(), called after every mark. */
  subscribe(fn) {
    this.subscribers.push(fn);
  }

  /* The parts marked since the last call (a Set), forgotten here. */
  take() {
    const marked = this.marked;
    this.marked = new Set();
    return marked;
  }

  /* Marks, for each change of model, the parts partsOf(change) names. */
  follow(model, partsOf) {
    const self = this;
    model.onChange(function (change) { self.mark(partsOf(change)); });
  }
}

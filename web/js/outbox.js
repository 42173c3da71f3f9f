/*
 * outbox.js — posts waiting for their acknowledgement, kept in
 * localStorage so that nothing typed is lost to a dropped connection, a
 * closed tab or a reloaded page.
 *
 * Owns: the list of unacknowledged post messages of one seminar (key
 * "atelier.outbox.<code>"), each with its client id, in the order they
 * were written. A message is saved BEFORE it is sent and removed only when
 * its ack or a final error arrives; the page resends the list after every
 * (re)connection with the same ids. Must not touch the network or the DOM.
 */

import { getLocal, setLocal } from './storage.js';

export class Outbox {
  constructor(code) {
    this.key = 'atelier.outbox.' + code;
    this.listeners = [];
    this.memory = null; /* used only when storage refuses a write */
  }

  /* Registers fn(), called whenever the list changes. */
  onChange(fn) {
    this.listeners.push(fn);
  }

  /* Entries {msg, saved}, oldest first. Read from storage every time so
   * that two tabs of the same seminar see the same list. */
  list() {
    if (this.memory) return this.memory.slice();
    const stored = getLocal(this.key, []);
    return Array.isArray(stored) ? stored : [];
  }

  size() {
    return this.list().length;
  }

  has(id) {
    return this.list().some(function (e) { return e.msg.id === id; });
  }

  save(entries) {
    if (!setLocal(this.key, entries.length ? entries : null)) this.memory = entries;
    else this.memory = null;
    this.listeners.forEach(function (fn) { fn(); });
  }

  /* Saves msg (a complete post message with its id). Returns true when it
   * reached localStorage, false when only memory holds it. */
  add(msg) {
    const entries = this.list();
    entries.push({ msg: msg, saved: new Date().toISOString() });
    this.save(entries);
    return this.memory === null;
  }

  /* Removes the entry of message id; returns it (or null). */
  remove(id) {
    const entries = this.list();
    let found = null;
    const rest = entries.filter(function (e) {
      if (e.msg.id !== id) return true;
      found = e;
      return false;
    });
    if (found) this.save(rest);
    return found;
  }
}

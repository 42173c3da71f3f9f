/*
 * fakes.mjs — the browser the pages' logic modules see under Node's own
 * test runner (node --test; Node 18's features only): a Storage that can
 * refuse writes, a WebSocket the test drives (open, reply, drop), window
 * and document with their events, navigator.onLine, and a clock whose
 * timers run only when the test moves it.
 *
 * Importing this module puts window, document, navigator and WebSocket in
 * place. Import it before any module of web/js: storage.js tries its
 * storage when it is imported.
 */

import { webcrypto } from 'node:crypto';

export class FakeStorage {
  constructor() {
    this.items = new Map();
    this.refuse = false; /* true: every write throws, as a full storage does */
  }

  getItem(k) { return this.items.has(k) ? this.items.get(k) : null; }
  setItem(k, v) {
    if (this.refuse) throw new Error('QuotaExceededError');
    this.items.set(k, String(v));
  }

  removeItem(k) { this.items.delete(k); }
}

/* A WebSocket that the test opens, answers and drops. Every one made is
 * in FakeSocket.all, the newest last; what the page sent is in sent, as
 * parsed JSON. */
export class FakeSocket {
  constructor(url, protocol) {
    this.url = url;
    this.protocol = protocol;
    this.readyState = 0;
    this.sent = [];
    this.closed = null; /* the code it was closed with by the page */
    FakeSocket.all.push(this);
  }

  send(data) {
    if (this.readyState !== 1) throw new Error('InvalidStateError');
    this.sent.push(JSON.parse(data));
  }

  close(code) {
    this.closed = code === undefined ? 1005 : code;
    this.readyState = 3;
  }

  /* The connection opens. */
  open() {
    this.readyState = 1;
    if (this.onopen) this.onopen();
  }

  /* The network drops it. */
  drop() {
    this.readyState = 3;
    if (this.onclose) this.onclose();
  }

  /* The server sends msg. */
  reply(msg) {
    if (this.onmessage) this.onmessage({ data: JSON.stringify(msg) });
  }

  /* The last message of this type the page sent, or undefined. */
  last(type) {
    return this.sent.filter((m) => m.type === type).pop();
  }

  /* How many messages of this type the page sent. */
  count(type) {
    return this.sent.filter((m) => m.type === type).length;
  }

  static newest() {
    return FakeSocket.all[FakeSocket.all.length - 1];
  }
}
FakeSocket.all = [];

/* Something with addEventListener, and fire(type) to play an event. */
function eventTarget(fields) {
  const listeners = new Map();
  return Object.assign({
    addEventListener(type, fn) {
      if (!listeners.has(type)) listeners.set(type, new Set());
      listeners.get(type).add(fn);
    },
    removeEventListener(type, fn) {
      if (listeners.has(type)) listeners.get(type).delete(fn);
    },
    fire(type) {
      (listeners.get(type) || new Set()).forEach((fn) => fn({ type: type }));
    }
  }, fields);
}

export const local = new FakeStorage();
export const session = new FakeStorage();

globalThis.window = eventTarget({
  localStorage: local,
  sessionStorage: session,
  location: { protocol: 'http:', host: 'atelier.test', pathname: '/' },
  crypto: webcrypto
});
globalThis.document = eventTarget({});
Object.defineProperty(globalThis, 'navigator', { value: { onLine: true }, configurable: true, writable: true });
globalThis.WebSocket = FakeSocket;

/*
 * A clock for the timers of the code under test: install() puts its
 * setTimeout, clearTimeout, setInterval, clearInterval and Date.now in
 * place of the real ones, uninstall() gives those back. Its time moves
 * only with tick(ms), which runs every timer due by then, in order of
 * their time (timers set meanwhile included).
 */
export class FakeClock {
  constructor() {
    this.now = 1000000;
    this.timers = new Map(); /* handle -> {at, fn, every} */
    this.next = 1;
    this.saved = null;
  }

  install() {
    const self = this;
    this.saved = { setTimeout, clearTimeout, setInterval, clearInterval, now: Date.now };
    globalThis.setTimeout = (fn, ms) => self.add(fn, ms, 0);
    globalThis.setInterval = (fn, ms) => self.add(fn, ms, Math.max(1, ms || 0));
    globalThis.clearTimeout = (h) => self.timers.delete(h);
    globalThis.clearInterval = (h) => self.timers.delete(h);
    Date.now = () => self.now;
    return this;
  }

  uninstall() {
    if (!this.saved) return;
    globalThis.setTimeout = this.saved.setTimeout;
    globalThis.clearTimeout = this.saved.clearTimeout;
    globalThis.setInterval = this.saved.setInterval;
    globalThis.clearInterval = this.saved.clearInterval;
    Date.now = this.saved.now;
    this.saved = null;
  }

  add(fn, ms, every) {
    const h = this.next++;
    this.timers.set(h, { at: this.now + Math.max(0, ms || 0), fn: fn, every: every });
    return h;
  }

  /* Moves the time ms forward, running what falls due. */
  tick(ms) {
    const end = this.now + ms;
    for (;;) {
      let due = null;
      this.timers.forEach((t, h) => {
        if (t.at <= end && (!due || t.at < due.t.at || (t.at === due.t.at && h < due.h))) due = { h: h, t: t };
      });
      if (!due) break;
      this.now = due.t.at;
      if (due.t.every) due.t.at += due.t.every;
      else this.timers.delete(due.h);
      due.t.fn();
    }
    this.now = end;
  }
}

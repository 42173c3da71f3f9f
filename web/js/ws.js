/*
 * ws.js — the WebSocket client of protocol atelier.v1 (docs/PROTOCOL.md).
 *
 * Owns: one connection to ws(s)://host/ws, reconnection with exponential
 * back-off and jitter, the join (with the stored participant token) and
 * watch (with "since" = the last sequence seen) that follow every
 * connection, dropping events already seen, applying snapshots, events and
 * acknowledgements to a Model, and routing replies to their requests.
 * Resends unanswered writes after a reconnect (the server answers a resent
 * id with the original reply). Must not touch the DOM or the outbox.
 */

import { newId } from './ids.js';
import { setLocal } from './storage.js';
import { SUBPROTOCOL, socketUrl, tokenKey, joinMessage } from './join.js';
import { CAPABILITIES, TRANSIENT } from './protocol.js';

const BACKOFF_MIN_MS = 500;
const BACKOFF_MAX_MS = 15000;
const CONNECT_TIMEOUT_MS = 10000;
const REPLY_TIMEOUT_MS = 20000;
const WATCHDOG_MS = 4000;

/* Status values given to onStatus. */
export const CONNECTING = 'connecting';
export const CONNECTED = 'connected';
export const RECONNECTING = 'reconnecting';
export const OFFLINE = 'offline';

export class AtelierClient {
  /*
   * options:
   *   code        seminar join code
   *   model       a Model to keep up to date
   *   participant true: join before watching (phones)
   *   profile()   returns {name, structure} to send with join (optional)
   *   key         facilitator key for watch (optional)
   *   activity    activity to watch, or null for all
   *   early       a connection opened before, to use as the first one
   *               (join.js takeEarly: {socket, join, received,
   *               openedAt}), or null
   *   beforeWatch(proceed)  optional: on each connection, before the
   *               watch (the screen asks what it shows first); the
   *               page calls proceed() to watch this.code, never when it
   *               has no seminar yet
   *   onStatus(status), onJoined(reply), onReady(synced), onError(error),
   *   onEvent(event) an event of a kind the Model does not hold (a
   *               screen's), once and in sequence
   */
  constructor(options) {
    this.options = options;
    this.model = options.model;
    this.code = options.code;
    this.activity = options.activity || null;
    this.attend = false; /* the participant opened this.activity (watch()) */
    this.socket = null;
    this.status = CONNECTING;
    this.lastSeq = 0;
    this.attempt = 0;
    this.ready = false;
    this.stopped = true;
    this.retryTimer = null;
    this.pending = new Map(); /* id -> {msg, cb, resend, gen: connection, sentAt} */
    this.watchId = null;
    this.generation = 0; /* counts connections: what was sent on which */
    this.watchedActivity = undefined; /* scope of the last watch sent */
    this.syncedActivity = undefined;  /* scope of the last snapshot applied */
    this.serverOffset = 0;  /* the server's clock minus the page's, in ms (timer.js) */
    this.watchdog = null;
    const self = this;
    /* Back online, or the page shown again: do not wait for the
     * back-off timer when no connection is open or opening. */
    this.wake = function () {
      if (!self.stopped && !self.socket) self.reconnectNow();
    };
    /* The browser says the network is gone. A socket it leaves open
     * would swallow requests that may never arrive: drop it now (the new
     * attempt fails and backs off until 'online' wakes it up). */
    this.offline = function () {
      self.setStatus(OFFLINE);
      if (!self.stopped && self.socket) self.reconnectNow();
    };
  }

  start() {
    if (!this.stopped) return;
    this.stopped = false;
    window.addEventListener('online', this.wake);
    window.addEventListener('offline', this.offline);
    document.addEventListener('visibilitychange', this.wake);
    const self = this;
    this.watchdog = setInterval(function () { self.checkHealth(); }, WATCHDOG_MS);
    this.connect();
  }

  stop() {
    this.stopped = true;
    window.removeEventListener('online', this.wake);
    window.removeEventListener('offline', this.offline);
    document.removeEventListener('visibilitychange', this.wake);
    clearInterval(this.watchdog);
    clearTimeout(this.retryTimer);
    if (this.socket) this.socket.close(1000);
    this.socket = null;
  }

  isOpen() {
    return !!this.socket && this.socket.readyState === 1;
  }

  setStatus(status) {
    if (navigator.onLine === false && status !== CONNECTED) status = OFFLINE;
    if (this.status === status) return;
    this.status = status;
    if (this.options.onStatus) this.options.onStatus(status);
  }

  connect() {
    clearTimeout(this.retryTimer);
    this.ready = false;
    this.generation += 1;
    const early = this.options.early;
    this.options.early = null;
    let socket = early ? early.socket : null;
    if (!socket) {
      try {
        socket = new WebSocket(socketUrl(), SUBPROTOCOL);
      } catch (e) {
        this.scheduleRetry();
        return;
      }
    }
    this.socket = socket;
    this.openedAt = early ? early.openedAt : Date.now();
    const self = this;
    socket.onopen = function () {
      if (self.socket !== socket) return;
      self.setStatus(CONNECTED);
      self.hello();
    };
    socket.onmessage = function (ev) {
      if (self.socket !== socket) return;
      self.receive(ev.data);
    };
    socket.onclose = function () {
      if (self.socket !== socket) return;
      self.socket = null;
      self.ready = false;
      if (!self.stopped) self.scheduleRetry();
    };
    socket.onerror = function () {
      /* onclose follows and schedules the retry */
    };
    /* An early connection already open has sent its join: wait for its
     * reply, which may be among what came before this client. */
    if (early && early.join) {
      this.setStatus(CONNECTED);
      this.hello(early.join);
      early.received.forEach(function (data) {
        if (self.socket === socket) self.receive(data);
      });
    }
  }

  /* One message's data from the socket. */
  receive(data) {
    let msg;
    try {
      msg = JSON.parse(data);
    } catch (e) {
      return;
    }
    this.dispatch(msg);
  }

  scheduleRetry() {
    this.setStatus(RECONNECTING);
    const ceiling = Math.min(BACKOFF_MAX_MS, BACKOFF_MIN_MS * Math.pow(2, this.attempt));
    const delay = ceiling / 2 + Math.random() * ceiling / 2;
    this.attempt = Math.min(this.attempt + 1, 16);
    const self = this;
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(function () { self.connect(); }, delay);
  }

  /* Drops the current connection and connects again at once. */
  reconnectNow() {
    this.attempt = 0;
    const old = this.socket;
    this.socket = null;
    if (old) {
      old.onclose = null;
      try { old.close(); } catch (e) { /* already closing */ }
    }
    this.connect();
  }

  /* A connection that does not open, or a reply that never comes, means
   * the network is gone without the browser noticing: start again. */
  checkHealth() {
    if (this.stopped || !this.socket) return;
    const now = Date.now();
    if (this.socket.readyState === 0 && now - this.openedAt > CONNECT_TIMEOUT_MS) {
      this.reconnectNow();
      return;
    }
    if (!this.isOpen()) return;
    let stale = false;
    const generation = this.generation;
    this.pending.forEach(function (p) {
      if (p.gen === generation && p.sentAt && now - p.sentAt > REPLY_TIMEOUT_MS) stale = true;
    });
    if (stale) this.reconnectNow();
  }

  /* First messages of every connection: join (phones), then watch.
   * sentJoin: a join already sent on this connection (an early one). */
  hello(sentJoin) {
    if (this.options.participant) {
      const msg = sentJoin || joinMessage(this.code, this.options.profile ? this.options.profile() : null);
      const self = this;
      this.request(msg, function (err) {
        if (err) {
          self.askAgain(err, function () { self.hello(); });
          return;
        }
        self.sendWatch(true);
      }, { resend: false, sent: !!sentJoin });
    } else if (this.options.beforeWatch) {
      const self = this;
      const generation = this.generation;
      this.options.beforeWatch(function () {
        if (self.generation === generation && self.isOpen() && self.code) self.sendWatch(true);
      });
    } else {
      this.sendWatch(true);
    }
  }

  fail(err) {
    if (this.options.onError) this.options.onError(err);
  }

  /* A join or watch was refused: the page is told why; when the refusal
   * is transient (protocol.js TRANSIENT: it passes by itself), again()
   * runs after the back-off delay, on this same connection (nothing is
   * resent on another one: its hello does that). */
  askAgain(err, again) {
    this.fail(err);
    if (TRANSIENT.indexOf(err.code) < 0) return;
    const generation = this.generation;
    const ceiling = Math.min(BACKOFF_MAX_MS, BACKOFF_MIN_MS * Math.pow(2, this.attempt));
    this.attempt = Math.min(this.attempt + 1, 16);
    const self = this;
    setTimeout(function () {
      if (!self.stopped && self.generation === generation && self.isOpen()) again();
    }, ceiling / 2 + Math.random() * ceiling / 2);
  }

  sendWatch(catchUp) {
    const msg = { type: 'watch', id: newId(), code: this.code };
    if (this.activity) msg.activity = this.activity;
    if (this.activity && this.attend) msg.attend = true;
    /* "since" is only valid for the scope the last snapshot covered. */
    if (catchUp && this.lastSeq > 0 && this.syncedActivity === this.activity) msg.since = this.lastSeq;
    this.watchedActivity = this.activity;
    if (this.options.key) msg.key = this.options.key;
    this.watchId = msg.id;
    const self = this;
    this.request(msg, function (err) {
      if (!err) return;
      self.askAgain(err, function () {
        if (self.watchId === msg.id) self.sendWatch(catchUp); /* not replaced since */
      });
    }, { resend: false });
  }

  /* Watches another activity (null: all): a fresh snapshot follows; the
   * same one again: what was missed since. attend: the participant opened
   * it (a phone on the activity list watches one without attending). */
  watch(activity, attend) {
    const same = (activity || null) === this.activity;
    this.activity = activity || null;
    this.attend = !!attend;
    this.ready = false;
    if (this.isOpen()) this.sendWatch(same);
  }

  /* Sends join again (to update the name or structure). */
  rejoin() {
    if (this.isOpen()) this.hello();
  }

  /* Sends msg if the socket is open. Returns true when sent. */
  send(msg) {
    if (!this.isOpen()) return false;
    try {
      this.socket.send(JSON.stringify(msg));
      return true;
    } catch (e) {
      return false;
    }
  }

  /*
   * Sends msg (which has its id) and calls cb(error, reply) when its reply
   * comes: error is the "error" message, or null. With opts.resend (the
   * default) the message is sent again after every reconnect until it is
   * answered. With opts.sent, msg already went on this connection: it is
   * only awaited. Returns true when sent now.
   */
  request(msg, cb, opts) {
    const resend = !opts || opts.resend !== false;
    const sent = (opts && opts.sent) || this.send(msg);
    if (sent || resend) {
      this.pending.set(msg.id, { msg: msg, cb: cb, resend: resend, gen: this.generation,
        sentAt: sent ? Date.now() : 0 });
    }
    return sent;
  }

  /* Forgets a request (its reply, if any, will be ignored). */
  forget(id) {
    this.pending.delete(id);
  }

  /* After a (re)connection is ready: writes sent on an earlier
   * connection go again; other requests of earlier connections will never
   * be answered and are dropped. */
  resendPending() {
    const self = this;
    this.pending.forEach(function (p, id) {
      if (p.gen === self.generation && p.sentAt) return;
      if (!p.resend) {
        self.pending.delete(id);
        return;
      }
      p.gen = self.generation;
      p.sentAt = self.send(p.msg) ? Date.now() : 0;
    });
  }

  dispatch(msg) {
    switch (msg.type) {
      case 'joined':
        if (msg.token) setLocal(tokenKey(this.code), msg.token);
        this.model.setSeminar(msg.seminar);
        if (this.options.onJoined) this.options.onJoined(msg);
        break;
      case 'synced':
        if (msg.re !== this.watchId) break; /* reply to a replaced watch */
        this.tellTime(msg.now);
        this.applySynced(msg);
        break;
      case 'event':
        this.applyEvent(msg);
        break;
      case 'ack':
        if (msg.contribution) this.model.upsertContribution(msg.contribution);
        if (msg.activity) this.model.upsertActivity(msg.activity);
        if (msg.screen && this.options.onEvent) this.options.onEvent({ kind: 'screen', screen: msg.screen });
        break;
      case 'group_counts':
      case 'history':
      case 'screen':
      case 'screens':
        break; /* a facilitator's figures or trail, a screen's own: the request's callback has them */
      case 'error':
        if (msg.re === null || msg.re === undefined || !this.pending.has(msg.re)) this.fail(msg);
        break;
      default:
        return;
    }
    this.answer(msg);
  }

  answer(msg) {
    if (msg.re === undefined || msg.re === null) return;
    const p = this.pending.get(msg.re);
    if (!p) return;
    this.pending.delete(msg.re);
    if (p.cb) p.cb(msg.type === 'error' ? msg : null, msg.type === 'error' ? null : msg);
  }

  applySynced(msg) {
    const before = new Map(this.model.activityList().map(function (a) { return [a.id, a.state]; }));
    this.model.setSeminar(msg.seminar);
    if (msg.mode === 'events') {
      (msg.events || []).forEach(function (ev) { this.applyEvent(ev); }, this);
      const again = this.model.activityList().some(function (a) {
        return this.phaseSent(before.get(a.id), a);
      }, this);
      if (again) {
        this.resnapshot();
        return;
      }
    } else {
      this.model.replaceContributions(msg.contributions);
    }
    if (typeof msg.seq === 'number' && msg.seq > this.lastSeq) this.lastSeq = msg.seq;
    this.syncedActivity = this.watchedActivity;
    this.ready = true;
    this.attempt = 0;
    this.resendPending();
    if (this.options.onReady) this.options.onReady(msg);
  }

  applyEvent(ev) {
    if (typeof ev.seq !== 'number' || ev.seq <= this.lastSeq) return;
    this.lastSeq = ev.seq;
    if (ev.kind === 'contribution') this.model.upsertContribution(ev.contribution);
    else if (ev.kind === 'activity') {
      if (ev.activity) this.tellTime(ev.activity.now);
      const before = this.model.activity(ev.activity && ev.activity.id);
      this.model.upsertActivity(ev.activity);
      if (this.phaseSent(before && before.state, ev.activity)) this.resnapshot();
    } else if (this.options.onEvent) this.options.onEvent(ev);
  }

  /* True when activity a, watched here, went from state before to a phase
   * that gives texts or tallies the one before kept back (a reveal, the
   * results), or the other way: what this page holds of it was sent for
   * the other phase. A facilitator's page always has everything. */
  phaseSent(before, a) {
    if (!before || !a || before === a.state || this.options.key) return false;
    if (this.activity !== null && this.activity !== a.id) return false;
    const was = CAPABILITIES[before] || {};
    const now = CAPABILITIES[a.state] || {};
    return was.texts !== now.texts || was.tallies !== now.tallies;
  }

  /* The server said its time now (ms; undefined: it did not): timers
   * count down from it (timer.js). */
  tellTime(now) {
    if (typeof now === 'number' && now > 0) this.serverOffset = now - Date.now();
  }

  /* Asks for a fresh snapshot: it brings every contribution as it may be
   * seen now (a catch-up brings only what changed since). */
  resnapshot() {
    this.ready = false;
    if (this.isOpen()) this.sendWatch(false);
  }
}

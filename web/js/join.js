/*
 * join.js — joining a seminar as a participant (docs/PROTOCOL.md): the
 * socket's address and subprotocol, the join message, the stored profile
 * and token; and the join link's head start.
 *
 * The head start: the phone page's head loads this module apart from
 * phone.js (index.html), so on /j/CODE it runs as soon as it and its few
 * imports arrive, before phone.js and its texts: it asks for the joined
 * phone's modules (importJoined), opens the connection and sends the join
 * while the rest of the page is on its way. ws.js takes that connection
 * over (takeEarly, through phone.js) with what the server answered
 * meanwhile. Elsewhere (/, the other pages, which import it through
 * ws.js) it does nothing by itself.
 *
 * Kept small, with small imports: a join link waits for all of them
 * before it can open the connection. Must not touch the DOM.
 */

import { normalizeCode } from './dom.js';
import { newId } from './ids.js';
import { getLocal, setLocal } from './storage.js';

export const SUBPROTOCOL = 'atelier.v1';

export function socketUrl() {
  const scheme = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
  return scheme + '//' + window.location.host + '/ws';
}

/* Where the participant token of a seminar is kept (localStorage). */
export function tokenKey(code) {
  return 'atelier.token.' + code;
}

/* The participant's name and structure as last saved: {name, structure},
 * each possibly absent. */
export function profile() {
  return getLocal('atelier.profile', {}) || {};
}

/* Saves p ({name, structure}) as the participant's profile. */
export function saveProfile(p) {
  setLocal('atelier.profile', p);
}

/* Where the participant's stakeholder group in seminar code is kept
 * (localStorage): its id, '' when they chose none, absent until asked. */
export function groupKey(code) {
  return 'atelier.group.' + code;
}

/* The group chosen for seminar code: an id, '' for none, null when the
 * participant was never asked. */
export function groupChoice(code) {
  return getLocal(groupKey(code), null);
}

/* Keeps id ('' or null: none) as the group chosen for seminar code; with
 * forget, forgets the choice instead (the participant is asked again). */
export function saveGroupChoice(code, id, forget) {
  setLocal(groupKey(code), forget ? null : id || '');
}

/* A join of seminar code, with a fresh id, the stored token if any, the
 * name and structure of p (a profile) when given, and the group chosen
 * for this seminar once the participant answered (null: none). */
export function joinMessage(code, p) {
  const msg = { type: 'join', id: newId(), code: code };
  const token = getLocal(tokenKey(code), null);
  const group = groupChoice(code);
  if (token) msg.token = token;
  if (p && p.name) msg.name = p.name;
  if (p && p.structure) msg.structure = p.structure;
  if (group !== null) msg.group = group || null;
  return msg;
}

/* The joined phone's modules: model, connection, outbox, ids, board and
 * writing forms (imported once; a failure lets a later call try again). */
let joinedModules = null;

export function importJoined() {
  if (!joinedModules) {
    joinedModules = Promise.all([import('./model.js'), import('./ws.js'), import('./outbox.js'),
      import('./ids.js'), import('./phone-board.js'), import('./phone-compose.js')])
      .catch(function (err) {
        joinedModules = null;
        throw err;
      });
  }
  return joinedModules;
}

/* {code, socket, join: the join sent or null, received: [message data],
 * openedAt} until taken. */
let early = null;

function open(code) {
  let socket;
  try {
    socket = new WebSocket(socketUrl(), SUBPROTOCOL);
  } catch (e) {
    return; /* ws.js tries again when it starts */
  }
  const e = { code: code, socket: socket, join: null, received: [], openedAt: Date.now() };
  socket.onopen = function () {
    e.join = joinMessage(code, profile());
    try {
      socket.send(JSON.stringify(e.join));
    } catch (err) {
      e.join = null;
    }
  };
  socket.onmessage = function (ev) {
    e.received.push(ev.data);
  };
  early = e;
}

/*
 * The early connection to seminar code, for ws.js to take over: {socket,
 * join, received, openedAt} (join: the join message already sent on it,
 * or null when it is not open yet; received: the data of the messages
 * that came since, in order), or null when there is none, it is closed,
 * or it is for another code (it is then closed). Gives it once.
 */
export function takeEarly(code) {
  const e = early;
  early = null;
  if (!e) return null;
  e.socket.onopen = null;
  e.socket.onmessage = null;
  if (e.code !== code || e.socket.readyState > 1 || (e.socket.readyState === 1 && !e.join)) {
    try { e.socket.close(1000); } catch (err) { /* already closing */ }
    return null;
  }
  return e;
}

const link = /^\/j\/([^/?#]+)/.exec(window.location.pathname);
if (link) {
  importJoined().catch(function () {});
  try {
    open(normalizeCode(decodeURIComponent(link[1])));
  } catch (e) {
    /* a malformed link: phone.js says so */
  }
}

/*
 * phone.js — the participant's page (web/index.html, served for / and
 * /j/CODE).
 *
 * Owns: joining a seminar by code or link, the participant's choices
 * (activity, board, order, name), the outbox (every post saved before it
 * is sent, resent after every reconnection until acknowledged), votes,
 * edits and deletions, and the status line. The board list and the
 * writing forms are drawn by phone-board.js and phone-compose.js; the
 * connection is ws.js. Must not put any user text into markup.
 *
 * What only a joined phone needs (model, connection, outbox, ids, board,
 * writing forms) is imported apart (loadJoined): on a slow network the
 * join form is usable before it arrives. On a join link join.js asks
 * for it and opens the connection before this module runs; else it
 * is asked for as soon as the join form is ready.
 */

import { bindIds, el, setText, show, syncList, onFrame, charCount, normalizeCode } from './dom.js';
import * as i18n from './i18n.js';
import { t, tn, errorText } from './i18n.js';
import { getLocal, setLocal } from './storage.js';
import { renderStatus, renderState, bindLang, setTitle, capabilities } from './ui.js';
import { profile, saveProfile, importJoined, takeEarly } from './join.js';
import { LIMITS, ACTIVITY_STATES, CAPABILITIES, TRANSIENT } from './protocol.js';

/* The joined phone's modules, once loaded: Model, shown, AtelierClient,
 * CONNECTED, Outbox, newId, createBoard, createCompose. */
const mod = {};
let joinedModules = null;

/* Imports them (once); the promise resolves when they are in mod. A
 * failure (network lost) lets a later call try again. */
function loadJoined() {
  if (!joinedModules) {
    joinedModules = importJoined()
      .then(function (m) {
        mod.Model = m[0].Model;
        mod.shown = m[0].shown;
        mod.AtelierClient = m[1].AtelierClient;
        mod.CONNECTED = m[1].CONNECTED;
        mod.Outbox = m[2].Outbox;
        mod.newId = m[3].newId;
        mod.createBoard = m[4].createBoard;
        mod.createCompose = m[5].createCompose;
      }, function (err) {
        joinedModules = null;
        throw err;
      });
  }
  return joinedModules;
}

const RETRY_MS = 5000;

const ui = {};
const state = {
  code: null,
  model: null,
  client: null,
  outbox: null,
  board: null,
  compose: null,
  joined: false,
  focusOnJoin: false,  /* joined from the form: focus what it led to */
  loading: false,      /* waiting for the joined phone's modules */
  activity: null,      /* activity shown, or null: the list */
  opened: false,       /* the participant chose it (not the page): attends it */
  browsing: false,     /* the participant went back to the list */
  boards: {},          /* activity id -> board id shown */
  sort: getLocal('atelier.sort', 'recent'),
  mine: new Set(),     /* my contribution ids */
  myVotes: new Set(),  /* contribution ids I voted for */
  votesLeft: new Map(), /* activity id -> votes left, from vote acks */
  busy: new Set(),     /* contribution ids with a request in flight */
  sentOn: new Map(),   /* outbox id -> connection generation it was sent on */
  retryTimer: null,
  delayed: false,      /* the notice says why posts wait (transient error) */
  fresh: 0,            /* new contributions not yet announced */
  freshTimer: null
};

const schedule = onFrame(render);

/* "Name — Structure", what a signed post carries as author (LIMITS.label
 * characters at most). */
function signature() {
  const p = profile();
  const label = [p.name, p.structure].filter(function (s) { return s; }).join(' — ');
  return Array.from(label).slice(0, LIMITS.label).join('');
}

/* ===== Announcements (aria-live) and messages ===== */

function announce(text) {
  setText(ui.live, '');
  setTimeout(function () { setText(ui.live, text); }, 50);
}

function countFresh() {
  state.fresh += 1;
  clearTimeout(state.freshTimer);
  state.freshTimer = setTimeout(function () {
    announce(tn('phone.new_items', state.fresh));
    state.fresh = 0;
  }, 1500);
}

function notice(text) {
  setText(ui.notice, text || '');
  show(ui.notice, !!text);
}

/* ===== Joining ===== */

/* Joins code once the joined phone's modules are there (the page says
 * "connecting" meanwhile). */
function connect(code) {
  state.loading = true;
  schedule();
  loadJoined().then(function () {
    state.loading = false;
    startClient(code);
  }, function () {
    state.loading = false;
    setText(ui.joinError, t('phone.load_failed'));
    show(ui.joinError, true);
    schedule();
  });
}

/* The board and the writing forms, made once. */
function createParts() {
  if (state.board) return;
  state.compose = mod.createCompose(function () { return state.code; }, { post: post });
  state.board = mod.createBoard(ui.boardList, {
    vote: vote, unvote: unvote, edit: edit, remove: remove, addAction: addAction
  });
}

function startClient(code) {
  createParts();
  if (state.client) state.client.stop();
  state.code = code;
  state.joined = false;
  state.model = new mod.Model();
  state.outbox = new mod.Outbox(code);
  state.sentOn = new Map();
  state.model.onChange(function (change) {
    const c = change.item;
    if (change.kind === 'contribution' && change.isNew && mod.shown(c) &&
        c.activity === state.activity && !state.mine.has(c.id) &&
        (c.parent === null || c.parent === undefined)) countFresh();
    schedule();
  });
  state.outbox.onChange(schedule);
  state.client = new mod.AtelierClient({
    code: code,
    model: state.model,
    participant: true,
    early: takeEarly(code),
    profile: profile,
    onStatus: schedule,
    onJoined: onJoined,
    onReady: onReady,
    onError: onError
  });
  state.client.start();
  setText(ui.joinError, '');
  show(ui.joinError, false);
  schedule();
}

/* A participant can act in activity a now: post or vote. */
function actionable(a) {
  const can = capabilities(a);
  return !!(can.post || can.vote);
}

/* The first state of the day (ACTIVITY_STATES) in which participants
 * act: an activity before it (prepared) has nothing to show yet. */
const FIRST_ACTIVE = ACTIVITY_STATES.findIndex(function (s) {
  return CAPABILITIES[s].post || CAPABILITIES[s].vote;
});

/* An activity that has started opens, one that is over (closed) to be
 * read (no writing, no votes). */
function openable(a) {
  return ACTIVITY_STATES.indexOf(a.state) >= FIRST_ACTIVE;
}

/* The order of the list: first what a participant can act in now (open
 * or voting), then what is to come (prepared), then what is over
 * (closed); within each group, the programme's order. */
function listGroup(a) {
  if (actionable(a)) return 0;
  return openable(a) ? 2 : 1;
}

function listOrder(list) {
  return list.map(function (a, i) { return { a: a, i: i }; }).sort(function (x, y) {
    return listGroup(x.a) - listGroup(y.a) || x.i - y.i;
  }).map(function (x) { return x.a; });
}

/* Which activity to watch: the one shown, else the one chosen last time,
 * else the only one open; when none, the first (for state changes). The
 * participant attends the one shown when they chose it, now or last time
 * (docs/EXPORTS.md): not the only one open, which the page enters by
 * itself, nor the first, watched while the list is shown. */
function chooseActivity() {
  const model = state.model;
  if (state.activity && !model.activity(state.activity)) state.activity = null;
  if (!state.activity && !state.browsing) {
    const saved = getLocal('atelier.activity.' + state.code, null);
    const open = model.activityList().filter(actionable);
    state.opened = !!saved && actionable(model.activity(saved));
    if (state.opened) state.activity = saved;
    else if (open.length === 1) state.activity = open[0].id;
  }
  if (state.activity) return state.activity;
  const first = model.activityList()[0];
  return first ? first.id : null;
}

function onJoined(msg) {
  state.joined = true;
  state.mine = new Set(msg.my_contributions || []);
  state.myVotes = new Set(msg.my_votes || []);
  state.votesLeft = new Map();
  setLocal('atelier.last', state.code);
  const path = '/j/' + encodeURIComponent(state.code);
  if (window.location.pathname !== path && window.history.replaceState) {
    window.history.replaceState(null, '', path);
  }
  state.client.activity = chooseActivity();
  state.client.attend = !!state.activity && state.opened;
  schedule();
}

function onReady() {
  if (state.delayed && state.outbox.size() === 0) {
    state.delayed = false;
    notice(null);
  }
  flushOutbox();
  schedule();
}

function onError(err) {
  if (!state.joined && (err.code === 'unknown_seminar' || err.code === 'bad_field')) {
    leave();
    setText(ui.joinError, errorText(err.code === 'bad_field' ? 'unknown_seminar' : err.code));
    show(ui.joinError, true);
    ui.joinCode.focus();
    return;
  }
  /* A join or watch refused for now is asked again by ws.js. */
  if (TRANSIENT.indexOf(err.code) >= 0) state.delayed = true;
  notice(errorText(err.code));
}

function leave() {
  if (state.client) state.client.stop();
  state.client = null;
  state.joined = false;
  state.activity = null;
  state.opened = false;
  state.browsing = false;
  state.focusOnJoin = false;
  if (window.history.replaceState) window.history.replaceState(null, '', '/');
  schedule();
}

/* ===== Outbox ===== */

/* True when msg, as sent, is over the protocol's message limit (an
 * orientation with many long actions in a script of 3- or 4-byte
 * characters can be, while each field is within its own limit): the
 * server closes a connection that sends more (1009), so such a post would
 * never get through. */
function tooBig(msg) {
  return new TextEncoder().encode(JSON.stringify(msg)).length > LIMITS.message_bytes;
}

function flushOutbox() {
  const client = state.client;
  if (!client || !client.ready) return;
  state.outbox.list().forEach(function (entry) {
    const msg = entry.msg;
    if (state.sentOn.get(msg.id) === client.generation) return;
    if (tooBig(msg)) postResult(msg, { code: 'too_long' }, null);
    else sendPost(msg);
  });
}

function sendPost(msg) {
  const client = state.client;
  if (client.request(msg, function (err, reply) { postResult(msg, err, reply); }, { resend: false })) {
    state.sentOn.set(msg.id, client.generation);
  }
}

function retryLater() {
  clearTimeout(state.retryTimer);
  /* Refused posts were already forgotten by postResult; the others are
   * still awaited on this connection and must not be sent again. */
  state.retryTimer = setTimeout(flushOutbox, RETRY_MS);
}

function postResult(msg, err, reply) {
  state.sentOn.delete(msg.id);
  if (!err) {
    state.outbox.remove(msg.id);
    if (state.delayed && state.outbox.size() === 0) {
      state.delayed = false;
      notice(null);
    }
    const c = reply.contribution;
    if (c) {
      state.mine.add(c.id);
      (c.actions || []).forEach(function (a) { state.mine.add(a.id); });
    }
    schedule();
    return;
  }
  /* After a transient error a post is worth sending again later: it
   * stays in the outbox (its text kept, shown as waiting) and the page
   * says why. Every other error is final: the text goes back to its
   * field. */
  if (TRANSIENT.indexOf(err.code) >= 0) {
    if (!state.delayed) announce(errorText(err.code));
    state.delayed = true;
    notice(errorText(err.code));
    retryLater();
    return;
  }
  if (err.code === 'not_joined') {
    state.client.rejoin();
    return;
  }
  /* Final: the server will never take it. Give the text back, in its
   * board's field when that board's activity is the one shown. */
  state.outbox.remove(msg.id);
  const message = errorText(err.code);
  if (msg.activity === state.activity && msg.parent === undefined) state.boards[msg.activity] = msg.board;
  render();
  if (!state.compose.restore(msg, message)) {
    notice(t('phone.post_refused', { error: message, text: msg.text }));
  }
  announce(message);
}

/* Saves a post in the outbox, then sends it. Returns true when taken;
 * false when it is too big to send (the text stays where it was typed). */
function queuePost(msg) {
  if (tooBig(msg)) {
    notice(errorText('too_long'));
    announce(errorText('too_long'));
    return false;
  }
  if (!state.outbox.add(msg)) notice(t('phone.storage_warning'));
  sendPost(msg);
  if (state.client.status !== mod.CONNECTED) announce(t('phone.saved_offline'));
  schedule();
  return true;
}

/* From the compose forms: a note, or an orientation with its actions. */
function post(data) {
  const a = state.model.activity(state.activity);
  if (!a || !state.boards[a.id]) return false;
  const msg = { type: 'post', id: mod.newId(), activity: a.id, board: state.boards[a.id], text: data.text };
  if (data.author) msg.author = data.author;
  if (data.actions && data.actions.length) msg.actions = data.actions;
  return queuePost(msg);
}

/* From an orientation card: one more example action. */
function addAction(orientation, value) {
  const text = value.trim();
  let problem = null;
  if (text === '') problem = errorText('empty_text');
  else if (charCount(text) > LIMITS.action) problem = errorText('too_long');
  if (problem) {
    notice(problem);
    return false;
  }
  notice(null);
  const msg = { type: 'post', id: mod.newId(), activity: orientation.activity,
    board: orientation.board, text: text, parent: orientation.id };
  const sig = ui.sign.checked ? signature() : '';
  if (sig) msg.author = sig;
  return queuePost(msg);
}

/* ===== Votes, edits, deletions (sent again after a reconnect) ===== */

function write(msg, c, done) {
  state.busy.add(c.id);
  notice(null);
  state.client.request(msg, function (err, reply) {
    state.busy.delete(c.id);
    done(err, reply);
    schedule();
  });
  schedule();
}

function vote(c) {
  write({ type: 'vote', id: mod.newId(), contribution: c.id }, c, function (err, reply) {
    if (!err || err.code === 'already_voted') state.myVotes.add(c.id);
    if (!err && typeof reply.votes_left === 'number') state.votesLeft.set(c.activity, reply.votes_left);
    if (err && err.code !== 'already_voted') notice(errorText(err.code));
    else announce(t('phone.vote_done'));
  });
}

function unvote(c) {
  write({ type: 'unvote', id: mod.newId(), contribution: c.id }, c, function (err, reply) {
    if (!err || err.code === 'not_voted') state.myVotes.delete(c.id);
    if (!err && typeof reply.votes_left === 'number') state.votesLeft.set(c.activity, reply.votes_left);
    if (err && err.code !== 'not_voted') notice(errorText(err.code));
    else announce(t('phone.unvote_done'));
  });
}

function edit(c, value, done) {
  const text = value.trim();
  if (text === '') return done('empty_text', errorText('empty_text'));
  if (charCount(text) > LIMITS.text) return done('too_long', errorText('too_long'));
  write({ type: 'edit', id: mod.newId(), contribution: c.id, text: text }, c, function (err) {
    if (err) done(err.code, errorText(err.code));
    else done(null);
  });
}

function remove(c) {
  write({ type: 'delete', id: mod.newId(), contribution: c.id }, c, function (err) {
    if (err) notice(errorText(err.code));
    else announce(t('phone.deleted'));
  });
}

/* ===== Choosing ===== */

/* Watches the activity shown, as attending it when the participant chose
 * it: again when the connection watched it for its state only. */
function follow() {
  const client = state.client;
  if (client.activity !== state.activity || client.attend !== state.opened) {
    client.watch(state.activity, state.opened);
  }
}

function selectActivity(id) {
  state.activity = id;
  state.opened = true;
  state.browsing = false;
  setLocal('atelier.activity.' + state.code, id);
  follow();
  notice(null);
  render();
  ui.activityTitle.focus();
}

function backToList() {
  state.activity = null;
  state.opened = false;
  state.browsing = true;
  /* The connection goes on watching that activity for its state, without
   * attending it: the watch sent again after a reconnection says so. */
  state.client.attend = false;
  setLocal('atelier.activity.' + state.code, null);
  render();
  ui.activitiesHeading.focus();
}

function votesLeft(a) {
  if (state.votesLeft.has(a.id)) return state.votesLeft.get(a.id);
  let used = 0;
  state.myVotes.forEach(function (id) {
    const c = state.model.contribution(id);
    if (c && c.activity === a.id) used += 1;
  });
  return Math.max(0, a.vote_budget - used);
}

/* ===== Rendering ===== */

function renderHeader() {
  const seminar = state.model && state.joined ? state.model.seminar : null;
  setText(ui.title, seminar ? seminar.title : t('phone.app_name'));
  setTitle('phone.page_title', seminar ? seminar.title : '');
  const client = state.client;
  show(ui.status, !!client);
  if (client) renderStatus(ui.status, client.status);
  const waiting = state.outbox && client ? state.outbox.size() : 0;
  setText(ui.pending, waiting ? tn('phone.pending_count', waiting) : '');
  show(ui.pending, waiting > 0);
}

function renderActivities() {
  const list = listOrder(state.model.activityList());
  syncList(ui.activityList, list, function (a) { return a.id; }, function () {
    const title = el('span', { class: 'activity-name' });
    const badge = el('span', { class: 'state' });
    const button = el('button', { type: 'button', class: 'activity-button' }, [title, badge]);
    button.addEventListener('click', function () {
      selectActivity(button.parentNode.dataset.key);
    });
    return el('li', {}, [button]);
  }, function (li, a) {
    const button = li.firstChild;
    setText(button.firstChild, a.title);
    renderState(button.lastChild, a.state);
    button.disabled = !openable(a);
  });
  show(ui.noActivity, !list.some(actionable));
}

function renderBoardTabs(a, boardId) {
  syncList(ui.boardTabs, a.boards, function (b) { return b.id; }, function () {
    const button = el('button', { type: 'button', class: 'tab' });
    button.addEventListener('click', function () {
      state.boards[state.activity] = button.dataset.key;
      render();
    });
    return button;
  }, function (button, b) {
    setText(button, b.title);
    button.setAttribute('aria-pressed', b.id === boardId ? 'true' : 'false');
  });
  show(ui.boardTabs, a.boards.length > 1);
}

function renderActivity(rebuild) {
  const a = state.model.activity(state.activity);
  if (!a) return;
  setText(ui.activityTitle, a.title);
  setText(ui.activityQuestion, a.question || '');
  show(ui.activityQuestion, !!a.question);
  renderState(ui.activityState, a.state);

  let board = null;
  a.boards.forEach(function (b) { if (b.id === state.boards[a.id]) board = b; });
  if (!board) board = a.boards[0];
  if (!board) return;
  state.boards[a.id] = board.id;
  renderBoardTabs(a, board.id);
  setText(ui.boardPrompt, board.prompt || '');
  show(ui.boardPrompt, !!board.prompt);

  const can = capabilities(a);
  const canPost = !!can.post;
  const canVote = !!can.vote && a.vote_budget > 0;
  const left = canVote ? votesLeft(a) : null;
  setText(ui.votesLeft, canVote ? tn('phone.votes_left', left) : '');
  show(ui.votesLeft, canVote);
  setText(ui.stateNote, canPost ? '' : t('phone.note_' + a.state));
  show(ui.stateNote, !canPost);

  state.compose.render({ activity: a.id, board: board.id, kind: board.kind,
    canWrite: canPost, signature: signature() });
  ui.sortRecent.setAttribute('aria-pressed', state.sort === 'recent' ? 'true' : 'false');
  ui.sortVotes.setAttribute('aria-pressed', state.sort === 'votes' ? 'true' : 'false');

  const pending = state.outbox.list().filter(function (e) {
    return e.msg.activity === a.id && e.msg.board === board.id;
  });
  state.board.render({ model: state.model, activity: a.id, board: board.id, kind: board.kind,
    sort: state.sort, mine: state.mine, myVotes: state.myVotes, busy: state.busy,
    votesLeft: left, canVote: canVote, canPost: canPost, canEdit: !!can.edit, pending: pending }, rebuild);
  show(ui.boardEmpty, ui.boardList.children.length === 0);
}

function render(rebuild) {
  renderHeader();
  const joined = !!state.client && state.joined;
  if (joined && !state.browsing) {
    /* An activity that opens while the list is shown is entered. */
    chooseActivity();
    if (state.activity) follow();
  }
  show(ui.joinView, !state.client && !state.loading);
  show(ui.connecting, (!!state.client && !state.joined) || state.loading);
  show(ui.activitiesView, joined && !state.activity);
  show(ui.activityView, joined && !!state.activity);
  if (!joined) return;
  if (state.activity) renderActivity(rebuild === true);
  else renderActivities();
  /* The join form, which had the focus, is hidden now: the focus goes to
   * the heading of what the phone shows instead of the page's start. */
  if (state.focusOnJoin) {
    state.focusOnJoin = false;
    (state.activity ? ui.activityTitle : ui.activitiesHeading).focus();
  }
}

/* ===== Start ===== */

function bind() {
  bindIds(ui, ['title', 'status', 'pending', 'notice', 'live', 'joinView', 'joinForm', 'joinCode',
    'joinName', 'joinStructure', 'joinError', 'connecting', 'activitiesView', 'activitiesHeading',
    'activityList', 'noActivity', 'profileForm', 'profileName', 'profileStructure', 'leave',
    'activityView', 'back', 'activityTitle', 'activityQuestion', 'activityState', 'votesLeft',
    'boardTabs', 'boardPrompt', 'stateNote', 'sortRecent', 'sortVotes', 'boardList',
    'boardEmpty', 'sign']);
}

function init() {
  bind();
  bindLang();
  i18n.onLangChange(function () { render(true); });

  const p = profile();
  ui.joinName.value = p.name || '';
  ui.joinStructure.value = p.structure || '';
  ui.profileName.value = p.name || '';
  ui.profileStructure.value = p.structure || '';

  ui.joinForm.addEventListener('submit', function (ev) {
    ev.preventDefault();
    const code = normalizeCode(ui.joinCode.value);
    if (!code) {
      setText(ui.joinError, t('phone.code_missing'));
      show(ui.joinError, true);
      ui.joinCode.focus();
      return;
    }
    saveProfile({ name: ui.joinName.value.trim(), structure: ui.joinStructure.value.trim() });
    ui.profileName.value = ui.joinName.value.trim();
    ui.profileStructure.value = ui.joinStructure.value.trim();
    state.focusOnJoin = true;
    connect(code);
  });
  ui.profileForm.addEventListener('submit', function (ev) {
    ev.preventDefault();
    saveProfile({ name: ui.profileName.value.trim(), structure: ui.profileStructure.value.trim() });
    if (state.client) state.client.rejoin();
    announce(t('phone.profile_saved'));
    schedule();
  });
  ui.leave.addEventListener('click', function () {
    leave();
    ui.joinCode.value = '';
    ui.joinCode.focus();
  });
  ui.back.addEventListener('click', backToList);
  ui.sortRecent.addEventListener('click', function () { setSort('recent'); });
  ui.sortVotes.addEventListener('click', function () { setSort('votes'); });

  const match = /^\/j\/([^/?#]+)/.exec(window.location.pathname);
  const last = getLocal('atelier.last', null);
  if (match) {
    connect(normalizeCode(decodeURIComponent(match[1])));
  } else {
    if (last) ui.joinCode.value = last;
    /* The join form is ready: now the rest, and posts still waiting
     * from last time are sent (the phone goes back to that seminar). */
    loadJoined().then(function () {
      if (last && !state.client && !state.loading && new mod.Outbox(last).size() > 0) connect(last);
    }, function () {});
  }
  render();
}

function setSort(sort) {
  state.sort = sort;
  setLocal('atelier.sort', sort);
  render();
}

i18n.load('phone').then(init);

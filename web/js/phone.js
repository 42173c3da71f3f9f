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
 * What the phone knows and its interface state are in one PageState
 * (state.js), changed only through it; the render, subscribed to it, runs
 * once per animation frame. A board shows its newest cards (PAGE_ROWS,
 * more on demand), and an event draws again only the card it changed:
 * a frame costs what the phone shows, however long the board is.
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
import { PageState, ALL } from './state.js';
import { renderStatus, renderState, bindLang, setTitle, capabilities } from './ui.js';
import { profile, saveProfile, importJoined, takeEarly, groupChoice, saveGroupChoice } from './join.js';
import { fillGroups, chooseGroup } from './phone-group.js';
import { LIMITS, ACTIVITY_STATES, CAPABILITIES, CONTRIBUTION_STATES, TRANSIENT } from './protocol.js';
import { drawTimer, TICK_MS } from './timer.js';

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
/* Cards of a board shown at first, and added by each "show more". */
const PAGE_ROWS = 50;

const ui = {};
const state = new PageState({
  code: null,
  model: null,
  client: null,
  outbox: null,
  status: null,        /* the connection's status */
  joined: false,
  joinError: null,     /* why the join form is shown again */
  askGroup: false,     /* joined a seminar with groups, « Vous êtes… » not answered yet */
  notice: null,        /* the last error, or why posts wait */
  focusOnJoin: false,  /* joined from the form: focus what it led to */
  loading: false,      /* waiting for the joined phone's modules */
  activity: null,      /* activity shown, or null: the list */
  opened: false,       /* the participant chose it (not the page): attends it */
  browsing: false,     /* the participant went back to the list */
  boards: new Map(),   /* activity id -> board id shown */
  rows: PAGE_ROWS,     /* cards shown on the board */
  sort: getLocal('atelier.sort', 'recent'),
  mine: new Set(),     /* my contribution ids */
  myVotes: new Set(),  /* contribution ids I voted for */
  votesLeft: new Map(), /* activity id -> votes left, from vote acks */
  busy: new Set(),     /* contribution ids with a request in flight */
  delayed: false       /* the notice says why posts wait (transient error) */
});

/* The board and the writing forms (made once), what was sent on which
 * connection, the timers: the page's machinery, not its state. */
const page = {
  board: null,
  compose: null,
  sentOn: new Map(),   /* outbox id -> connection generation it was sent on */
  retryTimer: null,
  fresh: 0,            /* new contributions not yet announced */
  freshTimer: null
};

/* The part a contribution's card is drawn for: its own, or its
 * orientation's for an example action. */
function cardPart(c) {
  return 'card:' + (c.parent === null || c.parent === undefined ? c.id : c.parent);
}

/* What a change of the model marks: a contribution, its card (as it is
 * and as it was); anything else, the whole page. */
function partsOf(change) {
  if (change.kind !== 'contribution') return ALL;
  return change.previous ? [cardPart(change.item), cardPart(change.previous)] : [cardPart(change.item)];
}

/* Draws what is marked now, without waiting for the next frame (before
 * moving the focus into what it shows). */
function draw() {
  render(state.take());
}

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
  page.fresh += 1;
  clearTimeout(page.freshTimer);
  page.freshTimer = setTimeout(function () {
    announce(tn('phone.new_items', page.fresh));
    page.fresh = 0;
  }, 1500);
}

function notice(text) {
  state.set({ notice: text || null });
}

/* Says why the join form is back (null: nothing to say). */
function joinError(text) {
  state.set({ joinError: text || null });
}

/* ===== Joining ===== */

/* Joins code once the joined phone's modules are there (the page says
 * "connecting" meanwhile). */
function connect(code) {
  state.set({ loading: true }, ALL);
  loadJoined().then(function () {
    state.set({ loading: false }, ALL);
    startClient(code);
  }, function () {
    state.set({ loading: false, joinError: t('phone.load_failed') }, ALL);
  });
}

/* The board and the writing forms, made once. */
function createParts() {
  if (page.board) return;
  page.compose = mod.createCompose(function () { return state.get('code'); }, { post: post });
  page.board = mod.createBoard(ui.boardList, {
    vote: vote, unvote: unvote, edit: edit, remove: remove, addAction: addAction
  });
}

function startClient(code) {
  createParts();
  if (state.get('client')) state.get('client').stop();
  const model = new mod.Model();
  const outbox = new mod.Outbox(code);
  page.sentOn = new Map();
  model.onChange(function (change) {
    const c = change.item;
    if (change.kind === 'contribution' && change.isNew && mod.shown(c) &&
        c.activity === state.get('activity') && !state.get('mine').has(c.id) &&
        (c.parent === null || c.parent === undefined)) countFresh();
    /* A contribution I voted for whose votes start or stop counting (a
     * facilitator removed or restored it): my votes left are counted
     * again from my votes, not taken from the last vote's reply. */
    if (change.kind === 'contribution' && change.previous && state.get('myVotes').has(c.id) &&
        counted(change.previous) !== counted(c)) {
      state.update('votesLeft', function (left) { left.delete(c.activity); }, ['activity', 'board']);
    }
  });
  state.follow(model, partsOf);
  outbox.onChange(function () { state.mark(['header', 'board']); });
  const client = new mod.AtelierClient({
    code: code,
    model: model,
    participant: true,
    early: takeEarly(code),
    profile: profile,
    onStatus: function (status) { state.set({ status: status }, 'header'); },
    onJoined: onJoined,
    onReady: onReady,
    onError: onError
  });
  state.set({ code: code, joined: false, model: model, outbox: outbox, client: client, status: client.status,
    joinError: null }, ALL);
  client.start();
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
  const model = state.get('model');
  if (state.get('activity') && !model.activity(state.get('activity'))) state.set({ activity: null }, ALL);
  if (!state.get('activity') && !state.get('browsing')) {
    const saved = getLocal('atelier.activity.' + state.get('code'), null);
    const open = model.activityList().filter(actionable);
    const opened = !!saved && actionable(model.activity(saved));
    state.set({ opened: opened }, ALL);
    if (opened) state.set({ activity: saved }, ALL);
    else if (open.length === 1) state.set({ activity: open[0].id }, ALL);
  }
  if (state.get('activity')) return state.get('activity');
  const first = model.activityList()[0];
  return first ? first.id : null;
}

/* The seminar's stakeholder groups ([{id, label}]), none before a join. */
function seminarGroups() {
  const model = state.get('model');
  return (model && model.seminar && model.seminar.groups) || [];
}

function onJoined(msg) {
  const groups = (msg.seminar && msg.seminar.groups) || [];
  const chosen = groupChoice(state.get('code'));
  state.set({ joined: true, mine: new Set(msg.my_contributions || []), myVotes: new Set(msg.my_votes || []),
    votesLeft: new Map(), askGroup: groups.length > 0 && chosen === null }, ALL);
  fillGroups(ui.groupSelect, groups);
  fillGroups(ui.profileGroup, groups);
  chooseGroup(ui.groupSelect, chosen || '');
  chooseGroup(ui.profileGroup, chosen === null ? msg.group || '' : chosen);
  setLocal('atelier.last', state.get('code'));
  const path = '/j/' + encodeURIComponent(state.get('code'));
  if (window.location.pathname !== path && window.history.replaceState) {
    window.history.replaceState(null, '', path);
  }
  const client = state.get('client');
  client.activity = chooseActivity();
  client.attend = !!state.get('activity') && state.get('opened');
}

function onReady() {
  if (state.get('delayed') && state.get('outbox').size() === 0) {
    state.set({ delayed: false });
    notice(null);
  }
  flushOutbox();
  state.mark(ALL);
}

function onError(err) {
  /* A group the seminar no longer has: the participant is asked again. */
  if (err.code === 'bad_field' && groupChoice(state.get('code'))) {
    saveGroupChoice(state.get('code'), null, true);
    state.get('client').rejoin();
    return;
  }
  if (!state.get('joined') && (err.code === 'unknown_seminar' || err.code === 'bad_field')) {
    leave();
    joinError(errorText(err.code === 'bad_field' ? 'unknown_seminar' : err.code));
    draw();
    ui.joinCode.focus();
    return;
  }
  /* A join or watch refused for now is asked again by ws.js. */
  if (TRANSIENT.indexOf(err.code) >= 0) state.set({ delayed: true });
  notice(errorText(err.code));
}

function leave() {
  if (state.get('client')) state.get('client').stop();
  state.set({ client: null, joined: false, activity: null, opened: false, browsing: false, focusOnJoin: false }, ALL);
  if (window.history.replaceState) window.history.replaceState(null, '', '/');
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
  const client = state.get('client');
  if (!client || !client.ready) return;
  state.get('outbox').list().forEach(function (entry) {
    const msg = entry.msg;
    if (page.sentOn.get(msg.id) === client.generation) return;
    if (tooBig(msg)) postResult(msg, { code: 'too_long' }, null);
    else sendPost(msg);
  });
}

function sendPost(msg) {
  const client = state.get('client');
  if (client.request(msg, function (err, reply) { postResult(msg, err, reply); }, { resend: false })) {
    page.sentOn.set(msg.id, client.generation);
  }
}

function retryLater() {
  clearTimeout(page.retryTimer);
  /* Refused posts were already forgotten by postResult; the others are
   * still awaited on this connection and must not be sent again. */
  page.retryTimer = setTimeout(flushOutbox, RETRY_MS);
}

function postResult(msg, err, reply) {
  page.sentOn.delete(msg.id);
  const outbox = state.get('outbox');
  if (!err) {
    outbox.remove(msg.id);
    if (state.get('delayed') && outbox.size() === 0) {
      state.set({ delayed: false });
      notice(null);
    }
    const c = reply.contribution;
    if (c) {
      state.update('mine', function (mine) {
        mine.add(c.id);
        (c.actions || []).forEach(function (a) { mine.add(a.id); });
      }, 'board');
    }
    return;
  }
  /* After a transient error a post is worth sending again later: it
   * stays in the outbox (its text kept, shown as waiting) and the page
   * says why. Every other error is final: the text goes back to its
   * field. */
  if (TRANSIENT.indexOf(err.code) >= 0) {
    if (!state.get('delayed')) announce(errorText(err.code));
    state.set({ delayed: true });
    notice(errorText(err.code));
    retryLater();
    return;
  }
  if (err.code === 'not_joined') {
    state.get('client').rejoin();
    return;
  }
  /* Final: the server will never take it. Give the text back, in its
   * board's field when that board's activity is the one shown (drawn
   * now, so that the field is that board's). */
  outbox.remove(msg.id);
  const message = errorText(err.code);
  if (msg.activity === state.get('activity') && msg.parent === undefined) showBoard(msg.activity, msg.board);
  draw();
  if (!page.compose.restore(msg, message)) {
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
  if (!state.get('outbox').add(msg)) notice(t('phone.storage_warning'));
  sendPost(msg);
  if (state.get('client').status !== mod.CONNECTED) announce(t('phone.saved_offline'));
  return true;
}

/* From the compose forms: a note, or an orientation with its actions. */
function post(data) {
  const a = state.get('model').activity(state.get('activity'));
  const board = a ? state.get('boards').get(a.id) : null;
  if (!board) return false;
  const msg = { type: 'post', id: mod.newId(), activity: a.id, board: board, text: data.text };
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

/* Sends msg about contribution c, which is busy until the reply; done(err,
 * reply) runs before the card is drawn again. */
function write(msg, c, done) {
  state.update('busy', function (busy) { busy.add(c.id); }, cardPart(c));
  notice(null);
  state.get('client').request(msg, function (err, reply) {
    state.update('busy', function (busy) { busy.delete(c.id); }, cardPart(c));
    done(err, reply);
  });
}

/* Records a vote's reply: whether c holds my vote, and the votes left
 * when the server says (every card of the board, and the count, change). */
function voted(c, mine, reply) {
  state.update('myVotes', function (votes) {
    if (mine) votes.add(c.id);
    else votes.delete(c.id);
  }, ['activity', 'board']);
  if (reply && typeof reply.votes_left === 'number') {
    state.update('votesLeft', function (left) { left.set(c.activity, reply.votes_left); }, ['activity', 'board']);
  }
}

function vote(c) {
  write({ type: 'vote', id: mod.newId(), contribution: c.id }, c, function (err, reply) {
    if (!err || err.code === 'already_voted') voted(c, true, reply);
    if (err && err.code !== 'already_voted') notice(errorText(err.code));
    else announce(t('phone.vote_done'));
  });
}

function unvote(c) {
  write({ type: 'unvote', id: mod.newId(), contribution: c.id }, c, function (err, reply) {
    if (!err || err.code === 'not_voted') voted(c, false, reply);
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
  const client = state.get('client');
  if (client.activity !== state.get('activity') || client.attend !== state.get('opened')) {
    client.watch(state.get('activity'), state.get('opened'));
  }
}

/* Shows board boardId of activity activityId, from its newest cards. */
function showBoard(activityId, boardId) {
  if (state.get('boards').get(activityId) === boardId) return;
  state.update('boards', function (boards) { boards.set(activityId, boardId); }, ALL);
  state.set({ rows: PAGE_ROWS }, ALL);
}

function selectActivity(id) {
  state.set({ activity: id, opened: true, browsing: false, rows: PAGE_ROWS, notice: null }, ALL);
  setLocal('atelier.activity.' + state.get('code'), id);
  follow();
  draw();
  ui.activityTitle.focus();
}

function backToList() {
  state.set({ activity: null, opened: false, browsing: true }, ALL);
  /* The connection goes on watching that activity for its state, without
   * attending it: the watch sent again after a reconnection says so. */
  state.get('client').attend = false;
  setLocal('atelier.activity.' + state.get('code'), null);
  draw();
  ui.activitiesHeading.focus();
}

function setSort(sort) {
  state.set({ sort: sort, rows: PAGE_ROWS }, ['activity', 'board']);
  setLocal('atelier.sort', sort);
}

/* Whether the votes c holds count against its voters' budgets. */
function counted(c) {
  const row = CONTRIBUTION_STATES[c.state];
  return !row || row.counted;
}

function votesLeft(a) {
  if (state.get('votesLeft').has(a.id)) return state.get('votesLeft').get(a.id);
  const model = state.get('model');
  let used = 0;
  state.get('myVotes').forEach(function (id) {
    const c = model.contribution(id);
    if (c && c.activity === a.id && counted(c)) used += 1;
  });
  return Math.max(0, a.vote_budget - used);
}

/* ===== Rendering ===== */

function renderHeader() {
  const client = state.get('client');
  const model = state.get('model');
  const seminar = model && client && state.get('joined') ? model.seminar : null;
  setText(ui.title, seminar ? seminar.title : t('phone.app_name'));
  setTitle('phone.page_title', seminar ? seminar.title : '');
  show(ui.status, !!client);
  if (client) renderStatus(ui.status, state.get('status'));
  const waiting = state.get('outbox') && client ? state.get('outbox').size() : 0;
  setText(ui.pending, waiting ? tn('phone.pending_count', waiting) : '');
  show(ui.pending, waiting > 0);
  setText(ui.notice, state.get('notice') || '');
  show(ui.notice, !!state.get('notice'));
  setText(ui.joinError, state.get('joinError') || '');
  show(ui.joinError, !!state.get('joinError'));
}

function renderActivities() {
  const list = listOrder(state.get('model').activityList());
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
      showBoard(state.get('activity'), button.dataset.key);
    });
    return button;
  }, function (button, b) {
    setText(button, b.title);
    button.setAttribute('aria-pressed', b.id === boardId ? 'true' : 'false');
  });
  show(ui.boardTabs, a.boards.length > 1);
}

/* The activity shown: its head, board tabs, writing forms and tools when
 * marked (or all is), then its board, where only the cards marked are
 * drawn again unless anything else is. */
function renderActivity(marked, all) {
  const a = state.get('model').activity(state.get('activity'));
  if (!a) return;
  let board = a.boards.find(function (b) { return b.id === state.get('boards').get(a.id); }) || a.boards[0];
  if (!board) return;
  /* The first board, shown by default, is drawn now: nothing to mark. */
  if (state.get('boards').get(a.id) !== board.id) state.update('boards', function (boards) { boards.set(a.id, board.id); }, []);
  const can = capabilities(a);
  const canPost = !!can.post;
  const canVote = !!can.vote && a.vote_budget > 0;
  const left = canVote ? votesLeft(a) : null;
  if (all || marked.has('activity')) {
    setText(ui.activityTitle, a.title);
    setText(ui.activityQuestion, a.question || '');
    show(ui.activityQuestion, !!a.question);
    renderState(ui.activityState, a.state);
    drawActivityTimer();
    renderBoardTabs(a, board.id);
    setText(ui.boardPrompt, board.prompt || '');
    show(ui.boardPrompt, !!board.prompt);
    setText(ui.votesLeft, canVote ? tn('phone.votes_left', left) : '');
    show(ui.votesLeft, canVote);
    /* Private writing (post, but no text of the others) says so too. */
    const note = !canPost ? t('phone.note_' + a.state) : can.texts ? '' : t('phone.private_note');
    setText(ui.stateNote, note);
    show(ui.stateNote, note !== '');
    /* The results: the cards by votes are numbered (phone.css). */
    ui.boardList.classList.toggle('ranked', !!can.ranked && !!can.tallies && state.get('sort') === 'votes');
    page.compose.render({ activity: a.id, board: board.id, kind: board.kind,
      canWrite: canPost, signature: signature() });
    ui.sortRecent.setAttribute('aria-pressed', state.get('sort') === 'recent' ? 'true' : 'false');
    ui.sortVotes.setAttribute('aria-pressed', state.get('sort') === 'votes' ? 'true' : 'false');
  }

  const cards = new Set();
  let others = all;
  marked.forEach(function (part) {
    if (part.startsWith('card:')) cards.add(Number(part.slice(5)));
    else others = true;
  });
  const pending = state.get('outbox').list().filter(function (e) {
    return e.msg.activity === a.id && e.msg.board === board.id;
  });
  const shown = page.board.render({ model: state.get('model'), activity: a.id, board: board.id, kind: board.kind,
    sort: state.get('sort'), mine: state.get('mine'), myVotes: state.get('myVotes'), busy: state.get('busy'),
    votesLeft: left, canVote: canVote, canPost: canPost, canEdit: !!can.edit, pending: pending,
    limit: state.get('rows'), redraw: others, cards: cards }, marked.has('lang'));
  show(ui.boardEmpty, ui.boardList.children.length === 0);
  const rest = shown.total - shown.drawn;
  if (rest > 0) setText(ui.boardMore, tn('phone.more', Math.min(PAGE_ROWS, rest)));
  show(ui.boardMore, rest > 0);
}

/* Draws the parts of the page marked since the last frame. */
function render(marked) {
  const all = marked.has(ALL);
  renderHeader();
  const client = state.get('client');
  const joined = !!client && state.get('joined');
  if (joined && !state.get('browsing')) {
    /* An activity that opens while the list is shown is entered. */
    chooseActivity();
    if (state.get('activity')) follow();
  }
  show(ui.joinView, !client && !state.get('loading'));
  show(ui.connecting, (!!client && !state.get('joined')) || state.get('loading'));
  show(ui.groupForm, joined && state.get('askGroup'));
  show(ui.activitiesView, joined && !state.get('activity'));
  show(ui.activityView, joined && !!state.get('activity'));
  if (!joined) return;
  if (all) {
    fillGroups(ui.groupSelect, seminarGroups());
    fillGroups(ui.profileGroup, seminarGroups());
    show(ui.profileGroupRow, seminarGroups().length > 0);
  }
  if (state.get('activity')) renderActivity(marked, all);
  else if (all) renderActivities();
  /* The join form, which had the focus, is hidden now: the focus goes to
   * the heading of what the phone shows instead of the page's start. */
  if (state.get('focusOnJoin')) {
    state.set({ focusOnJoin: false }, []);
    (state.get('activity') ? ui.activityTitle : ui.activitiesHeading).focus();
  }
}

/* ===== Start ===== */

function bind() {
  bindIds(ui, ['title', 'status', 'pending', 'notice', 'live', 'joinView', 'joinForm', 'joinCode',
    'joinName', 'joinStructure', 'joinError', 'connecting', 'activitiesView', 'activitiesHeading',
    'activityList', 'noActivity', 'profileForm', 'profileName', 'profileStructure', 'leave',
    'groupForm', 'groupSelect', 'profileGroupRow', 'profileGroup',
    'activityView', 'back', 'activityTitle', 'activityQuestion', 'activityState', 'timer', 'votesLeft',
    'boardTabs', 'boardPrompt', 'stateNote', 'sortRecent', 'sortVotes', 'boardList',
    'boardMore', 'boardEmpty', 'sign']);
}

/* The timer of the activity shown, counted down from the server's clock
 * (timer.js): drawn with its head and again every TICK_MS. */
function drawActivityTimer() {
  const client = state.get('client');
  const a = state.get('activity') && state.get('model') ? state.get('model').activity(state.get('activity')) : null;
  drawTimer(ui.timer, a, client ? client.serverOffset : 0);
}

function init() {
  bind();
  bindLang();
  state.subscribe(onFrame(draw));
  setInterval(drawActivityTimer, TICK_MS);
  i18n.onLangChange(function () { state.mark([ALL, 'lang']); });

  const p = profile();
  ui.joinName.value = p.name || '';
  ui.joinStructure.value = p.structure || '';
  ui.profileName.value = p.name || '';
  ui.profileStructure.value = p.structure || '';

  ui.joinForm.addEventListener('submit', function (ev) {
    ev.preventDefault();
    const code = normalizeCode(ui.joinCode.value);
    if (!code) {
      joinError(t('phone.code_missing'));
      ui.joinCode.focus();
      return;
    }
    saveProfile({ name: ui.joinName.value.trim(), structure: ui.joinStructure.value.trim() });
    ui.profileName.value = ui.joinName.value.trim();
    ui.profileStructure.value = ui.joinStructure.value.trim();
    state.set({ focusOnJoin: true }, []);
    connect(code);
  });
  /* « Vous êtes… », shown above the page after a seminar's first join
   * until answered: the choice (none included) is kept and sent with
   * every join; the profile form changes it later. */
  ui.groupForm.addEventListener('submit', function (ev) {
    ev.preventDefault();
    saveGroupChoice(state.get('code'), ui.groupSelect.value);
    chooseGroup(ui.profileGroup, ui.groupSelect.value);
    state.set({ askGroup: false }, ALL);
    if (state.get('client')) state.get('client').rejoin();
    draw();
    /* the form, which had the focus, is gone: the heading of the page */
    (state.get('activity') ? ui.activityTitle : ui.activitiesHeading).focus();
    announce(t('phone.profile_saved'));
  });
  ui.profileForm.addEventListener('submit', function (ev) {
    ev.preventDefault();
    saveProfile({ name: ui.profileName.value.trim(), structure: ui.profileStructure.value.trim() });
    if (seminarGroups().length > 0) saveGroupChoice(state.get('code'), ui.profileGroup.value);
    if (state.get('client')) state.get('client').rejoin();
    announce(t('phone.profile_saved'));
    state.mark('activity');
  });
  ui.leave.addEventListener('click', function () {
    leave();
    ui.joinCode.value = '';
    draw();
    ui.joinCode.focus();
  });
  ui.back.addEventListener('click', backToList);
  ui.sortRecent.addEventListener('click', function () { setSort('recent'); });
  ui.sortVotes.addEventListener('click', function () { setSort('votes'); });
  ui.boardMore.addEventListener('click', function () {
    state.set({ rows: state.get('rows') + PAGE_ROWS }, 'board');
  });

  const match = /^\/j\/([^/?#]+)/.exec(window.location.pathname);
  const last = getLocal('atelier.last', null);
  if (match) {
    connect(normalizeCode(decodeURIComponent(match[1])));
  } else {
    if (last) ui.joinCode.value = last;
    /* The join form is ready: now the rest, and posts still waiting
     * from last time are sent (the phone goes back to that seminar). */
    loadJoined().then(function () {
      if (last && !state.get('client') && !state.get('loading') && new mod.Outbox(last).size() > 0) connect(last);
    }, function () {});
  }
  draw();
}

i18n.load('phone').then(init);

/*
 * screen.js — the projection screen (web/ecran.html?code=CODE&activite=ID).
 *
 * Owns: showing one activity to the room: its title, question and state,
 * the join code in huge type with the join address and QR code, and the
 * live boards (one column per board, orientations with their example
 * actions, vote counts). New contributions are briefly highlighted;
 * hidden and deleted ones disappear. Without "activite" it lists the
 * seminar's activities to choose from; without "code" it asks for it.
 * Read-only: it watches, never joins nor writes. No user text as markup.
 *
 * What the screen knows is in one PageState (state.js): each change marks
 * the parts it touches (the activity, a column, a card) and the render,
 * once per animation frame, draws those. A column holds the first
 * CARDS_SHOWN cards of its board, more than a projection can show (the
 * rest would be cut off below): a frame costs what the room sees.
 */

import { bindIds, append, clear, el, setText, setClass, show, syncList, onFrame, parseParams, normalizeCode } from './dom.js';
import * as i18n from './i18n.js';
import { t, tn, has, errorText } from './i18n.js';
import { Model } from './model.js';
import { PageState, ALL } from './state.js';
import { AtelierClient } from './ws.js';
import { renderStatus, renderState, bindLang, setTitle, capabilities, ORIENTATIONS } from './ui.js';
import { ACTIVITY_STATES, CAPABILITIES } from './protocol.js';
import { renderColumnPhase, renderVoters } from './screen-phase.js';
import { drawTimer, TICK_MS } from './timer.js';

const FRESH_MS = 6000;
/* Cards drawn in a column, as many as the other pages show at first:
 * more than fit on a projected board of any size (the column's count
 * still says how many the board holds). */
const CARDS_SHOWN = 50;

/* The last state of the day (ACTIVITY_STATES) in which participants post. */
const LAST_POST = ACTIVITY_STATES.reduce(function (last, s, i) {
  return CAPABILITIES[s].post ? i : last;
}, -1);

const ui = {};
const params = parseParams(window.location.search);
const code = normalizeCode(params.code);
const activityId = params.activite || null;
const state = new PageState({
  model: new Model(),  /* the seminar, and the contributions of the activity shown */
  client: null,        /* its AtelierClient */
  status: null,        /* the connection's status */
  error: null,         /* why the chooser is shown (a refused watch) */
  fresh: new Map()     /* contribution id -> time it arrived */
});

/* ===== Parts of the page ===== */

function columnPart(boardId) {
  return 'board:' + boardId;
}

function cardPart(id) {
  return 'card:' + id;
}

/* The column and the card of contribution c (an example action's card
 * is its orientation's). */
function partsOfContribution(c) {
  return [columnPart(c.board), cardPart(c.parent === null || c.parent === undefined ? c.id : c.parent)];
}

/* What a change of the model marks: a contribution, its column and card,
 * where it is and where it was; the activity, the whole projection. */
function partsOf(change) {
  if (change.kind !== 'contribution') return ALL;
  const parts = partsOfContribution(change.item);
  return change.previous ? parts.concat(partsOfContribution(change.previous)) : parts;
}

/* ===== Join panel ===== */

/* The join address, with line-break opportunities after each "/". */
function showAddress(address) {
  clear(ui.joinUrl);
  address.split('/').forEach(function (part, i, all) {
    append(ui.joinUrl, [part + (i < all.length - 1 ? '/' : ''), el('wbr')]);
  });
}

function loadJoinAddress() {
  setText(ui.joinCode, code);
  ui.qr.src = '/qr/' + encodeURIComponent(code) + '.svg';
  fetch('/api/join/' + encodeURIComponent(code), { credentials: 'same-origin' })
    .then(function (response) {
      if (!response.ok) throw new Error(String(response.status));
      return response.json();
    })
    .then(function (data) {
      const url = String(data.url || '');
      showAddress(url.replace(/^https?:\/\//, ''));
      ui.qr.alt = t('screen.qr_alt', { url: url });
      show(ui.qr, true);
    })
    .catch(function () {
      showAddress(window.location.host + '/j/' + code);
      ui.qr.alt = t('screen.qr_alt', { url: window.location.host + '/j/' + code });
      show(ui.qr, true);
    });
}

/* ===== Boards ===== */

/* What the render in progress draws: {all, parts}; a card not marked and
 * still showing the same contribution is left as it is. */
let frame = null;

function isFresh(id) {
  const at = state.get('fresh').get(id);
  return at !== undefined && Date.now() - at < FRESH_MS;
}

function createCard() {
  return el('li', { class: 'card' }, [
    el('p', { class: 'card-text' }),
    el('ol', { class: 'actions', hidden: true }),
    el('p', { class: 'card-foot' }, [el('span', { class: 'card-author' }), el('span', { class: 'card-votes' })])
  ]);
}

function updateCard(card, c) {
  if (!frame.all && card.drawn === c && !frame.parts.has(cardPart(c.id))) return;
  card.drawn = c;
  const parts = card.children;
  setText(parts[0], c.text);
  const actions = state.get('model').actionsOf(c.id, true);
  syncList(parts[1], actions, function (a) { return a.id; }, function () {
    return el('li');
  }, function (li, a) {
    setText(li, a.text);
    li.classList.toggle('fresh', isFresh(a.id));
  });
  show(parts[1], actions.length > 0);
  setText(parts[2].firstChild, c.author || '');
  setText(parts[2].lastChild, c.votes > 0 ? tn('common.votes', c.votes) : '');
  show(parts[2], !!c.author || c.votes > 0);
  card.classList.toggle('fresh', isFresh(c.id));
}

function createColumn() {
  return el('section', { class: 'column' }, [
    el('h2', { class: 'column-title' }, [el('span', { class: 'column-name' }), el('span', { class: 'column-count' })]),
    el('p', { class: 'column-prompt' }),
    el('ol', { class: 'column-cards' }),
    el('p', { class: 'column-tally', hidden: true })
  ]);
}

/* Once the writing is over (voting, closed), the cards are ranked by
 * votes where tallies are shown; before, the newest come first. What the
 * phase keeps back is screen-phase.js's. */
function updateColumn(column, a, b) {
  const ranked = ACTIVITY_STATES.indexOf(a.state) > LAST_POST && capabilities(a).tallies;
  const items = state.get('model').topLevel(a.id, b.id, ranked ? 'votes' : 'recent', true);
  const title = column.children[0];
  setText(title.firstChild, b.title);
  renderColumnPhase(column, title.lastChild, column.children[3], state.get('model'), a, b, items.length);
  setText(column.children[1], b.prompt || '');
  show(column.children[1], !!b.prompt);
  column.classList.toggle('orientations', b.kind === ORIENTATIONS);
  const cards = items.length > CARDS_SHOWN ? items.slice(0, CARDS_SHOWN) : items;
  syncList(column.children[2], cards, function (c) { return c.id; }, createCard, updateCard);
}

/* Every column (all: every card too), or only those marked. */
function renderBoards(a, all) {
  if (all) {
    syncList(ui.boards, a.boards, function (b) { return b.id; }, createColumn, function (column, b) {
      updateColumn(column, a, b);
    });
    setClass(ui.boards, 'boards boards-' + Math.min(a.boards.length, 4));
    return;
  }
  Array.prototype.forEach.call(ui.boards.children, function (column) {
    const b = a.boards.find(function (x) { return x.id === column.dataset.key; });
    if (b && frame.parts.has(columnPart(b.id))) updateColumn(column, a, b);
  });
}

/* ===== Pages ===== */

/* The projection of the activity, or false when the seminar has no
 * such activity. */
function renderProjection(all) {
  const model = state.get('model');
  const a = model.activity(activityId);
  if (!a) return false;
  show(ui.projection, true);
  show(ui.chooser, false);
  if (all) {
    setText(ui.seminarTitle, model.seminar ? model.seminar.title : '');
    setText(ui.activityTitle, a.title);
    setText(ui.activityQuestion, a.question || '');
    show(ui.activityQuestion, !!a.question);
    renderState(ui.activityState, a.state);
    /* A state's hint is a plural pair when it counts each one's votes. */
    const hint = 'screen.hint_' + a.state;
    setText(ui.stateHint, has(hint + '_one') ? tn(hint, a.vote_budget) : t(hint));
    renderVoters(ui.voters, a);
    drawScreenTimer();
    setTitle('screen.page_title', a.title);
  }
  renderBoards(a, all);
  return true;
}

function renderChooser(message) {
  const model = state.get('model');
  show(ui.projection, false);
  show(ui.chooser, true);
  show(ui.codeForm, !code);
  setText(ui.chooserError, message || '');
  show(ui.chooserError, !!message);
  setTitle('screen.page_title', model.seminar ? model.seminar.title : '');
  if (model.seminar) setText(ui.chooserTitle, model.seminar.title);
  syncList(ui.activityLinks, model.activityList(), function (a) { return a.id; }, function () {
    return el('li', {}, [el('a', { class: 'button' }), el('span', { class: 'state' })]);
  }, function (li, a) {
    const link = li.firstChild;
    link.href = 'ecran.html?code=' + encodeURIComponent(code) + '&activite=' + encodeURIComponent(a.id);
    setText(link, a.title);
    renderState(li.lastChild, a.state);
  });
}

/* The activity's timer, from the server's clock (timer.js): drawn with
 * the projection and again every TICK_MS. */
function drawScreenTimer() {
  const client = state.get('client');
  drawTimer(ui.timer, state.get('model').activity(activityId), client ? client.serverOffset : 0);
}

/* Draws the parts of the page marked since the last frame. */
function render() {
  const parts = state.take();
  const all = parts.has(ALL);
  const client = state.get('client');
  if (client && (all || parts.has('status'))) renderStatus(ui.status, state.get('status'));
  frame = { all: all, parts: parts };
  const error = state.get('error');
  if (error || !code || !activityId) {
    renderChooser(error);
  } else if (!renderProjection(all) && client && client.ready) {
    renderChooser(t('screen.unknown_activity'));
  }
  frame = null;
}

/* Removes the highlight of contributions once their time is over. */
function expireFresh() {
  const now = Date.now();
  const model = state.get('model');
  const parts = [];
  state.get('fresh').forEach(function (at, id) {
    const c = model.contribution(id);
    if (now - at >= FRESH_MS) parts.push.apply(parts, c ? partsOfContribution(c) : []);
  });
  if (!parts.length) return;
  state.update('fresh', function (fresh) {
    fresh.forEach(function (at, id) { if (now - at >= FRESH_MS) fresh.delete(id); });
  }, parts);
}

function init() {
  bindIds(ui, ['projection', 'seminarTitle', 'status', 'activityTitle', 'activityQuestion', 'activityState',
    'stateHint', 'voters', 'timer', 'joinCode', 'qr', 'joinUrl', 'boards', 'chooser', 'chooserTitle', 'codeForm',
    'codeInput', 'activityLinks', 'chooserError']);
  bindLang();
  state.subscribe(onFrame(render));
  i18n.onLangChange(function () {
    ui.boards.textContent = '';
    state.mark(ALL);
  });
  ui.codeForm.addEventListener('submit', function (ev) {
    ev.preventDefault();
    const typed = normalizeCode(ui.codeInput.value);
    if (typed) window.location.search = '?code=' + encodeURIComponent(typed);
  });
  if (!code) {
    render();
    ui.codeInput.focus();
    return;
  }
  const model = state.get('model');
  model.onChange(function (change) {
    const parts = partsOf(change);
    if (change.kind === 'contribution' && change.isNew) {
      state.update('fresh', function (fresh) { fresh.set(change.item.id, Date.now()); }, parts);
    } else {
      state.mark(parts);
    }
  });
  const client = new AtelierClient({
    code: code,
    model: model,
    participant: false,
    activity: activityId,
    onStatus: function (status) { state.set({ status: status }); },
    onReady: function () { state.set({ error: null }, ALL); },
    onError: function (err) { state.set({ error: errorText(err.code) }, ALL); }
  });
  state.set({ client: client, status: client.status }, ALL);
  if (activityId) loadJoinAddress();
  client.start();
  setInterval(expireFresh, 1000);
  setInterval(drawScreenTimer, TICK_MS);
}

i18n.load('screen').then(init);

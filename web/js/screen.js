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
 */

import { bindIds, append, clear, el, setText, show, syncList, onFrame, parseParams, normalizeCode } from './dom.js';
import * as i18n from './i18n.js';
import { t, tn, has, errorText } from './i18n.js';
import { Model } from './model.js';
import { AtelierClient } from './ws.js';
import { renderStatus, renderState, bindLang, setTitle, capabilities, ORIENTATIONS } from './ui.js';
import { ACTIVITY_STATES, CAPABILITIES } from './protocol.js';

const FRESH_MS = 6000;

/* The last state of the day (ACTIVITY_STATES) in which participants post. */
const LAST_POST = ACTIVITY_STATES.reduce(function (last, s, i) {
  return CAPABILITIES[s].post ? i : last;
}, -1);

const ui = {};
const params = parseParams(window.location.search);
const code = normalizeCode(params.code);
const activityId = params.activite || null;
const model = new Model();
const fresh = new Map(); /* contribution id -> time it arrived */
let client = null;

const schedule = onFrame(render);

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

function isFresh(id) {
  const at = fresh.get(id);
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
  const parts = card.children;
  setText(parts[0], c.text);
  const actions = model.actionsOf(c.id, true);
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
    el('ol', { class: 'column-cards' })
  ]);
}

/* Once the writing is over (voting, closed), the cards are ranked by
 * votes where tallies are shown; before, the newest come first. */
function renderBoards(a) {
  const ranked = ACTIVITY_STATES.indexOf(a.state) > LAST_POST && capabilities(a).tallies;
  const sort = ranked ? 'votes' : 'recent';
  syncList(ui.boards, a.boards, function (b) { return b.id; }, createColumn, function (column, b) {
    const items = model.topLevel(a.id, b.id, sort, true);
    const title = column.children[0];
    setText(title.firstChild, b.title);
    setText(title.lastChild, String(items.length));
    setText(column.children[1], b.prompt || '');
    show(column.children[1], !!b.prompt);
    column.classList.toggle('orientations', b.kind === ORIENTATIONS);
    syncList(column.children[2], items, function (c) { return c.id; }, createCard, updateCard);
  });
  ui.boards.className = 'boards boards-' + Math.min(a.boards.length, 4);
}

/* ===== Pages ===== */

function renderProjection() {
  const a = model.activity(activityId);
  if (!a) {
    if (client && client.ready) {
      showChooser(t('screen.unknown_activity'));
    }
    return;
  }
  show(ui.projection, true);
  show(ui.chooser, false);
  setText(ui.seminarTitle, model.seminar ? model.seminar.title : '');
  setText(ui.activityTitle, a.title);
  setText(ui.activityQuestion, a.question || '');
  show(ui.activityQuestion, !!a.question);
  renderState(ui.activityState, a.state);
  /* A state's hint is a plural pair when it counts each one's votes. */
  const hint = 'screen.hint_' + a.state;
  setText(ui.stateHint, has(hint + '_one') ? tn(hint, a.vote_budget) : t(hint));
  setTitle('screen.page_title', a.title);
  renderBoards(a);
}

function renderChooser() {
  show(ui.projection, false);
  show(ui.chooser, true);
  show(ui.codeForm, !code);
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

function showChooser(message) {
  setText(ui.chooserError, message || '');
  show(ui.chooserError, !!message);
  renderChooser();
}

function render() {
  if (client) renderStatus(ui.status, client.status);
  if (code && activityId) renderProjection();
  else renderChooser();
}

/* Removes the highlight of contributions once their time is over. */
function expireFresh() {
  const now = Date.now();
  let changed = false;
  fresh.forEach(function (at, id) {
    if (now - at >= FRESH_MS) {
      fresh.delete(id);
      changed = true;
    }
  });
  if (changed) schedule();
}

function init() {
  bindIds(ui, ['projection', 'seminarTitle', 'status', 'activityTitle', 'activityQuestion', 'activityState',
    'stateHint', 'joinCode', 'qr', 'joinUrl', 'boards', 'chooser', 'chooserTitle', 'codeForm',
    'codeInput', 'activityLinks', 'chooserError']);
  bindLang();
  i18n.onLangChange(function () {
    ui.boards.textContent = '';
    schedule();
  });
  ui.codeForm.addEventListener('submit', function (ev) {
    ev.preventDefault();
    const typed = normalizeCode(ui.codeInput.value);
    if (typed) window.location.search = '?code=' + encodeURIComponent(typed);
  });
  if (!code) {
    showChooser(null);
    ui.codeInput.focus();
    return;
  }
  model.onChange(function (change) {
    if (change.kind === 'contribution' && change.isNew) fresh.set(change.item.id, Date.now());
    schedule();
  });
  client = new AtelierClient({
    code: code,
    model: model,
    participant: false,
    activity: activityId,
    onStatus: schedule,
    onReady: schedule,
    onError: function (err) {
      showChooser(errorText(err.code));
    }
  });
  if (activityId) loadJoinAddress();
  client.start();
  setInterval(expireFresh, 1000);
  render();
}

i18n.load('screen').then(init);

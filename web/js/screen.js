/*
 * screen.js — the projection screen (web/ecran.html).
 *
 * Two ways to open it:
 * - ecran.html, with no activity: the screen shows a pairing code; a
 *   facilitator types it in the console (facil-screen.js), and from then
 *   on the screen shows what the console chooses (docs/PROTOCOL.md,
 *   "Screens"): the activity it is on, or one it is pinned to, in a mode
 *   (board, results, SWOT, spotlight, plenary), with the join panel or
 *   without. The choice lives on the server: a projector that reloads
 *   (the same browser, its token in local storage) comes back to it.
 * - ecran.html?code=CODE&activite=ID: pinned to that activity by hand,
 *   in board mode, as before the console drove screens; with the code
 *   and no activity it lists the activities to choose from.
 *
 * Owns: the page's state (one PageState), the client (ws.js), the
 * header, the join panel and which view is shown; the views' columns
 * are screen-views.js's, their cards and pages screen-columns.js's.
 * Read-only: it watches, never joins nor writes. No user text as markup.
 *
 * Mount points for other modules: #timer-slot in the header (the
 * room's timer, timer.js), and the views' table (screen-views.js) for a
 * board view that depends on the activity's phase (screen-phase.js:
 * counts while the writing is private, how many have voted while the
 * tallies are hidden, numbered results).
 */

import { bindIds, append, clear, el, setText, setClass, show, syncList, onFrame, parseParams, normalizeCode } from './dom.js';
import * as i18n from './i18n.js';
import { t, tn, has, errorText, bindSwitch } from './i18n.js';
import { Model } from './model.js';
import { PageState, ALL } from './state.js';
import { AtelierClient } from './ws.js';
import { renderStatus, renderState, bindLang, setTitle } from './ui.js';
import { SCREEN_MODES } from './protocol.js';
import { screenToken, helloMessage, spacedPairing, HELLO_AGAIN_MS } from './screen-link.js';
import { viewOf, parallelTo, slotLabel, boardPart, activityPart } from './screen-views.js';
import { createColumn, updateColumn, turnPages, PAGE_MS } from './screen-columns.js';
import { createColumnPhase, drawColumnPhase, renderVoters } from './screen-phase.js';
import { drawTimer, TICK_MS } from './timer.js';

const FRESH_MS = 6000;

const ui = {};
const params = parseParams(window.location.search);
/* Pinned by hand in the address, or null: driven by the console. */
const pinned = params.code ? { code: normalizeCode(params.code), activity: params.activite || null } : null;
const state = new PageState({
  model: new Model(),  /* the seminar, and the contributions watched */
  client: null,        /* its AtelierClient */
  status: null,        /* the connection's status */
  error: null,         /* why the chooser is shown (a refused watch) */
  screen: null,        /* what the console chose (the server's screen object) */
  fresh: new Map()     /* contribution id -> time it arrived */
});

/* ===== What is shown ===== */

/* {code, activity, mode, contribution, join}: the console's choice, or
 * the address's. */
function shown() {
  if (pinned) return { code: pinned.code, activity: pinned.activity, mode: 'board', contribution: null, join: true };
  const s = state.get('screen');
  if (!s || !s.code) return null;
  return { code: s.code, activity: s.activity, mode: s.mode, contribution: s.contribution, join: s.join };
}

/* The activity a view of mode shows every activity of (the plenary):
 * it watches the whole seminar, else only its activity. */
function watchScope(view) {
  if (!view) return null;
  const row = SCREEN_MODES[view.mode];
  return row && row.whole_seminar ? null : view.activity;
}

/* ===== Parts of the page ===== */

function cardPart(id) {
  return 'card:' + id;
}

/* The parts a contribution is drawn in: its board's column, its
 * activity's (the plenary), its card (an example action's is its
 * orientation's). */
function partsOfContribution(c) {
  return [boardPart(c.board), activityPart(c.activity),
    cardPart(c.parent === null || c.parent === undefined ? c.id : c.parent)];
}

function partsOf(change) {
  if (change.kind !== 'contribution') return ALL;
  const parts = partsOfContribution(change.item);
  return change.previous ? parts.concat(partsOfContribution(change.previous)) : parts;
}

/* ===== Join panel ===== */

let joinFor = null; /* the code the join panel was loaded for */

function showAddress(address) {
  clear(ui.joinUrl);
  address.split('/').forEach(function (part, i, all) {
    append(ui.joinUrl, [part + (i < all.length - 1 ? '/' : ''), el('wbr')]);
  });
}

function loadJoinAddress(code) {
  if (joinFor === code) return;
  joinFor = code;
  setText(ui.joinCode, code);
  ui.qr.src = '/qr/' + encodeURIComponent(code) + '.svg';
  const fallback = window.location.host + '/j/' + code;
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
      showAddress(fallback);
      ui.qr.alt = t('screen.qr_alt', { url: fallback });
      show(ui.qr, true);
    });
}

/* ===== Views ===== */

function isFresh(id) {
  const at = state.get('fresh').get(id);
  return at !== undefined && Date.now() - at < FRESH_MS;
}

/* What the render in progress draws. */
let frame = null;

function renderColumns(view, a, all) {
  const model = state.get('model');
  const v = viewOf(model, view.mode, a);
  const ctx = {
    all: all,
    isFresh: isFresh,
    marked: function (id) { return frame.parts.has(cardPart(id)); },
    actionsOf: function (id) { return model.actionsOf(id, true); }
  };
  setClass(ui.boards, 'boards ' + v.layout);
  if (!v.columns.length) {
    syncList(ui.boards, [{ key: '-' }], function (x) { return x.key; }, function () {
      return el('p', { class: 'view-empty' });
    }, function (p) { setText(p, t('screen.plenary_none')); });
    return;
  }
  /* The columns first, then their cards: what fits is measured on
   * columns in the page (syncList updates a new one before placing it). */
  const redraw = [];
  const scope = view.mode + '/' + a.id;
  syncList(ui.boards, v.columns, function (c) { return c.key; }, function () {
    return createColumnPhase(createColumn());
  }, function (column, spec) {
    /* Another view (a mode, an activity) starts at its first page. */
    const fresh = column.scope !== scope;
    if (fresh) {
      column.scope = scope;
      column.start = 0;
      column.fit = 0;
    }
    if (fresh || all || frame.parts.has(spec.part) || frame.parts.has('pages')) redraw.push(column);
    column.spec = spec;
  });
  redraw.forEach(function (column) {
    updateColumn(column, column.spec, ctx);
    drawColumnPhase(column, column.spec);
  });
}

function renderSpotlight(view) {
  const model = state.get('model');
  const c = view.contribution ? model.contribution(view.contribution) : null;
  const a = c ? model.activity(c.activity) : null;
  const b = a ? a.boards.find(function (x) { return x.id === c.board; }) : null;
  const visible = c && c.text !== null && c.text !== undefined;
  setText(ui.spotlightBoard, b ? b.title : '');
  setText(ui.spotlightText, visible ? c.text : t('screen.spotlight_gone'));
  setText(ui.spotlightAuthor, visible && c.author ? c.author : '');
  setText(ui.spotlightVotes, visible && c.votes > 0 ? tn('common.votes', c.votes) : '');
}

/* The header: the activity, or the slot of the plenary. */
function renderHead(view, a) {
  const model = state.get('model');
  setText(ui.seminarTitle, model.seminar ? model.seminar.title : '');
  if (view.mode === 'plenary') {
    const group = parallelTo(model, a);
    setText(ui.activityTitle, t('screen.plenary_title'));
    setText(ui.activityQuestion, slotLabel(group));
    show(ui.activityQuestion, group.length > 0);
    show(ui.activityState.parentNode, false);
    renderVoters(ui.voters, null);
    setTitle('screen.page_title', t('screen.plenary_title'));
    return;
  }
  show(ui.activityState.parentNode, true);
  setText(ui.activityTitle, a.title);
  setText(ui.activityQuestion, a.question || '');
  show(ui.activityQuestion, !!a.question);
  renderState(ui.activityState, a.state);
  /* A state's hint is a plural pair when it counts each one's votes. */
  const hint = 'screen.hint_' + a.state;
  setText(ui.stateHint, has(hint + '_one') ? tn(hint, a.vote_budget) : t(hint));
  renderVoters(ui.voters, a);
  setTitle('screen.page_title', a.title);
}

/* The projection, or false when the seminar has no such activity. */
function renderProjection(view, all) {
  const model = state.get('model');
  const a = model.activity(view.activity) || (view.mode === 'plenary' ? model.activityList()[0] : null);
  if (!a) return false;
  show(ui.projection, true);
  show(ui.chooser, false);
  show(ui.pairing, false);
  const spotlight = view.mode === 'spotlight';
  setClass(ui.projection, 'projection' + (view.join ? '' : ' no-join') + (spotlight ? ' is-spotlight' : ''));
  show(ui.joinPanel, view.join);
  if (view.join) loadJoinAddress(view.code);
  if (all) renderHead(view, a);
  drawScreenTimer();
  show(ui.boards, !spotlight);
  show(ui.spotlight, spotlight);
  if (spotlight) renderSpotlight(view);
  else renderColumns(view, a, all);
  return true;
}

function renderPairing() {
  const s = state.get('screen');
  show(ui.projection, false);
  show(ui.chooser, false);
  show(ui.pairing, true);
  setText(ui.pairCode, s ? spacedPairing(s.pairing) : '');
  ui.pairCode.setAttribute('aria-label', s && s.pairing ? s.pairing.split('').join(' ') : '');
  renderStatus(ui.pairStatus, state.get('status'));
  setTitle('screen.pair_heading');
}

function renderChooser(message) {
  const model = state.get('model');
  const code = pinned ? pinned.code : '';
  show(ui.projection, false);
  show(ui.pairing, false);
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

/* Draws the parts of the page marked since the last frame. */
function render() {
  const parts = state.take();
  const all = parts.has(ALL);
  const client = state.get('client');
  const view = shown();
  if (client && (all || parts.has('status'))) renderStatus(ui.status, state.get('status'));
  restartPages(view);
  frame = { all: all, parts: parts };
  const error = state.get('error');
  if (pinned && (error || !pinned.activity)) {
    renderChooser(error);
  } else if (!pinned && !view) {
    renderPairing();
  } else if (view && !renderProjection(view, all) && client && client.ready) {
    if (pinned) renderChooser(t('screen.unknown_activity'));
    else renderPairing();
  }
  frame = null;
}

/* ===== Time ===== */

/* The shown activity's timer, from the server's clock (timer.js): drawn
 * with the projection and again every TICK_MS. */
function drawScreenTimer() {
  const client = state.get('client');
  const view = shown();
  const a = view ? state.get('model').activity(view.activity) : null;
  drawTimer(ui.timer, a, client ? client.serverOffset : 0);
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

/* Every PAGE_MS, each long column turns to its next page; a new view
 * (another activity, mode or seminar) gets its first page for as long. */
let pageTimer = null;
let pagedView = null;

function nextPages() {
  if (turnPages(ui.boards)) state.mark(['pages']);
}

function restartPages(view) {
  const key = view ? view.code + '/' + view.mode + '/' + view.activity : '';
  if (key === pagedView) return;
  pagedView = key;
  clearInterval(pageTimer);
  pageTimer = setInterval(nextPages, PAGE_MS);
}

/* ===== The console's choice ===== */

let helloTimer = null;

/* The screen as the server says it is now: watch what it shows. */
function setScreen(s) {
  const before = shown();
  state.set({ screen: s }, ALL);
  const after = shown();
  const client = state.get('client');
  if (!after) return;
  if (!before || before.code !== after.code) {
    client.code = after.code;
    client.lastSeq = 0;
    client.watch(watchScope(after));
  } else if (watchScope(before) !== watchScope(after)) {
    client.watch(watchScope(after));
  }
}

/* On each connection, before watching: asks what this screen shows;
 * while it is not paired, asks again every HELLO_AGAIN_MS. */
function beforeWatch(proceed) {
  const client = state.get('client');
  const token = screenToken();
  clearTimeout(helloTimer);
  client.request(helloMessage(token), function (err, reply) {
    if (err || !reply.screen) {
      helloTimer = setTimeout(function () { beforeWatch(proceed); }, HELLO_AGAIN_MS);
      return;
    }
    const s = reply.screen;
    state.set({ screen: s }, ALL);
    if (!s.code) {
      helloTimer = setTimeout(function () { beforeWatch(proceed); }, HELLO_AGAIN_MS);
      return;
    }
    const view = shown();
    client.code = view.code;
    client.activity = watchScope(view);
    proceed();
  }, { resend: false });
}

function onScreenEvent(ev) {
  const s = state.get('screen');
  if (ev.kind !== 'screen' || !ev.screen || !s || ev.screen.id !== s.id) return;
  setScreen(ev.screen);
}

/* ===== Start ===== */

function init() {
  bindIds(ui, ['projection', 'seminarTitle', 'status', 'activityTitle', 'activityQuestion', 'activityState',
    'stateHint', 'voters', 'timerSlot', 'joinPanel', 'joinCode', 'qr', 'joinUrl', 'boards', 'spotlight', 'spotlightBoard',
    'spotlightText', 'spotlightAuthor', 'spotlightVotes', 'pairing', 'pairCode', 'pairStatus', 'langPair',
    'chooser', 'chooserTitle', 'codeForm', 'codeInput', 'activityLinks', 'chooserError']);
  ui.timer = el('p', { id: 'timer', class: 'timer', role: 'timer', hidden: true });
  ui.timerSlot.appendChild(ui.timer);
  bindLang();
  bindSwitch(ui.langPair);
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
  if (pinned && !pinned.code) {
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
    code: pinned ? pinned.code : null,
    model: model,
    participant: false,
    activity: pinned ? pinned.activity : null,
    beforeWatch: pinned ? null : beforeWatch,
    onEvent: onScreenEvent,
    onStatus: function (status) { state.set({ status: status }); },
    onReady: function () { state.set({ error: null }, ALL); },
    onError: function (err) { state.set({ error: errorText(err.code) }, ALL); }
  });
  state.set({ client: client, status: client.status }, ALL);
  client.start();
  setInterval(expireFresh, 1000);
  setInterval(drawScreenTimer, TICK_MS);
  window.addEventListener('resize', function () { state.mark(ALL); });
}

i18n.load('screen').then(init);

/*
 * facil.js — the facilitator console (web/animation.html#code=CODE&cle=KEY).
 *
 * Owns: the facilitator's credentials (read from the fragment or typed in
 * a form, kept in sessionStorage for this tab, removed from the address
 * bar, never put in a query string), the form again with the wait
 * counted down when the address is locked out after wrong keys, the
 * navigator of the activities with their states, and one activity at a
 * time (its id in the fragment: #code=CODE&activite=ID, so that a reload
 * comes back to it) with its state buttons (set_state), projection link
 * and boards: each board's rows live (50, more on demand), sorted,
 * filtered and searched (facil-list.js), several selected at once to be
 * hidden or shown, by mouse or by the shortcuts listed on the page
 * (facil-keys.js); and the export downloads (facil-export.js). A hide or
 * show names the last sequence number the console holds ("seen"): the
 * server refuses it (stale) when the contribution changed since. The
 * connection is ws.js. Each activity's participation per stakeholder
 * group is facil-groups.js's, drawn in #groups-slot. No user text as
 * markup.
 *
 * What the console knows and shows is in one PageState (state.js); every
 * change goes through it and marks the parts it touches (a board, an
 * activity, a row), and the render, once per animation frame, draws
 * those only: an event costs its board's rows shown, the rows it changed
 * redrawn, whatever the seminar holds.
 */

import { bindIds, el, setText, show, syncList, onFrame, parseParams, normalizeCode, excerpt } from './dom.js';
import * as i18n from './i18n.js';
import { t, tn, errorText } from './i18n.js';
import { Model, shown } from './model.js';
import { AtelierClient } from './ws.js';
import { newId } from './ids.js';
import { getSession, setSession } from './storage.js';
import { PageState, ALL } from './state.js';
import { renderStatus, renderState, bindLang, setTitle, stateText, capabilities } from './ui.js';
import { downloadExport } from './facil-export.js';
import { SORTS, FILTERS, sortOf, boardRows } from './facil-list.js';
import { bindShortcuts, renderShortcuts } from './facil-keys.js';
import { GroupCounts, createGroupsView, updateGroupsView } from './facil-groups.js';
import { bindModeration, createTools, drawTools, removed } from './facil-moderation.js';
import { createTimerView, updateTimerView } from './facil-timer.js';
import { ScreensPanel } from './facil-screen.js';
import { ACTIVITY_STATES, EXPORT_FORMATS } from './protocol.js';

const CREDENTIALS = 'atelier.facil';
/* Rows of a board shown at first, and added by each "show more". */
const PAGE_ROWS = 50;
/* Hides and shows of a selection in flight at once: within the rate
 * limit of key messages (docs/PROTOCOL.md: a burst of 30 per connection). */
const IN_FLIGHT = 8;
/* The words of a contribution named in a checkbox's or button's label. */
const LABEL_CHARS = 60;

const ui = {};
const state = new PageState({
  creds: null,        /* {code, key} once logged in, else null: the login form */
  loginError: null,   /* why the login form is shown again */
  lockedUntil: 0,     /* Date.now() at which a lock-out after wrong keys ends */
  model: null,        /* the Model of the seminar */
  client: null,       /* its AtelierClient */
  status: null,       /* the connection's status */
  joinUrl: '',        /* the address for phones */
  notice: null,       /* the last request's error */
  chosen: null,       /* the id of the activity shown (from the fragment) */
  sorts: new Map(),   /* activity id -> the sort chosen for it (else its default) */
  filter: FILTERS[0], /* which states are listed */
  query: '',          /* the search, as typed */
  selected: new Set(), /* ids of the selected contributions (of the activity shown) */
  busy: new Set(),    /* "activity:<id>" or contribution ids with a request in flight */
  rowsShown: new Map(), /* board part -> rows shown, when more than PAGE_ROWS */
  exporting: new Set(), /* export formats being downloaded */
  exportStatus: '',    /* what the last export did */
  groupCounts: new Map(), /* activity id -> its figures per group (facil-groups.js) */
  histories: new Map() /* contribution id -> its audit trail (facil-moderation.js) */
});
/* Asks for the figures per group while logged in. */
let groupCounts = null;
/* The projection screens' panel (facil-screen.js), made at init. */
let screens = null;
/* What the render in progress draws: {all, parts}; rows not marked and
 * still showing the same contribution are left as they are. */
let frame = null;
/* The countdown of a lock-out, while one runs. */
let lockTimer = null;

/* ===== Parts of the page ===== */

/* The activity view whole: another activity, sort, filter or search. */
const VIEW = 'view';
const SELECTION = 'selection';

function boardPart(activityId, boardId) {
  return 'board:' + activityId + '\n' + boardId;
}

function activityPart(activityId) {
  return 'activity:' + activityId;
}

function navPart(activityId) {
  return 'nav:' + activityId;
}

function rowPart(id) {
  return 'row:' + id;
}

function isTop(c) {
  return c.parent === null || c.parent === undefined;
}

/* What a change of the model marks: a contribution, its board, its row
 * (an example action: its orientation's row) and its activity's entry
 * in the navigator, where it is and where it was; an activity, its view
 * and its entry; a snapshot or a new seminar, all. */
function partsOf(change) {
  if (change.kind === 'activity') return [activityPart(change.item.id), navPart(change.item.id)];
  if (change.kind !== 'contribution') return ALL;
  const parts = [];
  [change.item, change.previous].forEach(function (c) {
    if (c) parts.push.apply(parts, rowParts(c).concat(navPart(c.activity)));
  });
  return parts;
}

/* A contribution's board and row (an example action: its orientation's). */
function rowParts(c) {
  return [boardPart(c.activity, c.board), rowPart(isTop(c) ? c.id : c.parent)];
}

function notice(text) {
  state.set({ notice: text || null });
}

function announce(text) {
  setText(ui.live, '');
  setTimeout(function () { setText(ui.live, text); }, 50);
}

/* ===== Credentials ===== */

/* The address bar's fragment: the code, and the activity shown. */
function setFragment(code, activity) {
  if (!window.history.replaceState) return;
  window.history.replaceState(null, '', window.location.pathname + '#code=' + encodeURIComponent(code) +
    (activity ? '&activite=' + encodeURIComponent(activity) : ''));
}

/* Code and key from the fragment (then only the code and the activity
 * stay in the address bar), else from this tab's sessionStorage. */
function readCredentials() {
  const fragment = parseParams(window.location.hash);
  const code = normalizeCode(fragment.code);
  if (code && fragment.cle) {
    setSession(CREDENTIALS, { code: code, key: fragment.cle });
    setFragment(code, fragment.activite);
  }
  const stored = getSession(CREDENTIALS, null);
  if (stored && stored.code && stored.key && (!code || stored.code === code)) return stored;
  if (code) ui.loginCode.value = code;
  return null;
}

/* Shows the login form (drawn now, so that its field takes the focus). */
function showLogin(message) {
  const client = state.get('client');
  if (client) client.stop();
  if (groupCounts) groupCounts.stop();
  state.set({ creds: null, client: null, model: null, loginError: message || null, notice: null }, ALL);
  draw();
  (ui.loginCode.value ? ui.loginKey : ui.loginCode).focus();
}

/* The address is locked out after wrong keys (rate_limited before the
 * console had its seminar): the form again, its button off and the wait
 * counted down, then the form asks for the key again. key: the one
 * tried, left in its field for the retry. */
function lockedOut(code, key, seconds) {
  const wait = Math.max(1, seconds || 1);
  clearInterval(lockTimer);
  ui.loginCode.value = code;
  ui.loginKey.value = key || '';
  state.set({ lockedUntil: Date.now() + wait * 1000 });
  showLogin(t('facil.locked', { seconds: wait }));
  lockTimer = setInterval(function () {
    if (Date.now() < state.get('lockedUntil')) {
      state.mark(ALL);
      return;
    }
    clearInterval(lockTimer);
    lockTimer = null;
    state.set({ lockedUntil: 0, loginError: t('facil.locked_over') }, ALL);
    draw();
    ui.loginKey.focus();
  }, 1000);
}

function start(creds) {
  const model = new Model({ keepHiddenText: true });
  state.follow(model, partsOf);
  const client = new AtelierClient({
    code: creds.code,
    model: model,
    participant: false,
    key: creds.key,
    activity: null,
    onReady: function () {
      groupCounts.start();
      screens.refresh();
    },
    onEvent: function (ev) { if (ev.kind === 'screen') screens.update(ev.screen); },
    onStatus: function (status) { state.set({ status: status }); },
    onError: function (err) {
      if (err.code === 'bad_key' || err.code === 'unknown_seminar' || err.code === 'bad_field') {
        setSession(CREDENTIALS, null);
        ui.loginCode.value = creds.code;
        showLogin(errorText(err.code));
      } else if (typeof err.retry === 'number' && !model.seminar) {
        /* The watch itself was refused for the rate (the refusals that
         * say when to retry): after wrong keys, the address is locked
         * out and the key was not even looked at. */
        lockedOut(creds.code, creds.key, err.retry);
      } else {
        notice(errorText(err.code));
      }
    }
  });
  if (groupCounts) groupCounts.stop();
  groupCounts = new GroupCounts(function (cb) {
    return client.request({ type: 'group_counts', id: newId(), code: creds.code, key: creds.key }, cb,
      { resend: false });
  }, function (figures) { state.set({ groupCounts: figures }, 'groups'); });
  model.onChange(function () { groupCounts.refresh(); });
  state.set({ creds: creds, loginError: null, lockedUntil: 0, model: model, client: client, status: client.status,
    joinUrl: '', busy: new Set(), rowsShown: new Map(), selected: new Set(), groupCounts: new Map() }, ALL);
  loadJoinAddress(creds.code);
  client.start();
}

function loadJoinAddress(code) {
  const done = function (url) {
    if (state.get('creds') && state.get('creds').code === code) state.set({ joinUrl: url }, 'join');
  };
  fetch('/api/join/' + encodeURIComponent(code), { credentials: 'same-origin' })
    .then(function (response) { return response.ok ? response.json() : null; })
    .then(function (data) { done(data && data.url ? data.url : ''); })
    .catch(function () { done(''); });
}

/* ===== The activity shown ===== */

/* The activity shown: the one chosen, else the first that takes posts
 * or votes, else the first of the programme. */
function current() {
  const model = state.get('model');
  if (!model || !model.seminar) return null;
  const chosen = state.get('chosen') ? model.activity(state.get('chosen')) : null;
  if (chosen) return chosen;
  const list = model.activityList();
  return list.find(function (a) { const c = capabilities(a); return c.post || c.vote; }) || list[0] || null;
}

/* Shows activity id (from the fragment, a link of the navigator or a
 * shortcut): the selection is of one activity, and goes. */
function choose(id) {
  if (id === state.get('chosen')) return;
  state.set({ chosen: id || null, selected: new Set(), rowsShown: new Map() }, [VIEW, 'nav', SELECTION]);
  const creds = state.get('creds');
  if (creds) setFragment(creds.code, id);
  screens.follow();
}

/* The activity step places after (or before) the one shown. */
function chooseNext(step) {
  const model = state.get('model');
  const a = current();
  if (!model || !a) return;
  const list = model.activityList();
  const at = list.indexOf(a) + step;
  if (at < 0 || at >= list.length) return;
  choose(list[at].id);
  focusTitle();
}

/* After another activity is shown, its title takes the focus (drawn
 * first), so that a screen reader says where the facilitator is. */
function focusTitle() {
  draw();
  ui.activityTitle.focus();
}

/* The search as typed: the boards list their first rows again. */
function setQuery(query) {
  state.set({ query: query, rowsShown: new Map() }, VIEW);
}

/* How the activity shown is listed: {sort, filter, query}. */
function viewOf(a) {
  return { sort: sortOf(a, state.get('sorts')), filter: state.get('filter'), query: state.get('query') };
}

/* ===== Facilitator requests ===== */

/* Sends a facilitator request; busyKey is in state's busy set until its
 * reply, and parts are drawn again when it goes and when it comes.
 * done(err, reply) is called with its outcome; without done, an error
 * is shown in the notice. */
function facilitator(type, fields, busyKey, parts, done) {
  const creds = state.get('creds');
  const msg = Object.assign({ type: type, id: newId(), code: creds.code, key: creds.key }, fields);
  state.update('busy', function (busy) { busy.add(busyKey); }, parts);
  state.get('client').request(msg, function (err, reply) {
    state.update('busy', function (busy) { busy.delete(busyKey); }, parts);
    if (done) done(err, reply);
    else if (err) notice(errorText(err.code));
  });
}

function setState(activityId, s) {
  notice(null);
  facilitator('set_state', { activity: activityId, state: s }, 'activity:' + activityId, activityPart(activityId),
    function (err, reply) {
      if (err) notice(errorText(err.code));
      else if (reply.activity) announce(t('facil.state_done', { title: reply.activity.title, state: stateText(reply.activity.state) }));
    });
}

/* A timer command (facil-timer.js) about the activity shown. */
function timerCommand(type, fields) {
  const activityId = ui.activity.dataset.key;
  if (!activityId) return;
  notice(null);
  facilitator(type, Object.assign({ activity: activityId }, fields), 'activity:' + activityId,
    activityPart(activityId));
}

/* Hides (hide true) or shows the contributions ids, those not already
 * so, a few requests at a time. Each names the last sequence number the
 * console holds: one that changed since is refused (stale) and left as
 * it is. A request refused for the rate (rate_limited) goes again after
 * the wait the server gives. When every one is answered, says what was
 * done and what was not; of the ids, those refused stay selected. */
function moderate(ids, hide) {
  const model = state.get('model');
  const todo = ids.map(function (id) { return model.contribution(id); })
    .filter(function (c) { return c && shown(c) === hide && !state.get('busy').has(c.id); });
  if (!todo.length) return;
  notice(null);
  const outcome = { done: 0, stale: 0, failed: null, refused: [] };
  let next = 0;
  let running = 0;
  const finish = function () {
    const said = [];
    if (outcome.done) said.push(tn(hide ? 'facil.hidden_done' : 'facil.shown_done', outcome.done));
    if (outcome.stale) said.push(todo.length === 1 ? errorText('stale') : tn('facil.stale_some', outcome.stale));
    if (outcome.failed) said.push(errorText(outcome.failed));
    if (outcome.stale || outcome.failed) notice(said.join(' '));
    announce(said.join(' '));
    /* What was asked leaves the selection, but for the rows refused. */
    state.update('selected', function (set) {
      ids.forEach(function (id) { if (outcome.refused.indexOf(id) < 0) set.delete(id); });
    }, selectionParts(ids));
  };
  /* One of the running requests: refused for the rate (nothing done),
   * it goes again after the wait, running still. */
  const send = function (c) {
    const seen = state.get('client').lastSeq;
    facilitator(hide ? 'hide' : 'show', { contribution: c.id, seen: seen }, c.id, rowParts(c), function (err) {
      if (err && typeof err.retry === 'number') {
        setTimeout(function () { send(c); }, Math.max(1, err.retry || 1) * 1000);
        return;
      }
      running -= 1;
      if (!err) outcome.done += 1;
      else {
        outcome.refused.push(c.id);
        if (err.code === 'stale') outcome.stale += 1;
        else outcome.failed = err.code;
      }
      pump();
    });
  };
  const pump = function () {
    while (running < IN_FLIGHT && next < todo.length) {
      running += 1;
      send(todo[next++]);
    }
    if (running === 0 && next >= todo.length) finish();
  };
  pump();
}

/* The selection, or else the row that has the focus. */
function targets() {
  const selected = Array.from(state.get('selected'));
  if (selected.length) return selected;
  const row = focusedRow();
  return row ? [Number(row.dataset.key)] : [];
}

/* What a change of the selection of ids marks: the selection bar, and
 * each one's row with its board (a row is drawn again from its board). */
function selectionParts(ids) {
  const model = state.get('model');
  const parts = [SELECTION];
  ids.forEach(function (id) {
    const c = model ? model.contribution(id) : null;
    if (c) parts.push.apply(parts, rowParts(c));
  });
  return parts;
}

function select(id, on) {
  state.update('selected', function (set) {
    if (on) set.add(id);
    else set.delete(id);
  }, selectionParts([id]));
}

function clearSelection() {
  const before = Array.from(state.get('selected'));
  if (!before.length) return false;
  state.set({ selected: new Set() }, selectionParts(before));
  return true;
}

/* ===== Keyboard ===== */

/* Every row of the activity shown, in the page's order (example actions
 * inside their orientation's). */
function rowList() {
  return Array.prototype.slice.call(ui.boards.querySelectorAll('li.item'));
}

function focusedRow() {
  const active = document.activeElement;
  return active && ui.boards.contains(active) ? active.closest('li.item') : null;
}

/* Moves the focus to the row step places from the focused one (the
 * first row when none has it), on its checkbox. */
function moveFocus(step) {
  const rows = rowList();
  if (!rows.length) return;
  const at = rows.indexOf(focusedRow());
  const next = at < 0 ? (step > 0 ? 0 : rows.length - 1) : Math.min(rows.length - 1, Math.max(0, at + step));
  rows[next].querySelector(':scope > .select').focus();
}

const actions = {
  search: function () { ui.search.focus(); ui.search.select(); },
  next: function () { moveFocus(1); },
  previous: function () { moveFocus(-1); },
  select: function () {
    const row = focusedRow();
    if (!row) return false;
    const id = Number(row.dataset.key);
    select(id, !state.get('selected').has(id));
  },
  hide: function () { moderate(targets(), true); },
  show: function () { moderate(targets(), false); },
  sort: function () {
    const a = current();
    if (!a) return false;
    const now = sortOf(a, state.get('sorts'));
    const next = SORTS[(SORTS.indexOf(now) + 1) % SORTS.length];
    state.update('sorts', function (sorts) { sorts.set(a.id, next); }, VIEW);
    announce(t('facil.sorted', { sort: t(SORT_TEXTS[next]) }));
  },
  nextActivity: function () { chooseNext(1); },
  previousActivity: function () { chooseNext(-1); },
  /* In the search: empties it and goes back to the rows; elsewhere:
   * empties the selection. */
  escape: function (ev) {
    if (ev.target === ui.search) {
      ui.search.value = '';
      setQuery('');
      draw();
      moveFocus(1);
      return undefined;
    }
    return clearSelection();
  }
};

const SORT_TEXTS = Object.freeze({ recent: 'facil.sort_recent', votes: 'facil.sort_votes' });

/* ===== Rendering: the navigator ===== */

function createNavItem() {
  const link = el('a', { class: 'nav-link' }, [
    el('span', { class: 'nav-title' }), el('span', { class: 'state' }), el('span', { class: 'nav-count' })
  ]);
  link.addEventListener('click', function (ev) {
    ev.preventDefault();
    choose(link.parentNode.dataset.key);
    focusTitle();
  });
  return el('li', {}, [link]);
}

/* The number of contributions shown to everyone on activity a's boards. */
function countOf(a) {
  const model = state.get('model');
  let count = 0;
  a.boards.forEach(function (b) {
    count += model.topLevel(a.id, b.id, 'recent', true).length;
  });
  return count;
}

function updateNavItem(li, a) {
  const link = li.firstChild;
  const here = current() === a;
  const href = '#code=' + encodeURIComponent(state.get('creds').code) + '&activite=' + encodeURIComponent(a.id);
  if (link.getAttribute('href') !== href) link.setAttribute('href', href);
  if (here && !link.hasAttribute('aria-current')) link.setAttribute('aria-current', 'page');
  else if (!here && link.hasAttribute('aria-current')) link.removeAttribute('aria-current');
  setText(link.children[0], a.title);
  renderState(link.children[1], a.state);
  setText(link.children[2], tn('facil.contributions', countOf(a)));
}

function renderNav(model, parts, all) {
  if (all || parts.has('nav')) {
    syncList(ui.navList, model.activityList(), function (a) { return a.id; }, createNavItem, updateNavItem);
    return;
  }
  Array.prototype.forEach.call(ui.navList.children, function (li) {
    if (!parts.has(navPart(li.dataset.key))) return;
    const a = model.activity(li.dataset.key);
    if (a) updateNavItem(li, a);
  });
}

/* ===== Rendering: the activity shown ===== */

function createItem() {
  const box = el('input', { type: 'checkbox', class: 'select' });
  box.addEventListener('change', function () {
    select(Number(box.parentNode.dataset.key), box.checked);
  });
  const toggle = el('button', { type: 'button', class: 'toggle' });
  toggle.addEventListener('click', function () {
    moderate([Number(toggle.parentNode.dataset.key)], toggle.dataset.hide === '1');
  });
  return el('li', { class: 'item' }, [
    box,
    el('div', { class: 'item-body' }, [el('p', { class: 'item-text' }), el('p', { class: 'item-meta' })].concat(createTools())),
    toggle,
    el('ol', { class: 'item-actions' })
  ]);
}

/* A row of a board: drawn again only when the render draws everything,
 * its row is marked, or it shows another contribution (or another
 * version of it) than when it was last drawn. */
function updateRow(li, c) {
  if (!frame.all && li.drawn === c && !frame.parts.has(rowPart(c.id))) return;
  drawItem(li, c);
}

/* Draws row li (a contribution, or an example action inside its
 * orientation's row) for contribution c. */
function drawItem(li, c) {
  li.drawn = c;
  const box = li.children[0];
  const body = li.children[1];
  const hidden = !shown(c);
  const text = c.text === null ? t('facil.text_unknown') : c.text;
  const label = excerpt(c.text || '', LABEL_CHARS);
  box.checked = state.get('selected').has(c.id);
  box.setAttribute('aria-label', t('facil.select_label', { text: label }));
  setText(body.children[0], text);
  const meta = [c.author || t('facil.anonymous'), tn('common.votes', c.votes)];
  if (c.edited) meta.push(t('facil.edited'));
  if (c.rephrased) meta.push(t('facil.rephrased'));
  if (removed(c)) meta.push(t('facil.removed'));
  else if (hidden) meta.push(t('facil.hidden'));
  setText(body.children[1], meta.join(' · '));
  drawTools(body.children[2], body.children[3], c, label);
  li.classList.toggle('is-hidden', hidden);
  li.classList.toggle('is-selected', box.checked);
  const toggle = li.children[2];
  toggle.dataset.hide = hidden ? '0' : '1';
  setText(toggle, hidden ? t('facil.show') : t('facil.hide'));
  toggle.setAttribute('aria-label', t(hidden ? 'facil.show_label' : 'facil.hide_label', { text: label }));
  toggle.disabled = state.get('busy').has(c.id);
  const actionsList = isTop(c) ? state.get('model').actionsOf(c.id, false) : [];
  syncList(li.children[3], actionsList, function (x) { return x.id; }, createItem, drawItem);
  show(li.children[3], actionsList.length > 0);
}

function createStateButtons() {
  ACTIVITY_STATES.forEach(function (s) {
    const button = el('button', { type: 'button', class: 'tab', dataset: { state: s } });
    button.addEventListener('click', function () {
      setState(ui.activity.dataset.key, s);
    });
    ui.stateButtons.appendChild(button);
  });
}

function updateCount(a) {
  setText(ui.activityCount, tn('facil.contributions', countOf(a)));
}

/* The head of the activity shown: title, state, count, question, state
 * buttons, projection link, and the view's settings. */
function updateActivity(a) {
  if (ui.activity.dataset.key !== a.id) ui.activity.dataset.key = a.id;
  setText(ui.activityTitle, a.title);
  renderState(ui.activityState, a.state);
  updateCount(a);
  setText(ui.activityQuestion, a.question || '');
  show(ui.activityQuestion, !!a.question);
  const busy = state.get('busy').has('activity:' + a.id);
  ui.stateButtons.setAttribute('aria-label', t('facil.state_label', { title: a.title }));
  Array.prototype.forEach.call(ui.stateButtons.children, function (button) {
    const s = button.dataset.state;
    setText(button, t('facil.set_' + s));
    button.setAttribute('aria-pressed', a.state === s ? 'true' : 'false');
    button.disabled = busy;
    /* the phases its definition chose (an older server sends none) */
    show(button, !a.phases || a.phases.indexOf(s) >= 0);
  });
  updateTimerView(ui.timer, a, busy);
  ui.project.href = 'ecran.html?code=' + encodeURIComponent(state.get('creds').code) + '&activite=' + encodeURIComponent(a.id);
  setText(ui.project, t('facil.project'));
  ui.project.setAttribute('aria-label', t('facil.project_label', { title: a.title }));
  const view = viewOf(a);
  if (ui.sort.value !== view.sort) ui.sort.value = view.sort;
  if (ui.filter.value !== view.filter) ui.filter.value = view.filter;
}

function createBoard() {
  const more = el('button', { type: 'button', class: 'more' });
  more.addEventListener('click', function () {
    const part = more.parentNode.dataset.board;
    state.update('rowsShown', function (rows) { rows.set(part, (rows.get(part) || PAGE_ROWS) + PAGE_ROWS); }, part);
  });
  return el('section', { class: 'board' }, [el('h4'), el('ol', { class: 'items' }), el('p', { class: 'hint' }), more]);
}

/* A board shows its first rows only (PAGE_ROWS, more on demand) in the
 * view's order: a frame costs the rows shown, not the contributions the
 * board holds. Each row says where it stands in the whole list
 * (aria-posinset, aria-setsize) for a screen reader. */
function updateBoard(section, a, b) {
  const view = viewOf(a);
  const items = boardRows(state.get('model'), a, b.id, view);
  const part = boardPart(a.id, b.id);
  if (section.dataset.board !== part) section.dataset.board = part;
  const limit = state.get('rowsShown').get(part) || PAGE_ROWS;
  const rows = items.length > limit ? items.slice(0, limit) : items;
  setText(section.children[0], b.title);
  const list = section.children[1];
  syncList(list, rows, function (c) { return c.id; }, createItem, updateRow);
  const size = String(items.length);
  Array.prototype.forEach.call(list.children, function (li, i) {
    const at = String(i + 1);
    if (li.getAttribute('aria-posinset') !== at) li.setAttribute('aria-posinset', at);
    if (li.getAttribute('aria-setsize') !== size) li.setAttribute('aria-setsize', size);
  });
  const filtered = !!view.query.trim() || view.filter !== FILTERS[0];
  setText(section.children[2], t(filtered ? 'facil.no_match' : 'facil.board_empty'));
  show(section.children[2], items.length === 0);
  const rest = items.length - rows.length;
  if (rest > 0) setText(section.children[3], tn('facil.more', Math.min(PAGE_ROWS, rest)));
  show(section.children[3], rest > 0);
}

/* The activity shown: whole (all), or the parts of it that are marked. */
function renderActivity(model, parts, all) {
  const a = current();
  show(ui.activity, !!a);
  if (!a) return;
  /* The activity shown by default stays shown when states change, and
   * goes in the fragment. */
  if (!state.get('chosen')) choose(a.id);
  /* A change of the activity itself (its state) may change its order:
   * its boards are drawn again too. */
  const whole = all || parts.has(VIEW) || parts.has(activityPart(a.id)) || ui.activity.dataset.key !== a.id;
  if (whole) updateActivity(a);
  let touched = false;
  if (whole) {
    syncList(ui.boards, a.boards, function (b) { return b.id; }, createBoard, function (section, b) {
      updateBoard(section, a, b);
    });
  } else {
    Array.prototype.forEach.call(ui.boards.children, function (section) {
      const b = a.boards.find(function (x) { return x.id === section.dataset.key; });
      if (b && parts.has(boardPart(a.id, b.id))) {
        updateBoard(section, a, b);
        touched = true;
      }
    });
    if (touched) updateCount(a);
  }
  if (whole || parts.has(SELECTION)) renderSelection();
  if (whole || parts.has('groups')) updateGroupsView(ui.groups, a, state.get('groupCounts').get(a.id));
}

function renderSelection() {
  const n = state.get('selected').size;
  setText(ui.selectionCount, n ? tn('facil.selected', n) : t('facil.selected_none'));
  ui.hideSelected.disabled = n === 0;
  ui.showSelected.disabled = n === 0;
  ui.clearSelection.disabled = n === 0;
}

/* Draws the parts of the page marked since the last frame. */
function render(parts) {
  const all = parts.has(ALL);
  const creds = state.get('creds');
  if (all) {
    show(ui.login, !creds);
    show(ui.logout, !!creds);
    show(ui.status, !!creds);
    setText(ui.loginError, state.get('loginError') || '');
    show(ui.loginError, !!state.get('loginError'));
    const wait = Math.ceil((state.get('lockedUntil') - Date.now()) / 1000);
    setText(ui.loginWait, wait > 0 ? t('facil.locked_wait', { seconds: wait }) : '');
    show(ui.loginWait, wait > 0);
    ui.loginButton.disabled = wait > 0;
  }
  if (all || parts.has('exports')) renderExports();
  if (all || parts.has('notice')) {
    setText(ui.notice, state.get('notice') || '');
    show(ui.notice, !!state.get('notice'));
  }
  if (all || parts.has('join')) {
    setText(ui.joinCode, creds ? creds.code : '');
    setText(ui.joinUrl, state.get('joinUrl'));
  }
  const model = state.get('model');
  if (all || parts.has('status')) {
    if (creds) renderStatus(ui.status, state.get('status'));
    show(ui.console, !!(model && model.seminar));
  }
  const seminar = model ? model.seminar : null;
  if (!seminar) {
    if (all) {
      setText(ui.seminarTitle, t('facil.app_name'));
      setTitle('facil.page_title');
    }
    return;
  }
  frame = { all: all, parts: parts };
  if (all) {
    setText(ui.seminarTitle, seminar.title);
    setTitle('facil.page_title', seminar.title);
  }
  renderNav(model, parts, all);
  renderActivity(model, parts, all);
  frame = null;
}

/* Draws what is marked now, without waiting for the next frame. */
function draw() {
  render(state.take());
}
/* ===== Exports ===== */

/* One button per export format of protocol.js, its text from the
 * catalogue (facil.export_FMT, translated again on a language switch). */
function createExportButtons() {
  EXPORT_FORMATS.forEach(function (format) {
    const key = 'facil.export_' + format;
    const button = el('button', { type: 'button', class: 'export', text: t(key), dataset: { format: format, i18n: key } });
    button.addEventListener('click', function () {
      const creds = state.get('creds');
      const said = function (text) {
        state.update('exporting', function (formats) { formats.delete(format); }, 'exports');
        state.set({ exportStatus: text }, 'exports');
      };
      state.update('exporting', function (formats) { formats.add(format); }, 'exports');
      state.set({ exportStatus: t('facil.export_running') }, 'exports');
      downloadExport(creds.code, creds.key, format).then(function (name) {
        said(t('facil.export_done', { file: name }));
      }, function (err) {
        const code = err.status === 401 || err.status === 403 ? 'bad_key' : null;
        /* 503: the server's export worker is full; nothing was done. */
        const busy = err.status === 503 ? 'busy' : null;
        said(code || busy ? errorText(code || busy)
          : t('facil.export_failed', { status: err.status || '—' }));
      });
    });
    ui.exportButtons.appendChild(button);
  });
}

function renderExports() {
  const exporting = state.get('exporting');
  Array.prototype.forEach.call(ui.exportButtons.children, function (button) {
    button.disabled = exporting.has(button.dataset.format);
  });
  setText(ui.exportStatus, state.get('exportStatus'));
}

/* ===== Start ===== */

function init() {
  bindIds(ui, ['seminarTitle', 'status', 'logout', 'notice', 'live', 'login', 'loginForm', 'loginCode', 'loginKey',
    'loginButton', 'loginError', 'loginWait', 'console', 'joinCode', 'joinUrl', 'exportButtons', 'exportStatus',
    'navList', 'activity', 'activityTitle', 'activityState', 'activityCount', 'activityQuestion', 'stateButtons',
    'project', 'sort', 'filter', 'search', 'viewForm', 'selectionCount', 'hideSelected', 'showSelected',
    'clearSelection', 'boards', 'shortcutList', 'groupsSlot', 'timerSlot', 'screensSlot']);
  ui.groups = createGroupsView();
  ui.groupsSlot.appendChild(ui.groups);
  ui.timer = createTimerView(timerCommand, function () {
    return state.get('client') ? state.get('client').serverOffset : 0;
  });
  ui.timerSlot.appendChild(ui.timer);
  screens = new ScreensPanel(function (msg, cb) {
    const creds = state.get('creds');
    const client = state.get('client');
    if (!creds || !client) return false;
    msg.code = creds.code;
    msg.key = creds.key;
    return client.request(msg, cb, { resend: false });
  }, current, function () { return Array.from(state.get('selected')); });
  ui.screensSlot.appendChild(screens.element);
  i18n.apply(screens.element);
  bindLang();
  state.subscribe(onFrame(draw));
  i18n.onLangChange(function () {
    ui.boards.textContent = '';
    ui.navList.textContent = '';
    renderShortcuts(ui.shortcutList);
    state.mark(ALL);
  });
  ui.loginForm.addEventListener('submit', function (ev) {
    ev.preventDefault();
    if (state.get('lockedUntil') > Date.now()) return;
    const code = normalizeCode(ui.loginCode.value);
    const key = ui.loginKey.value.trim();
    if (!code || !key) {
      state.set({ loginError: t('facil.login_missing') }, ALL);
      draw();
      return;
    }
    ui.loginKey.value = '';
    setSession(CREDENTIALS, { code: code, key: key });
    setFragment(code, state.get('chosen'));
    start({ code: code, key: key });
  });
  ui.logout.addEventListener('click', function () {
    setSession(CREDENTIALS, null);
    showLogin(null);
  });
  ui.sort.addEventListener('change', function () {
    const a = current();
    if (a) state.update('sorts', function (sorts) { sorts.set(a.id, ui.sort.value); }, VIEW);
  });
  ui.filter.addEventListener('change', function () {
    state.set({ filter: ui.filter.value, rowsShown: new Map() }, VIEW);
  });
  ui.search.addEventListener('input', function () {
    setQuery(ui.search.value);
  });
  ui.viewForm.addEventListener('submit', function (ev) { ev.preventDefault(); });
  ui.hideSelected.addEventListener('click', function () { moderate(Array.from(state.get('selected')), true); });
  ui.showSelected.addEventListener('click', function () { moderate(Array.from(state.get('selected')), false); });
  ui.clearSelection.addEventListener('click', clearSelection);
  createExportButtons();
  createStateButtons();
  bindModeration({ state: state, facilitator: facilitator, rowParts: rowParts, notice: notice,
    announce: announce, errorText: errorText });
  renderShortcuts(ui.shortcutList);
  bindShortcuts(document, actions, function () { return !!state.get('creds') && !ui.console.hidden; });
  /* A new link pasted into the address bar changes only the fragment:
   * start again with its credentials; a link of the navigator (opened
   * in this tab by hand) shows its activity. */
  window.addEventListener('hashchange', function () {
    const fragment = parseParams(window.location.hash);
    if (fragment.cle) window.location.reload();
    else if (fragment.activite) choose(fragment.activite);
  });
  state.set({ chosen: parseParams(window.location.hash).activite || null });
  const stored = readCredentials();
  if (stored) start(stored);
  else showLogin(null);
}

i18n.load('facil').then(init);

/*
 * facil.js — the facilitator console (web/animation.html#code=CODE&cle=KEY).
 *
 * Owns: the facilitator's credentials (read from the fragment or typed in
 * a form, kept in sessionStorage for this tab, removed from the address
 * bar, never put in a query string), the list of activities with their
 * state buttons (set_state) and projection links, each board's newest
 * contributions live with hide / show (50 rows, more on demand), and the
 * export downloads (facil-export.js), and each activity's participation
 * per stakeholder group (facil-groups.js). The connection is ws.js. No user
 * text as markup.
 *
 * What the console knows and shows is in one PageState (state.js); every
 * change goes through it and marks the parts it touches (a board, an
 * activity, a row), and the render, once per animation frame, draws
 * those only: an event costs its board's rows shown, the rows it changed
 * redrawn, whatever the seminar holds.
 */

import { bindIds, el, setText, show, syncList, onFrame, parseParams, normalizeCode } from './dom.js';
import * as i18n from './i18n.js';
import { t, tn, errorText } from './i18n.js';
import { Model, shown } from './model.js';
import { AtelierClient } from './ws.js';
import { newId } from './ids.js';
import { getSession, setSession } from './storage.js';
import { PageState, ALL } from './state.js';
import { renderStatus, renderState, bindLang, setTitle, stateText } from './ui.js';
import { downloadExport } from './facil-export.js';
import { GroupCounts, createGroupsView, updateGroupsView } from './facil-groups.js';
import { ACTIVITY_STATES, EXPORT_FORMATS } from './protocol.js';

const CREDENTIALS = 'atelier.facil';
/* Rows of a board shown at first, and added by each "show more". */
const PAGE_ROWS = 50;

const ui = {};
const state = new PageState({
  creds: null,        /* {code, key} once logged in, else null: the login form */
  loginError: null,   /* why the login form is shown again */
  model: null,        /* the Model of the seminar */
  client: null,       /* its AtelierClient */
  status: null,       /* the connection's status */
  joinUrl: '',        /* the address for phones */
  notice: null,       /* the last request's error */
  busy: new Set(),    /* "activity:<id>" or contribution ids with a request in flight */
  rowsShown: new Map(), /* board part -> rows shown, when more than PAGE_ROWS */
  exporting: new Set(), /* export formats being downloaded */
  exportStatus: '',    /* what the last export did */
  groupCounts: new Map() /* activity id -> its figures per group (facil-groups.js) */
});
/* Asks for the figures per group while logged in. */
let groupCounts = null;
/* What the render in progress draws: {all, parts}; rows not marked and
 * still showing the same contribution are left as they are. */
let frame = null;

/* ===== Parts of the page ===== */

function boardPart(activityId, boardId) {
  return 'board:' + activityId + '\n' + boardId;
}

function activityPart(activityId) {
  return 'activity:' + activityId;
}

function rowPart(id) {
  return 'row:' + id;
}

function isTop(c) {
  return c.parent === null || c.parent === undefined;
}

/* What a change of the model marks: a contribution, its board and its
 * row (an example action: its orientation's row), where it is and where
 * it was; an activity, its panel; a snapshot or a new seminar, all. */
function partsOf(change) {
  if (change.kind === 'activity') return activityPart(change.item.id);
  if (change.kind !== 'contribution') return ALL;
  const parts = [];
  [change.item, change.previous].forEach(function (c) {
    if (c) parts.push(boardPart(c.activity, c.board), rowPart(isTop(c) ? c.id : c.parent));
  });
  return parts;
}

function notice(text) {
  state.set({ notice: text || null });
}

function announce(text) {
  setText(ui.live, '');
  setTimeout(function () { setText(ui.live, text); }, 50);
}

/* ===== Credentials ===== */

/* Code and key from the fragment (then only the code stays in the
 * address bar), else from this tab's sessionStorage. */
function readCredentials() {
  const fragment = parseParams(window.location.hash);
  const code = normalizeCode(fragment.code);
  if (code && fragment.cle) {
    setSession(CREDENTIALS, { code: code, key: fragment.cle });
    if (window.history.replaceState) {
      window.history.replaceState(null, '', window.location.pathname + '#code=' + encodeURIComponent(code));
    }
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

function start(creds) {
  const model = new Model({ keepHiddenText: true });
  state.follow(model, partsOf);
  const client = new AtelierClient({
    code: creds.code,
    model: model,
    participant: false,
    key: creds.key,
    activity: null,
    onReady: function () { groupCounts.start(); },
    onStatus: function (status) { state.set({ status: status }); },
    onError: function (err) {
      if (err.code === 'bad_key' || err.code === 'unknown_seminar' || err.code === 'bad_field') {
        setSession(CREDENTIALS, null);
        ui.loginCode.value = creds.code;
        showLogin(errorText(err.code));
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
  state.set({ creds: creds, loginError: null, model: model, client: client, status: client.status,
    joinUrl: '', busy: new Set(), rowsShown: new Map(), groupCounts: new Map() }, ALL);
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

/* ===== Facilitator requests ===== */

/* Sends a facilitator request; busyKey is in state's busy set until its
 * reply, and parts are drawn again when it goes and when it comes. */
function facilitator(type, fields, busyKey, parts, done) {
  const creds = state.get('creds');
  const msg = Object.assign({ type: type, id: newId(), code: creds.code, key: creds.key }, fields);
  state.update('busy', function (busy) { busy.add(busyKey); }, parts);
  notice(null);
  state.get('client').request(msg, function (err, reply) {
    state.update('busy', function (busy) { busy.delete(busyKey); }, parts);
    if (err) notice(errorText(err.code));
    else if (done) done(reply);
  });
}

function setState(activityId, s) {
  facilitator('set_state', { activity: activityId, state: s }, 'activity:' + activityId, activityPart(activityId),
    function (reply) {
      if (reply.activity) announce(t('facil.state_done', { title: reply.activity.title, state: stateText(reply.activity.state) }));
    });
}

function toggleHidden(c) {
  facilitator(shown(c) ? 'hide' : 'show', { contribution: c.id }, c.id,
    [boardPart(c.activity, c.board), rowPart(isTop(c) ? c.id : c.parent)]);
}

/* ===== Rendering ===== */

function createItem() {
  const toggle = el('button', { type: 'button', class: 'toggle' });
  toggle.addEventListener('click', function () {
    const c = state.get('model').contribution(Number(toggle.closest('[data-key]').dataset.key));
    if (c) toggleHidden(c);
  });
  return el('li', { class: 'item' }, [
    el('div', { class: 'item-body' }, [el('p', { class: 'item-text' }), el('p', { class: 'item-meta' })]),
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
  const body = li.children[0];
  const hidden = !shown(c);
  setText(body.children[0], c.text === null ? t('facil.text_unknown') : c.text);
  const meta = [c.author || t('facil.anonymous'), tn('common.votes', c.votes)];
  if (c.edited) meta.push(t('facil.edited'));
  if (hidden) meta.push(t('facil.hidden'));
  setText(body.children[1], meta.join(' · '));
  li.classList.toggle('is-hidden', hidden);
  const toggle = li.children[1];
  setText(toggle, hidden ? t('facil.show') : t('facil.hide'));
  toggle.setAttribute('aria-label', t(hidden ? 'facil.show_label' : 'facil.hide_label', { text: c.text || '' }));
  toggle.disabled = state.get('busy').has(c.id);
  const actions = isTop(c) ? state.get('model').actionsOf(c.id, false) : [];
  syncList(li.children[2], actions, function (a) { return a.id; }, createItem, drawItem);
  show(li.children[2], actions.length > 0);
}

function createActivity() {
  const stateButtons = el('div', { class: 'state-buttons', role: 'group' });
  ACTIVITY_STATES.forEach(function (s) {
    const button = el('button', { type: 'button', class: 'tab', dataset: { state: s } });
    button.addEventListener('click', function () {
      setState(article.dataset.key, s);
    });
    stateButtons.appendChild(button);
  });
  const article = el('article', { class: 'activity panel' }, [
    el('header', { class: 'activity-head' }, [
      el('h3', { class: 'activity-title' }),
      el('span', { class: 'state' }),
      el('span', { class: 'activity-count' })
    ]),
    el('p', { class: 'activity-question' }),
    el('div', { class: 'activity-controls' }, [
      stateButtons,
      el('a', { class: 'button project', target: '_blank', rel: 'noopener' })
    ]),
    el('div', { class: 'activity-boards' }),
    createGroupsView()
  ]);
  return article;
}

/* The number of contributions shown to everyone on activity a's boards. */
function updateCount(article, a) {
  const model = state.get('model');
  let count = 0;
  a.boards.forEach(function (b) {
    count += model.topLevel(a.id, b.id, 'recent', true).length;
  });
  setText(article.children[0].children[2], tn('facil.contributions', count));
}

function updateActivity(article, a) {
  const head = article.children[0];
  setText(head.children[0], a.title);
  renderState(head.children[1], a.state);
  updateCount(article, a);
  setText(article.children[1], a.question || '');
  show(article.children[1], !!a.question);

  const controls = article.children[2];
  const group = controls.children[0];
  const busy = state.get('busy').has('activity:' + a.id);
  group.setAttribute('aria-label', t('facil.state_label', { title: a.title }));
  Array.prototype.forEach.call(group.children, function (button) {
    const s = button.dataset.state;
    setText(button, t('facil.set_' + s));
    button.setAttribute('aria-pressed', a.state === s ? 'true' : 'false');
    button.disabled = busy;
  });
  const link = controls.children[1];
  link.href = 'ecran.html?code=' + encodeURIComponent(state.get('creds').code) + '&activite=' + encodeURIComponent(a.id);
  setText(link, t('facil.project'));
  link.setAttribute('aria-label', t('facil.project_label', { title: a.title }));

  syncList(article.children[3], a.boards, function (b) { return b.id; }, createBoard, function (section, b) {
    updateBoard(section, a, b);
  });
  updateGroupsView(article.children[4], a, state.get('groupCounts').get(a.id));
}

function createBoard() {
  const more = el('button', { type: 'button', class: 'more' });
  more.addEventListener('click', function () {
    const part = more.parentNode.dataset.board;
    state.update('rowsShown', function (rows) { rows.set(part, (rows.get(part) || PAGE_ROWS) + PAGE_ROWS); }, part);
  });
  return el('section', { class: 'board' }, [el('h4'), el('ol', { class: 'items' }), el('p', { class: 'hint' }), more]);
}

/* A board shows its newest rows only (PAGE_ROWS, more on demand): a
 * frame costs the rows shown, not the contributions the board holds.
 * Each row says where it stands in the whole list (aria-posinset,
 * aria-setsize) for a screen reader. */
function updateBoard(section, a, b) {
  const items = state.get('model').topLevel(a.id, b.id, 'recent', false);
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
  setText(section.children[2], t('facil.board_empty'));
  show(section.children[2], items.length === 0);
  const rest = items.length - rows.length;
  if (rest > 0) setText(section.children[3], tn('facil.more', Math.min(PAGE_ROWS, rest)));
  show(section.children[3], rest > 0);
}

/* The panels of the activities whose parts are marked, and within the
 * others the boards whose parts are marked (with their activity's
 * count). */
function renderMarked(model, parts) {
  Array.prototype.forEach.call(ui.activities.children, function (article) {
    const a = model.activity(article.dataset.key);
    if (!a) return;
    if (parts.has(activityPart(a.id))) {
      updateActivity(article, a);
      return;
    }
    if (parts.has('groups')) updateGroupsView(article.children[4], a, state.get('groupCounts').get(a.id));
    let touched = false;
    Array.prototype.forEach.call(article.children[3].children, function (section) {
      const b = a.boards.find(function (x) { return x.id === section.dataset.key; });
      if (b && parts.has(boardPart(a.id, b.id))) {
        updateBoard(section, a, b);
        touched = true;
      }
    });
    if (touched) updateCount(article, a);
  });
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
    syncList(ui.activities, model.activityList(), function (a) { return a.id; }, createActivity, updateActivity);
  } else {
    renderMarked(model, parts);
  }
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
    'loginError', 'console', 'joinCode', 'joinUrl', 'exportButtons', 'exportStatus', 'activities']);
  bindLang();
  state.subscribe(onFrame(draw));
  i18n.onLangChange(function () {
    ui.activities.textContent = '';
    state.mark(ALL);
  });
  ui.loginForm.addEventListener('submit', function (ev) {
    ev.preventDefault();
    const code = normalizeCode(ui.loginCode.value);
    const key = ui.loginKey.value.trim();
    if (!code || !key) {
      state.set({ loginError: t('facil.login_missing') }, ALL);
      draw();
      return;
    }
    ui.loginKey.value = '';
    setSession(CREDENTIALS, { code: code, key: key });
    if (window.history.replaceState) {
      window.history.replaceState(null, '', window.location.pathname + '#code=' + encodeURIComponent(code));
    }
    start({ code: code, key: key });
  });
  ui.logout.addEventListener('click', function () {
    setSession(CREDENTIALS, null);
    showLogin(null);
  });
  createExportButtons();
  /* A new link pasted into the address bar changes only the fragment:
   * start again with its credentials. */
  window.addEventListener('hashchange', function () {
    if (parseParams(window.location.hash).cle) window.location.reload();
  });
  const stored = readCredentials();
  if (stored) start(stored);
  else showLogin(null);
}

i18n.load('facil').then(init);

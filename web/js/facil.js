/*
 * facil.js — the facilitator console (web/animation.html#code=CODE&cle=KEY).
 *
 * Owns: the facilitator's credentials (read from the fragment or typed in
 * a form, kept in sessionStorage for this tab, removed from the address
 * bar, never put in a query string), the list of activities with their
 * state buttons (set_state) and projection links, each board's newest
 * contributions live with hide / show (50 rows, more on demand: a frame
 * costs the rows shown), and the export downloads (facil-export.js). The
 * connection is ws.js. No user text as markup.
 */

import { bindIds, el, setText, show, syncList, onFrame, parseParams, normalizeCode } from './dom.js';
import * as i18n from './i18n.js';
import { t, tn, errorText } from './i18n.js';
import { Model, shown } from './model.js';
import { AtelierClient } from './ws.js';
import { newId } from './ids.js';
import { getSession, setSession } from './storage.js';
import { renderStatus, renderState, bindLang, setTitle, stateText } from './ui.js';
import { downloadExport } from './facil-export.js';
import { ACTIVITY_STATES, EXPORT_FORMATS } from './protocol.js';

const CREDENTIALS = 'atelier.facil';
/* Rows of a board shown at first, and added by each "show more". */
const PAGE_ROWS = 50;

const ui = {};
const busy = new Set(); /* "activity:<id>" or contribution ids with a request in flight */
const rowsShown = new Map(); /* "activity\nboard" -> rows shown, when more than PAGE_ROWS */
let creds = null;
let model = null;
let client = null;

const schedule = onFrame(render);

function notice(text) {
  setText(ui.notice, text || '');
  show(ui.notice, !!text);
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

function showLogin(message) {
  if (client) client.stop();
  client = null;
  creds = null;
  show(ui.login, true);
  show(ui.console, false);
  show(ui.logout, false);
  show(ui.status, false);
  setText(ui.loginError, message || '');
  show(ui.loginError, !!message);
  setText(ui.seminarTitle, t('facil.app_name'));
  setTitle('facil.page_title');
  (ui.loginCode.value ? ui.loginKey : ui.loginCode).focus();
}

function start(credentials) {
  creds = credentials;
  model = new Model({ keepHiddenText: true });
  model.onChange(schedule);
  client = new AtelierClient({
    code: creds.code,
    model: model,
    participant: false,
    key: creds.key,
    activity: null,
    onStatus: schedule,
    onReady: schedule,
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
  show(ui.login, false);
  show(ui.logout, true);
  show(ui.status, true);
  setText(ui.joinCode, creds.code);
  loadJoinAddress(creds.code);
  client.start();
  schedule();
}

function loadJoinAddress(code) {
  fetch('/api/join/' + encodeURIComponent(code), { credentials: 'same-origin' })
    .then(function (response) { return response.ok ? response.json() : null; })
    .then(function (data) { setText(ui.joinUrl, data && data.url ? data.url : ''); })
    .catch(function () { setText(ui.joinUrl, ''); });
}

/* ===== Facilitator requests ===== */

function facilitator(type, fields, busyKey, done) {
  const msg = Object.assign({ type: type, id: newId(), code: creds.code, key: creds.key }, fields);
  busy.add(busyKey);
  notice(null);
  client.request(msg, function (err, reply) {
    busy.delete(busyKey);
    if (err) notice(errorText(err.code));
    else if (done) done(reply);
    schedule();
  });
  schedule();
}

function setState(activityId, state) {
  facilitator('set_state', { activity: activityId, state: state }, 'activity:' + activityId, function (reply) {
    if (reply.activity) announce(t('facil.state_done', { title: reply.activity.title, state: stateText(reply.activity.state) }));
  });
}

function toggleHidden(c) {
  facilitator(shown(c) ? 'hide' : 'show', { contribution: c.id }, c.id);
}

/* ===== Rendering ===== */

function createItem() {
  const toggle = el('button', { type: 'button', class: 'toggle' });
  toggle.addEventListener('click', function () {
    const c = model.contribution(Number(toggle.closest('[data-key]').dataset.key));
    if (c) toggleHidden(c);
  });
  return el('li', { class: 'item' }, [
    el('div', { class: 'item-body' }, [el('p', { class: 'item-text' }), el('p', { class: 'item-meta' })]),
    toggle,
    el('ol', { class: 'item-actions' })
  ]);
}

function updateItem(li, c) {
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
  toggle.disabled = busy.has(c.id);
  const actions = c.parent === null || c.parent === undefined ? model.actionsOf(c.id, false) : [];
  syncList(li.children[2], actions, function (a) { return a.id; }, createItem, updateItem);
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
    el('div', { class: 'activity-boards' })
  ]);
  return article;
}

function updateActivity(article, a) {
  const head = article.children[0];
  setText(head.children[0], a.title);
  renderState(head.children[1], a.state);
  let count = 0;
  a.boards.forEach(function (b) {
    count += model.topLevel(a.id, b.id, 'recent', true).length;
  });
  setText(head.children[2], tn('facil.contributions', count));
  setText(article.children[1], a.question || '');
  show(article.children[1], !!a.question);

  const controls = article.children[2];
  const group = controls.children[0];
  group.setAttribute('aria-label', t('facil.state_label', { title: a.title }));
  Array.prototype.forEach.call(group.children, function (button) {
    const s = button.dataset.state;
    setText(button, t('facil.set_' + s));
    button.setAttribute('aria-pressed', a.state === s ? 'true' : 'false');
    button.disabled = busy.has('activity:' + a.id);
  });
  const link = controls.children[1];
  link.href = 'ecran.html?code=' + encodeURIComponent(creds.code) + '&activite=' + encodeURIComponent(a.id);
  setText(link, t('facil.project'));
  link.setAttribute('aria-label', t('facil.project_label', { title: a.title }));

  syncList(article.children[3], a.boards, function (b) { return b.id; }, createBoard, function (section, b) {
    updateBoard(section, a, b);
  });
}

function createBoard() {
  const more = el('button', { type: 'button', class: 'more' });
  more.addEventListener('click', function () {
    const key = more.parentNode.dataset.board;
    rowsShown.set(key, (rowsShown.get(key) || PAGE_ROWS) + PAGE_ROWS);
    schedule();
  });
  return el('section', { class: 'board' }, [el('h4'), el('ol', { class: 'items' }), el('p', { class: 'hint' }), more]);
}

/* A board shows its newest rows only (PAGE_ROWS, more on demand): a
 * frame costs the rows shown, not the contributions the board holds.
 * Each row says where it stands in the whole list (aria-posinset,
 * aria-setsize) for a screen reader. */
function updateBoard(section, a, b) {
  const items = model.topLevel(a.id, b.id, 'recent', false);
  const key = a.id + '\n' + b.id;
  section.dataset.board = key;
  const limit = rowsShown.get(key) || PAGE_ROWS;
  const rows = items.length > limit ? items.slice(0, limit) : items;
  setText(section.children[0], b.title);
  const list = section.children[1];
  syncList(list, rows, function (c) { return c.id; }, createItem, updateItem);
  Array.prototype.forEach.call(list.children, function (li, i) {
    li.setAttribute('aria-posinset', String(i + 1));
    li.setAttribute('aria-setsize', String(items.length));
  });
  setText(section.children[2], t('facil.board_empty'));
  show(section.children[2], items.length === 0);
  const rest = items.length - rows.length;
  if (rest > 0) setText(section.children[3], tn('facil.more', Math.min(PAGE_ROWS, rest)));
  show(section.children[3], rest > 0);
}

function render() {
  if (!client) return;
  renderStatus(ui.status, client.status);
  const seminar = model.seminar;
  show(ui.console, !!seminar);
  if (!seminar) return;
  setText(ui.seminarTitle, seminar.title);
  setTitle('facil.page_title', seminar.title);
  syncList(ui.activities, model.activityList(), function (a) { return a.id; }, createActivity, updateActivity);
}

/* ===== Exports ===== */

/* One button per export format of protocol.js, its text from the
 * catalogue (facil.export_FMT, translated again on a language switch). */
function createExportButtons() {
  EXPORT_FORMATS.forEach(function (format) {
    const key = 'facil.export_' + format;
    const button = el('button', { type: 'button', class: 'export', text: t(key), dataset: { format: format, i18n: key } });
    button.addEventListener('click', function () {
      button.disabled = true;
      setText(ui.exportStatus, t('facil.export_running'));
      downloadExport(creds.code, creds.key, format).then(function (name) {
        setText(ui.exportStatus, t('facil.export_done', { file: name }));
      }, function (err) {
        const code = err.status === 401 || err.status === 403 ? 'bad_key' : null;
        setText(ui.exportStatus, code ? errorText(code) : t('facil.export_failed', { status: err.status || '—' }));
      }).then(function () {
        button.disabled = false;
      });
    });
    ui.exportButtons.appendChild(button);
  });
}

/* ===== Start ===== */

function init() {
  bindIds(ui, ['seminarTitle', 'status', 'logout', 'notice', 'live', 'login', 'loginForm', 'loginCode', 'loginKey',
    'loginError', 'console', 'joinCode', 'joinUrl', 'exportButtons', 'exportStatus', 'activities']);
  bindLang();
  i18n.onLangChange(function () {
    ui.activities.textContent = '';
    schedule();
  });
  ui.loginForm.addEventListener('submit', function (ev) {
    ev.preventDefault();
    const code = normalizeCode(ui.loginCode.value);
    const key = ui.loginKey.value.trim();
    if (!code || !key) {
      setText(ui.loginError, t('facil.login_missing'));
      show(ui.loginError, true);
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

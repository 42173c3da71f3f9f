/*
 * facil-moderation.js — the console's moderation with nothing lost, in
 * each row: the author's words of a reworded contribution, the
 * « Reformuler » form, and the « Historique » disclosure (the
 * contribution's audit trail, each change with who made it, when, and a
 * button that undoes it), and « Retirer » / « Rétablir » (a soft delete:
 * the contribution leaves the phones and the screen, its votes go back to
 * their voters), and « Déplacer vers » another board of its activity.
 *
 * Owns: the rows' parts named above (made by createTools, drawn by
 * drawTools from the contribution and the trails the page keeps) and the
 * requests they send (rephrase, history, undo), through the page's
 * facilitator() function. Must not keep state of its own: the trails are
 * the page's (state "histories"), asked again whenever the contribution
 * they are about changes while its disclosure is open.
 */
import { el, setText, show, syncList } from './dom.js';
import { t, currentLang } from './i18n.js';
import { LIMITS, CONTRIBUTION_STATES } from './protocol.js';

/* The page's hooks, given once by bindModeration. */
let page = null;

/* hooks: {state, facilitator(type, fields, busyKey, parts, done),
 * rowParts(c), notice(text), announce(text), errorText(code)}. */
export function bindModeration(hooks) {
  page = hooks;
}

/* The parts of a row added under its text: the original, then the tools. */
export function createTools() {
  const original = el('p', { class: 'item-original', hidden: true });
  const field = el('textarea', { class: 'rephrase-text', rows: 3, maxlength: LIMITS.text });
  const label = el('label', {}, [el('span', { class: 'label' }), field]);
  const save = el('button', { type: 'submit' });
  const form = el('form', { class: 'rephrase-form', novalidate: true }, [label, save]);
  const rephrase = el('details', { class: 'rephrase' }, [el('summary'), form]);
  form.addEventListener('submit', function (ev) {
    ev.preventDefault();
    submitRephrase(Number(rowOf(form).dataset.key), field, rephrase);
  });
  rephrase.addEventListener('toggle', function () {
    const c = page.state.get('model').contribution(Number(rowOf(rephrase).dataset.key));
    if (rephrase.open && c && c.text !== null) {
      field.value = c.text;
      field.focus();
    }
  });
  const history = el('details', { class: 'history' }, [
    el('summary'), el('ol', { class: 'history-list' }), el('p', { class: 'hint' })
  ]);
  history.addEventListener('toggle', function () {
    if (history.open) load(Number(rowOf(history).dataset.key));
  });
  const remove = el('button', { type: 'button', class: 'quiet remove' });
  remove.addEventListener('click', function () {
    const c = page.state.get('model').contribution(Number(rowOf(remove).dataset.key));
    if (c) removeOrRestore(c);
  });
  const target = el('select', { class: 'move-board' });
  const moveButton = el('button', { type: 'submit' });
  const move = el('form', { class: 'move-form', novalidate: true },
    [el('label', {}, [el('span', { class: 'label' }), target]), moveButton]);
  move.addEventListener('submit', function (ev) {
    ev.preventDefault();
    const c = page.state.get('model').contribution(Number(rowOf(move).dataset.key));
    if (c && target.value) moveTo(c, target.value);
  });
  return [original, el('div', { class: 'item-tools' }, [rephrase, history, remove, move])];
}

/* The boards of c's activity it may go to: of the same kind, not its own. */
function boardsFor(c) {
  const a = page.state.get('model').activity(c.activity);
  if (!a) return [];
  const own = a.boards.find(function (b) { return b.id === c.board; });
  return a.boards.filter(function (b) { return b.id !== c.board && (!own || b.kind === own.kind); });
}

function moveTo(c, board) {
  page.notice(null);
  page.facilitator('move', { contribution: c.id, board: board, seen: page.state.get('client').lastSeq },
    c.id, page.rowParts(c), function (err, reply) {
      if (err) page.notice(page.errorText(err.code));
      else page.announce(t('facil.move_done', { board: boardTitle(reply.contribution) }));
    });
}

function boardTitle(c) {
  const a = page.state.get('model').activity(c.activity);
  const b = a ? a.boards.find(function (x) { return x.id === c.board; }) : null;
  return b ? b.title : c.board;
}

/* Whether c was removed by a facilitator: the one state that keeps its
 * votes from counting while it can still be acted on. */
export function removed(c) {
  const row = CONTRIBUTION_STATES[c.state];
  return !!row && row.live && !row.counted;
}

function removeOrRestore(c) {
  const restore = removed(c);
  page.notice(null);
  page.facilitator(restore ? 'restore' : 'remove', { contribution: c.id, seen: page.state.get('client').lastSeq },
    c.id, page.rowParts(c), function (err) {
      if (err) page.notice(page.errorText(err.code));
      else page.announce(t(restore ? 'facil.restored_done' : 'facil.removed_done'));
    });
}

function rowOf(node) {
  return node.closest('li.item');
}

/* The trail of contribution id, asked of the server; the row is drawn
 * again with it. */
function load(id) {
  const c = page.state.get('model').contribution(id);
  if (!c) return;
  page.state.update('histories', function (h) {
    h.set(id, { of: c, entries: (h.get(id) || {}).entries || null, loading: true });
  }, page.rowParts(c));
  page.facilitator('history', { contribution: id }, 'history:' + id, [], function (err, reply) {
    page.state.update('histories', function (h) {
      h.set(id, { of: c, entries: err ? [] : reply.entries, loading: false, error: err ? err.code : null });
    }, page.rowParts(c));
  });
}

function submitRephrase(id, field, details) {
  const c = page.state.get('model').contribution(id);
  const text = field.value.trim();
  if (!c || !text) return;
  page.notice(null);
  page.facilitator('rephrase', { contribution: id, text: text, seen: page.state.get('client').lastSeq },
    id, page.rowParts(c), function (err) {
      if (err) {
        page.notice(page.errorText(err.code));
        return;
      }
      details.open = false;
      page.announce(t('facil.rephrase_done'));
    });
}

function undo(entry) {
  const c = page.state.get('model').contribution(entry.contribution);
  if (!c) return;
  page.notice(null);
  page.facilitator('undo', { entry: entry.id }, c.id, page.rowParts(c), function (err) {
    if (err) page.notice(page.errorText(err.code));
    else page.announce(t('facil.undo_done'));
  });
}

/* What a change did, in words. */
function what(e) {
  if (e.command === 'undo') return t('facil.history_undo', { entry: e.undoes });
  if (e.after.text !== null) return t('facil.history_rephrase', { before: e.before.text, after: e.after.text });
  if (e.after.board !== null) return t('facil.history_move', { before: e.before.board, after: e.after.board });
  return t('facil.history_' + e.command);
}

function when(at) {
  const d = new Date(at);
  if (isNaN(d.getTime())) return at;
  return d.toLocaleTimeString(currentLang(), { hour: '2-digit', minute: '2-digit' });
}

function createEntry() {
  const button = el('button', { type: 'button', class: 'quiet undo' });
  button.addEventListener('click', function () {
    const e = button.parentNode.entry;
    if (e) undo(e);
  });
  return el('li', {}, [el('span', { class: 'history-what' }), button]);
}

function drawEntry(li, e, busy) {
  li.entry = e;
  const words = what(e);
  const line = t('facil.history_entry', { time: when(e.at), key: e.key || t('facil.history_core'), what: words });
  setText(li.children[0], e.undone_by ? line + ' ' + t('facil.history_undone') : line);
  const button = li.children[1];
  show(button, !e.undone_by);
  setText(button, t('facil.undo'));
  button.setAttribute('aria-label', t('facil.undo_label', { what: words }));
  button.disabled = busy;
}

/* Draws the original and the tools of row li (from createTools: the
 * nodes original and tools) for contribution c. */
export function drawTools(original, tools, c, label) {
  show(original, !!c.original);
  setText(original, c.original ? t('facil.original', { text: c.original }) : '');
  const rephrase = tools.children[0];
  setText(rephrase.children[0], t('facil.rephrase'));
  const form = rephrase.children[1];
  setText(form.children[0].children[0], t('facil.rephrase_label', { text: label }));
  setText(form.children[1], t('facil.rephrase_save'));
  const busy = page.state.get('busy').has(c.id);
  form.children[1].disabled = busy;
  show(rephrase, c.text !== null);
  const remove = tools.children[2];
  const restore = removed(c);
  setText(remove, t(restore ? 'facil.restore' : 'facil.remove'));
  remove.setAttribute('aria-label', t(restore ? 'facil.restore_label' : 'facil.remove_label', { text: label }));
  remove.disabled = busy;
  const move = tools.children[3];
  const boards = c.parent === null || c.parent === undefined ? boardsFor(c) : [];
  show(move, boards.length > 0);
  if (boards.length) {
    const select = move.children[0].children[1];
    setText(move.children[0].children[0], t('facil.move_label', { text: label }));
    const ids = boards.map(function (b) { return b.id; }).join('\n');
    if (select.dataset.boards !== ids) {
      select.dataset.boards = ids;
      while (select.firstChild) select.removeChild(select.firstChild);
      boards.forEach(function (b) { select.appendChild(el('option', { value: b.id, text: b.title })); });
    }
    setText(move.children[1], t('facil.move'));
    move.children[1].disabled = busy;
  }

  const history = tools.children[1];
  setText(history.children[0], t('facil.history'));
  const h = page.state.get('histories').get(c.id);
  if (history.open && h && h.of !== c && !h.loading) {
    setTimeout(function () { load(c.id); }, 0); /* it changed since: ask again */
  }
  const entries = h && h.entries ? h.entries.slice().reverse() : [];
  syncList(history.children[1], entries, function (e) { return e.id; }, createEntry,
    function (li, e) { drawEntry(li, e, busy); });
  const hint = history.children[2];
  const said = !h || h.loading ? t('facil.history_loading')
    : h.error ? page.errorText(h.error)
    : entries.length ? '' : t('facil.history_empty');
  setText(hint, said);
  show(hint, !!said);
}

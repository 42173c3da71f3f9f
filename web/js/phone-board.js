/*
 * phone-board.js — the live board on the phone: one card per visible
 * contribution (or orientation with its example actions), the posts still
 * waiting in the outbox, and the controls on each card (vote / unvote,
 * edit and delete one's own, add an example action to an orientation).
 *
 * Owns: the DOM of the board list: the posts waiting, then the newest
 * cards up to the view's limit (each saying where it stands in the whole
 * list: aria-posinset, aria-setsize), a card drawn again only when asked
 * or when its contribution changed. It never sends anything: every
 * control calls a handler given by phone.js, which talks to the server.
 * Text is inserted with textContent only.
 */

import { el, setText, show, syncList, charCount, excerpt, submitOnCtrlEnter } from './dom.js';
import { t, tn } from './i18n.js';
import { ORIENTATIONS } from './ui.js';
import { LIMITS } from './protocol.js';

/* How much of a contribution names the buttons of its card. */
const NAME_CHARS = 60;

/*
 * handlers: vote(c), unvote(c), edit(c, text, done(errorCode|null)),
 * remove(c), addAction(orientation, text) -> true when taken (the input is
 * then cleared).
 */
export function createBoard(list, handlers) {
  let view = null; /* the last state given to render() */

  function contributionOf(node) {
    const key = node.closest('[data-key]').dataset.key;
    return view.model.contribution(Number(key));
  }

  function buildCard(isOrientation) {
    const text = el('p', { class: 'card-text' });
    const meta = el('p', { class: 'card-meta' });
    const votes = el('span', { class: 'card-votes' });
    const vote = el('button', { type: 'button', class: 'vote', 'aria-pressed': 'false' });
    const edit = el('button', { type: 'button', class: 'quiet', text: t('phone.edit') });
    const remove = el('button', { type: 'button', class: 'quiet', text: t('phone.delete') });
    const own = el('span', { class: 'own' }, [edit, remove]);
    const tools = el('div', { class: 'card-tools' }, [votes, vote, own]);

    const editLabel = el('label', { class: 'visually-hidden', text: t('phone.edit_label') });
    const editArea = el('textarea', { rows: '3', class: 'edit-text' });
    const editId = 'edit-' + Math.random().toString(36).slice(2);
    editArea.id = editId;
    editLabel.htmlFor = editId;
    const editCount = el('span', { class: 'counter' });
    const save = el('button', { type: 'submit', class: 'primary', text: t('phone.save') });
    const cancel = el('button', { type: 'button', class: 'quiet', text: t('phone.cancel') });
    const editError = el('p', { class: 'error', role: 'alert', hidden: true });
    const editor = el('form', { class: 'editor', hidden: true },
      [editLabel, editArea, editCount, el('div', { class: 'row' }, [save, cancel]), editError]);

    const card = el('li', { class: 'card' }, [text, meta, tools, editor]);
    const parts = { text: text, meta: meta, votes: votes, vote: vote, edit: edit, remove: remove, own: own,
      editor: editor, editArea: editArea, editCount: editCount, editError: editError, tools: tools };

    vote.addEventListener('click', function () {
      const c = contributionOf(card);
      if (!c || view.busy.has(c.id)) return;
      if (view.myVotes.has(c.id)) handlers.unvote(c);
      else handlers.vote(c);
    });
    edit.addEventListener('click', function () {
      const c = contributionOf(card);
      if (!c) return;
      editArea.value = c.text || '';
      setText(editCount, charCount(editArea.value) + ' / ' + LIMITS.text);
      show(editError, false);
      show(editor, true);
      show(tools, false);
      editArea.focus();
    });
    remove.addEventListener('click', function () {
      const c = contributionOf(card);
      if (c && window.confirm(t('phone.confirm_delete'))) handlers.remove(c);
    });
    submitOnCtrlEnter(editArea);
    editArea.addEventListener('input', function () {
      const n = charCount(editArea.value);
      setText(editCount, n + ' / ' + LIMITS.text);
      editCount.classList.toggle('over', n > LIMITS.text);
    });
    cancel.addEventListener('click', function () {
      show(editor, false);
      show(tools, true);
      edit.focus();
    });
    editor.addEventListener('submit', function (ev) {
      ev.preventDefault();
      const c = contributionOf(card);
      if (!c) return;
      save.disabled = true;
      handlers.edit(c, editArea.value, function (code, message) {
        save.disabled = false;
        if (code) {
          setText(editError, message);
          show(editError, true);
          return;
        }
        show(editor, false);
        show(tools, true);
        edit.focus();
      });
    });

    if (isOrientation) {
      parts.actions = el('ol', { class: 'actions' });
      const input = el('input', { type: 'text', class: 'add-action-text', autocomplete: 'off' });
      const inputId = 'act-' + Math.random().toString(36).slice(2);
      input.id = inputId;
      const label = el('label', { class: 'visually-hidden' });
      label.htmlFor = inputId;
      const add = el('button', { type: 'submit', text: t('phone.add_action') });
      const form = el('form', { class: 'add-action' }, [label, input, add]);
      form.addEventListener('submit', function (ev) {
        ev.preventDefault();
        const c = contributionOf(card);
        if (c && handlers.addAction(c, input.value)) input.value = '';
      });
      parts.addForm = form;
      parts.addLabel = label;
      parts.addInput = input;
      card.insertBefore(parts.actions, tools);
      card.appendChild(form);
      card.classList.add('orientation');
    }
    card.parts = parts;
    return card;
  }

  function metaText(c) {
    const bits = [];
    if (c.author) bits.push(c.author);
    if (view.mine.has(c.id)) bits.push(t('phone.mine'));
    if (c.edited) bits.push(t('phone.edited'));
    return bits.join(' · ');
  }

  function updateActions(card, c) {
    const p = card.parts;
    const items = view.model.actionsOf(c.id, true).map(function (a) {
      return { key: 'c' + a.id, text: a.text, pending: false };
    });
    view.pending.forEach(function (entry) {
      if (entry.msg.parent === c.id) items.push({ key: 'p' + entry.msg.id, text: entry.msg.text, pending: true });
    });
    syncList(p.actions, items, function (a) { return a.key; }, function () {
      return el('li', {}, [el('span', { class: 'action-text' }), el('span', { class: 'pending-label' })]);
    }, function (node, a) {
      setText(node.firstChild, a.text);
      setText(node.lastChild, a.pending ? t('phone.pending_item') : '');
      node.classList.toggle('pending', a.pending);
    });
    show(p.addForm, view.canPost);
    setText(p.addLabel, t('phone.add_action_label', { title: c.text }));
    p.addInput.placeholder = t('phone.add_action_placeholder');
  }

  /* A card is drawn again when the view asks for every card (redraw),
   * for this one (cards), or when it shows another contribution, or
   * another version of it, than when it was last drawn. */
  function updateCard(card, item) {
    if (item.pending) {
      setText(card.firstChild, item.text);
      setText(card.lastChild, t('phone.pending_item'));
      return;
    }
    const c = item.c;
    if (!view.redraw && card.drawn === c && !view.cards.has(c.id)) return;
    card.drawn = c;
    const p = card.parts;
    setText(p.text, c.text);
    setText(p.meta, metaText(c));
    show(p.meta, p.meta.textContent !== '');
    /* null: a phase keeps the tallies back (voting with hidden tallies) */
    setText(p.votes, c.votes === null ? '' : tn('common.votes', c.votes));
    const voted = view.myVotes.has(c.id);
    const busy = view.busy.has(c.id);
    p.vote.setAttribute('aria-pressed', voted ? 'true' : 'false');
    setText(p.vote, voted ? t('phone.unvote') : t('phone.vote'));
    /* Each button says which contribution it acts on, beginning with its
     * visible text (as the console's buttons do). */
    const named = { text: excerpt(c.text, NAME_CHARS) };
    p.vote.setAttribute('aria-label', t(voted ? 'phone.unvote_for' : 'phone.vote_for', named));
    p.edit.setAttribute('aria-label', t('phone.edit_for', named));
    p.remove.setAttribute('aria-label', t('phone.delete_for', named));
    /* While its vote is on its way the button stays focusable (a
     * disabled button would drop the keyboard's focus): aria-disabled
     * says it is unavailable and the click handler ignores it. */
    p.vote.disabled = !busy && !voted && view.votesLeft === 0;
    if (busy) p.vote.setAttribute('aria-disabled', 'true');
    else p.vote.removeAttribute('aria-disabled');
    show(p.vote, view.canVote);
    const own = view.mine.has(c.id) && view.canEdit;
    show(p.own, own);
    p.edit.disabled = busy;
    p.remove.disabled = busy;
    card.classList.toggle('voted', voted);
    if (p.actions) updateActions(card, c);
  }

  function createItem(item) {
    if (item.pending) {
      return el('li', { class: 'card pending' },
        [el('p', { class: 'card-text' }), el('p', { class: 'pending-label' })]);
    }
    return buildCard(view.kind === ORIENTATIONS);
  }

  /*
   * view: { model, activity, board, kind, sort, mine: Set, myVotes: Set,
   *         busy: Set, votesLeft: number|null, canVote, canPost (add
   *         an example action), canEdit (edit and delete one's own),
   *         pending: outbox entries of this board, limit: how many
   *         contributions to show (the newest, or the most voted),
   *         redraw: every card is drawn again, cards: Set of the ids of
   *         the contributions whose cards are (the others only when
   *         their contribution changed) }
   * rebuild: drop every card first (after a language switch).
   * Returns {total, drawn}: the contributions of the list and how many
   * of them are shown.
   */
  function render(next, rebuild) {
    const kindChanged = rebuild || !view || view.kind !== next.kind || view.board !== next.board ||
      view.activity !== next.activity;
    view = next;
    if (kindChanged) syncList(list, [], String, createItem, updateCard);
    const items = [];
    view.pending.forEach(function (entry) {
      if (entry.msg.parent === undefined) {
        items.push({ key: 'p' + entry.msg.id, pending: true, text: entry.msg.text });
      }
    });
    const all = view.model.topLevel(view.activity, view.board, view.sort, true);
    const drawn = Math.min(all.length, view.limit);
    for (let i = 0; i < drawn; i++) items.push({ key: String(all[i].id), c: all[i] });
    syncList(list, items, function (i) { return i.key; }, createItem, updateCard);
    const size = String(items.length - drawn + all.length);
    Array.prototype.forEach.call(list.children, function (card, i) {
      const at = String(i + 1);
      if (card.getAttribute('aria-posinset') !== at) card.setAttribute('aria-posinset', at);
      if (card.getAttribute('aria-setsize') !== size) card.setAttribute('aria-setsize', size);
    });
    return { total: all.length, drawn: drawn };
  }

  return { render: render };
}

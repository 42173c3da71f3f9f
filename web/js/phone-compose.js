/*
 * phone-compose.js — the writing forms of the phone page: a note (with its
 * character counter against the text limit) or, on an orientations board,
 * an orientation title with a list of example actions that can grow.
 *
 * Owns: those forms, their local checks (empty, too long, too many
 * actions) and the drafts typed but not yet sent (kept in localStorage per
 * board, so a reload loses nothing). It never sends anything: a valid form
 * goes to the handler given by phone.js, and text refused by the server
 * comes back through restore().
 */

import { byId, el, setText, show, charCount, submitOnCtrlEnter } from './dom.js';
import { t, errorText } from './i18n.js';
import { getLocal, setLocal } from './storage.js';
import { ORIENTATIONS } from './ui.js';
import { LIMITS } from './protocol.js';

/*
 * handlers: post({text, actions|undefined, author|undefined}) -> true when
 * the post was taken (saved in the outbox).
 * code(): the seminar code (drafts are kept per seminar, activity, board).
 */
export function createCompose(code, handlers) {
  const section = byId('compose');
  const noteForm = byId('note-form');
  const noteText = byId('note-text');
  const noteCount = byId('note-count');
  const oriForm = byId('ori-form');
  const oriTitle = byId('ori-title');
  const oriCount = byId('ori-count');
  const oriActions = byId('ori-actions');
  const oriAdd = byId('ori-add-line');
  const signRow = byId('sign-row');
  const sign = byId('sign');
  const signLabel = byId('sign-label');
  const error = byId('compose-error');
  let view = null;
  let lineSeq = 0;

  function draftKey() {
    return 'atelier.draft.' + view.code + '.' + view.activity + '.' + view.board;
  }

  function saveDraft() {
    if (!view) return;
    if (view.kind === ORIENTATIONS) {
      setLocal(draftKey(), { title: oriTitle.value, actions: actionValues(false) });
    } else {
      setLocal(draftKey(), { text: noteText.value });
    }
  }

  function counter(node, input, max) {
    const n = charCount(input.value);
    setText(node, t('phone.counter', { n: n, max: max }));
    node.classList.toggle('over', n > max);
  }

  function showError(message) {
    setText(error, message || '');
    show(error, !!message);
  }

  function addLine(value, focus) {
    lineSeq += 1;
    const id = 'ori-action-' + lineSeq;
    const input = el('input', { type: 'text', id: id, class: 'action-input', autocomplete: 'off' });
    input.value = value || '';
    const label = el('label', { for: id });
    const remove = el('button', { type: 'button', class: 'quiet remove-line', text: '×' });
    const li = el('li', {}, [label, input, remove]);
    remove.addEventListener('click', function () {
      const next = li.nextElementSibling || li.previousElementSibling;
      oriActions.removeChild(li);
      if (!oriActions.children.length) addLine('', true);
      else if (next) next.querySelector('input').focus();
      relabel();
      saveDraft();
    });
    input.addEventListener('input', saveDraft);
    oriActions.appendChild(li);
    relabel();
    if (focus) input.focus();
    return input;
  }

  /* Numbers the action lines for screen readers ("Action 2"). */
  function relabel() {
    Array.prototype.forEach.call(oriActions.children, function (li, i) {
      setText(li.querySelector('label'), t('phone.action_n', { n: i + 1 }));
      li.querySelector('.remove-line').setAttribute('aria-label', t('phone.remove_action_n', { n: i + 1 }));
    });
    oriAdd.disabled = oriActions.children.length >= LIMITS.actions;
  }

  function actionValues(trimmed) {
    return Array.prototype.map.call(oriActions.querySelectorAll('input'), function (input) {
      return trimmed ? input.value.trim() : input.value;
    }).filter(function (v) { return !trimmed || v !== ''; });
  }

  function setActions(values) {
    while (oriActions.firstChild) oriActions.removeChild(oriActions.firstChild);
    (values && values.length ? values : ['']).forEach(function (v) { addLine(v, false); });
  }

  function author() {
    return sign.checked && view.signature ? view.signature : undefined;
  }

  function check(text, max) {
    if (text === '') return errorText('empty_text');
    if (charCount(text) > max) return errorText('too_long');
    return null;
  }

  noteText.addEventListener('input', function () {
    counter(noteCount, noteText, LIMITS.text);
    saveDraft();
  });
  oriTitle.addEventListener('input', function () {
    counter(oriCount, oriTitle, LIMITS.text);
    saveDraft();
  });
  submitOnCtrlEnter(noteText);
  submitOnCtrlEnter(oriTitle);
  oriAdd.addEventListener('click', function () {
    addLine('', true);
    saveDraft();
  });

  noteForm.addEventListener('submit', function (ev) {
    ev.preventDefault();
    const text = noteText.value.trim();
    const problem = check(text, LIMITS.text);
    showError(problem);
    if (problem) {
      noteText.focus();
      return;
    }
    if (handlers.post({ text: text, author: author() })) {
      noteText.value = '';
      counter(noteCount, noteText, LIMITS.text);
      saveDraft();
      noteText.focus();
    }
  });

  oriForm.addEventListener('submit', function (ev) {
    ev.preventDefault();
    const title = oriTitle.value.trim();
    const actions = actionValues(true);
    let problem = check(title, LIMITS.text);
    actions.forEach(function (a) {
      if (!problem && charCount(a) > LIMITS.action) problem = errorText('too_long');
    });
    if (!problem && actions.length > LIMITS.actions) problem = t('phone.too_many_actions', { max: LIMITS.actions });
    showError(problem);
    if (problem) return;
    if (handlers.post({ text: title, actions: actions, author: author() })) {
      oriTitle.value = '';
      counter(oriCount, oriTitle, LIMITS.text);
      setActions([]);
      saveDraft();
      oriTitle.focus();
    }
  });

  /*
   * view: { activity, board, kind, canWrite, signature }. Shows the form
   * for the board's kind and loads its draft when the board changed.
   */
  function render(next) {
    const changed = !view || view.code !== code() || view.activity !== next.activity ||
      view.board !== next.board;
    view = Object.assign({ code: code() }, next);
    show(section, view.canWrite);
    show(noteForm, view.kind !== ORIENTATIONS);
    show(oriForm, view.kind === ORIENTATIONS);
    show(signRow, !!view.signature);
    setText(signLabel, t('phone.sign_as', { name: view.signature || '' }));
    if (changed) {
      showError(null);
      const draft = getLocal(draftKey(), {}) || {};
      noteText.value = draft.text || '';
      oriTitle.value = draft.title || '';
      setActions(draft.actions);
    }
    counter(noteCount, noteText, LIMITS.text);
    counter(oriCount, oriTitle, LIMITS.text);
    relabel();
  }

  /*
   * Puts the text of a post the server refused back where it was typed,
   * with the error. Returns true when it could (the post's board is the
   * one shown, open for writing, and its field is free), else the caller
   * shows the text.
   */
  function restore(msg, message) {
    if (!view || !view.canWrite || msg.activity !== view.activity || msg.board !== view.board) return false;
    if (msg.parent !== undefined) return false;
    if (view.kind === ORIENTATIONS) {
      if (oriTitle.value.trim() !== '') return false;
      oriTitle.value = msg.text;
      setActions(msg.actions || []);
      counter(oriCount, oriTitle, LIMITS.text);
    } else {
      if (noteText.value.trim() !== '') return false;
      noteText.value = msg.text;
      counter(noteCount, noteText, LIMITS.text);
    }
    saveDraft();
    showError(message);
    return true;
  }

  return { render: render, restore: restore };
}

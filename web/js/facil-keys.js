/*
 * facil-keys.js — the console's keyboard shortcuts: one table, read both
 * by the key handler and by the list of shortcuts shown on the page, so
 * that what is listed is what works.
 *
 * Owns: the table (the key as KeyboardEvent.key gives it, what it shows
 * as, or the catalogue's name of a key that is not a letter, its text in
 * the catalogue, the name of the action) and the one
 * keydown listener, which leaves alone a key typed in a field, one with
 * Ctrl, Alt or Meta, and one that names no shortcut. The actions are the
 * page's (facil.js). Must not touch the network.
 */

import { el, setText } from './dom.js';
import { t } from './i18n.js';

export const SHORTCUTS = Object.freeze([
  Object.freeze({ key: '/', shown: '/', text: 'facil.key_search', action: 'search' }),
  Object.freeze({ key: 'j', shown: 'J', text: 'facil.key_next', action: 'next' }),
  Object.freeze({ key: 'k', shown: 'K', text: 'facil.key_previous', action: 'previous' }),
  Object.freeze({ key: 'x', shown: 'X', text: 'facil.key_select', action: 'select' }),
  Object.freeze({ key: 'm', shown: 'M', text: 'facil.key_hide', action: 'hide' }),
  Object.freeze({ key: 'a', shown: 'A', text: 'facil.key_show', action: 'show' }),
  Object.freeze({ key: 't', shown: 'T', text: 'facil.key_sort', action: 'sort' }),
  Object.freeze({ key: 's', shown: 'S', text: 'facil.key_next_activity', action: 'nextActivity' }),
  Object.freeze({ key: 'p', shown: 'P', text: 'facil.key_previous_activity', action: 'previousActivity' }),
  Object.freeze({ key: 'Escape', shown: null, name: 'facil.kbd_escape', text: 'facil.key_escape', action: 'escape' })
]);

/* The shortcut of a key, or null. */
export function shortcutOf(key) {
  const k = key && key.length === 1 ? key.toLowerCase() : key;
  return SHORTCUTS.find(function (s) { return s.key === k; }) || null;
}

/* True when the keys typed in target are text (a field, an editable
 * element): shortcuts leave them alone, Escape excepted. */
function typing(target) {
  if (!target || !target.closest) return false;
  if (target.isContentEditable) return true;
  const field = target.closest('input, textarea, select');
  if (!field) return false;
  return field.type !== 'checkbox' && field.type !== 'radio' && field.type !== 'button';
}

/* Listens on root for the shortcuts; actions maps each action's name to
 * fn(event). enabled() says whether the console is shown. */
export function bindShortcuts(root, actions, enabled) {
  root.addEventListener('keydown', function (ev) {
    if (ev.defaultPrevented || ev.ctrlKey || ev.altKey || ev.metaKey || ev.isComposing) return;
    const s = shortcutOf(ev.key);
    if (!s || !enabled() || !actions[s.action]) return;
    if (typing(ev.target) && s.action !== 'escape') return;
    if (actions[s.action](ev) !== false) ev.preventDefault();
  });
}

/* Fills list (a <dl>) with the shortcuts: each key in a <kbd>, its text
 * from the catalogue (drawn again on a language change). */
export function renderShortcuts(list) {
  list.textContent = '';
  SHORTCUTS.forEach(function (s) {
    const key = el('kbd');
    setText(key, s.shown || t(s.name));
    const text = el('dd');
    setText(text, t(s.text));
    list.appendChild(el('dt', {}, [key]));
    list.appendChild(text);
  });
}

/*
 * facil-screen.js — the console's control of the projection screens
 * (docs/PROTOCOL.md, "Screens"): pair a screen by the code it shows,
 * then choose, per screen, what it shows: its mode (SCREEN_MODES),
 * following this console's activity or pinned to the one it shows, the
 * join panel, the selected contribution in the spotlight.
 *
 * Owns: the panel's element (mounted by facil.js in #screens-slot), this
 * console's id (session storage: one per tab), the list of the seminar's
 * screens (screen_list at each connection, then the screens' events and
 * acknowledgements), and sending the current activity to the screens
 * that follow this console when the facilitator moves on. Every control
 * is a native form control with its label: keyboard and screen reader
 * need nothing more. No user text as markup.
 */

import { el, setText, show, syncList } from './dom.js';
import { t, errorText } from './i18n.js';
import { newId } from './ids.js';
import { getSession, setSession } from './storage.js';
import { SCREEN_MODES } from './protocol.js';

const CONSOLE_KEY = 'atelier.console';

/* This console's id: the screens it leads follow it. */
export function consoleId() {
  let id = getSession(CONSOLE_KEY, null);
  if (typeof id !== 'string' || !id) {
    id = newId();
    setSession(CONSOLE_KEY, id);
  }
  return id;
}

/*
 * The panel. send(msg, cb) sends a facilitator's message (code and key
 * are added) and calls cb(error, reply); current() is the activity the
 * console shows (or null); selected() the ids of the selected
 * contributions.
 */
export class ScreensPanel {
  constructor(send, current, selected) {
    this.send = send;
    this.current = current;
    this.selected = selected;
    this.me = consoleId();
    this.screens = new Map(); /* id -> screen */
    this.led = null;          /* the activity last sent to the screens that follow */
    this.element = this.build();
  }

  build() {
    const self = this;
    this.input = el('input', { id: 'pair-input', type: 'text', inputmode: 'numeric', autocomplete: 'off',
      spellcheck: 'false', maxlength: '16' });
    this.form = el('form', { class: 'pair-form', novalidate: true }, [
      el('label', { for: 'pair-input', 'data-i18n': 'facil.screen_pair_label' }),
      this.input,
      el('button', { type: 'submit', 'data-i18n': 'facil.screen_pair_button' })
    ]);
    this.form.addEventListener('submit', function (ev) {
      ev.preventDefault();
      self.pair(self.input.value);
    });
    this.message = el('p', { class: 'hint', role: 'status' });
    this.list = el('ul', { class: 'screen-list' });
    return el('section', { class: 'screens', 'aria-labelledby': 'screens-heading' }, [
      el('h3', { id: 'screens-heading', 'data-i18n': 'facil.screens_heading' }),
      el('p', { class: 'hint', 'data-i18n': 'facil.screens_hint' }),
      this.form, this.message, this.list
    ]);
  }

  say(text) {
    setText(this.message, text || '');
  }

  /* Asks the seminar's screens (at each connection). */
  refresh() {
    const self = this;
    this.send({ type: 'screen_list', id: newId() }, function (err, reply) {
      if (err || !reply) return;
      self.screens = new Map();
      (reply.screens || []).forEach(function (s) { self.screens.set(s.id, s); });
      self.led = null;
      self.render();
      self.follow();
    });
  }

  /* A screen's event or acknowledgement: it is now s. */
  update(s) {
    if (!s || !s.code) return;
    this.screens.set(s.id, s);
    this.render();
  }

  pair(typed) {
    const code = String(typed || '').replace(/\D/g, '');
    const a = this.current();
    if (!code) {
      this.say(t('facil.screen_pair_missing'));
      return;
    }
    const msg = { type: 'screen_pair', id: newId(), pairing: code, console: this.me };
    if (a) msg.activity = a.id;
    const self = this;
    this.send(msg, function (err, reply) {
      if (err) {
        self.say(errorText(err.code));
        return;
      }
      self.input.value = '';
      self.update(reply.screen);
      self.say(t('facil.screen_paired', { n: reply.screen.id }));
    });
  }

  /* Sends what screen s is to show (fields), then shows the answer. */
  set(s, fields) {
    const msg = Object.assign({ type: 'screen_set', id: newId(), screen: s.id }, fields);
    const self = this;
    this.send(msg, function (err, reply) {
      if (err) {
        self.say(errorText(err.code));
        self.render(); /* the controls go back to what the screen shows */
        return;
      }
      self.update(reply.screen);
    });
  }

  /* The console shows another activity: the screens that follow it show
   * it too. */
  follow() {
    const a = this.current();
    if (!a || a.id === this.led) return;
    this.led = a.id;
    const self = this;
    this.screens.forEach(function (s) {
      if (s.follow && s.console === self.me && s.activity !== a.id) self.set(s, { activity: a.id });
    });
  }

  /* The spotlight on the first selected contribution. */
  spotlight(s) {
    const ids = this.selected();
    if (!ids.length) {
      this.say(t('facil.screen_spotlight_none'));
      this.render();
      return;
    }
    const fields = { mode: 'spotlight', contribution: ids[0] };
    const a = this.current();
    if (a && !s.follow) fields.activity = a.id;
    this.set(s, fields);
  }

  render() {
    const self = this;
    const screens = Array.from(this.screens.values()).filter(function (s) { return !!s.code; });
    syncList(this.list, screens, function (s) { return s.id; }, function (s) { return self.createRow(s); },
      function (li, s) { self.updateRow(li, s); });
  }

  createRow(s) {
    const self = this;
    const base = 'screen-' + s.id;
    const mode = el('select', { id: base + '-mode' });
    Object.keys(SCREEN_MODES).forEach(function (m) { mode.appendChild(el('option', { value: m })); });
    const follow = el('input', { id: base + '-follow', type: 'checkbox' });
    const join = el('input', { id: base + '-join', type: 'checkbox' });
    const spot = el('button', { type: 'button', class: 'spot' });
    const li = el('li', { class: 'screen-row' }, [
      el('p', { class: 'screen-name' }),
      el('div', { class: 'field' }, [el('label', { for: base + '-mode' }), mode]),
      el('div', { class: 'check' }, [follow, el('label', { for: base + '-follow' })]),
      el('div', { class: 'check' }, [join, el('label', { for: base + '-join' })]),
      spot
    ]);
    mode.addEventListener('change', function () {
      const s2 = self.screens.get(s.id);
      if (SCREEN_MODES[mode.value].one_contribution) self.spotlight(s2);
      else self.set(s2, { mode: mode.value });
    });
    follow.addEventListener('change', function () {
      const s2 = self.screens.get(s.id);
      const a = self.current();
      const fields = { follow: follow.checked };
      if (follow.checked) {
        fields.console = self.me;
        if (a) fields.activity = a.id;
      }
      self.set(s2, fields);
    });
    join.addEventListener('change', function () {
      self.set(self.screens.get(s.id), { join: join.checked });
    });
    spot.addEventListener('click', function () { self.spotlight(self.screens.get(s.id)); });
    return li;
  }

  updateRow(li, s) {
    const parts = li.children;
    const activity = s.activity || '—';
    setText(parts[0], t(s.follow ? 'facil.screen_following' : 'facil.screen_pinned',
      { n: s.id, activity: activity }));
    setText(parts[1].firstChild, t('facil.screen_mode_label', { n: s.id }));
    const mode = parts[1].lastChild;
    Array.prototype.forEach.call(mode.options, function (o) { setText(o, t('facil.screen_mode_' + o.value)); });
    if (mode.value !== s.mode) mode.value = s.mode;
    const follow = parts[2].firstChild;
    follow.checked = !!s.follow;
    setText(parts[2].lastChild, t('facil.screen_follow', { n: s.id }));
    const join = parts[3].firstChild;
    join.checked = !!s.join;
    setText(parts[3].lastChild, t('facil.screen_join', { n: s.id }));
    setText(parts[4], t('facil.screen_spotlight', { n: s.id }));
    show(parts[4], true);
  }
}

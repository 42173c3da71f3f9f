/*
 * facil-timer.js — the console's timer of the activity shown: its time
 * left (timer.js, from the server's clock), a duration in minutes, whether
 * the activity moves on to its next phase at zero, and the commands set,
 * start, pause, a minute more, stop (timer_* of docs/PROTOCOL.md).
 *
 * Owns: those controls, drawn into the element the console gives it, in
 * one group named by a legend (keyboard: Tab through them, Enter or Space
 * on a button; a screen reader reads the group's name, each control's
 * label and the timer when asked). Sends nothing itself: the console's
 * send(type, fields) does, as it does its other requests. No user text as
 * markup.
 */

import { el, setText } from './dom.js';
import { t } from './i18n.js';
import { drawTimer, TICK_MS } from './timer.js';

const OPS = ['timer_set', 'timer_start', 'timer_pause', 'timer_add', 'timer_stop'];

/* The controls' element; send(type, fields) sends a timer command about
 * the activity shown; offset() is the server's clock minus the page's. */
export function createTimerView(send, offset) {
  const id = 'timer-minutes';
  const display = el('span', { class: 'timer', role: 'timer', hidden: true });
  const minutes = el('input', { id: id, type: 'number', min: '1', max: '1440', step: '1', value: '5',
    inputmode: 'numeric' });
  const minutesLabel = el('label', { for: id });
  const advance = el('input', { id: 'timer-advance', type: 'checkbox' });
  const advanceLabel = el('label', { for: 'timer-advance' });
  const buttons = OPS.map(function (op) {
    return el('button', { type: 'button', dataset: { op: op } });
  });
  const legend = el('legend');
  const view = el('fieldset', { class: 'timer-controls' }, [legend, display,
    el('span', { class: 'field' }, [minutesLabel, minutes]),
    el('span', { class: 'field check' }, [advance, advanceLabel])].concat(buttons));
  view.parts = { legend: legend, display: display, minutes: minutes, minutesLabel: minutesLabel,
    advance: advance, advanceLabel: advanceLabel, buttons: buttons };
  view.activity = null;
  view.offset = offset;
  buttons.forEach(function (button) {
    button.addEventListener('click', function () {
      const op = button.dataset.op;
      if (op !== 'timer_set') return send(op, {});
      const n = Math.round(Number(minutes.value));
      if (!(n >= 1 && n <= 1440)) {
        minutes.focus();
        return;
      }
      send(op, { seconds: n * 60, advance: advance.checked });
    });
  });
  setInterval(function () { drawTimer(display, view.activity, view.offset()); }, TICK_MS);
  return view;
}

/* Draws the controls for activity a; busy: a request about it is on its
 * way (the buttons wait for its answer). */
export function updateTimerView(view, a, busy) {
  const p = view.parts;
  view.activity = a;
  setText(p.legend, t('facil.timer_legend', { title: a.title }));
  setText(p.minutesLabel, t('facil.timer_minutes'));
  setText(p.advanceLabel, t('facil.timer_advance'));
  const timer = a.timer;
  if (timer && document.activeElement !== p.minutes) p.minutes.value = String(Math.max(1, Math.round(timer.duration / 60000)));
  if (timer && document.activeElement !== p.advance) p.advance.checked = !!timer.advance;
  p.buttons.forEach(function (button) {
    const op = button.dataset.op;
    setText(button, t('facil.' + op));
    /* what cannot be done now is said by disabling it */
    const useless = (op === 'timer_start' && (!timer || timer.running)) ||
      (op === 'timer_pause' && (!timer || !timer.running)) || (op === 'timer_stop' && !timer);
    button.disabled = busy || useless;
  });
  drawTimer(p.display, a, view.offset());
}

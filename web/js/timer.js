/*
 * timer.js — an activity's timer on a page (phone, screen, console): the
 * time left, counted down from the server's clock, drawn as "m:ss".
 *
 * The server says its time ("now", ms) in every watch's reply and every
 * activity's event; ws.js keeps offset = its time minus the page's when
 * it came (AtelierClient.serverOffset). A running timer is sent as the
 * time it ends on the server's clock ("ends"), one that does not run as
 * what is left ("left"), so a page that reconnects mid-countdown shows
 * the right time at once, whatever its own clock says.
 *
 * Owns: the arithmetic and the drawing of one timer into one element it
 * is given (a role="timer" element: screen readers read it when asked,
 * never every second). Must not touch the network nor the page's state.
 */

import { setText, show } from './dom.js';
import { t } from './i18n.js';

/* How often a page draws its running timer again. */
export const TICK_MS = 250;

/* The ms left of timer (the activity's "timer" object, or null) at the
 * page's time now, the server being offset ms ahead; null without one. */
export function timeLeft(timer, offset, now) {
  if (!timer) return null;
  if (!timer.running) return Math.max(0, timer.left || 0);
  return Math.max(0, timer.ends - (now + (offset || 0)));
}

/* "m:ss" (or "h:mm:ss") of ms, rounded up to the second: a timer shows
 * 0:00 only once it is over. */
export function formatTime(ms) {
  const total = Math.ceil(Math.max(0, ms) / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor(total / 60) % 60;
  const s = String(total % 60).padStart(2, '0');
  return h ? h + ':' + String(m).padStart(2, '0') + ':' + s : m + ':' + s;
}

/* Draws activity a's timer into element node (hidden when a has none),
 * at the page's time now (default Date.now()): its time, and whether it
 * is paused or over, for the eye (classes) and for a screen reader
 * (aria-label). */
export function drawTimer(node, a, offset, now) {
  const timer = a && a.timer;
  const left = timeLeft(timer, offset, now === undefined ? Date.now() : now);
  show(node, left !== null);
  if (left === null) return;
  const text = formatTime(left);
  const over = left === 0;
  const paused = !timer.running && !over;
  setText(node, text);
  node.classList.toggle('paused', paused);
  node.classList.toggle('over', over);
  const label = t(over ? 'common.timer_over' : paused ? 'common.timer_paused' : 'common.timer_left', { time: text });
  if (node.getAttribute('aria-label') !== label) node.setAttribute('aria-label', label);
}

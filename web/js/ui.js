/*
 * ui.js — small interface pieces the three pages share: the connection
 * indicator, activity state labels, what an activity's state allows, the
 * language switch.
 *
 * Owns: turning a status or a state into catalogue text and classes, and
 * a state into its row of capabilities (protocol.js). Must not touch the
 * network, storage or the page's own layout.
 */

import { t, bindSwitch } from './i18n.js';
import { setText, setClass } from './dom.js';
import { CAPABILITIES, BOARD_KINDS } from './protocol.js';

/* The kind of board whose contributions are orientations with their
 * example actions: the second kind (server/vocab.h, VOCAB_ORIENTATIONS). */
export const ORIENTATIONS = BOARD_KINDS[1];

const NOTHING = Object.freeze({});

/* What activity a allows: its state's row of protocol.js's CAPABILITIES
 * (post, vote, edit, texts, tallies, ranked); none for a state this page does not
 * know. */
export function capabilities(a) {
  return (a && CAPABILITIES[a.state]) || NOTHING;
}

/* Fills node with the connection status (connecting, connected,
 * reconnecting, offline) and sets its class "status status-<s>". */
export function renderStatus(node, status) {
  setClass(node, 'status status-' + status);
  setText(node, t('common.status_' + status));
}

/* The French (or English) name of an activity state. */
export function stateText(state) {
  return t('common.state_' + state);
}

/* Fills node with an activity state as a badge "state state-<s>". */
export function renderState(node, state) {
  setClass(node, 'state state-' + state);
  setText(node, stateText(state));
}

/* Wires the language switch button present on every page (id "lang"). */
export function bindLang() {
  const button = document.getElementById('lang');
  if (button) bindSwitch(button);
}

/* Sets the document title from a catalogue key and an optional prefix
 * (the seminar or activity title). */
export function setTitle(key, prefix) {
  document.title = prefix ? prefix + ' — ' + t(key) : t(key);
}

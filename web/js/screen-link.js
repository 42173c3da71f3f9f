/*
 * screen-link.js — what ties a projection screen to the console: the
 * random token its browser keeps (local storage), and the screen_hello
 * message that asks the server what it shows (docs/PROTOCOL.md,
 * "Screens").
 *
 * Owns: the token's key in storage and the message's shape. Must not
 * touch the DOM; the socket is ws.js's.
 */

import { newId } from './ids.js';
import { getLocal, setLocal } from './storage.js';

const TOKEN_KEY = 'atelier.screen';

/* An unpaired screen asks again this often, until a console pairs it. */
export const HELLO_AGAIN_MS = 3000;

/* The screen's token: made once, then kept, so that a projector that
 * reloads is the same screen. */
export function screenToken() {
  let token = getLocal(TOKEN_KEY, null);
  if (typeof token !== 'string' || !token) {
    token = newId();
    setLocal(TOKEN_KEY, token);
  }
  return token;
}

export function helloMessage(token) {
  return { type: 'screen_hello', id: newId(), token: token };
}

/* The pairing code as it is read aloud and typed: "482 913". */
export function spacedPairing(code) {
  const s = String(code || '');
  return s.length === 6 ? s.slice(0, 3) + '\u2009' + s.slice(3) : s;
}

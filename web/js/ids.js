/*
 * ids.js — client-generated message ids (docs/PROTOCOL.md: 1–64 characters
 * from A-Z a-z 0-9 . _ : -).
 *
 * Owns: making ids. crypto.randomUUID where the browser has it (secure
 * contexts), else 128 random bits from crypto.getRandomValues, else (very
 * old browsers) Math.random with the time. Must not touch anything else.
 */

function hex(bytes) {
  let out = '';
  for (let i = 0; i < bytes.length; i++) out += (bytes[i] + 0x100).toString(16).slice(1);
  return out;
}

function randomBytes(n) {
  const bytes = new Uint8Array(n);
  const c = window.crypto || window.msCrypto;
  if (c && c.getRandomValues) {
    c.getRandomValues(bytes);
  } else {
    for (let i = 0; i < n; i++) bytes[i] = Math.floor(Math.random() * 256);
    const now = Date.now();
    for (let i = 0; i < 6; i++) bytes[i] ^= Math.floor(now / Math.pow(256, i)) & 0xff;
  }
  return bytes;
}

/* A fresh random id, UUID-shaped. */
export function newId() {
  const c = window.crypto;
  if (c && typeof c.randomUUID === 'function') {
    try {
      return c.randomUUID();
    } catch (e) {
      /* not a secure context on some versions: fall through */
    }
  }
  const b = randomBytes(16);
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = hex(b);
  return h.slice(0, 8) + '-' + h.slice(8, 12) + '-' + h.slice(12, 16) + '-' +
    h.slice(16, 20) + '-' + h.slice(20);
}

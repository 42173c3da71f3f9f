/*
 * storage.js — localStorage and sessionStorage that never throw.
 *
 * Owns: reading and writing small JSON values. A browser in private mode
 * or with storage full or disabled gets an in-memory stand-in, so the page
 * works for the current visit. Must not touch anything else.
 */

function backend(kind) {
  try {
    const s = window[kind];
    const probe = 'atelier.probe';
    s.setItem(probe, '1');
    s.removeItem(probe);
    return s;
  } catch (e) {
    const memory = new Map();
    return {
      getItem: function (k) { return memory.has(k) ? memory.get(k) : null; },
      setItem: function (k, v) { memory.set(k, String(v)); },
      removeItem: function (k) { memory.delete(k); }
    };
  }
}

const local = backend('localStorage');
const session = backend('sessionStorage');

function reader(s) {
  return function (key, fallback) {
    try {
      const raw = s.getItem(key);
      return raw === null ? fallback : JSON.parse(raw);
    } catch (e) {
      return fallback;
    }
  };
}

function writer(s) {
  return function (key, value) {
    try {
      if (value === null || value === undefined) s.removeItem(key);
      else s.setItem(key, JSON.stringify(value));
      return true;
    } catch (e) {
      return false;
    }
  };
}

/* localStorage: kept across visits. get returns fallback when absent or
 * unreadable; set returns false when the value could not be saved; a null
 * value removes the key. */
export const getLocal = reader(local);
export const setLocal = writer(local);

/* sessionStorage: kept for this tab only (the facilitator key). */
export const getSession = reader(session);
export const setSession = writer(session);

/*
 * i18n.js — the interface catalogue in the browser.
 *
 * Owns: fetching /i18n.json once, choosing the language (French unless the
 * browser prefers English or the user switched), looking keys up and
 * filling the elements marked data-i18n (textContent) or
 * data-i18n-placeholder / -aria-label / -title / -alt (attributes).
 * Must not touch the network beyond /i18n.json, nor the page's state.
 */

const STORAGE_KEY = 'atelier.lang';
const ATTRIBUTES = ['placeholder', 'aria-label', 'title', 'alt'];

let catalogue = {};
let lang = 'fr';
const listeners = [];

function storedLang() {
  try {
    return window.localStorage.getItem(STORAGE_KEY);
  } catch (e) {
    return null;
  }
}

function preferredLang() {
  const stored = storedLang();
  if (stored === 'fr' || stored === 'en') return stored;
  const nav = String(navigator.language || (navigator.languages && navigator.languages[0]) || '');
  return nav.toLowerCase().indexOf('en') === 0 ? 'en' : 'fr';
}

/* Loads the catalogue and translates document. Resolves even when the
 * fetch fails (keys are then shown as is, the page stays usable). */
export function load() {
  lang = preferredLang();
  return fetch('/i18n.json', { credentials: 'same-origin' })
    .then(function (response) {
      if (!response.ok) throw new Error('i18n ' + response.status);
      return response.json();
    })
    .then(function (data) {
      catalogue = data || {};
    })
    .catch(function () {
      catalogue = {};
    })
    .then(function () {
      apply(document);
    });
}

/* Current language: "fr" or "en". */
export function currentLang() {
  return lang;
}

/* Switches language, remembers the choice, retranslates the page and
 * calls the listeners (pages re-render their dynamic text). */
export function setLang(next) {
  lang = next === 'en' ? 'en' : 'fr';
  try {
    window.localStorage.setItem(STORAGE_KEY, lang);
  } catch (e) {
    /* private mode: the choice lasts for this page only */
  }
  apply(document);
  listeners.forEach(function (fn) { fn(lang); });
}

/* Registers fn(lang), called after every language switch. */
export function onLangChange(fn) {
  listeners.push(fn);
}

/* Text of key in the current language, falling back to French then to
 * the key. {name} placeholders are replaced from vars. */
export function t(key, vars) {
  const entry = catalogue[key];
  let text = entry ? (entry[lang] || entry.fr || key) : key;
  if (vars) {
    text = text.replace(/\{(\w+)\}/g, function (whole, name) {
      return Object.prototype.hasOwnProperty.call(vars, name) ? String(vars[name]) : whole;
    });
  }
  return text;
}

/* Plural form: key + "_one" or "_other" with {n} = n (French treats 0
 * and 1 as singular, English only 1). */
export function tn(key, n, vars) {
  const one = lang === 'fr' ? Math.abs(n) < 2 : n === 1;
  return t(key + (one ? '_one' : '_other'), Object.assign({ n: n }, vars || {}));
}

/* True when the catalogue has key. */
export function has(key) {
  return Object.prototype.hasOwnProperty.call(catalogue, key);
}

/* Translates every marked element under root (root included). */
export function apply(root) {
  const scope = root || document;
  if (scope === document) document.documentElement.lang = lang;
  const nodes = Array.prototype.slice.call(scope.querySelectorAll('[data-i18n]'));
  if (scope.dataset && scope.dataset.i18n) nodes.push(scope);
  nodes.forEach(function (node) {
    node.textContent = t(node.dataset.i18n);
  });
  ATTRIBUTES.forEach(function (attr) {
    const data = 'data-i18n-' + attr;
    scope.querySelectorAll('[' + data + ']').forEach(function (node) {
      node.setAttribute(attr, t(node.getAttribute(data)));
    });
  });
}

/* Wires a button that toggles between French and English; its label names
 * the other language (key common.other_lang). */
export function bindSwitch(button) {
  button.addEventListener('click', function () {
    setLang(lang === 'fr' ? 'en' : 'fr');
  });
}

/* The message for a protocol error code, from err.<code>. */
export function errorText(code) {
  const key = 'err.' + code;
  return has(key) ? t(key) : t('err.unknown', { code: code });
}

/*
 * i18n.js — the interface catalogue in the browser.
 *
 * Owns: fetching the page's texts in one language from
 * /i18n/LANG/PAGE.json (the server's subset of web/i18n.json: the page's
 * keys, common.* and err.*; the pages preload the French one), choosing
 * the language (French unless the browser prefers English or the user
 * switched; the other language is fetched on switching), looking keys up
 * and filling the elements marked data-i18n (textContent) or
 * data-i18n-placeholder / -aria-label / -title / -alt (attributes).
 * Must not touch the network beyond /i18n/, nor the page's state.
 */

const STORAGE_KEY = 'atelier.lang';
const ATTRIBUTES = ['placeholder', 'aria-label', 'title', 'alt'];

let page = 'phone';
const catalogues = {}; /* lang -> { key: text } */
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

/* Fetches the texts of the page in `which` (once); resolves true when
 * they are there. The request is the one the pages preload
 * (<link rel="preload" as="fetch" crossorigin>), so it is not made
 * twice. */
function fetchLang(which) {
  if (catalogues[which]) return Promise.resolve(true);
  return fetch('/i18n/' + which + '/' + page + '.json', { credentials: 'same-origin' })
    .then(function (response) {
      if (!response.ok) throw new Error('i18n ' + response.status);
      return response.json();
    })
    .then(function (data) {
      catalogues[which] = data || {};
      return true;
    })
    .catch(function () {
      return false;
    });
}

/* Loads the texts of pageName ("phone", "screen" or "facil") and
 * translates document. Resolves even when the fetch fails (keys are then
 * shown as is, the page stays usable). */
export function load(pageName) {
  page = pageName;
  lang = preferredLang();
  return fetchLang(lang).then(function () {
    apply(document);
  });
}

/* Current language: "fr" or "en". */
export function currentLang() {
  return lang;
}

/* Switches language once its texts are there, remembers the choice,
 * retranslates the page and calls the listeners (pages re-render their
 * dynamic text). When the texts cannot be fetched the page stays in its
 * language. Returns a promise. */
export function setLang(next) {
  const wanted = next === 'en' ? 'en' : 'fr';
  return fetchLang(wanted).then(function (ok) {
    if (!ok) return;
    lang = wanted;
    try {
      window.localStorage.setItem(STORAGE_KEY, lang);
    } catch (e) {
      /* private mode: the choice lasts for this page only */
    }
    apply(document);
    listeners.forEach(function (fn) { fn(lang); });
  });
}

/* Registers fn(lang), called after every language switch. */
export function onLangChange(fn) {
  listeners.push(fn);
}

/* Text of key in the current language (the server gives the French text
 * where English has none), else the key. {name} placeholders are
 * replaced from vars. */
export function t(key, vars) {
  const table = catalogues[lang] || {};
  let text = Object.prototype.hasOwnProperty.call(table, key) ? table[key] : key;
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
  return Object.prototype.hasOwnProperty.call(catalogues[lang] || {}, key);
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

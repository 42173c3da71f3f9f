/*
 * dom.js — safe DOM helpers shared by every page.
 *
 * Owns: building elements and putting text into them. Text always goes in
 * through textContent / createTextNode, never through innerHTML, so nothing
 * a participant typed can become markup. Must not touch the network,
 * storage or the catalogue.
 */

/* Shorthand for document.getElementById. */
export function byId(id) {
  return document.getElementById(id);
}

/* Fills into[name] with the element whose id is name in kebab case
 * ("joinCode" -> #join-code), for each name. Returns into. */
export function bindIds(into, names) {
  names.forEach(function (name) {
    into[name] = byId(name.replace(/[A-Z]/g, function (c) { return '-' + c.toLowerCase(); }));
  });
  return into;
}

/*
 * el('button', {class: 'x', type: 'button', text: 'OK', hidden: true}, children)
 * "text" sets textContent; "class" sets className; "dataset" is an object of
 * data-* values; boolean true/false add/remove the attribute; anything else
 * is set with setAttribute. Children are nodes or strings (text nodes).
 */
export function el(tag, attrs, children) {
  const node = document.createElement(tag);
  if (attrs) {
    Object.keys(attrs).forEach(function (name) {
      const value = attrs[name];
      if (value === undefined || value === null || value === false) return;
      if (name === 'text') node.textContent = String(value);
      else if (name === 'class') node.className = value;
      else if (name === 'dataset') Object.assign(node.dataset, value);
      else if (value === true) node.setAttribute(name, '');
      else node.setAttribute(name, String(value));
    });
  }
  if (children) append(node, children);
  return node;
}

/* Appends nodes or strings (as text nodes) to parent. */
export function append(parent, children) {
  (Array.isArray(children) ? children : [children]).forEach(function (child) {
    if (child === null || child === undefined || child === false) return;
    parent.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
  });
  return parent;
}

/* Removes every child of node. */
export function clear(node) {
  while (node.firstChild) node.removeChild(node.firstChild);
  return node;
}

/* Sets the text of node only when it changed (keeps screen readers quiet). */
export function setText(node, text) {
  const value = text === null || text === undefined ? '' : String(text);
  if (node.textContent !== value) node.textContent = value;
}

/* Shows or hides node with the hidden attribute (no inline style),
 * touching it only when that changes. */
export function show(node, visible) {
  if (node.hidden !== !visible) node.hidden = !visible;
}

/* Sets node's class attribute only when it changed. */
export function setClass(node, name) {
  if (node.className !== name) node.className = name;
}

/*
 * Keyed list reconciliation: makes container's children match items, in
 * order, reusing the element of each key so that a focused field inside an
 * item keeps its focus and its content. create(item) builds a new element,
 * update(element, item) refreshes it. Returns the keys that are new.
 * Moving an element drops the focus from inside it (the browser takes it
 * out, then puts it back): an element that had the focus and is still
 * in the container gets it back.
 */
export function syncList(container, items, key, create, update) {
  const focused = container.contains(document.activeElement) ? document.activeElement : null;
  const existing = new Map();
  Array.prototype.forEach.call(container.children, function (child) {
    if (child.dataset.key !== undefined) existing.set(child.dataset.key, child);
  });
  const keys = items.map(function (item) { return String(key(item)); });
  const wanted = new Set(keys);
  existing.forEach(function (node, k) {
    if (!wanted.has(k)) container.removeChild(node);
  });
  const added = [];
  items.forEach(function (item, index) {
    const k = keys[index];
    let node = existing.get(k);
    if (!node) {
      node = create(item);
      node.dataset.key = k;
      added.push(k);
    }
    update(node, item);
    const at = container.children[index];
    if (at !== node) container.insertBefore(node, at || null);
  });
  if (focused && focused !== document.activeElement && container.contains(focused)) focused.focus();
  return added;
}

/* Ctrl+Enter (Cmd+Enter on a Mac) in a multi-line field sends its form,
 * as Enter does from a one-line field: through the form's submit event,
 * so the form's own checks run. Enter alone still starts a new line. */
export function submitOnCtrlEnter(field) {
  field.addEventListener('keydown', function (ev) {
    if (ev.key !== 'Enter' || !(ev.ctrlKey || ev.metaKey) || ev.isComposing) return;
    ev.preventDefault();
    const form = field.form;
    if (form.requestSubmit) form.requestSubmit();
    else form.dispatchEvent(new Event('submit', { cancelable: true }));
  });
}

/* Calls fn at most once per animation frame, however often it is asked. */
export function onFrame(fn) {
  let queued = false;
  return function () {
    if (queued) return;
    queued = true;
    const run = function () {
      queued = false;
      fn();
    };
    if (window.requestAnimationFrame) window.requestAnimationFrame(run);
    else setTimeout(run, 16);
  };
}

/* A seminar code as the server knows it: no white space, upper case,
 * whether it was typed, scanned or came in a link. */
export function normalizeCode(text) {
  return String(text || '').replace(/\s+/g, '').toUpperCase();
}

/* Reads "a=1&b=2" (a query string or a fragment, with or without its
 * leading ? or #) into a plain object. */
export function parseParams(text) {
  const out = {};
  String(text || '').replace(/^[?#]/, '').split('&').forEach(function (pair) {
    if (!pair) return;
    const at = pair.indexOf('=');
    const name = decodeURIComponent(at < 0 ? pair : pair.slice(0, at));
    const value = at < 0 ? '' : decodeURIComponent(pair.slice(at + 1).replace(/\+/g, ' '));
    out[name] = value;
  });
  return out;
}

/* Counts characters as the server does (Unicode code points). */
export function charCount(text) {
  return Array.from(String(text || '')).length;
}

/* The start of text, enough to tell one contribution from another in a
 * button's name: text itself up to max characters (code points), else
 * its whole words within the first max (all of them when there is no
 * space), and "…". */
export function excerpt(text, max) {
  const chars = Array.from(String(text || ''));
  if (chars.length <= max) return chars.join('');
  const head = chars.slice(0, max).join('');
  const words = /\s/.test(chars[max]) ? head : head.replace(/\s+\S*$/, '');
  return (words || head).replace(/\s+$/, '') + '…';
}

/*
 * pages_vocab.test.mjs — the pages take the protocol's words and limits
 * from web/js/protocol.js (written from the server's tables, checked by
 * test_vocab) and never type them again. Run with `node --test`; Node's
 * own runner and node:assert only.
 *
 * - protocol.js has the shape the pages rely on: every activity state has
 *   its row of capabilities, every contribution state its row, every
 *   transient error is an error, every limit a positive integer.
 * - Every other module of web/js is read as tokens (comments left out,
 *   strings, template literals and regular expressions read whole) and
 *   fails when it:
 *   · compares a quoted word of the vocabulary (an activity state, a
 *     contribution state, a board kind, a transient error code, an export
 *     format) with anything, or switches on one (case 'open':);
 *   · lists one as an element of an array literal;
 *   · keys an object literal by two or more words of one family
 *     ({ open: 0, voting: 0 });
 *   · assigns a number equal to a limit to a constant (a duration, named
 *     …_MS, is not a limit: BACKOFF_MIN_MS = 500 passes), or cuts a text
 *     to a limit's length (slice(0, 80));
 *   · uses a name protocol.js exports without importing it from there
 *     (its own TRANSIENT, say).
 *   What only looks like the vocabulary passes: an event name given to a
 *   call (ws.addEventListener('open', …)), a word as an object's key
 *   alone ({ hidden: true }), a browser's own value compared
 *   (document.visibilityState === 'visible', socket.readyState).
 *   The checker itself is tested on snippets, both ways.
 * - Each HTML page preloads (<link rel="modulepreload">) every module its
 *   scripts import statically, protocol.js included where they import it.
 * - The console's export buttons, made from EXPORT_FORMATS, have their
 *   texts in the catalogue (facil.export_FMT).
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const WEB = join(ROOT, 'web');
const JS = join(WEB, 'js');
const PROTOCOL = 'protocol.js';

const P = await import(pathToFileURL(join(JS, PROTOCOL)).href);

/* ===== protocol.js ===== */

function isFrozenList(list) {
  return Array.isArray(list) && Object.isFrozen(list) && list.length > 0 &&
    list.every((s) => typeof s === 'string' && s !== '') && new Set(list).size === list.length;
}

test('protocol.js: limits are positive integers', () => {
  assert.ok(Object.isFrozen(P.LIMITS));
  /* the ones the pages use are there, and every one is a positive integer */
  for (const name of ['message_bytes', 'text', 'label', 'action', 'actions']) {
    assert.ok(Number.isInteger(P.LIMITS[name]) && P.LIMITS[name] > 0, 'LIMITS.' + name);
  }
  for (const [name, v] of Object.entries(P.LIMITS)) assert.ok(Number.isInteger(v) && v > 0, 'LIMITS.' + name);
});

test('protocol.js: every activity state has its row of capabilities, and only they', () => {
  assert.ok(isFrozenList(P.ACTIVITY_STATES));
  assert.deepEqual(Object.keys(P.CAPABILITIES), [...P.ACTIVITY_STATES]);
  for (const s of P.ACTIVITY_STATES) {
    const row = P.CAPABILITIES[s];
    assert.ok(Object.isFrozen(row), s);
    assert.deepEqual(Object.keys(row).sort(), ['edit', 'post', 'ranked', 'tallies', 'texts', 'vote', 'voters'], s);
    for (const v of Object.values(row)) assert.equal(typeof v, 'boolean', s);
  }
});

test('protocol.js: every contribution state has its row; one is shown; one keeps its votes from counting', () => {
  const names = Object.keys(P.CONTRIBUTION_STATES);
  assert.ok(names.length > 0);
  for (const s of names) {
    const row = P.CONTRIBUTION_STATES[s];
    assert.ok(Object.isFrozen(row), s);
    assert.deepEqual(Object.keys(row).sort(), ['counted', 'live', 'shown'], s);
    assert.equal(typeof row.shown, 'boolean', s);
    assert.equal(typeof row.live, 'boolean', s);
    assert.equal(typeof row.counted, 'boolean', s);
    /* what is shown can still be acted on, and its votes count */
    assert.ok(!row.shown || row.live, s);
    assert.ok(!row.shown || row.counted, s);
  }
  assert.ok(names.some((s) => P.CONTRIBUTION_STATES[s].shown));
  assert.ok(names.some((s) => !P.CONTRIBUTION_STATES[s].counted));
});

test('protocol.js: board kinds, errors, export formats; TRANSIENT ⊆ ERRORS', () => {
  assert.ok(isFrozenList(P.BOARD_KINDS));
  assert.ok(isFrozenList(P.ERRORS));
  assert.ok(isFrozenList(P.TRANSIENT));
  assert.ok(isFrozenList(P.EXPORT_FORMATS));
  for (const code of P.TRANSIENT) assert.ok(P.ERRORS.includes(code), code + ' is not in ERRORS');
  /* ui.js takes the kind of the orientations boards by its place */
  assert.equal(P.BOARD_KINDS[1], 'orientations');
});

/* ===== Reading a module as tokens ===== */

/* Words after which a "/" starts a regular expression, not a division. */
const BEFORE_EXPRESSION = new Set(['return', 'typeof', 'case', 'do', 'else', 'in', 'of', 'new',
  'delete', 'void', 'throw', 'instanceof', 'yield', 'await']);
const PUNCTUATORS = ['>>>=', '===', '!==', '...', '**=', '<<=', '>>=', '>>>', '&&=', '||=', '??=',
  '=>', '==', '!=', '<=', '>=', '&&', '||', '??', '?.', '++', '--', '+=', '-=', '*=', '/=', '%=',
  '&=', '|=', '^=', '<<', '>>', '**'];
const NUMBER = /^(?:0[xXbBoO][0-9a-fA-F_]+|\d[\d_]*(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)n?/;

/*
 * The tokens of JavaScript source src: {type, value, line}, type one of
 * string (value: its text, a template literal's without its ${…}),
 * number (value: a Number), name, regex, punct. Comments are left out.
 * Enough for the pages' modules, not a parser.
 */
function tokenize(src) {
  const out = [];
  let i = 0;
  let line = 1;
  const n = src.length;
  const push = (type, value, at) => out.push({ type, value, line: at });
  const skipTo = (end) => {
    for (; i < end; i++) if (src[i] === '\n') line++;
  };
  const regexAllowed = () => {
    const p = out[out.length - 1];
    if (!p) return true;
    if (p.type === 'name') return BEFORE_EXPRESSION.has(p.value);
    if (p.type === 'punct') return ![')', ']', '++', '--'].includes(p.value);
    return false;
  };
  while (i < n) {
    const c = src[i];
    const start = line;
    if (/\s/.test(c)) {
      skipTo(i + 1);
    } else if (c === '/' && src[i + 1] === '/') {
      while (i < n && src[i] !== '\n') i++;
    } else if (c === '/' && src[i + 1] === '*') {
      const end = src.indexOf('*/', i + 2);
      skipTo(end < 0 ? n : end + 2);
    } else if (c === '\'' || c === '"') {
      let value = '';
      for (i++; i < n && src[i] !== c; i++) {
        if (src[i] === '\\') i++;
        value += src[i];
      }
      i++;
      push('string', value, start);
    } else if (c === '`') {
      let value = '';
      for (i++; i < n && src[i] !== '`'; i++) {
        if (src[i] === '\\') {
          value += src[++i];
        } else if (src[i] === '$' && src[i + 1] === '{') {
          let depth = 0;
          for (; i < n; i++) {
            if (src[i] === '{') depth++;
            else if (src[i] === '}' && --depth === 0) break;
            else if (src[i] === '\n') line++;
          }
        } else {
          if (src[i] === '\n') line++;
          value += src[i];
        }
      }
      i++;
      push('string', value, start);
    } else if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(src[i + 1] || ''))) {
      const text = NUMBER.exec(src.slice(i))[0];
      i += text.length;
      push('number', Number(text.replace(/_/g, '').replace(/n$/, '')), start);
    } else if (/[A-Za-z_$]/.test(c)) {
      const text = /^[A-Za-z_$][\w$]*/.exec(src.slice(i))[0];
      i += text.length;
      push('name', text, start);
    } else if (c === '/' && regexAllowed()) {
      let inClass = false;
      let value = '';
      for (i++; i < n && (inClass || src[i] !== '/'); i++) {
        if (src[i] === '\\') value += src[i++];
        else if (src[i] === '[') inClass = true;
        else if (src[i] === ']') inClass = false;
        value += src[i];
      }
      for (i++; i < n && /[a-z]/.test(src[i]); i++);
      push('regex', value, start);
    } else {
      const p = PUNCTUATORS.find((q) => src.startsWith(q, i)) || c;
      i += p.length;
      push('punct', p, start);
    }
  }
  return out;
}

/* ===== What a module must not type again ===== */

/* The vocabulary's families, each a list of words. */
const FAMILIES = {
  'activity state': P.ACTIVITY_STATES,
  'contribution state': Object.keys(P.CONTRIBUTION_STATES),
  'board kind': P.BOARD_KINDS,
  'transient error': P.TRANSIENT,
  'export format': P.EXPORT_FORMATS
};
const COMPARISONS = new Set(['===', '!==', '==', '!=']);
/* Properties whose values are the browser's words, not the protocol's. */
const BROWSER_PROPERTIES = new Set(['visibilityState', 'readyState', 'type']);
/* A constant whose name says it is a duration is not a limit. */
const DURATION = /_(MS|S|SECONDS)$/;

function familyOf(word) {
  for (const [family, words] of Object.entries(FAMILIES)) if (words.includes(word)) return family;
  return null;
}

/* True when token t ends a value (so a following "[" indexes it). */
function endsValue(t) {
  if (!t) return false;
  if (t.type === 'name') return !BEFORE_EXPRESSION.has(t.value);
  if (t.type === 'punct') return t.value === ')' || t.value === ']';
  return true;
}

/* The last name of the member chain that starts at tokens[k] (x.y.z → z). */
function chainEnd(tokens, k) {
  let last = null;
  while (tokens[k] && (tokens[k].type === 'name' || tokens[k].value === '.' || tokens[k].value === '?.')) {
    if (tokens[k].type === 'name') last = tokens[k].value;
    k++;
  }
  return last;
}

/* The names module tokens import from './protocol.js' ('*' for all). */
function protocolImports(tokens) {
  const names = new Set();
  for (let k = 0; k < tokens.length; k++) {
    if (tokens[k].type !== 'name' || tokens[k].value !== 'import' || (tokens[k + 1] || {}).value === '(') continue;
    let end = k + 1;
    while (end < tokens.length && tokens[end].type !== 'string') end++;
    if (!tokens[end] || tokens[end].value !== './' + PROTOCOL) continue;
    for (let m = k + 1; m < end; m++) {
      const t = tokens[m];
      if (t.value === '*') names.add('*');
      else if (t.type === 'name' && t.value !== 'from' && t.value !== 'as' && tokens[m - 1].value !== 'as') names.add(t.value);
    }
  }
  return names;
}

/*
 * The places where JavaScript source src types again what protocol.js
 * holds: a list of "line N: what", empty when there is none.
 */
function retyped(src) {
  const tokens = tokenize(src);
  const found = [];
  const say = (t, what) => found.push('line ' + t.line + ': ' + what);
  const limits = new Map(Object.entries(P.LIMITS).map(([name, v]) => [v, name]));
  const stack = [];

  for (let k = 0; k < tokens.length; k++) {
    const t = tokens[k];
    const prev = tokens[k - 1];
    const next = tokens[k + 1];
    const top = stack[stack.length - 1];

    if (t.type === 'punct' && (t.value === '(' || t.value === '[' || t.value === '{')) {
      const kind = t.value === '(' ? 'paren' : t.value === '{' ? 'object' : endsValue(prev) ? 'index' : 'array';
      stack.push({ kind, token: t, keys: [] });
      continue;
    }
    if (t.type === 'punct' && (t.value === ')' || t.value === ']' || t.value === '}')) {
      const frame = stack.pop();
      if (frame && frame.kind === 'object') {
        for (const [family, words] of Object.entries(FAMILIES)) {
          const keys = frame.keys.filter((key) => words.includes(key));
          if (keys.length >= 2) say(frame.token, 'an object keyed by ' + family + 's (' + keys.join(', ') + ')');
        }
      }
      continue;
    }

    /* A key of an object literal: name or string between { or , and :. */
    if (top && top.kind === 'object' && (t.type === 'name' || t.type === 'string') &&
        prev && (prev.value === '{' || prev.value === ',') && next && next.value === ':') {
      top.keys.push(t.value);
      continue;
    }

    if (t.type === 'string') {
      const family = familyOf(t.value);
      if (!family) continue;
      const quoted = "'" + t.value + "'";
      if (prev && COMPARISONS.has(prev.value)) {
        const other = tokens[k - 2];
        if (!(other && other.type === 'name' && BROWSER_PROPERTIES.has(other.value))) {
          say(t, 'a comparison with ' + quoted + ' (' + family + ')');
        }
      } else if (next && COMPARISONS.has(next.value)) {
        if (!BROWSER_PROPERTIES.has(chainEnd(tokens, k + 2))) say(t, 'a comparison with ' + quoted + ' (' + family + ')');
      } else if (prev && prev.type === 'name' && prev.value === 'case') {
        say(t, 'case ' + quoted + ' (' + family + ')');
      } else if (top && top.kind === 'array' && prev && (prev.value === '[' || prev.value === ',') &&
                 next && (next.value === ']' || next.value === ',')) {
        say(t, quoted + ' listed in an array (' + family + ')');
      }
      continue;
    }

    if (t.type === 'number' && limits.has(t.value)) {
      const limit = 'LIMITS.' + limits.get(t.value);
      const name = tokens[k - 2];
      const decl = tokens[k - 3];
      if (prev && prev.value === '=' && name && name.type === 'name' && decl &&
          ['const', 'let', 'var', ','].includes(decl.value) && next && [';', ','].includes(next.value) &&
          !DURATION.test(name.value)) {
        say(t, name.value + ' = ' + t.value + ' (' + limit + ')');
      }
      if (prev && prev.value === ',' && tokens[k - 2] && tokens[k - 2].value === 0 &&
          tokens[k - 3] && tokens[k - 3].value === '(' && tokens[k - 4] && tokens[k - 4].value === 'slice') {
        say(t, 'slice(0, ' + t.value + ') (' + limit + ')');
      }
      continue;
    }
  }

  /* Names protocol.js exports, used without being imported from it. */
  const imported = protocolImports(tokens);
  if (!imported.has('*')) {
    const seen = new Set();
    for (let k = 0; k < tokens.length; k++) {
      const t = tokens[k];
      if (t.type !== 'name' || !(t.value in P) || imported.has(t.value) || seen.has(t.value)) continue;
      const before = tokens[k - 1];
      if (before && (before.value === '.' || before.value === '?.')) continue;
      seen.add(t.value);
      say(t, t.value + ' without importing it from ./' + PROTOCOL);
    }
  }
  return found;
}

/* ===== The checker, both ways ===== */

test('the checker finds what is typed again', () => {
  const cases = {
    "if (a.state === 'open') x();": /comparison with 'open'/,
    "return 'voting' !== a.state;": /comparison with 'voting'/,
    "if (c.state == 'hidden') y();": /comparison with 'hidden'/,
    "switch (b.kind) { case 'orientations': break; }": /case 'orientations'/,
    "if (err.code === 'rate_limited') z();": /comparison with 'rate_limited'/,
    "export const STATES = ['prepared', 'open', 'voting', 'closed'];": /'prepared' listed in an array/,
    "const TRANSIENT = ['rate_limited', 'storage', 'internal'];": /TRANSIENT without importing/,
    "const FORMATS = ['md', 'html', 'csv', 'json'];": /'md' listed in an array/,
    'const ORDER = { open: 0, voting: 0, prepared: 1, closed: 2 };': /object keyed by activity states/,
    'const MAX_TEXT = 500;': /MAX_TEXT = 500 \(LIMITS\.text\)/,
    'const A = 1, MAX_ACTIONS = 20;': /MAX_ACTIONS = 20 \(LIMITS\.actions\)/,
    "return Array.from(label).slice(0, 80).join('');": /slice\(0, 80\) \(LIMITS\.label\)/,
    'if (CAPABILITIES[a.state].post) x();': /CAPABILITIES without importing/,
    "import { LIMITS } from './protocol.js';\nif (TRANSIENT.includes(c)) x();": /line 2: TRANSIENT without importing/,
    '/* a comment */\n\nif (x) y();\nif (a.state === "closed") z();': /line 4: a comparison with 'closed'/,
    'const re = /a[/]b/; if (k === `voting`) z();': /comparison with 'voting'/
  };
  for (const [src, want] of Object.entries(cases)) {
    const found = retyped(src);
    assert.ok(found.some((f) => want.test(f)), src + '\n  found: ' + JSON.stringify(found));
  }
});

test('the checker lets pass what only looks like the vocabulary', () => {
  const clean = [
    "ws.addEventListener('open', onOpen);",
    "socket.addEventListener('close', function () {});",
    "el('p', { class: 'x', hidden: true });",
    "if (document.visibilityState === 'visible') wake();",
    "if (ev.type === 'open') go();",
    'const BACKOFF_MIN_MS = 500;',
    'this.attempt = Math.min(this.attempt + 1, 16);',
    "h.slice(16, 20) + h.slice(0, 8);",
    "const x = 500 * 2;",
    "// if (a.state === 'open') x();\n/* const MAX_TEXT = 500; */",
    "const s = 'if (a.state === ' + \"'open'\";",
    "const m = /filename\\*?=(?:UTF-8'')?\"?([^\";]+)\"?/i.exec(h); if (m === 'a') x();",
    "import { CAPABILITIES, TRANSIENT } from './protocol.js';\nif (CAPABILITIES[a.state].post && TRANSIENT.indexOf(c) >= 0) x();",
    "import * as protocol from './protocol.js';\nconst n = protocol.LIMITS.text;",
    'const o = {}; o.LIMITS = 1;',
    "t('phone.note_' + a.state); t('common.state_open');",
    "const box = ['open'.length];",
    "x[ 'open' ] = 1;"
  ];
  for (const src of clean) assert.deepEqual(retyped(src), [], src);
});

/* ===== The pages ===== */

const modules = readdirSync(JS).filter((f) => f.endsWith('.js') && f !== PROTOCOL).sort();

test('no page module types again what protocol.js holds', () => {
  assert.ok(modules.length > 5);
  const report = [];
  for (const file of modules) {
    for (const f of retyped(readFileSync(join(JS, file), 'utf8'))) report.push('web/js/' + file + ' ' + f);
  }
  assert.deepEqual(report, [], 'take these from ./' + PROTOCOL + ':\n' + report.join('\n'));
});

/* The modules a module imports statically (import … from './x.js' and
 * import './x.js'; not import('./x.js')), by file name. */
function staticImports(file) {
  const tokens = tokenize(readFileSync(join(JS, file), 'utf8'));
  const out = [];
  for (let k = 0; k < tokens.length; k++) {
    if (tokens[k].type !== 'name' || tokens[k].value !== 'import' || (tokens[k + 1] || {}).value === '(') continue;
    let m = k + 1;
    while (m < tokens.length && tokens[m].type !== 'string') m++;
    if (tokens[m] && tokens[m].value.startsWith('./')) out.push(tokens[m].value.slice(2));
  }
  return out;
}

test('each page preloads every module its scripts import statically', () => {
  const pages = readdirSync(WEB).filter((f) => f.endsWith('.html'));
  assert.ok(pages.length >= 3);
  let importsProtocol = 0;
  for (const page of pages) {
    const html = readFileSync(join(WEB, page), 'utf8').replace(/<!--[\s\S]*?-->/g, '');
    const scripts = [...html.matchAll(/<script type="module"[^>]*\ssrc="\/js\/([^"]+)"/g)].map((m) => m[1]);
    const preloaded = new Set([...html.matchAll(/<link rel="modulepreload" href="\/js\/([^"]+)"/g)].map((m) => m[1]));
    assert.ok(scripts.length > 0, page);
    const missing = [];
    const seen = new Set(scripts);
    const todo = [...scripts];
    while (todo.length) {
      for (const dep of staticImports(todo.pop())) {
        if (seen.has(dep)) continue;
        seen.add(dep);
        todo.push(dep);
        if (!preloaded.has(dep)) missing.push(dep);
      }
    }
    if (seen.has(PROTOCOL)) importsProtocol++;
    assert.deepEqual(missing, [], 'web/' + page + ' does not preload ' + missing.join(', '));
  }
  assert.ok(importsProtocol > 0, 'no page imports ' + PROTOCOL);
});

test('each export format has its button text in the catalogue', () => {
  const catalogue = JSON.parse(readFileSync(join(WEB, 'i18n.json'), 'utf8'));
  for (const f of P.EXPORT_FORMATS) {
    const e = catalogue['facil.export_' + f];
    assert.ok(e && e.fr && e.en, 'facil.export_' + f + ': no French and English text in web/i18n.json');
  }
});

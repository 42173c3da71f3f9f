/*
 * pages_vocab.test.mjs — the pages and web/js/protocol.js (written from
 * the server's tables, checked by test_vocab). Run with `node --test`;
 * Node's own runner and node:assert only.
 *
 * - protocol.js has the shape the pages rely on: every activity state has
 *   its row of capabilities, every contribution state its row, every
 *   transient error is an error, every limit a positive integer.
 * - Each HTML page preloads (<link rel="modulepreload">) every module its
 *   scripts import statically.
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
    assert.deepEqual(Object.keys(row).sort(), ['edit', 'post', 'tallies', 'texts', 'vote'], s);
    for (const v of Object.values(row)) assert.equal(typeof v, 'boolean', s);
  }
});

test('protocol.js: every contribution state has its row; one is shown', () => {
  const names = Object.keys(P.CONTRIBUTION_STATES);
  assert.ok(names.length > 0);
  for (const s of names) {
    const row = P.CONTRIBUTION_STATES[s];
    assert.ok(Object.isFrozen(row), s);
    assert.deepEqual(Object.keys(row).sort(), ['live', 'shown'], s);
    assert.equal(typeof row.shown, 'boolean', s);
    assert.equal(typeof row.live, 'boolean', s);
    /* what is shown can still be acted on */
    assert.ok(!row.shown || row.live, s);
  }
  assert.ok(names.some((s) => P.CONTRIBUTION_STATES[s].shown));
});

test('protocol.js: board kinds, errors, export formats; TRANSIENT ⊆ ERRORS', () => {
  assert.ok(isFrozenList(P.BOARD_KINDS));
  assert.ok(isFrozenList(P.ERRORS));
  assert.ok(isFrozenList(P.TRANSIENT));
  assert.ok(isFrozenList(P.EXPORT_FORMATS));
  for (const code of P.TRANSIENT) assert.ok(P.ERRORS.includes(code), code + ' is not in ERRORS');
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
    assert.deepEqual(missing, [], 'web/' + page + ' does not preload ' + missing.join(', '));
  }
});

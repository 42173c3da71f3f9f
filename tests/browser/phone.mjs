/*
 * phone.mjs — the participant's page on a phone (360x740, touch), in a
 * real browser against the real server:
 *  - no hover look stays on a touch screen after a tap; a tapped vote
 *    shows the pressed colours, readable (contrast at least 4.5:1); with
 *    a mouse, a hovered pressed vote and the language switch stay
 *    readable too;
 *  - joining with Enter puts the focus on the list of activities, or on
 *    the title of the activity the phone enters;
 *  - the list shows the activities one can act in first (open and voting),
 *    then those to come (prepared, not openable), then the closed ones,
 *    which open read-only; each group in programme order;
 *  - Ctrl+Enter and Cmd+Enter send from the writing field, the
 *    orientation's title and a card being edited;
 *  - each card's Vote (Remove my vote), Edit and Delete buttons name
 *    their contribution;
 *  - after a vote by keyboard the focus stays on that contribution's vote
 *    button, even when the vote moves its card up the list;
 *  - the example-action fields of an orientation take at least 90% of the
 *    width of their form or card;
 *  - axe-core (lib.mjs axeViolations: every rule, none disabled) finds no
 *    violation on the join form, the list, a closed activity, a board
 *    holding contributions and votes, the orientation form and an
 *    orientations board;
 *  - no request to another host, no CSP violation, no script error.
 *
 * Usage: ATELIER_BIN=build/atelier node tests/browser/phone.mjs
 * Prints "N passed, N failed"; exits non-zero on any failure.
 */

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Server, Report, SOURCE_DIR, runScript, atelierCall, definitions, watchPage, axeStep } from './lib.mjs';

const WAIT_MS = 15000;
const DEADLINE_MS = 110000;
const PHONE = { viewport: { width: 360, height: 740 }, locale: 'fr-FR' };

const report = new Report();
const server = new Server();
const catalogue = JSON.parse(readFileSync(join(SOURCE_DIR, 'web', 'i18n.json'), 'utf8'));
const fr = (key, params) => catalogue[key].fr.replace(/\{(\w+)\}/g, (m, name) => params[name]);

/* The colours a node shows: its text colour and the background it sits
 * on (its own, blended over its ancestors' when not opaque), as
 * "rgb(r, g, b)" strings, and the contrast ratio between the two
 * (WCAG 2 relative luminance). */
function colours(page, selector) {
  return page.$eval(selector, (node) => {
    const parse = (s) => {
      const m = /rgba?\(([^)]+)\)/.exec(s);
      const v = m[1].split(',').map(Number);
      return { r: v[0], g: v[1], b: v[2], a: v.length > 3 ? v[3] : 1 };
    };
    const layers = [];
    for (let n = node; n && n.nodeType === 1; n = n.parentElement) {
      const c = parse(getComputedStyle(n).backgroundColor);
      if (c.a > 0) layers.push(c);
      if (c.a === 1) break;
    }
    let bg = { r: 255, g: 255, b: 255 };
    for (const c of layers.reverse()) {
      bg = { r: c.r * c.a + bg.r * (1 - c.a), g: c.g * c.a + bg.g * (1 - c.a), b: c.b * c.a + bg.b * (1 - c.a) };
    }
    const fg = parse(getComputedStyle(node).color);
    const lum = (c) => {
      const ch = [c.r, c.g, c.b].map((x) => {
        const s = x / 255;
        return s <= 0.03928 ? s / 12.92 : Math.pow((s + 0.055) / 1.055, 2.4);
      });
      return 0.2126 * ch[0] + 0.7152 * ch[1] + 0.0722 * ch[2];
    };
    const hi = Math.max(lum(fg), lum(bg));
    const lo = Math.min(lum(fg), lum(bg));
    const rgb = (c) => 'rgb(' + [c.r, c.g, c.b].map(Math.round).join(', ') + ')';
    return { color: rgb(fg), background: rgb(bg), ratio: (hi + 0.05) / (lo + 0.05) };
  });
}

/* Puts node (a CSS selector) in the :hover state through the DevTools
 * protocol, as a phone leaves the last element tapped: Chromium's touch
 * emulation drops that state as soon as the tapped button's text
 * changes, which a phone does not. */
async function keepHover(page, selector) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('DOM.enable');
  await cdp.send('CSS.enable');
  const { root } = await cdp.send('DOM.getDocument');
  const { nodeId } = await cdp.send('DOM.querySelector', { nodeId: root.nodeId, selector: selector });
  await cdp.send('CSS.forcePseudoState', { nodeId: nodeId, forcedPseudoClasses: ['hover'] });
}

/* The card (li) of the contribution whose text is exactly text. */
function card(text) {
  return '#board-list .card:not(.pending):has(> .card-text:text-is("' + text + '"))';
}

/* Describes the focused element: its id, or its tag, class and the key of
 * the list item it is in. */
function focused(page) {
  return page.evaluate(() => {
    const a = document.activeElement;
    if (!a || a === document.body) return 'body';
    const item = a.closest('[data-key]');
    return a.id ? '#' + a.id : a.tagName.toLowerCase() + '.' + a.className + (item ? ' in ' + item.dataset.key : '');
  });
}

async function main(browser) {
  const code = 'RBX22';
  const base = server.base;
  const seen = {};

  const newPage = async (label, options, url) => {
    const context = await browser.newContext(Object.assign({}, PHONE, options));
    context.setDefaultTimeout(WAIT_MS);
    const page = await context.newPage();
    watchPage(page, label, server, seen);
    await page.goto(url);
    return page;
  };

  /* ===== The seminar's day: some activities open, voting, closed ===== */
  const poster = await newPage('poster', {}, base + '/api/health');
  const setState = async (activity, state, seminar) => {
    const [r] = await atelierCall(poster, [{ type: 'set_state', id: 'st-' + (seminar || code) + '-' + activity + '-' + state,
      code: seminar || code, key: server.seminars.get(seminar || code), activity: activity, state: state }], WAIT_MS);
    if (r.type !== 'ack') throw new Error('set_state ' + activity + ' ' + state + ': ' + JSON.stringify(r));
  };
  const closedText = 'Ce qui a été dit pendant l\'axe 2';
  const otherText = 'Une contribution d\'un autre téléphone, assez longue pour que son nom soit coupé au bout de soixante caractères';
  await setState('axe-2', 'open');
  await setState('axe-1', 'open');
  const posted = await atelierCall(poster, [
    { type: 'join', id: 'other-join', code: code },
    { type: 'post', id: 'other-closed', activity: 'axe-2', board: 'salle', text: closedText },
    { type: 'post', id: 'other-open', activity: 'axe-1', board: 'salle', text: otherText }
  ], WAIT_MS);
  if (posted.some((r) => r.type === 'error')) throw new Error('seeding: ' + JSON.stringify(posted));
  await setState('axe-2', 'closed');
  await setState('demain', 'voting');
  await setState('cite-de-demain', 'open');
  /* sessions/roubaix-2022.json lists axe-1, axe-2, axe-3, the four
   * ateliers, demain, cite-de-demain; every other activity is prepared. */
  const expectedOrder = ['axe-1', 'demain', 'cite-de-demain', 'axe-3', 'atelier-illettrisme',
    'atelier-sport-culture', 'atelier-16-25', 'atelier-participation', 'axe-2'];
  const prepared = expectedOrder.slice(3, 8);

  /* ===== Joining with Enter ===== */
  const phone = await newPage('phone', { hasTouch: true, isMobile: true }, base + '/');
  await phone.waitForFunction(() => document.getElementById('lang').textContent !== '');
  await axeStep(report, phone, 'the join form');
  await report.step('a tapped button keeps no hover look (the language switch, tapped twice on the join form)', async () => {
    const before = await colours(phone, '#lang');
    await phone.tap('#lang');
    await phone.waitForFunction(() => document.documentElement.lang === 'en');
    await phone.tap('#lang');
    await phone.waitForFunction(() => document.documentElement.lang === 'fr');
    const after = await colours(phone, '#lang');
    return (after.background === before.background && after.color === before.color && after.ratio >= 4.5) ||
      'before: ' + before.color + ' on ' + before.background + '; after: ' + after.color + ' on ' + after.background;
  });

  await report.step('joining with Enter puts the focus on the list of activities', async () => {
    await phone.fill('#join-code', code);
    await phone.press('#join-code', 'Enter');
    await phone.waitForSelector('#activities-view:not([hidden])');
    const at = await focused(phone);
    return at === '#activities-heading' || 'focus on ' + at;
  });

  await report.step('joining with Enter into the only open activity puts the focus on its title', async () => {
    const other = [...definitions().keys()].find((c) => c !== code);
    const first = definitions().get(other).activities[0];
    await setState(first.id, 'open', other);
    const page = await newPage('phone-one', { hasTouch: true, isMobile: true }, base + '/');
    await page.fill('#join-code', other);
    await page.press('#join-code', 'Enter');
    await page.waitForSelector('#activity-view:not([hidden])');
    const at = await focused(page);
    await page.context().close();
    return at === '#activity-title' || 'focus on ' + at;
  });

  /* ===== The list ===== */
  await report.step('the list: open and voting first, then prepared, then closed, each in programme order', async () => {
    const shown = await phone.$$eval('#activity-list li', (li) => li.map((n) => n.dataset.key));
    return shown.join(' ') === expectedOrder.join(' ') || 'shown ' + shown.join(' ') + '; expected ' + expectedOrder.join(' ');
  });
  await report.step('prepared activities cannot be opened yet; closed ones can', async () => {
    const disabled = await phone.$$eval('#activity-list li', (li) =>
      li.filter((n) => n.querySelector('button').disabled).map((n) => n.dataset.key));
    return disabled.join(' ') === prepared.join(' ') || 'disabled: ' + disabled.join(' ');
  });
  await axeStep(report, phone, 'the list of activities');

  await report.step('a closed activity opens from the list, read-only', async () => {
    await phone.click('#activity-list li[data-key="axe-2"] button');
    await phone.waitForSelector('#activity-view:not([hidden])');
    await phone.waitForSelector(card(closedText));
    const view = await phone.evaluate(() => ({
      compose: !document.getElementById('compose').hidden,
      note: document.getElementById('state-note').hidden ? '' : document.getElementById('state-note').textContent,
      votes: Array.from(document.querySelectorAll('#board-list .vote')).filter((b) => !b.hidden).length
    }));
    return (!view.compose && view.note === fr('phone.note_closed', {}) && view.votes === 0) || JSON.stringify(view);
  });
  await axeStep(report, phone, 'a closed activity');
  if (await phone.isVisible('#back')) await phone.click('#back');

  /* ===== A board holding contributions ===== */
  await phone.click('#activity-list li[data-key="axe-1"] button');
  await phone.waitForSelector('#note-form:not([hidden])');
  const notes = ['Ouvrir les cours d\'école le samedi', 'Un guide simple pour les parents, traduit',
    'Associer les jeunes aux décisions'];
  for (const text of notes) {
    await phone.fill('#note-text', text);
    await phone.click('#note-form button[type=submit]');
    await phone.waitForSelector(card(text));
  }
  await phone.waitForSelector(card(otherText));

  /* ===== Sending with Ctrl+Enter and Cmd+Enter ===== */
  for (const [keys, text] of [['Control+Enter', 'Envoyé avec Ctrl+Entrée'], ['Meta+Enter', 'Envoyé avec Cmd+Entrée']]) {
    await report.step(keys + ' in the writing field sends', async () => {
      await phone.fill('#note-text', text);
      await phone.press('#note-text', keys);
      /* The outbox takes the post at once, before any reply. */
      const taken = await phone.evaluate((a) => (localStorage.getItem('atelier.outbox.' + a.code) || '').indexOf(a.text) >= 0 ||
        Array.from(document.querySelectorAll('#board-list .card-text')).some((n) => n.textContent === a.text), { code, text });
      const left = await phone.inputValue('#note-text');
      return (taken && left === '') || 'field holds ' + JSON.stringify(left) + (taken ? '' : ', nothing sent');
    });
  }

  await report.step('Ctrl+Enter in the field editing a card saves it', async () => {
    const text = notes[2];
    await phone.click(card(text) + ' .own button >> nth=0');
    await phone.fill(card(text) + ' textarea', text + ' !');
    await phone.press(card(text) + ' textarea', 'Control+Enter');
    notes[2] = text + ' !';
    await phone.waitForSelector(card(notes[2]) + ' .editor[hidden]', { state: 'attached' });
  });

  /* ===== A tapped vote ===== */
  const pressed = { color: 'rgb(255, 255, 255)', background: 'rgb(154, 91, 0)' };
  await report.step('a tapped vote shows the pressed colours, readable (contrast at least 4.5), hover kept or not', async () => {
    const button = card(notes[0]) + ' .vote';
    await phone.tap(button);
    await phone.waitForSelector(button + '[aria-pressed="true"]:not([aria-disabled="true"]):not(:disabled)');
    const key = await phone.$eval(card(notes[0]), (li) => li.dataset.key);
    const plain = await colours(phone, button);
    await keepHover(phone, '#board-list li[data-key="' + key + '"] .vote');
    const c = await colours(phone, button);
    if (plain.background !== c.background) return 'the kept hover changes its background to ' + c.background;
    return (c.color === pressed.color && c.background === pressed.background && c.ratio >= 4.5) ||
      'text ' + c.color + ' on ' + c.background + ', contrast ' + c.ratio.toFixed(2);
  });

  /* ===== Accessible names ===== */
  await report.step('each card\'s Vote (or Remove my vote), Edit and Delete buttons name their contribution', async () => {
    /* Its first 60 characters, whole words only. */
    const short = 'Une contribution d\'un autre téléphone, assez longue pour que…';
    const wanted = [];
    for (const n of notes) {
      wanted.push(fr('phone.vote_for', { text: n }), fr('phone.edit_for', { text: n }),
        fr('phone.delete_for', { text: n }));
    }
    wanted[0] = fr('phone.unvote_for', { text: notes[0] });
    wanted.push(fr('phone.vote_for', { text: short }));
    const missing = [];
    for (const name of wanted) {
      if ((await phone.getByRole('button', { name: name, exact: true }).count()) !== 1) missing.push(name);
    }
    const foreign = await phone.getByRole('button', { name: fr('phone.edit_for', { text: short }), exact: true }).count();
    return (missing.length === 0 && foreign === 0) || 'missing: ' + missing.join(' | ') + (foreign ? '; can edit another\'s post' : '');
  });

  /* ===== Focus after a vote, the card moving up ===== */
  await report.step('after a vote by keyboard the focus stays on that contribution\'s vote button', async () => {
    await phone.click('#sort-votes');
    const last = await phone.$eval('#board-list li:last-child', (li) => li.dataset.key);
    await phone.focus('#board-list li[data-key="' + last + '"] .vote');
    await phone.keyboard.press('Enter');
    await phone.waitForSelector('#board-list li[data-key="' + last + '"] .vote[aria-pressed="true"]');
    const moved = await phone.$eval('#board-list li:last-child', (li, k) => li.dataset.key !== k, last);
    const at = await focused(phone);
    return (moved && at === 'button.vote in ' + last) || 'focus on ' + at + (moved ? '' : '; the card did not move');
  });
  await axeStep(report, phone, 'a board holding contributions and a vote');

  /* ===== With a mouse: hover stays readable ===== */
  const desk = await newPage('mouse', {}, base + '/j/' + code);
  await report.step('with a mouse, a hovered pressed vote and the language switch stay readable', async () => {
    await desk.click('#activity-list li[data-key="axe-1"] button');
    await desk.waitForSelector(card(notes[1]));
    const button = card(notes[1]) + ' .vote';
    await desk.click(button);
    await desk.waitForSelector(button + '[aria-pressed="true"]:not([aria-disabled="true"]):not(:disabled)');
    await desk.hover(button);
    const vote = await colours(desk, button);
    await desk.hover('#lang');
    const lang = await colours(desk, '#lang');
    return (vote.ratio >= 4.5 && lang.ratio >= 4.5) ||
      'vote ' + vote.color + ' on ' + vote.background + ' (' + vote.ratio.toFixed(2) + '), language ' +
      lang.color + ' on ' + lang.background + ' (' + lang.ratio.toFixed(2) + ')';
  });

  /* ===== Orientations: the example-action fields ===== */
  await phone.click('#back');
  await phone.click('#activity-list li[data-key="cite-de-demain"] button');
  await phone.waitForSelector('#ori-form:not([hidden])');
  /* Width of node over the content width (inside padding) of its
   * closest ancestor matching outer. */
  const widths = (selector, outer) => phone.$$eval(selector, (nodes, outer) => nodes.map((n) => {
    const box = n.closest(outer);
    const s = getComputedStyle(box);
    const inner = box.clientWidth - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight);
    return n.getBoundingClientRect().width / inner;
  }), outer);
  await report.step('the example-action fields of the orientation form are at least 90% of its width', async () => {
    await phone.fill('#ori-title', 'Faire de l\'école un lieu ouvert sur le quartier');
    await phone.fill('#ori-actions li:last-child input', 'Cours d\'école ouvertes le samedi');
    await phone.click('#ori-add-line');
    await phone.fill('#ori-actions li:last-child input', 'Cafés des parents');
    const w = await widths('#ori-actions input', 'form');
    return (w.length === 2 && w.every((x) => x >= 0.9)) || 'widths ' + w.map((x) => x.toFixed(2)).join(', ');
  });
  await axeStep(report, phone, 'the orientation form');
  await report.step('Ctrl+Enter in the orientation\'s title sends it with its actions', async () => {
    await phone.press('#ori-title', 'Control+Enter');
    await phone.waitForSelector('#board-list .card.orientation:not(.pending) .add-action-text');
    const actions = await phone.$$eval('#board-list .card.orientation .actions li', (li) => li.length);
    return actions === 2 || actions + ' actions';
  });
  await report.step('the example-action field of an orientation card is at least 90% of the card\'s width', async () => {
    const w = await widths('#board-list .add-action-text', '.card');
    return (w.length === 1 && w[0] >= 0.9) || 'widths ' + w.map((x) => x.toFixed(2)).join(', ');
  });
  await axeStep(report, phone, 'an orientations board');

  await report.step('no request left for another host', async () =>
    seen.hosts.length === 0 || seen.hosts.join(', '));
  await report.step('no Content-Security-Policy violation', async () =>
    seen.csp.length === 0 || seen.csp.join(' | '));
  await report.step('no script error, no dialog', async () =>
    (seen.errors.length === 0 && seen.dialogs.length === 0) || seen.errors.concat(seen.dialogs).join(' | '));
}

runScript('browser_phone', report, server, DEADLINE_MS, main);

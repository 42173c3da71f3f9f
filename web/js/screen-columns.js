/*
 * screen-columns.js — the projection screen's columns of cards, paged
 * (web/ecran.html): a column shows as many whole cards as fit in it and,
 * when its list holds more, says which ones (« 13–24 sur 119 ») and turns
 * to the next page by itself, every PAGE_MS, back to the first after the
 * last. Every card is seen within one cycle; none is ever cut.
 *
 * Owns: drawing one column (a title, its count or range, a prompt, a
 * list of cards, in ranked form with rank numbers, vote counts and bars)
 * from a column spec, measuring what fits, and each column's page. The
 * modes (screen-views.js) say which columns a view has and what each
 * lists. No network, no model: the spec brings the items. No user text
 * as markup.
 */

import { el, setText, show, syncList } from './dom.js';
import { t, tn } from './i18n.js';

/* How long a page stays: long enough to read a dozen cards from the
 * back of a room. */
export const PAGE_MS = 12000;
/* Cards drawn before measuring, at most: more than any projection
 * shows. */
const CARDS_TRIED = 50;
/* Cards tried beyond the last page's fit before measuring again. */
const MARGIN = 6;

/*
 * A column spec:
 *   key      the column's key (a board's or an activity's id)
 *   part     the page part that marks it (screen.js)
 *   title, prompt
 *   items    the cards' contributions, in the column's order
 *   ranked   vote counts and bars (results, plenary)
 *   ranks    each item's rank (equal votes, equal rank), shown before
 *            it, or null: no rank numbers
 *   kept     while the phase keeps the texts back, how many
 *            contributions the board has (screen-phase.js), else null
 *   orientations  the cards are orientations with their example actions
 */

/* Competition ranks of items ordered by votes: 1, 2, 2, 4… */
export function ranksOf(items) {
  const out = [];
  items.forEach(function (c, i) {
    out.push(i > 0 && c.votes === items[i - 1].votes ? out[i - 1] : i + 1);
  });
  return out;
}

function createCard() {
  return el('li', { class: 'card' }, [
    el('p', { class: 'card-rank', hidden: true }),
    el('p', { class: 'card-text' }),
    el('ol', { class: 'actions', hidden: true }),
    el('p', { class: 'card-foot' }, [el('span', { class: 'card-author' }), el('span', { class: 'card-votes' })]),
    el('meter', { class: 'card-bar', min: '0', 'aria-hidden': 'true', hidden: true })
  ]);
}

/* ctx: { actionsOf(id), isFresh(id), marked(id), all } from the view. */
function updateCard(card, c, spec, ctx, index, max) {
  const rank = spec.ranks ? spec.ranks[index] : 0;
  if (!ctx.all && card.drawn === c && card.rank === rank && card.max === max && !ctx.marked(c.id)) return;
  card.drawn = c;
  card.rank = rank;
  card.max = max;
  const parts = card.children;
  setText(parts[0], rank ? t('screen.rank', { n: rank }) : '');
  show(parts[0], !!rank);
  setText(parts[1], c.text);
  const actions = spec.orientations ? ctx.actionsOf(c.id) : [];
  syncList(parts[2], actions, function (a) { return a.id; }, function () {
    return el('li');
  }, function (li, a) {
    setText(li, a.text);
    li.classList.toggle('fresh', ctx.isFresh(a.id));
  });
  show(parts[2], actions.length > 0);
  const votes = c.votes === null || c.votes === undefined ? 0 : c.votes;
  setText(parts[3].firstChild, c.author || '');
  setText(parts[3].lastChild, votes > 0 || spec.ranked ? tn('common.votes', votes) : '');
  show(parts[3], !!c.author || votes > 0 || spec.ranked);
  const bar = parts[4];
  if (spec.ranked) {
    bar.max = Math.max(max, 1);
    bar.value = votes;
  }
  show(bar, spec.ranked);
  card.classList.toggle('fresh', ctx.isFresh(c.id));
  card.classList.toggle('ranked', !!rank);
}

export function createColumn() {
  return el('section', { class: 'column' }, [
    el('h2', { class: 'column-title' }, [el('span', { class: 'column-name' }), el('span', { class: 'column-count' })]),
    el('p', { class: 'column-prompt' }),
    el('ol', { class: 'column-cards' })
  ]);
}

/* Whether card lies wholly inside list's box. */
function inside(card, box) {
  const r = card.getBoundingClientRect();
  return r.bottom <= box.bottom + 0.5 && r.right <= box.right + 0.5 && r.height > 0;
}

/* Draws the column (a createColumn() element) from spec, at its page:
 * as many cards from column.start on as fit whole. The count says how
 * many the list holds, or which of them are shown. */
export function updateColumn(column, spec, ctx) {
  const title = column.children[0];
  const list = column.children[2];
  const items = spec.items;
  const max = spec.ranked && items.length ? Math.max.apply(null, items.map(function (c) { return c.votes || 0; })) : 0;
  setText(title.firstChild, spec.title);
  setText(column.children[1], spec.prompt || '');
  show(column.children[1], !!spec.prompt);
  column.classList.toggle('orientations', !!spec.orientations);
  if (column.start === undefined || column.start >= items.length) column.start = 0;
  const start = column.start;
  const key = function (c) { return c.id; };
  const draw = function (n) {
    const page = items.slice(start, start + n);
    syncList(list, page, key, createCard, function (card, c) {
      updateCard(card, c, spec, ctx, start + page.indexOf(c), max);
    });
  };
  /* Try a few more than last time; grow while everything fits. */
  let tried = Math.min(CARDS_TRIED, (column.fit || 8) + MARGIN);
  let fit = 0;
  for (;;) {
    draw(tried);
    Array.prototype.forEach.call(list.children, function (card) {
      if (card.classList.contains('card-long')) card.classList.remove('card-long');
    });
    const box = list.getBoundingClientRect();
    if (!box.height) {
      /* Not laid out (hidden): measured at the next draw. */
      column.fit = 0;
      return;
    }
    const cards = list.children;
    fit = 0;
    while (fit < cards.length && inside(cards[fit], box)) fit++;
    if (fit < cards.length || start + tried >= items.length || tried >= CARDS_TRIED) break;
    tried = Math.min(CARDS_TRIED, tried * 2);
  }
  /* One card always, even one too long for the column alone: it is
   * drawn smaller (card-long) rather than left out. */
  if (fit === 0 && list.children.length) {
    list.children[0].classList.add('card-long');
    fit = 1;
  }
  if (list.children.length > fit) draw(fit);
  /* Each card says where it stands in the whole list, for a screen
   * reader: « 13 sur 119 ». */
  const size = String(items.length);
  Array.prototype.forEach.call(list.children, function (card, i) {
    const at = String(start + i + 1);
    if (card.getAttribute('aria-posinset') !== at) card.setAttribute('aria-posinset', at);
    if (card.getAttribute('aria-setsize') !== size) card.setAttribute('aria-setsize', size);
  });
  column.fit = fit;
  column.pages = items.length > fit;
  const count = title.lastChild;
  if (column.pages) {
    setText(count, t('screen.range', { from: start + 1, to: start + fit, total: items.length }));
  } else {
    setText(count, String(items.length));
  }
  count.classList.toggle('range', column.pages);
}

/* Turns every paged column of container to its next page (the first
 * after the last). Returns true when one turned. */
export function turnPages(container) {
  let turned = false;
  Array.prototype.forEach.call(container.querySelectorAll('.column'), function (column) {
    if (!column.pages) return;
    column.start = (column.start || 0) + (column.fit || 1);
    turned = true;
  });
  return turned;
}

/*
 * facil-groups.js — the console's participation per stakeholder group:
 * per activity, a small table of the seminar's groups (and « sans
 * groupe »), their participants and contributions, « moins de 3 » where
 * the server masked a figure (docs/EXPORTS.md, "Participation by
 * stakeholder group").
 *
 * Owns: asking the server for the figures (group_counts, a facilitator's
 * request) when the console is ready, after the seminar changed (at most
 * once per REFRESH_MS) and every POLL_MS (attending an activity sends no
 * event), and drawing one activity's table into the element the console
 * gives it. The figures are the server's, masked there: nothing here
 * counts participants or contributions. No user text as markup.
 */

import { el, setText, show, syncList } from './dom.js';
import { t } from './i18n.js';

/* At most one request per REFRESH_MS after changes; one every POLL_MS;
 * a request unanswered after LOST_MS (its connection went) is given up. */
const REFRESH_MS = 2000;
const POLL_MS = 15000;
const LOST_MS = 10000;

/*
 * The figures of a seminar, kept up to date. ask(cb) sends group_counts,
 * returns whether it went, and calls cb(error, reply) when its reply
 * comes; changed(figures) is told each new reply:
 * figures is a Map from activity id to its entry of the reply ({id,
 * participants, contributions, groups: [{id, label, participants,
 * contributions, masked}]}).
 */
export class GroupCounts {
  constructor(ask, changed) {
    this.ask = ask;
    this.changed = changed;
    this.inFlight = false;
    this.again = false;
    this.last = 0;
    this.timer = null;
    this.poll = null;
  }

  start() {
    const self = this;
    this.stop();
    this.poll = setInterval(function () { self.refresh(); }, POLL_MS);
    this.refresh();
  }

  stop() {
    clearInterval(this.poll);
    clearTimeout(this.timer);
    this.poll = this.timer = null;
  }

  /* Asks again soon: now when the last request is old enough, else once
   * REFRESH_MS after it; never two at once. */
  refresh() {
    const self = this;
    if (this.inFlight && Date.now() - this.last < LOST_MS) {
      this.again = true;
      return;
    }
    this.inFlight = false;
    const wait = this.last + REFRESH_MS - Date.now();
    if (wait > 0) {
      if (!this.timer) this.timer = setTimeout(function () { self.timer = null; self.refresh(); }, wait);
      return;
    }
    const sentAt = Date.now();
    this.inFlight = true;
    this.last = sentAt;
    const sent = this.ask(function (err, reply) {
      if (self.last !== sentAt) return; /* given up: a later one is asked */
      self.inFlight = false;
      if (!err && reply) {
        const figures = new Map();
        (reply.activities || []).forEach(function (entry) { figures.set(entry.id, entry); });
        self.changed(figures);
      }
      if (self.again) {
        self.again = false;
        self.refresh();
      }
    });
    if (!sent) this.inFlight = false; /* not connected: the next change or poll asks */
  }
}

/* The text of one figure: the number, or why it is masked. */
function figureText(value, masked) {
  if (masked === 'fewer_than_3') return t('facil.groups_fewer_than_3');
  if (masked) return t('facil.groups_masked');
  return value === null || value === undefined ? t('facil.groups_masked') : String(value);
}

function createRow() {
  return el('tr', null, [el('th', { scope: 'row' }), el('td'), el('td')]);
}

function updateRow(tr, g) {
  setText(tr.children[0], g.id === null ? t('facil.groups_none') : g.label);
  setText(tr.children[1], figureText(g.participants, g.masked));
  setText(tr.children[2], figureText(g.contributions, g.masked));
  tr.classList.toggle('is-masked', !!g.masked);
}

/* The element of one activity's table, empty until its figures come:
 * folded under its summary at first, so that the rows, which the room
 * works on, come first; it stays as the facilitator left it. */
export function createGroupsView() {
  const table = el('table', { class: 'groups-table' }, [
    el('caption'),
    el('thead', null, [el('tr', null, [el('th', { scope: 'col' }), el('th', { scope: 'col' }),
      el('th', { scope: 'col' })])]),
    el('tbody'),
    el('tfoot', null, [el('tr', null, [el('th', { scope: 'row' }), el('td'), el('td')])])
  ]);
  return el('details', { class: 'activity-groups', hidden: true },
    [el('summary'), table, el('p', { class: 'hint' })]);
}

/* Draws activity a's table into view from entry (its figures, or
 * undefined: the view stays hidden). */
export function updateGroupsView(view, a, entry) {
  show(view, !!entry);
  if (!entry) return;
  setText(view.children[0], t('facil.groups_summary'));
  const table = view.children[1];
  setText(table.children[0], t('facil.groups_caption', { title: a.title }));
  const head = table.children[1].children[0];
  setText(head.children[0], t('facil.groups_group'));
  setText(head.children[1], t('facil.groups_participants'));
  setText(head.children[2], t('facil.groups_contributions'));
  syncList(table.children[2], entry.groups || [], function (g) { return g.id === null ? '' : g.id; },
    createRow, updateRow);
  const total = table.children[3].children[0];
  const masked = entry.participants === null ? 'fewer_than_3' : null;
  setText(total.children[0], t('facil.groups_total'));
  setText(total.children[1], figureText(entry.participants, masked));
  setText(total.children[2], figureText(entry.contributions, masked));
  const anyMasked = masked || (entry.groups || []).some(function (g) { return !!g.masked; });
  setText(view.children[2], anyMasked ? t('facil.groups_hint') : '');
  show(view.children[2], !!anyMasked);
}

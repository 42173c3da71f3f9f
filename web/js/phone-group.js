/*
 * phone-group.js — the phone's choice of a stakeholder group (« Vous
 * êtes… »): the options of a select, from the seminar's groups.
 *
 * Owns: the option list only, « Je préfère ne pas le dire » first (the
 * default: the choice is optional). Where the choice is kept and sent is
 * join.js's; when it is asked, phone.js's. No user text as markup: the
 * groups' labels are text.
 */

import { el, setText, syncList } from './dom.js';
import { t } from './i18n.js';

/* Makes select's options « none » ('') then groups ([{id, label}]),
 * keeping the option chosen when it is still there. */
export function fillGroups(select, groups) {
  const items = [{ id: '', label: t('phone.group_none') }].concat(groups || []);
  /* the value is set as an attribute from the start: an option without
   * one takes its text as its value */
  syncList(select, items, function (g) { return g.id; }, function (g) { return el('option', { value: g.id }); },
    function (option, g) { setText(option, g.label); });
  if (select.selectedIndex < 0) select.selectedIndex = 0;
}

/* Chooses id in select ('' or an id it no longer lists: none). */
export function chooseGroup(select, id) {
  const known = Array.prototype.some.call(select.options, function (o) { return o.value === id; });
  select.value = known ? id : '';
}

// @ts-check
/** HR's list of absence cases: open and acknowledged by default, filterable by state. */
import { get, query } from '../api.js';
import { emptyRow, field, h, stateBadge, thead, updateIfChanged } from '../dom.js';
import { formatInstant, formatNumber, formatRelative } from '../format.js';
import { loading, refresher, viewHeader } from '../view-kit.js';

/**
 * @typedef {object} CaseSummary
 * @property {number} caseId
 * @property {string} employeeId
 * @property {string | null} employeeName
 * @property {string | null} department
 * @property {string} siteId
 * @property {string} firstDate
 * @property {'open' | 'acknowledged' | 'resolved'} state
 * @property {number} absentDays
 * @property {number} openedAt
 * @property {{ stepKey: string, title: string, firedAt: number } | null} lastStep
 * @property {{ stepKey: string, title: string, dueMs: number, due: string } | null} nextStep
 */

const FILTERS = [
  { value: 'active', label: 'Open and acknowledged', states: ['open', 'acknowledged'] },
  { value: 'open', label: 'Open', states: ['open'] },
  { value: 'acknowledged', label: 'Acknowledged', states: ['acknowledged'] },
  { value: 'resolved', label: 'Resolved', states: ['resolved'] },
];

/** The filter survives leaving the list for a case and coming back. */
let filter = 'active';

/**
 * A badge for a case state.
 * @param {string} state
 * @returns {HTMLElement}
 */
export function caseStateBadge(state) {
  return stateBadge(state, { open: 'bad', acknowledged: 'warn' });
}

/** @type {import('../view-kit.js').View} */
export const view = {
  name: 'cases',
  title: 'Cases',
  live: ['cases'],
  mount(root, _params, ctx) {
    const header = viewHeader('Cases');
    const select = h('select', { id: 'cases-state', name: 'state', data: { control: 'case-state' } },
      FILTERS.map((f) => h('option', { value: f.value, text: f.label, selected: f.value === filter })));
    const count = h('span', { class: 'sub', attrs: { 'aria-live': 'polite' } });
    const tools = h('div', { class: 'toolbar' }, field('Show', select), count);
    const errors = h('div', { class: 'errors' });
    const wrap = h('div', { class: 'table-wrap' }, loading());
    root.append(header.el, tools, errors, wrap);

    const load = async () => {
      await ctx.sites();
      const chosen = FILTERS.find((f) => f.value === filter) ?? FILTERS[0];
      const lists = await Promise.all((chosen?.states ?? []).map((state) => get(`/api/v1/cases${query({ state })}`, { signal: ctx.signal })));
      /** @type {CaseSummary[]} */
      const rows = lists.flat();
      rows.sort((a, b) => (a.nextStep?.dueMs ?? Infinity) - (b.nextStep?.dueMs ?? Infinity) || a.openedAt - b.openedAt);
      count.textContent = `${rows.length} ${rows.length === 1 ? 'case' : 'cases'}`;
      updateIfChanged(wrap, { rows, filter, minute: Math.floor(Date.now() / 60_000) }, () => table(rows, chosen?.label ?? ''));
    };
    /**
     * @param {CaseSummary[]} rows
     * @param {string} label
     */
    const table = (rows, label) => {
      const cols = ['Case', 'Employee', 'Department', 'Site', 'First missed', 'Absent days', 'State', 'Current step', 'Next step'];
      const body = h('tbody');
      if (rows.length === 0) body.appendChild(emptyRow(cols.length, 'No cases in this state.'));
      for (const c of rows) {
        const zone = ctx.zoneOf(c.siteId);
        const href = `#/cases/${c.caseId}`;
        body.appendChild(h('tr', { data: { caseId: c.caseId, state: c.state } },
          h('td', {}, h('a', { href, text: `#${c.caseId}`, attrs: { 'aria-label': `Case ${c.caseId}` } })),
          h('th', { attrs: { scope: 'row' } }, h('a', { href, text: c.employeeName ?? c.employeeId }), h('span', { class: 'sub block', text: c.employeeId })),
          h('td', { text: c.department ?? '—' }),
          h('td', { text: c.siteId }),
          h('td', {}, h('time', { attrs: { datetime: c.firstDate }, text: c.firstDate })),
          h('td', { class: 'num', text: formatNumber(c.absentDays) }),
          h('td', {}, caseStateBadge(c.state)),
          h('td', {}, c.lastStep
            ? [h('span', { text: c.lastStep.title }), h('span', { class: 'sub block', title: formatInstant(c.lastStep.firedAt, zone), text: formatRelative(c.lastStep.firedAt) })]
            : h('span', { class: 'none', text: 'none yet' })),
          h('td', {}, c.nextStep
            ? [h('span', { text: c.nextStep.title }), h('span', { class: 'sub block', title: c.nextStep.due, text: `${formatInstant(c.nextStep.dueMs, zone)} (${formatRelative(c.nextStep.dueMs)})` })]
            : h('span', { class: 'none', text: '—' }))));
      }
      return h('table', { class: 'data', data: { table: 'cases' } }, h('caption', { class: 'visually-hidden', text: `Cases: ${label}` }), thead(cols), body);
    };
    const refresh = refresher(load, errors, 'the cases', header.updated);
    select.addEventListener('change', () => {
      filter = select.value;
      refresh();
    });
    refresh();
    return { refresh };
  },
};

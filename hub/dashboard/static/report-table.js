// @ts-check
/**
 * A hub ReportTable ({title, columns, rows}) as an HTML table, rendered generically from its
 * columns, and the CSV/XLSX download links of the report it came from.
 */
import { emptyRow, h, thead } from './dom.js';
import { formatNumber, formatWallTime } from './format.js';

/**
 * @typedef {object} ReportColumn
 * @property {string} key
 * @property {string} title
 * @property {'string' | 'number' | 'date' | 'datetime'} type
 */

/**
 * @typedef {object} ReportTable
 * @property {string} title
 * @property {ReportColumn[]} columns
 * @property {Record<string, string | number | null>[]} rows
 */

/**
 * The report as a `<table data-table="name">` with a caption.
 * @param {ReportTable} report
 * @param {string} name data-table attribute
 * @param {{ empty?: string, captionHidden?: boolean }} [options]
 * @returns {HTMLTableElement}
 */
export function reportTable(report, name, options = {}) {
  const { columns } = report;
  const body = h('tbody');
  if (report.rows.length === 0) body.appendChild(emptyRow(columns.length || 1, options.empty ?? 'Nothing to show.'));
  for (const row of report.rows) {
    body.appendChild(h('tr', {}, columns.map((c, i) => cell(c, row[c.key] ?? null, i === 0))));
  }
  return h('table', { class: 'data', data: { table: name } },
    h('caption', { class: options.captionHidden ? 'visually-hidden' : '', text: report.title }),
    thead(columns.map((c) => c.title)),
    body);
}

/**
 * @param {ReportColumn} column
 * @param {string | number | null} value
 * @param {boolean} first the row's header cell
 * @returns {HTMLTableCellElement}
 */
function cell(column, value, first) {
  const el = first ? h('th', { attrs: { scope: 'row' } }) : h('td');
  el.dataset.key = column.key;
  if (column.type === 'number') el.className = 'num';
  if (value === null || value === '') {
    el.textContent = '—';
    el.classList.add('none');
  } else if (column.type === 'number' && typeof value === 'number') {
    el.textContent = formatNumber(value);
  } else if (column.type === 'datetime' && typeof value === 'string') {
    el.appendChild(h('time', { attrs: { datetime: value }, title: value, text: formatWallTime(value) }));
  } else if (column.type === 'datetime' && typeof value === 'number') {
    const iso = new Date(value).toISOString();
    el.appendChild(h('time', { attrs: { datetime: iso }, title: iso, text: formatWallTime(iso) }));
  } else if (column.type === 'date' && typeof value === 'string') {
    el.appendChild(h('time', { attrs: { datetime: value }, text: value }));
  } else {
    el.textContent = String(value);
  }
  return el;
}

/**
 * CSV and XLSX download links for a report URL (its JSON form).
 * @param {string} url e.g. /api/v1/reports/departments?from=…&to=…
 * @param {string} [label] what is downloaded, for screen readers
 * @returns {HTMLElement}
 */
export function downloadLinks(url, label = 'report') {
  const sep = url.includes('?') ? '&' : '?';
  return h('span', { class: 'downloads' },
    'Download: ',
    h('a', { href: `${url}${sep}format=csv`, class: 'download', data: { action: 'download-csv' }, attrs: { download: '', 'aria-label': `Download ${label} as CSV` }, text: 'CSV' }),
    ' ',
    h('a', { href: `${url}${sep}format=xlsx`, class: 'download', data: { action: 'download-xlsx' }, attrs: { download: '', 'aria-label': `Download ${label} as Excel (XLSX)` }, text: 'XLSX' }));
}

import { checkTable } from './check.js';
import type { ReportTable } from './table.js';
import { cellOf } from './values.js';

/**
 * The table as JSON `{title, columns, rows}`: numbers stay numbers, dates and date-times stay the
 * strings given (offset included), empty cells are `null`, and every row lists every column in
 * column order. Indented at the top, one line per row, so a 100,000-row report stays readable
 * in a terminal without tripling in size. Throws HubError('REPORT') for a malformed table.
 */
export function toJson(table: ReportTable): string {
  checkTable(table);
  const columns = table.columns.map((c) =>
    JSON.stringify(c.width === undefined ? { key: c.key, title: c.title, type: c.type } : { key: c.key, title: c.title, type: c.type, width: c.width }),
  );
  // Written by hand rather than through an object, so a key such as `__proto__` stays a plain key.
  const keys = table.columns.map((c) => [c.key, `${JSON.stringify(c.key)}:`] as const);
  const rows = table.rows.map((row) => `{${keys.map(([key, label]) => label + JSON.stringify(cellOf(row, key) ?? null)).join(',')}}`);
  return `{\n  "title": ${JSON.stringify(table.title)},\n  "columns": ${list(columns)},\n  "rows": ${list(rows)}\n}\n`;
}

function list(items: readonly string[]): string {
  return items.length === 0 ? '[]' : `[\n    ${items.join(',\n    ')}\n  ]`;
}

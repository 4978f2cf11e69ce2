import { HubError, type InputProblem } from '../../errors.js';
import { isLocalDate } from '../../time/local-date.js';
import type { ReportColumn, ReportTable, ReportValue } from './table.js';
import { cellOf, parseDateTime } from './values.js';

const COLUMN_TYPES: ReadonlySet<string> = new Set(['string', 'number', 'date', 'datetime']);
/** Enough to see the pattern of a broken query without flooding a log line. */
const MAX_PROBLEMS = 20;
/** Excel's largest column width. */
export const MAX_COLUMN_WIDTH = 255;

/**
 * Checks a table before any writer touches it; throws HubError('REPORT') naming the report, the
 * row (from 1) and the column of every problem found (the first 20 are listed in `problems`).
 *
 * Strict on purpose: HR acts on these numbers, so a number column holding `"3"`, a date in another
 * format or a row property that matches no column (a typo that would leave a column blank) is a bug
 * in the report code to fix there, not something to guess around here.
 */
export function checkTable(table: ReportTable): void {
  const name = `report "${table.title}"`;
  checkColumns(name, table.columns);
  const keys = new Set(table.columns.map((c) => c.key));
  const problems: InputProblem[] = [];
  let count = 0;
  const add = (row: number, field: string, message: string): void => {
    count++;
    if (problems.length < MAX_PROBLEMS) problems.push({ row, field, message });
  };
  table.rows.forEach((row, index) => {
    if (typeof row !== 'object' || row === null) return add(index + 1, '', 'the row is not an object');
    for (const key of Object.keys(row)) {
      if (!keys.has(key)) add(index + 1, key, `"${key}" is not a column of this report (columns: ${[...keys].join(', ')})`);
    }
    for (const column of table.columns) {
      const problem = cellProblem(column, cellOf(row, column.key));
      if (problem !== undefined) add(index + 1, column.key, problem);
    }
  });
  if (count > 0) {
    const first = problems[0];
    const where = first === undefined ? '' : `; first: row ${first.row}, column "${first.field}": ${first.message}`;
    throw new HubError('REPORT', `${name} has ${count} cell(s) that do not fit their column${where}; fix the report's rows`, { problems });
  }
}

function checkColumns(name: string, columns: readonly ReportColumn[]): void {
  if (columns.length === 0) throw new HubError('REPORT', `${name} has no columns; give it at least one`);
  const seen = new Set<string>();
  for (const [i, c] of columns.entries()) {
    const which = `${name}, column ${i + 1} ("${c.key}")`;
    if (typeof c.key !== 'string' || c.key === '') throw new HubError('REPORT', `${which} has no key`);
    if (seen.has(c.key)) throw new HubError('REPORT', `${which} repeats the key "${c.key}"; keys must be unique`);
    seen.add(c.key);
    if (typeof c.title !== 'string') throw new HubError('REPORT', `${which} has no title`);
    if (!COLUMN_TYPES.has(c.type)) throw new HubError('REPORT', `${which} has type "${String(c.type)}"; use string, number, date or datetime`);
    if (c.width !== undefined && !(Number.isFinite(c.width) && c.width > 0 && c.width <= MAX_COLUMN_WIDTH)) {
      throw new HubError('REPORT', `${which} has width ${String(c.width)}; use a number of characters from 1 to ${MAX_COLUMN_WIDTH}`);
    }
  }
}

/** Why a value does not fit its column, or `undefined` when it does. */
function cellProblem(column: ReportColumn, value: ReportValue): string | undefined {
  if (value === null || value === undefined) return undefined;
  switch (column.type) {
    case 'string':
      if (typeof value === 'string') return undefined;
      return typeof value === 'number' && Number.isFinite(value) ? undefined : `${show(value)} is not text`;
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? undefined : `${show(value)} is not a finite number`;
    case 'date':
      return typeof value === 'string' && isLocalDate(value) ? undefined : `${show(value)} is not a date (YYYY-MM-DD)`;
    case 'datetime': {
      const wall = typeof value === 'string' ? parseDateTime(value) : undefined;
      return wall !== undefined && isLocalDate(wall.date)
        ? undefined
        : `${show(value)} is not a date-time with an offset (e.g. 2026-03-02T08:30:00+08:00)`;
    }
  }
}

function show(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value) : String(value);
}

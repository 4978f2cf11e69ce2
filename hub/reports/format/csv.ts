import { checkTable } from './check.js';
import type { ReportColumn, ReportTable, ReportValue } from './table.js';
import { cellOf, parseDateTime, wallTimeText } from './values.js';

export interface CsvOptions {
  /** Start with a UTF-8 byte order mark, without which Excel reads UTF-8 as the ANSI code page (GBK on Chinese Windows). Default true. */
  bom?: boolean;
}

/**
 * The table as RFC 4180 CSV: a header row of titles, CRLF line ends, fields quoted when they hold
 * `"`, `,`, CR or LF. Dates stay `YYYY-MM-DD`, date-times become `YYYY-MM-DD HH:MM:SS` wall time,
 * both of which Excel and WPS recognise as dates. Throws HubError('REPORT') for a malformed table.
 */
export function toCsv(table: ReportTable, options: CsvOptions = {}): string {
  checkTable(table);
  const lines: string[] = [table.columns.map((c) => csvField(guardFormula(c.title))).join(',')];
  for (const row of table.rows) {
    lines.push(table.columns.map((c) => csvField(cellText(c, cellOf(row, c.key)))).join(','));
  }
  return `${options.bom === false ? '' : '\uFEFF'}${lines.join('\r\n')}\r\n`;
}

function cellText(column: ReportColumn, value: ReportValue): string {
  if (value === null || value === undefined) return '';
  // Numbers (in any column) cannot carry a formula, so `-3` stays a number for Excel.
  if (typeof value === 'number') return String(value);
  if (column.type === 'datetime') {
    const wall = parseDateTime(value);
    if (wall !== undefined) return wallTimeText(wall);
  }
  return guardFormula(value);
}

/**
 * Text a spreadsheet would run as a formula (OWASP "CSV injection": a leading `=`, `+`, `-`, `@`,
 * tab or CR; ASVS 1.2.10 adds NUL) gets a leading `'`, which Excel and WPS treat as "this is text".
 */
export function guardFormula(text: string): string {
  return /^[=+\-@\t\r\0]/.test(text) ? `'${text}` : text;
}

/** RFC 4180 section 2.6/2.7: quote fields holding a quote, comma, CR or LF; double inner quotes. */
export function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

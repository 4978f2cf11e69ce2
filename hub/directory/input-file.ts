import { parse as parseCsv } from 'csv-parse/sync';
import { isScalar, LineCounter, parseDocument, visit } from 'yaml';
import { yamlErrorLine } from '../../agent/config/problems.js';
import { HubError, type InputProblem } from '../errors.js';

/**
 * Reading the import files HR hands over (employees, leave): CSV exported from a spreadsheet, or
 * YAML. Both become a list of entries with the row number a person uses to find them again.
 */

export type InputFormat = 'csv' | 'yaml';

/**
 * Where an entry is: CSV data row N (header excluded) or YAML list item N, and its first line; or
 * the body of an API request (row 1).
 */
export interface RowRef {
  row: number;
  line: number;
  format: InputFormat | 'api';
}

/** The one entry of an API request body. */
export const API_BODY: RowRef = { row: 1, line: 1, format: 'api' };

export interface CsvRow extends RowRef {
  /** Only the columns present in the header; cells are trimmed. */
  cells: Record<string, string>;
}

export interface YamlEntry extends RowRef {
  value: unknown;
}

/** `row 3 (line 4)` for CSV, `entry 3 (line 12)` for YAML. */
export function describeRow(ref: RowRef): string {
  if (ref.format === 'api') return 'the request';
  return `${ref.format === 'csv' ? 'row' : 'entry'} ${ref.row} (line ${ref.line})`;
}

export function rowProblem(ref: RowRef, field: string, text: string): InputProblem {
  return { row: ref.row, field, message: ref.format === 'api' ? `${field}: ${text}` : `${describeRow(ref)}, ${field}: ${text}` };
}

/** The format a file name implies; throws for any other extension. */
export function formatOf(fileName: string, format: InputFormat | undefined): InputFormat {
  if (format !== undefined) return format;
  if (/\.csv$/i.test(fileName)) return 'csv';
  if (/\.ya?ml$/i.test(fileName)) return 'yaml';
  throw new HubError('INVALID_INPUT', `${fileName}: cannot tell the format from the name; use a .csv, .yaml or .yml file`);
}

/** UTF-8 text without a byte-order mark; a spreadsheet's legacy encoding (GBK) is refused, not garbled. */
export function decodeUtf8(content: string | Uint8Array, fileName: string): string {
  let text: string;
  if (typeof content === 'string') text = content;
  else {
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(content);
    } catch (err) {
      throw new HubError('INVALID_INPUT', `${fileName} is not UTF-8 text; save it as "CSV UTF-8" (Excel) or UTF-8 (other editors) and import it again`, { cause: err });
    }
  }
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

interface CsvRecord {
  record: string[];
  /** `lines`: the line the record ends on; `empty_lines`: blank lines skipped so far. */
  info: { lines: number; empty_lines: number };
}

/**
 * The data rows of a CSV file with a header row. Header problems (unknown, repeated or missing
 * required columns) are reported on row 0; a row with more or fewer cells than the header on its
 * own row. Rows whose cells are all empty (spreadsheets export them) are skipped.
 */
export function readCsv(
  content: string | Uint8Array,
  fileName: string,
  spec: { columns: readonly string[]; required: readonly string[] },
): { rows: CsvRow[]; problems: InputProblem[] } {
  let records: CsvRecord[];
  try {
    // With `info`, each record comes with the parser's counters (the typings only know plain arrays).
    records = parseCsv(decodeUtf8(content, fileName), { info: true, relax_column_count: true, skip_empty_lines: true }) as unknown as CsvRecord[];
  } catch (err) {
    throw new HubError('INVALID_INPUT', `${fileName} is not valid CSV: ${(err as Error).message}`, { cause: err });
  }
  const problems: InputProblem[] = [];
  const first = records[0];
  if (first === undefined) return { rows: [], problems };
  const header = first.record.map((name) => name.trim().toLowerCase());
  const headerProblem = (field: string, text: string): void => {
    problems.push({ row: 0, field, message: `header (line ${first.info.lines}), ${field}: ${text}` });
  };
  header.forEach((name, i) => {
    if (!spec.columns.includes(name)) headerProblem(name || `column ${i + 1}`, `unknown column; the columns are ${spec.columns.join(', ')}`);
    else if (header.indexOf(name) !== i) headerProblem(name, 'this column appears twice');
  });
  for (const name of spec.required) if (!header.includes(name)) headerProblem(name, 'required column is missing from the header');

  const rows: CsvRow[] = [];
  let previousEnd = first.info.lines;
  let previousEmpty = first.info.empty_lines;
  records.slice(1).forEach(({ record, info }, i) => {
    const ref: RowRef = { row: i + 1, line: previousEnd + 1 + (info.empty_lines - previousEmpty), format: 'csv' };
    previousEnd = info.lines;
    previousEmpty = info.empty_lines;
    if (record.every((cell) => cell.trim() === '')) return;
    if (record.length !== header.length) {
      problems.push(rowProblem(ref, '(row)', `has ${record.length} cells but the header has ${header.length} columns (a comma inside a value needs "quotes")`));
      return;
    }
    const cells: Record<string, string> = {};
    header.forEach((name, c) => {
      cells[name] = (record[c] ?? '').trim();
    });
    rows.push({ ...ref, cells });
  });
  return { rows, problems };
}

/**
 * The items of a YAML file holding one list. Every scalar stays text exactly as written (employee
 * number `000123`, phone `02161234567`, `true`); only an empty value or `~`/`null` becomes null.
 */
export function readYamlList(content: string | Uint8Array, fileName: string): YamlEntry[] {
  const lineCounter = new LineCounter();
  const doc = parseDocument(decodeUtf8(content, fileName), { lineCounter, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const problems = doc.errors.map((e) => ({ row: 0, field: '(file)', message: yamlErrorLine(e) }));
    throw new HubError('INVALID_INPUT', `${fileName} is not valid YAML: ${problems.map((p) => p.message).join('; ')}`, { problems });
  }
  visit(doc, {
    Scalar(_key, node) {
      if (typeof node.value === 'number' || typeof node.value === 'boolean') node.value = node.source ?? String(node.value);
    },
  });
  const contents = doc.contents;
  if (contents === null || (isScalar(contents) && contents.value === null)) return [];
  const items: unknown = doc.toJS();
  if (!Array.isArray(items) || !('items' in contents)) {
    throw new HubError('INVALID_INPUT', `${fileName}: expected a list of entries (each starting with "- ")`);
  }
  return items.map((value: unknown, i) => {
    const node = contents.items[i] as { range?: [number, number, number] } | undefined;
    const line = node?.range === undefined ? 0 : lineCounter.linePos(node.range[0]).line;
    return { row: i + 1, line, format: 'yaml' as const, value };
  });
}

/** The message of an import that failed: how many problems, how rows count, and the first few. */
export function problemSummary(fileName: string, format: InputFormat, problems: readonly InputProblem[]): string {
  const rows = new Set(problems.map((p) => p.row)).size;
  const counting = format === 'csv' ? 'rows count data rows: row 1 is line 2 of the file' : 'entries count the list items from 1';
  const shown = problems.slice(0, 5).map((p) => p.message).join('; ');
  const more = problems.length > 5 ? `; and ${problems.length - 5} more` : '';
  return `${fileName}: ${problems.length} problem${problems.length === 1 ? '' : 's'} in ${rows} row${rows === 1 ? '' : 's'} (${counting}); nothing was imported: ${shown}${more}`;
}

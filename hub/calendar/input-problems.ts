import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { formatIssues, formatPath, yamlErrorLine } from '../../agent/config/problems.js';
import { HubError, type InputProblem } from '../errors.js';
import { isLocalDate } from '../time/local-date.js';

/**
 * Shared handling of the calendar's YAML import files: parse, validate each list item on its own
 * (so one bad row does not hide the problems of the others), and report every problem as
 * `{row, field, message}` where row is the 1-based position in its list and field names the
 * list and the path inside the item (`shifts.start`, `patterns.days.mon`). Row 0 is the file as
 * a whole (not YAML, unknown top-level key).
 */

/** The document as plain data; YAML syntax errors are problems of row 0 with their line. */
export function parseYaml(text: string, source: string): unknown {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const problems = doc.errors.map((e): InputProblem => ({ row: 0, field: '(file)', message: yamlErrorLine(e) }));
    throw problemsError(source, problems);
  }
  return doc.toJS() as unknown;
}

/**
 * The top-level mapping's lists by name; a missing list is empty. Anything else at the top level
 * is a problem.
 */
export function topLevelLists<K extends string>(raw: unknown, keys: readonly K[], problems: InputProblem[]): Record<K, unknown[]> {
  const lists = Object.fromEntries(keys.map((k) => [k, [] as unknown[]])) as Record<K, unknown[]>;
  if (raw === null || raw === undefined) return lists;
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    problems.push({ row: 0, field: '(file)', message: `expected a mapping with ${keys.join(', ')}` });
    return lists;
  }
  for (const [key, value] of Object.entries(raw)) {
    if (!(keys as readonly string[]).includes(key)) {
      problems.push({ row: 0, field: key, message: `unknown key; use ${keys.join(', ')}` });
    } else if (value === null || value === undefined) {
      continue;
    } else if (!Array.isArray(value)) {
      problems.push({ row: 0, field: key, message: 'expected a list (lines starting with "- ")' });
    } else {
      lists[key as K] = value as unknown[];
    }
  }
  return lists;
}

/** One validated list item and where it came from. */
export interface Row<T> {
  row: number;
  value: T;
}

/**
 * Validates every item of a list; returns the valid ones and records the problems of the rest.
 * `schema` may pick the schema per item (a union by its `type`), so unknown-key problems can
 * still suggest the keys of the item's own kind.
 */
export function validateRows<T>(
  list: string,
  items: readonly unknown[],
  schema: z.ZodType<T> | ((item: unknown) => z.ZodType<T>),
  problems: InputProblem[],
): Row<T>[] {
  const rows: Row<T>[] = [];
  items.forEach((item, index) => {
    const itemSchema = typeof schema === 'function' ? schema(item) : schema;
    const result = itemSchema.safeParse(item, { reportInput: true });
    if (result.success) {
      rows.push({ row: index + 1, value: result.data });
      return;
    }
    for (const p of formatIssues(itemSchema, result.error.issues)) {
      const where = formatPath(p.path);
      const message = p.text.startsWith(`${where}: `) ? p.text.slice(where.length + 2) : p.text;
      problems.push({ row: index + 1, field: p.path.length === 0 ? list : `${list}.${where}`, message });
    }
  });
  return rows;
}

/** A key of a raw list item, whatever its validity (for cross-row checks that should not wait). */
export function rawField(item: unknown, key: string): unknown {
  return typeof item === 'object' && item !== null && !Array.isArray(item) ? (item as Record<string, unknown>)[key] : undefined;
}

/**
 * Reports items whose key (from `keyOf`, undefined to skip) repeats an earlier item's, on the later
 * row. Works on raw items so a duplicate shows up together with the rows' other problems.
 */
export function duplicateRows(
  items: readonly unknown[],
  keyOf: (item: unknown) => string | undefined,
  report: (row: number, firstRow: number) => InputProblem,
  problems: InputProblem[],
): void {
  const first = new Map<string, number>();
  items.forEach((item, index) => {
    const key = keyOf(item);
    if (key === undefined) return;
    const earlier = first.get(key);
    if (earlier !== undefined) problems.push(report(index + 1, earlier));
    else first.set(key, index + 1);
  });
}

/**
 * The error for an import with problems: the file, the count, then one line per problem, file-level
 * problems first, then by list in the file's order and by row.
 */
export function problemsError(source: string, problems: readonly InputProblem[], lists: readonly string[] = []): HubError {
  const listOf = (p: InputProblem): string => p.field.split('.')[0] ?? p.field;
  const rank = (p: InputProblem): number => (p.row === 0 ? -1 : lists.indexOf(listOf(p)));
  const sorted = [...problems].sort((a, b) => rank(a) - rank(b) || a.row - b.row);
  const count = sorted.length === 1 ? '1 problem' : `${sorted.length} problems`;
  const lines = sorted.map((p) => {
    if (p.row === 0) return `  ${p.field}: ${p.message}`;
    const list = listOf(p);
    const inner = p.field.slice(list.length + 1);
    return `  ${list} row ${p.row}${inner === '' ? '' : `, ${inner}`}: ${p.message}`;
  });
  return new HubError('INVALID_INPUT', `${source} has ${count}; nothing was imported:\n${lines.join('\n')}`, { problems: sorted });
}

/** A `YYYY-MM-DD` date that exists (2026-02-30 does not). */
export const LocalDateText = z.string().refine(isLocalDate, 'not a date; use YYYY-MM-DD, e.g. 2026-02-14');

/** Reads an import file; an unreadable file is an INVALID_INPUT naming it. */
export function readImportFile(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new HubError('INVALID_INPUT', `cannot read ${path}: ${(err as Error).message}`, { cause: err });
  }
}

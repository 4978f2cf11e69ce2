import type { InputProblem } from '../errors.js';
import type { LocalDate } from '../time/local-date.js';
import type { EmployeeChange } from './entry.js';
import { describeRow, rowProblem, type RowRef } from './input-file.js';

/**
 * Checks that need the other rows of the file and the database: repeated ids, unknown managers,
 * employment ending before it starts, and terminal user ids held by two people at once.
 *
 * A row that fails drops out, and the others are checked again without it until nothing changes:
 * a row whose manager is only on a failing row fails too (the database would refuse it), and a
 * terminal id stays with its current holder when the row moving it away fails. Rows that already
 * failed validation are checked once, with their valid fields, so every problem is listed at once.
 */

/** What the checks need to know about an employee already in the hub. */
export interface StoredEmployee {
  hireDate: LocalDate;
  endDate: LocalDate | null;
  terminalIds: Record<string, string>;
}

export interface DirectoryState {
  stored(id: string): StoredEmployee | undefined;
  /** Employees in the hub holding this terminal user id (employed or not). */
  holders(site: string, userId: string): string[];
}

/** A row of the file: its place, its id as written, its change, and whether it passed validation. */
export interface FileRow {
  ref: RowRef;
  rawId: string | undefined;
  change: EmployeeChange | undefined;
  valid: boolean;
}

interface Effective {
  hireDate: LocalDate | undefined;
  endDate: LocalDate | null;
  terminalIds: Record<string, string>;
}

const FOREVER = '9999-12-31';

/** Problems per row index of `rows`. */
export function crossRowProblems(rows: readonly FileRow[], state: DirectoryState): Map<number, InputProblem[]> {
  const problems = new Map<number, InputProblem[]>();
  const fail = (i: number, field: string, text: string): void => {
    problems.set(i, [...(problems.get(i) ?? []), rowProblem(rows[i]!.ref, field, text)]);
  };
  const rowsById = new Map<string, number[]>();
  rows.forEach((r, i) => {
    if (r.rawId !== undefined) rowsById.set(r.rawId, [...(rowsById.get(r.rawId) ?? []), i]);
  });
  for (const indexes of rowsById.values()) {
    if (indexes.length < 2) continue;
    for (const i of indexes) {
      const others = indexes.filter((j) => j !== i).map((j) => describeRow(rows[j]!.ref));
      fail(i, 'id', `employee ${rows[i]!.rawId} is also on ${others.join(', ')}; keep one row per employee`);
    }
  }

  const stored = memo((id: string) => state.stored(id));
  const holdersOf = memo((key: string) => state.holders(...splitKey(key)));
  const effectiveOf = (change: EmployeeChange): Effective => {
    const before = stored(change.id);
    return {
      hireDate: change.values.hireDate ?? before?.hireDate,
      endDate: change.values.endDate !== undefined ? change.values.endDate : (before?.endDate ?? null),
      terminalIds: change.terminalIds ?? before?.terminalIds ?? {},
    };
  };

  /** The problems of row i given the rows that will be applied (`valid`: employee id → row index). */
  const check = (i: number, valid: Map<string, number>, effective: Map<number, Effective>, fileHolders: Map<string, number[]>): [string, string][] => {
    const found: [string, string][] = [];
    const { ref, change } = rows[i]!;
    const { id, values } = change!;
    const e = effective.get(i) ?? effectiveOf(change!);
    if (e.hireDate !== undefined && e.endDate !== null && e.endDate < e.hireDate) {
      found.push([fieldName(ref, values.endDate !== undefined ? 'endDate' : 'hireDate'), `employment ends ${e.endDate}, before it starts ${e.hireDate}`]);
    }
    const manager = values.managerId;
    if (manager !== undefined && manager !== null) {
      const onRows = rowsById.get(manager);
      if (manager === id) found.push(['manager', 'an employee cannot be their own manager']);
      else if (!valid.has(manager) && stored(manager) === undefined) {
        if (onRows === undefined) found.push(['manager', `manager ${manager} is neither in the hub nor in this file; import the manager too, or fix the employee number`]);
        else if (rows[i]!.valid) found.push(['manager', `manager ${manager} is only in this file, on ${describeRow(rows[onRows[0]!]!.ref)}, which has problems of its own`]);
      }
    }
    if (e.hireDate === undefined) return found;
    for (const [siteId, userId] of Object.entries(e.terminalIds)) {
      const key = terminalKey(siteId, userId);
      const clashes: string[] = [];
      for (const j of fileHolders.get(key) ?? []) {
        if (j !== i && overlaps(e, effective.get(j)!)) clashes.push(`${rows[j]!.change!.id} (${describeRow(rows[j]!.ref)})`);
      }
      for (const other of holdersOf(key)) {
        if (other === id || valid.has(other)) continue;
        const s = stored(other);
        if (s !== undefined && overlaps(e, s)) clashes.push(`${other}, employed ${s.hireDate} to ${s.endDate ?? 'now'}`);
      }
      if (clashes.length > 0) {
        found.push([ref.format === 'csv' ? 'terminal_ids' : `terminalIds.${siteId}`,
          `user id ${userId} at site ${siteId} is also held by ${clashes.join(', ')} while both are employed; set the other person's end date or enrol a different user id`]);
      }
    }
    return found;
  };

  const checked = new Set<number>();
  for (;;) {
    const valid = new Map<string, number>();
    rows.forEach((r, i) => {
      if (r.valid && r.change !== undefined && !problems.has(i)) valid.set(r.change.id, i);
    });
    const effective = new Map<number, Effective>();
    const fileHolders = new Map<string, number[]>();
    for (const i of valid.values()) {
      const e = effectiveOf(rows[i]!.change!);
      effective.set(i, e);
      for (const [siteId, userId] of Object.entries(e.terminalIds)) {
        const key = terminalKey(siteId, userId);
        fileHolders.set(key, [...(fileHolders.get(key) ?? []), i]);
      }
    }
    const failing = [...valid.values()].map((i) => [i, check(i, valid, effective, fileHolders)] as const).filter(([, found]) => found.length > 0);
    for (const [i, found] of failing) {
      checked.add(i);
      for (const [field, text] of found) fail(i, field, text);
    }
    if (failing.length > 0) continue;

    // Rows left out before these checks ran (invalid fields, repeated ids): their other problems too.
    rows.forEach((r, i) => {
      if (r.change !== undefined && !checked.has(i) && valid.get(r.change.id) !== i) for (const [field, text] of check(i, valid, effective, fileHolders)) fail(i, field, text);
    });
    return problems;
  }
}

function overlaps(a: Effective, b: Effective | StoredEmployee): boolean {
  if (a.hireDate === undefined || b.hireDate === undefined) return false;
  return a.hireDate <= (b.endDate ?? FOREVER) && b.hireDate <= (a.endDate ?? FOREVER);
}

function fieldName(ref: RowRef, field: 'hireDate' | 'endDate'): string {
  if (ref.format !== 'csv') return field;
  return field === 'hireDate' ? 'hire_date' : 'end_date';
}

function terminalKey(site: string, userId: string): string {
  return `${site}\u0000${userId}`;
}

function splitKey(key: string): [string, string] {
  const at = key.indexOf('\u0000');
  return [key.slice(0, at), key.slice(at + 1)];
}

function memo<T>(load: (key: string) => T): (key: string) => T {
  const cache = new Map<string, T>();
  return (key) => {
    if (cache.has(key)) return cache.get(key) as T;
    const value = load(key);
    cache.set(key, value);
    return value;
  };
}

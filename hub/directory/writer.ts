import type { Statement } from 'better-sqlite3';
import type { HubDatabase } from '../db/database.js';
import type { EmployeeChange } from './entry.js';
import { EMPLOYEE_FIELDS } from './fields.js';
import type { ChangeSource } from './types.js';

/** A `directory_employees` row as SQLite returns it. */
export interface EmployeeRow {
  id: string;
  name: string;
  department: string | null;
  manager_id: string | null;
  site: string;
  hire_date: string;
  end_date: string | null;
  phone: string | null;
  email: string | null;
  chat_id: string | null;
  postal_address: string | null;
  emergency_name: string | null;
  emergency_phone: string | null;
  emergency_relation: string | null;
  created_at: number;
  updated_at: number;
}

export type ApplyOutcome = 'created' | 'updated' | 'unchanged';

interface FieldChange {
  field: string;
  oldValue: string | null;
  newValue: string | null;
}

const COLUMNS = EMPLOYEE_FIELDS.map((f) => f.db);

/** The history field of an employee's creation; its new value is a JSON object of the first values. */
export const CREATED = '(created)';

/**
 * Applies validated changes, one employee at a time, inside the caller's transaction. Every field
 * whose value differs is written to history with the source; a change that alters nothing writes
 * nothing (not even `updated_at`), so re-importing the same file leaves no trace.
 */
export class EmployeeWriter {
  private readonly selectRow: Statement<[string], EmployeeRow>;
  private readonly selectTerminals: Statement<[string], { site: string; user_id: string }>;
  private readonly insertRow: Statement<unknown[]>;
  private readonly updateRow: Statement<unknown[]>;
  private readonly upsertTerminal: Statement<[string, string, string]>;
  private readonly deleteTerminal: Statement<[string, string]>;
  private readonly insertHistory: Statement<unknown[]>;

  constructor(db: HubDatabase) {
    this.selectRow = db.prepare('SELECT * FROM directory_employees WHERE id = ?');
    this.selectTerminals = db.prepare('SELECT site, user_id FROM directory_terminal_users WHERE employee_id = ?');
    this.insertRow = db.prepare(
      `INSERT INTO directory_employees (id, ${COLUMNS.join(', ')}, created_at, updated_at) VALUES (?, ${COLUMNS.map(() => '?').join(', ')}, ?, ?)`,
    );
    this.updateRow = db.prepare(`UPDATE directory_employees SET ${COLUMNS.map((c) => `${c} = ?`).join(', ')}, updated_at = ? WHERE id = ?`);
    this.upsertTerminal = db.prepare(
      'INSERT INTO directory_terminal_users (employee_id, site, user_id) VALUES (?, ?, ?) ON CONFLICT (employee_id, site) DO UPDATE SET user_id = excluded.user_id',
    );
    this.deleteTerminal = db.prepare('DELETE FROM directory_terminal_users WHERE employee_id = ? AND site = ?');
    this.insertHistory = db.prepare(
      'INSERT INTO directory_history (employee_id, field, old_value, new_value, changed_at, source_kind, source) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
  }

  apply(change: EmployeeChange, source: ChangeSource, nowMs: number): ApplyOutcome {
    const row = this.selectRow.get(change.id);
    const changes: FieldChange[] = [];
    const after: (string | null)[] = [];
    for (const { field, db } of EMPLOYEE_FIELDS) {
      const oldValue = row === undefined ? null : row[db];
      const given = change.values[field];
      const newValue = given === undefined ? oldValue : given;
      after.push(newValue);
      if (newValue !== oldValue) changes.push({ field, oldValue, newValue });
    }
    const terminalChanges = this.terminalChanges(change, row !== undefined);
    changes.push(...terminalChanges);

    if (row === undefined) this.insertRow.run(change.id, ...after, nowMs, nowMs);
    else if (changes.length > 0) this.updateRow.run(...after, nowMs, change.id);
    for (const t of terminalChanges) {
      const site = t.field.slice('terminalIds.'.length);
      if (t.newValue === null) this.deleteTerminal.run(change.id, site);
      else this.upsertTerminal.run(change.id, site, t.newValue);
    }
    if (row === undefined) {
      // One entry for a new employee: every first value, with the file or user it came from.
      const initial = Object.fromEntries(changes.map((c) => [c.field, c.newValue]));
      this.insertHistory.run(change.id, CREATED, null, JSON.stringify(initial), nowMs, source.kind, source.name);
      return 'created';
    }
    for (const c of changes) this.insertHistory.run(change.id, c.field, c.oldValue, c.newValue, nowMs, source.kind, source.name);
    return changes.length > 0 ? 'updated' : 'unchanged';
  }

  private terminalChanges(change: EmployeeChange, exists: boolean): FieldChange[] {
    if (change.terminalIds === undefined) return [];
    const before: Record<string, string> = {};
    if (exists) for (const t of this.selectTerminals.all(change.id)) before[t.site] = t.user_id;
    const out: FieldChange[] = [];
    const sites = [...new Set([...Object.keys(before), ...Object.keys(change.terminalIds)])].sort();
    for (const site of sites) {
      const oldValue = before[site] ?? null;
      const newValue = change.terminalIds[site] ?? null;
      if (oldValue !== newValue) out.push({ field: `terminalIds.${site}`, oldValue, newValue });
    }
    return out;
  }
}

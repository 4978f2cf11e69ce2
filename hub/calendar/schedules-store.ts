import type { Statement } from 'better-sqlite3';
import { appendTo } from '../collections.js';
import type { HubDatabase } from '../db/database.js';
import { HubError } from '../errors.js';
import { parseLocalDate } from '../time/local-date.js';
import { readImportFile } from './input-problems.js';
import type { Assignment, Pattern, Shift } from './model.js';
import { describeAssignment, parseSchedules, rangesMeet } from './schedules-file.js';
import { bumpCalendarVersion } from './version.js';

/**
 * Stores shifts, patterns and assignments. Imports are atomic (one transaction; any problem
 * changes nothing) and idempotent: shifts and patterns are upserted by id, and the assignments of
 * every employee named in the file are replaced by the file's (other employees keep theirs).
 */

export interface ScheduleImportResult {
  shifts: number;
  patterns: number;
  assignments: number;
  /** Employees whose assignments the file replaced. */
  employees: number;
}

export function importSchedules(db: HubDatabase, text: string, source = 'schedules'): ScheduleImportResult {
  const upsertShift = db.prepare(`
    INSERT INTO calendar_shifts (id, name, start_minute, end_minute, grace_late_minutes, grace_early_minutes, window_before_minutes, window_after_minutes)
    VALUES (@id, @name, @startMinute, @endMinute, @graceLateMinutes, @graceEarlyMinutes, @windowBeforeMinutes, @windowAfterMinutes)
    ON CONFLICT (id) DO UPDATE SET name = excluded.name, start_minute = excluded.start_minute, end_minute = excluded.end_minute,
      grace_late_minutes = excluded.grace_late_minutes, grace_early_minutes = excluded.grace_early_minutes,
      window_before_minutes = excluded.window_before_minutes, window_after_minutes = excluded.window_after_minutes`);
  const upsertPattern = db.prepare(`
    INSERT INTO calendar_patterns (id, name, type, statutory, anchor, make_up_shift) VALUES (?, ?, ?, ?, ?, ?)
    ON CONFLICT (id) DO UPDATE SET name = excluded.name, type = excluded.type, statutory = excluded.statutory,
      anchor = excluded.anchor, make_up_shift = excluded.make_up_shift`);
  const clearDays = db.prepare('DELETE FROM calendar_pattern_days WHERE pattern_id = ?');
  const insertDay = db.prepare('INSERT INTO calendar_pattern_days (pattern_id, position, shift_id) VALUES (?, ?, ?)');
  const clearAssignments = db.prepare('DELETE FROM calendar_assignments WHERE employee_id = ?');
  const insertAssignment = db.prepare('INSERT INTO calendar_assignments (employee_id, from_date, to_date, pattern_id) VALUES (?, ?, ?, ?)');

  // Validation reads the stored ids inside the write transaction, so they cannot change under it.
  return db
    .transaction((): ScheduleImportResult => {
      const parsed = parseSchedules(text, { shifts: new Set(ids(db, 'calendar_shifts')), patterns: new Set(ids(db, 'calendar_patterns')) }, source);
      for (const s of parsed.shifts) upsertShift.run(s);
      for (const p of parsed.patterns) {
        upsertPattern.run(p.id, p.name, p.type, p.statutory ? 1 : 0, p.type === 'rotation' ? p.anchor : null, p.type === 'weekly' ? p.makeUpShift : null);
        clearDays.run(p.id);
        (p.type === 'weekly' ? p.days : p.cycle).forEach((shift, position) => insertDay.run(p.id, position, shift));
      }
      const employees = new Set(parsed.assignments.map((a) => a.value.employee));
      for (const e of employees) clearAssignments.run(e);
      for (const { value: a } of parsed.assignments) insertAssignment.run(a.employee, a.from, a.to, a.pattern);
      bumpCalendarVersion(db);
      return { shifts: parsed.shifts.length, patterns: parsed.patterns.length, assignments: parsed.assignments.length, employees: employees.size };
    })
    .immediate();
}

export function importSchedulesFile(db: HubDatabase, path: string): ScheduleImportResult {
  return importSchedules(db, readImportFile(path), path);
}

/**
 * Adds an assignment, or replaces the employee's assignment that starts on the same `from`.
 * Refuses (HubError INVALID_INPUT, naming the other) one that would overlap another assignment of
 * the employee, and an unknown pattern (NOT_FOUND). Nested in a caller's transaction it joins it.
 */
export function setAssignment(db: HubDatabase, assignment: Assignment): void {
  const a = { ...assignment, from: parseLocalDate(assignment.from), to: assignment.to === null ? null : parseLocalDate(assignment.to) };
  if (a.to !== null && a.to < a.from) {
    throw new HubError('INVALID_INPUT', `assignment ${describeAssignment(a)}: to is before from`, { problems: [{ row: 1, field: 'to', message: 'is before from' }] });
  }
  const sql = assignmentStatements(db);
  db.transaction(() => {
    if (sql.pattern.get(a.pattern) === undefined) {
      throw new HubError('NOT_FOUND', `no pattern "${a.pattern}" for ${a.employee}; import it with the schedules file first`);
    }
    const clash = (sql.others.all(a.employee, a.from) as AssignmentRow[]).map(toAssignment).find((o) => rangesMeet(o, a));
    if (clash !== undefined) {
      const message = `overlaps ${describeAssignment(clash)}; end that one first`;
      throw new HubError('INVALID_INPUT', `assignment ${describeAssignment(a)} ${message}`, { problems: [{ row: 1, field: 'from', message }] });
    }
    sql.upsert.run(a.employee, a.from, a.to, a.pattern);
    bumpCalendarVersion(db);
  }).immediate();
}

type AssignmentStatements = Record<'pattern' | 'others' | 'upsert', Statement>;
const prepared = new WeakMap<HubDatabase, AssignmentStatements>();

/** Prepared once per database: an employee import calls setAssignment for every person. */
function assignmentStatements(db: HubDatabase): AssignmentStatements {
  let sql = prepared.get(db);
  if (sql === undefined) {
    sql = {
      pattern: db.prepare('SELECT 1 FROM calendar_patterns WHERE id = ?'),
      others: db.prepare('SELECT employee_id, from_date, to_date, pattern_id FROM calendar_assignments WHERE employee_id = ? AND from_date <> ?'),
      upsert: db.prepare(
        `INSERT INTO calendar_assignments (employee_id, from_date, to_date, pattern_id) VALUES (?, ?, ?, ?)
         ON CONFLICT (employee_id, from_date) DO UPDATE SET to_date = excluded.to_date, pattern_id = excluded.pattern_id`,
      ),
    };
    prepared.set(db, sql);
  }
  return sql;
}

/** Everything the planner needs, read in four queries. */
export interface StoredSchedules {
  shifts: Map<string, Shift>;
  patterns: Map<string, Pattern>;
  /** Per employee, sorted by `from`. */
  assignments: Map<string, Assignment[]>;
}

export function loadSchedules(db: HubDatabase): StoredSchedules {
  const read = db.transaction((): StoredSchedules => {
    const shifts = new Map<string, Shift>();
    for (const s of db.prepare(`SELECT id, name, start_minute AS startMinute, end_minute AS endMinute, grace_late_minutes AS graceLateMinutes,
        grace_early_minutes AS graceEarlyMinutes, window_before_minutes AS windowBeforeMinutes, window_after_minutes AS windowAfterMinutes
        FROM calendar_shifts`).all() as Shift[]) {
      shifts.set(s.id, s);
    }
    const days = new Map<string, (string | null)[]>();
    for (const d of db.prepare('SELECT pattern_id, position, shift_id FROM calendar_pattern_days ORDER BY pattern_id, position').all() as PatternDayRow[]) {
      let list = days.get(d.pattern_id);
      if (list === undefined) days.set(d.pattern_id, (list = []));
      list[d.position] = d.shift_id;
    }
    const patterns = new Map<string, Pattern>();
    for (const p of db.prepare('SELECT id, name, type, statutory, anchor, make_up_shift FROM calendar_patterns').all() as PatternRow[]) {
      const list = days.get(p.id) ?? [];
      const base = { id: p.id, name: p.name, statutory: p.statutory === 1 };
      patterns.set(p.id, p.type === 'weekly' ? { ...base, type: 'weekly', days: list, makeUpShift: p.make_up_shift } : { ...base, type: 'rotation', anchor: p.anchor ?? '', cycle: list });
    }
    const assignments = new Map<string, Assignment[]>();
    for (const row of db.prepare('SELECT employee_id, from_date, to_date, pattern_id FROM calendar_assignments ORDER BY employee_id, from_date').all() as AssignmentRow[]) {
      appendTo(assignments, row.employee_id, toAssignment(row));
    }
    return { shifts, patterns, assignments };
  });
  // One read transaction: an import committing in between cannot mix old and new rows.
  return read.deferred();
}

interface AssignmentRow {
  employee_id: string;
  from_date: string;
  to_date: string | null;
  pattern_id: string;
}
interface PatternRow {
  id: string;
  name: string | null;
  type: 'weekly' | 'rotation';
  statutory: number;
  anchor: string | null;
  make_up_shift: string | null;
}
interface PatternDayRow {
  pattern_id: string;
  position: number;
  shift_id: string | null;
}

function toAssignment(r: AssignmentRow): Assignment {
  return { employee: r.employee_id, pattern: r.pattern_id, from: r.from_date, to: r.to_date };
}

function ids(db: HubDatabase, table: 'calendar_shifts' | 'calendar_patterns'): string[] {
  return db.prepare(`SELECT id FROM ${table}`).pluck().all() as string[];
}

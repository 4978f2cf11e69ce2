import { appendTo } from '../collections.js';
import type { HubDatabase } from '../db/database.js';
import { addDays, dayNumber, type LocalDate } from '../time/local-date.js';
import { MAX_GAP_DAYS, type DayStatus } from './counting.js';
import type { FinalStatus } from './types.js';

/** Up to this many (employee, date) lookups cost less than reading a month of the absent index. */
const LOOKUP_LIMIT = 20_000;

/**
 * Employees' day statuses, read from the date-first key: point lookups on (date, employee) for a
 * few employees, a whole date's rows for many; each read is one statement for the whole set.
 */
export class InstanceHistory {
  private readonly s: ReturnType<typeof prepare>;

  constructor(db: HubDatabase) {
    this.s = prepare(db);
  }

  /** The first and last stored dates, or null when nothing is stored. */
  bounds(): { first: LocalDate; last: LocalDate } | null {
    const first = this.s.first.get() as LocalDate | null;
    const last = this.s.last.get() as LocalDate | null;
    return first === null || last === null ? null : { first, last };
  }

  /**
   * From `start` (included) day by day towards earlier (`back`) or later (`forward`) dates, the
   * stored days of each employee, up to and including the first day whose status is a breaker;
   * also ending at the stored bounds, or after MAX_GAP_DAYS dates without an absent day (no run
   * reaches further: counting.ts), so a walk over a person with no absences costs at most 31
   * lookups, not the age of the database. In walking order.
   */
  walk(employeeIds: readonly string[], start: LocalDate, direction: 'back' | 'forward', breakers: readonly FinalStatus[]): Map<string, DayStatus[]> {
    const result = new Map<string, DayStatus[]>();
    const bounds = this.bounds();
    if (bounds === null || employeeIds.length === 0) return result;
    const step = direction === 'back' ? -1 : 1;
    const breaking = new Set<string>(breakers);
    // Still walking: employee id -> the step of their last absent day (-1: the date before start).
    const walking = new Map<string, number>();
    for (const id of employeeIds) walking.set(id, -1);
    let date = start;
    for (let n = 0; walking.size > 0; n++, date = addDays(date, step)) {
      const { ids, statuses } = this.statusesOn(date, walking);
      const ended: string[] = [];
      for (let i = 0; i < ids.length; i++) {
        const employeeId = ids[i]!;
        if (!walking.has(employeeId)) continue;
        const status = statuses[i]!;
        appendTo(result, employeeId, { date, status });
        if (status === 'absent') walking.set(employeeId, n);
        // Every row of the date is listed before the walk ends (two shifts on one date).
        if (breaking.has(status)) ended.push(employeeId);
      }
      for (const employeeId of ended) walking.delete(employeeId);
      for (const [employeeId, seen] of walking) if (n - seen >= MAX_GAP_DAYS) walking.delete(employeeId);
      if (direction === 'back' ? date <= bounds.first : date >= bounds.last) break;
    }
    return result;
  }

  /**
   * The stored days on a date (employee ids and statuses at the same index) of at least the listed
   * employees: point lookups for a few, the whole date (two plucked columns) for many.
   */
  private statusesOn(date: LocalDate, employees: ReadonlyMap<string, unknown>): { ids: string[]; statuses: FinalStatus[] } {
    if (employees.size <= POINT_LOOKUPS) {
      const rows = this.s.statusesOf.all(JSON.stringify([...employees.keys()]), date) as Array<[string, FinalStatus]>;
      return { ids: rows.map((r) => r[0]), statuses: rows.map((r) => r[1]) };
    }
    return this.s.wholeDate.deferred(date);
  }

  /** Every stored day of each employee from `from` to `to`, ascending. */
  days(employeeIds: readonly string[], from: LocalDate, to: LocalDate): Map<string, DayStatus[]> {
    const result = new Map<string, DayStatus[]>();
    if (employeeIds.length === 0 || from > to) return result;
    for (const [employeeId, date, status] of this.s.days.iterate({ ids: JSON.stringify(employeeIds), from, to }) as Iterable<[string, LocalDate, FinalStatus]>) {
      appendTo(result, employeeId, { date, status });
    }
    for (const list of result.values()) list.sort((a, b) => a.date.localeCompare(b.date));
    return result;
  }

  /**
   * Absent dates from `from` to `to` of the listed employees, or of everyone (at one site or all),
   * ascending per employee: point lookups for a few employees, else one read of the partial index.
   */
  absentDates(from: LocalDate, to: LocalDate, only: { siteId?: string; employeeIds?: ReadonlySet<string> } = {}): Map<string, LocalDate[]> {
    const wanted = only.employeeIds;
    // A few employees: look their days up; many: read the index's range once.
    if (wanted !== undefined && wanted.size * (dayNumber(to) - dayNumber(from) + 1) <= LOOKUP_LIMIT) {
      const result = new Map<string, LocalDate[]>();
      for (const [employeeId, days] of this.days([...wanted], from, to)) {
        const absent = days.filter((d) => d.status === 'absent').map((d) => d.date);
        if (absent.length > 0) result.set(employeeId, absent);
      }
      return result;
    }
    const result = new Map<string, LocalDate[]>();
    for (const [employeeId, date] of this.s.absent.iterate({ from, to, site: only.siteId ?? null }) as Iterable<[string, LocalDate]>) {
      if (wanted !== undefined && !wanted.has(employeeId)) continue;
      appendTo(result, employeeId, date);
    }
    return result;
  }
}

/** Cheaper than reading a whole date's rows, up to this many employees still walking. */
const POINT_LOOKUPS = 20_000;

function prepare(db: HubDatabase) {
  // In key order, both: the same rows at the same index.
  const dateIds = db.prepare('SELECT employee_id FROM detection_instances WHERE date = ? ORDER BY employee_id, shift_id').pluck();
  const dateStatuses = db.prepare('SELECT status FROM detection_instances WHERE date = ? ORDER BY employee_id, shift_id').pluck();
  return {
    first: db.prepare('SELECT min(date) FROM detection_instances').pluck(),
    last: db.prepare('SELECT max(date) FROM detection_instances').pluck(),
    statusesOf: db.prepare('SELECT i.employee_id, i.status FROM json_each(?) c CROSS JOIN detection_instances i WHERE i.date = ? AND i.employee_id = c.value').raw(),
    wholeDate: db.transaction((date: LocalDate) => ({ ids: dateIds.all(date) as string[], statuses: dateStatuses.all(date) as FinalStatus[] })),
    // CROSS JOIN keeps this order: the planner would otherwise scan a whole date per employee.
    days: db.prepare(`
      WITH RECURSIVE d(day) AS (SELECT @from UNION ALL SELECT date(day, '+1 day') FROM d WHERE day < @to)
      SELECT i.employee_id, i.date, i.status FROM d CROSS JOIN json_each(@ids) c
        CROSS JOIN detection_instances i WHERE i.date = d.day AND i.employee_id = c.value`).raw(),
    absent: db.prepare(`SELECT employee_id, date FROM detection_instances
      WHERE status = 'absent' AND date BETWEEN @from AND @to AND (@site IS NULL OR site_id = @site) ORDER BY date`).raw(),
  };
}

import type { HubDatabase } from '../db/database.js';
import { dayNumber, type LocalDate } from '../time/local-date.js';
import type { DayStatus } from './counting.js';
import type { FinalStatus } from './types.js';

/**
 * A walk ends after this many consecutive dates without any stored row (before hire, after
 * leaving): no run carries across a month with no schedule at all, and a walk over a person with
 * no history costs 31 lookups, not the age of the database.
 */
export const MAX_GAP_DAYS = 31;

/** Up to this many (employee, date) lookups cost less than reading a month of the absent index. */
const LOOKUP_LIMIT = 20_000;

/**
 * Employees' day statuses, read from the date-first key with point lookups on (date, employee),
 * each read one statement for the whole set of employees.
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
   * also ending at the stored bounds or after MAX_GAP_DAYS dates without a row. In walking order.
   */
  walk(employeeIds: readonly string[], start: LocalDate, direction: 'back' | 'forward', breakers: readonly FinalStatus[]): Map<string, DayStatus[]> {
    const result = new Map<string, DayStatus[]>();
    const bounds = this.bounds();
    if (bounds === null || employeeIds.length === 0) return result;
    const back = direction === 'back';
    const rows = this.s.walk.iterate({
      ids: JSON.stringify(employeeIds), start, step: back ? '-1 day' : '+1 day', breakers: JSON.stringify(breakers),
      lo: back ? bounds.first : '0000-01-01', hi: back ? '9999-12-31' : bounds.last, maxGap: MAX_GAP_DAYS,
    }) as Iterable<[string, LocalDate, FinalStatus]>;
    for (const [employeeId, date, status] of rows) push(result, employeeId, { date, status });
    for (const days of result.values()) days.sort(direction === 'back' ? (a, b) => b.date.localeCompare(a.date) : (a, b) => a.date.localeCompare(b.date));
    return result;
  }

  /** Every stored day of each employee from `from` to `to`, ascending. */
  days(employeeIds: readonly string[], from: LocalDate, to: LocalDate): Map<string, DayStatus[]> {
    const result = new Map<string, DayStatus[]>();
    if (employeeIds.length === 0 || from > to) return result;
    for (const [employeeId, date, status] of this.s.days.iterate({ ids: JSON.stringify(employeeIds), from, to }) as Iterable<[string, LocalDate, FinalStatus]>) {
      push(result, employeeId, { date, status });
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
      const list = result.get(employeeId);
      if (list === undefined) result.set(employeeId, [date]);
      else list.push(date);
    }
    return result;
  }
}

function push(map: Map<string, DayStatus[]>, employeeId: string, day: DayStatus): void {
  const list = map.get(employeeId);
  if (list === undefined) map.set(employeeId, [day]);
  else list.push(day);
}

function prepare(db: HubDatabase) {
  return {
    first: db.prepare('SELECT min(date) FROM detection_instances').pluck(),
    last: db.prepare('SELECT max(date) FROM detection_instances').pluck(),
    // `gap` counts dates in a row without a stored day; a breaker stops the walk after it is listed.
    walk: db.prepare(`
      WITH RECURSIVE walk(employee_id, date, status, gap) AS (
        SELECT c.value, @start, i.status, i.status IS NULL
        FROM json_each(@ids) c LEFT JOIN detection_instances i ON i.date = @start AND i.employee_id = c.value
        UNION ALL
        SELECT w.employee_id, date(w.date, @step), i.status, CASE WHEN i.status IS NULL THEN w.gap + 1 ELSE 0 END
        FROM walk w LEFT JOIN detection_instances i ON i.date = date(w.date, @step) AND i.employee_id = w.employee_id
        WHERE (w.status IS NULL OR w.status NOT IN (SELECT value FROM json_each(@breakers)))
          AND w.gap < @maxGap AND w.date > @lo AND w.date < @hi
      )
      SELECT employee_id, date, status FROM walk WHERE status IS NOT NULL`).raw(),
    // CROSS JOIN keeps this order: the planner would otherwise scan a whole date per employee.
    days: db.prepare(`
      WITH RECURSIVE d(day) AS (SELECT @from UNION ALL SELECT date(day, '+1 day') FROM d WHERE day < @to)
      SELECT i.employee_id, i.date, i.status FROM d CROSS JOIN json_each(@ids) c
        CROSS JOIN detection_instances i WHERE i.date = d.day AND i.employee_id = c.value`).raw(),
    absent: db.prepare(`SELECT employee_id, date FROM detection_instances
      WHERE status = 'absent' AND date BETWEEN @from AND @to AND (@site IS NULL OR site_id = @site) ORDER BY date`).raw(),
  };
}

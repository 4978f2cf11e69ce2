import type { Statement } from 'better-sqlite3';
import type { HubDatabase } from '../db/database.js';
import type { LeaveInterval } from '../model/leave.js';
import { addDays, formatClock, type LocalDate } from '../time/local-date.js';
import type { Zone } from '../time/zone.js';
import type { LeaveDraft } from './entry.js';
import type { LeaveKind } from './kind.js';
import type { IntervalQuery, LeaveFilter, LeaveRecord } from './types.js';

/** A `leave_records` row as SQLite returns it. */
export interface LeaveRow {
  id: number;
  employee_id: string;
  kind: LeaveKind;
  kind_note: string | null;
  from_date: string;
  to_date: string;
  from_minutes: number | null;
  to_minutes: number | null;
  last_date: string;
  reason: string | null;
  approved_by: string;
  approved_at: number;
  source_kind: 'import' | 'api';
  source: string;
  recorded_at: number;
  status: 'approved' | 'cancelled';
  cancelled_by: string | null;
  cancelled_at: number | null;
}

interface IntervalRow {
  id: number;
  employee_id: string;
  kind: string;
  from_date: string;
  to_date: string;
  from_minutes: number | null;
  to_minutes: number | null;
  site: string;
}

function clock(minutes: number | null): string | null {
  return minutes === null ? null : formatClock(minutes);
}

export function toRecord(r: LeaveRow): LeaveRecord {
  return {
    id: r.id,
    employeeId: r.employee_id,
    kind: r.kind,
    kindNote: r.kind_note,
    from: r.from_date,
    to: r.to_date,
    fromTime: clock(r.from_minutes),
    toTime: clock(r.to_minutes),
    reason: r.reason,
    approvedBy: r.approved_by,
    approvedAtMs: r.approved_at,
    source: { kind: r.source_kind, name: r.source },
    recordedAtMs: r.recorded_at,
    status: r.status,
    cancelledBy: r.cancelled_by,
    cancelledAtMs: r.cancelled_at,
  };
}

/** The instants a leave covers in its employee's zone: whole local days, or the given local times. */
export function instantsOf(r: Pick<LeaveDraft, 'from' | 'to' | 'fromMinutes' | 'toMinutes'>, zone: Zone): { startMs: number; endMs: number } {
  if (r.fromMinutes === null || r.toMinutes === null) return { startMs: zone.instant(r.from, 0), endMs: zone.instant(addDays(r.to, 1), 0) };
  const endMinutes = r.toMinutes < r.fromMinutes ? r.toMinutes + 24 * 60 : r.toMinutes;
  return { startMs: zone.instant(r.from, r.fromMinutes), endMs: zone.instant(r.from, endMinutes) };
}

/** Read-side queries of the leave store, prepared once. */
export class LeaveQueries {
  private readonly byId: Statement<[number], LeaveRow>;
  private readonly list: Statement<[{ employee: string | null; from: string | null; to: string | null }], LeaveRow>;
  private readonly intervals: Statement<[{ from: string; to: string; ids: string | null }], IntervalRow>;

  constructor(db: HubDatabase) {
    this.byId = db.prepare('SELECT * FROM leave_records WHERE id = ?');
    this.list = db.prepare(`
      SELECT * FROM leave_records
      WHERE (@employee IS NULL OR employee_id = @employee) AND (@from IS NULL OR last_date >= @from) AND (@to IS NULL OR from_date <= @to)
      ORDER BY employee_id, from_date, ifnull(from_minutes, 0), id`);
    // One query for any number of employees: the ids travel as one JSON array.
    this.intervals = db.prepare(`
      SELECT l.id, l.employee_id, l.kind, l.from_date, l.to_date, l.from_minutes, l.to_minutes, e.site
      FROM leave_records l JOIN directory_employees e ON e.id = l.employee_id
      WHERE l.status = 'approved' AND l.last_date >= @from AND l.from_date <= @to
        AND (@ids IS NULL OR l.employee_id IN (SELECT value FROM json_each(@ids)))
      ORDER BY l.employee_id, l.from_date, ifnull(l.from_minutes, 0), l.id`);
  }

  get(id: number): LeaveRecord | undefined {
    const row = this.byId.get(id);
    return row === undefined ? undefined : toRecord(row);
  }

  listLeave(filter: LeaveFilter = {}): LeaveRecord[] {
    return this.list.all({ employee: filter.employeeId ?? null, from: filter.from ?? null, to: filter.to ?? null }).map(toRecord);
  }

  /**
   * Approved leave overlapping [fromMs, toMs), by employee then start. The local dates to read are
   * the UTC dates of the bounds widened by a day (no zone is more than 14 hours from UTC); each
   * leave is then converted in its employee's site zone and cut to the exact range. Leaves of one
   * person may overlap: a moment is on leave when any interval covers it.
   */
  leaveIntervals(query: IntervalQuery): LeaveInterval[] {
    if (query.toMs <= query.fromMs) return [];
    const firstDate: LocalDate = addDays(new Date(query.fromMs).toISOString().slice(0, 10), -1);
    const lastDate: LocalDate = addDays(new Date(query.toMs - 1).toISOString().slice(0, 10), 1);
    const ids = query.employeeIds === undefined ? null : JSON.stringify(query.employeeIds);
    const zones = new Map<string, Zone>();
    const out: LeaveInterval[] = [];
    for (const r of this.intervals.iterate({ from: firstDate, to: lastDate, ids })) {
      let zone = zones.get(r.site);
      if (zone === undefined) zones.set(r.site, (zone = query.zoneOf(r.site)));
      const { startMs, endMs } = instantsOf({ from: r.from_date, to: r.to_date, fromMinutes: r.from_minutes, toMinutes: r.to_minutes }, zone);
      if (startMs < query.toMs && endMs > query.fromMs) out.push({ leaveId: r.id, employeeId: r.employee_id, startMs, endMs, kind: r.kind });
    }
    return out;
  }
}

import { appendTo } from '../collections.js';
import { writeImmediate, type HubDatabase } from '../db/database.js';
import { HubError } from '../errors.js';
import type { LocalDate } from '../time/local-date.js';
import type { ClassifiedDayKind, ClassifiedInstance, DetectionEvent, EventKind, EventState, FinalClassification, FinalStatus } from './types.js';

/** A new event before it has an id and a state. */
export type NewEvent = Omit<DetectionEvent, 'eventId' | 'state' | 'reason' | 'updatedAt'>;

/** The detection tables' statements, prepared once per connection. Every read is a range, a key or a bulk read. */
export class DetectionStore {
  readonly db: HubDatabase;
  private readonly s: ReturnType<typeof prepare>;

  constructor(db: HubDatabase) {
    this.db = db;
    this.s = prepare(db);
  }

  /**
   * Runs `work` in one IMMEDIATE transaction (the write lock first, so reads inside it are what the
   * writes build on, even with another hub process on the file); a database failure becomes
   * HubError('STORE') naming `what`.
   */
  write<T>(what: string, work: () => T): T {
    return writeImmediate(this.db, 'detection', what, work);
  }

  /** `employee\u0000date` of every stored instance of a site in a date range. */
  storedKeys(siteId: string, from: LocalDate, to: LocalDate): Set<string> {
    const keys = new Set<string>();
    for (const [employeeId, date] of this.s.siteKeys.iterate({ site: siteId, from, to }) as Iterable<[string, string]>) keys.add(`${employeeId}\u0000${date}`);
    return keys;
  }

  /** One employee's stored instances from `from` to `to` (clamped to the stored dates: one lookup per date). */
  employeeInstances(employeeId: string, from: LocalDate, to: LocalDate): ClassifiedInstance[] {
    const first = this.s.firstDate.get() as LocalDate | null;
    const last = this.s.lastDate.get() as LocalDate | null;
    if (first === null || last === null) return [];
    const range = { from: from > first ? from : first, to: to < last ? to : last };
    if (range.from > range.to) return [];
    return (this.s.employeeInstances.all({ employeeId, ...range }) as InstanceRow[]).map(toInstance);
  }

  /** Inserts a final classification unless one is already stored; true when inserted. */
  insertInstance(c: FinalClassification, siteId: string, classifiedAt: number): boolean {
    return this.s.insertOne.run(...instanceValues(c, siteId, classifiedAt)).changes === 1;
  }

  /**
   * Inserts final classifications, skipping any already stored; returns how many it inserted.
   * INSERT_BATCH rows go to one statement: at 100,000 rows a day the per-statement cost is a
   * quarter of the insert.
   */
  insertInstances(rows: readonly FinalClassification[], siteId: string, classifiedAt: number): number {
    let inserted = 0;
    let i = 0;
    // One array refilled per statement: no array per row.
    const values: unknown[] = new Array<unknown>(INSERT_BATCH * INSTANCE_PARAMS);
    for (; i + INSERT_BATCH <= rows.length; i += INSERT_BATCH) {
      for (let j = 0; j < INSERT_BATCH; j++) fillInstanceValues(values, j * INSTANCE_PARAMS, rows[i + j]!, siteId, classifiedAt);
      inserted += this.s.insertBatch.run(values).changes;
    }
    for (; i < rows.length; i++) if (this.insertInstance(rows[i]!, siteId, classifiedAt)) inserted++;
    return inserted;
  }

  /** Overwrites a stored classification; the version grows when the status changes. Returns the new version. */
  updateInstance(row: Omit<ClassifiedInstance, 'version' | 'siteId'>): number {
    return (this.s.updateInstance.get(row) as { version: number }).version;
  }

  deleteInstance(employeeId: string, date: LocalDate, shiftId: string): void {
    this.s.deleteInstance.run(employeeId, date, shiftId);
  }

  /** Raises an event unless its key exists; returns the new id, or undefined when it already existed. */
  insertEvent(e: NewEvent): number | undefined {
    const row = this.s.insertEvent.get({ ...e, dates: JSON.stringify(e.dates) }) as { event_id: number } | undefined;
    return row?.event_id;
  }

  /**
   * Moves an event from one state to another, replacing its dates or due instant when given; false
   * when it was no longer in `from` (another process got there first).
   */
  setEventState(change: { eventId: number; from: EventState; to: EventState; reason: string; at: number; dates?: readonly LocalDate[]; dueMs?: number }): boolean {
    const { dates, dueMs, ...rest } = change;
    return this.s.setEventState.run({ ...rest, dates: dates === undefined ? null : JSON.stringify(dates), dueMs: dueMs ?? null }).changes === 1;
  }

  /** No-show events of a site's instances dated in a range, per employee (looked up without building a key per instance). */
  siteNoShows(siteId: string, from: LocalDate, to: LocalDate): Map<string, DetectionEvent[]> {
    const map = new Map<string, DetectionEvent[]>();
    for (const r of this.s.siteNoShows.all(siteId, from, to) as EventRow[]) appendTo(map, r.employee_id, toEvent(r));
    return map;
  }

  employeeEvents(employeeId: string, kind: EventKind, from: LocalDate, to: LocalDate): DetectionEvent[] {
    return (this.s.employeeEvents.all(employeeId, kind, from, to) as EventRow[]).map(toEvent);
  }

  /** Consecutive and monthly events of the listed employees, in one read. */
  thresholdEvents(employeeIds: readonly string[]): Map<string, DetectionEvent[]> {
    const map = new Map<string, DetectionEvent[]>();
    for (const r of this.s.thresholdEvents.all(JSON.stringify(employeeIds)) as EventRow[]) {
      appendTo(map, r.employee_id, toEvent(r));
    }
    return map;
  }

  cursor(siteId: string): LocalDate | undefined {
    try {
      return this.s.cursor.get(siteId) as LocalDate | undefined;
    } catch (err) {
      throw new HubError('STORE', `detection could not read ${siteId}'s cursor: ${(err as Error).message}`, { cause: err });
    }
  }

  /** Moves the site's cursor forward, never back (another process may have gone further). */
  advanceCursor(siteId: string, finalThrough: LocalDate, at: number): void {
    this.s.setCursor.run(siteId, finalThrough, at);
  }
}

/** The key of a no-show event in maps: one per (employee, instance). */
export function noShowKey(employeeId: string, date: LocalDate, shiftId: string): string {
  return `${employeeId}\u0000${date}\u0000${shiftId}`;
}

const INSTANCE_COLUMNS = `employee_id, date, shift_id, site_id, day_kind, status, start_ms, end_ms, first_punch_ms, last_punch_ms,
  punch_count, late_minutes, early_minutes, leave_minutes, classified_at, version`;
const INSTANCE_VALUES = '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)';
const INSERT_BATCH = 100;

const INSTANCE_PARAMS = 15;

/** A classification's column values, in INSTANCE_COLUMNS order (version aside). */
function instanceValues(c: FinalClassification, siteId: string, classifiedAt: number): unknown[] {
  const values = new Array<unknown>(INSTANCE_PARAMS);
  fillInstanceValues(values, 0, c, siteId, classifiedAt);
  return values;
}

function fillInstanceValues(values: unknown[], at: number, c: FinalClassification, siteId: string, classifiedAt: number): void {
  values[at] = c.employeeId;
  values[at + 1] = c.date;
  values[at + 2] = c.shiftId;
  values[at + 3] = siteId;
  values[at + 4] = c.dayKind;
  values[at + 5] = c.status;
  values[at + 6] = c.startMs;
  values[at + 7] = c.endMs;
  values[at + 8] = c.firstPunchMs;
  values[at + 9] = c.lastPunchMs;
  values[at + 10] = c.punchCount;
  values[at + 11] = c.lateMinutes;
  values[at + 12] = c.earlyMinutes;
  values[at + 13] = c.leaveMinutes;
  values[at + 14] = classifiedAt;
}

function prepare(db: HubDatabase) {
  return {
    siteKeys: db.prepare('SELECT employee_id, date FROM detection_instances WHERE date BETWEEN @from AND @to AND site_id = @site').raw(),
    firstDate: db.prepare('SELECT min(date) FROM detection_instances').pluck(),
    lastDate: db.prepare('SELECT max(date) FROM detection_instances').pluck(),
    // A point lookup per date of the range: the key is date first.
    employeeInstances: db.prepare(`
      WITH RECURSIVE d(day) AS (SELECT @from UNION ALL SELECT date(day, '+1 day') FROM d WHERE day < @to)
      SELECT i.* FROM d JOIN detection_instances i ON i.date = d.day AND i.employee_id = @employeeId ORDER BY i.date, i.shift_id`),
    insertOne: db.prepare(`INSERT INTO detection_instances (${INSTANCE_COLUMNS}) VALUES ${INSTANCE_VALUES} ON CONFLICT DO NOTHING`),
    insertBatch: db.prepare(`INSERT INTO detection_instances (${INSTANCE_COLUMNS}) VALUES ${Array(INSERT_BATCH).fill(INSTANCE_VALUES).join(', ')} ON CONFLICT DO NOTHING`),
    updateInstance: db.prepare(`UPDATE detection_instances SET
        day_kind = @dayKind, status = @status, start_ms = @startMs, end_ms = @endMs, first_punch_ms = @firstPunchMs,
        last_punch_ms = @lastPunchMs, punch_count = @punchCount, late_minutes = @lateMinutes, early_minutes = @earlyMinutes,
        leave_minutes = @leaveMinutes, classified_at = @classifiedAt, version = version + (status <> @status)
      WHERE employee_id = @employeeId AND date = @date AND shift_id = @shiftId
      RETURNING version`),
    deleteInstance: db.prepare('DELETE FROM detection_instances WHERE employee_id = ? AND date = ? AND shift_id = ?'),
    insertEvent: db.prepare(`INSERT INTO detection_events (kind, employee_id, site_id, date, shift_id, due_ms, dates, state, reason, raised_at, updated_at)
      VALUES (@kind, @employeeId, @siteId, @date, @shiftId, @dueMs, @dates, 'open', NULL, @raisedAt, @raisedAt)
      ON CONFLICT DO NOTHING RETURNING event_id`),
    setEventState: db.prepare(`UPDATE detection_events SET state = @to, reason = @reason, dates = coalesce(@dates, dates), due_ms = coalesce(@dueMs, due_ms), updated_at = @at
      WHERE event_id = @eventId AND state = @from`),
    siteNoShows: db.prepare(`SELECT * FROM detection_events WHERE site_id = ? AND date BETWEEN ? AND ? AND kind = 'no_show'`),
    employeeEvents: db.prepare('SELECT * FROM detection_events WHERE employee_id = ? AND kind = ? AND date BETWEEN ? AND ? ORDER BY date'),
    // CROSS JOIN: one index search per employee, not a scan of every threshold event per employee.
    thresholdEvents: db.prepare(`SELECT e.* FROM json_each(?) c CROSS JOIN detection_events e
      WHERE e.employee_id = c.value AND e.kind IN ('consecutive', 'monthly') ORDER BY e.employee_id, e.date`),
    cursor: db.prepare('SELECT final_through FROM detection_cursors WHERE site_id = ?').pluck(),
    setCursor: db.prepare(`INSERT INTO detection_cursors (site_id, final_through, updated_at) VALUES (?, ?, ?)
      ON CONFLICT (site_id) DO UPDATE SET final_through = max(final_through, excluded.final_through), updated_at = excluded.updated_at`),
  };
}

interface InstanceRow {
  employee_id: string;
  date: string;
  shift_id: string;
  site_id: string;
  day_kind: ClassifiedDayKind;
  status: FinalStatus;
  start_ms: number | null;
  end_ms: number | null;
  first_punch_ms: number | null;
  last_punch_ms: number | null;
  punch_count: number;
  late_minutes: number;
  early_minutes: number;
  leave_minutes: number;
  classified_at: number;
  version: number;
}

export interface EventRow {
  event_id: number;
  kind: EventKind;
  employee_id: string;
  site_id: string;
  date: string;
  shift_id: string;
  due_ms: number | null;
  dates: string;
  state: EventState;
  reason: string | null;
  raised_at: number;
  updated_at: number;
}

function toInstance(r: InstanceRow): ClassifiedInstance {
  return {
    employeeId: r.employee_id, date: r.date, shiftId: r.shift_id, siteId: r.site_id, dayKind: r.day_kind, status: r.status,
    startMs: r.start_ms, endMs: r.end_ms, firstPunchMs: r.first_punch_ms, lastPunchMs: r.last_punch_ms, punchCount: r.punch_count,
    lateMinutes: r.late_minutes, earlyMinutes: r.early_minutes, leaveMinutes: r.leave_minutes, classifiedAt: r.classified_at, version: r.version,
  };
}

export function toEvent(r: EventRow): DetectionEvent {
  return {
    eventId: r.event_id, kind: r.kind, employeeId: r.employee_id, siteId: r.site_id, date: r.date, shiftId: r.shift_id, dueMs: r.due_ms,
    dates: JSON.parse(r.dates) as LocalDate[], state: r.state, reason: r.reason, raisedAt: r.raised_at, updatedAt: r.updated_at,
  };
}

import type { HubDatabase } from '../../hub/db/database.js';
import type { DetectionEmployee, DetectionPorts, DetectionSite } from '../../hub/detection/ports.js';
import { DetectionStore } from '../../hub/detection/store.js';
import type { FinalStatus } from '../../hub/detection/types.js';
import type { DayPlan } from '../../hub/model/day-plan.js';
import type { LeaveInterval } from '../../hub/model/leave.js';
import type { EmployeePunch } from '../../hub/model/punch.js';
import { addDays, datesBetween, weekday, type LocalDate } from '../../hub/time/local-date.js';
import { zone } from '../../hub/time/zone.js';

/** The day whose classification is measured (a Friday), and the history before it in the same month. */
export const DAY: LocalDate = '2026-03-20';
export const HISTORY_FROM: LocalDate = '2026-03-02';
export const SITE: DetectionSite = { siteId: 'plant', timeZone: 'Asia/Shanghai' };
const Z = zone(SITE.timeZone);
const MINUTE = 60_000;

/** Every 10th employee works nights (22:00-06:00); the others days (09:00-18:00). Weekends off. */
const isNight = (i: number): boolean => i % 10 === 0;
/** Absent the two days before DAY and on DAY: reaches 3 consecutive days on DAY. */
const runOnDay = (i: number): boolean => i % 500 === 7;
/** Absent 4 days earlier in the month and on DAY: reaches 5 in the month on DAY. */
const monthOnDay = (i: number): boolean => i % 700 === 3;

export const employeeId = (i: number): string => `E${String(i).padStart(6, '0')}`;
const indexOf = (id: string): number => Number(id.slice(1));

/** A small deterministic generator, so every run sees the same data. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Ports as the composition root would give them: plans computed per date, punches read from SQLite. */
export class BenchPorts implements DetectionPorts {
  readonly employeeList: DetectionEmployee[];
  readonly leaveList: LeaveInterval[];
  /** Milliseconds spent inside the ports (the other modules' share of a run). */
  portMs = 0;
  private readonly punchQuery;
  private readonly employeePunchQuery;

  constructor(db: HubDatabase, employees: number, private readonly watermarkMs: number) {
    this.employeeList = Array.from({ length: employees }, (_, i) => ({ employeeId: employeeId(i), siteId: SITE.siteId, department: `D${i % 50}` }));
    this.leaveList = leaveOn(DAY, employees);
    this.punchQuery = db.prepare('SELECT employee_id, at_ms, punch_id FROM bench_punches WHERE at_ms BETWEEN ? AND ?').raw();
    this.employeePunchQuery = db.prepare('SELECT employee_id, at_ms, punch_id FROM bench_punches WHERE employee_id = ? AND at_ms BETWEEN ? AND ?').raw();
  }

  sites(): readonly DetectionSite[] {
    return [SITE];
  }

  employee(employeeId: string): DetectionEmployee | undefined {
    return this.employeeList.find((e) => e.employeeId === employeeId);
  }

  employees(): readonly DetectionEmployee[] {
    return this.employeeList;
  }

  plans(employeeIds: readonly string[], date: LocalDate): readonly DayPlan[] {
    const t = performance.now();
    const d = weekday(date);
    const day = { start: Z.instant(date, 9 * 60), end: Z.instant(date, 18 * 60) };
    const night = { start: Z.instant(date, 22 * 60), end: Z.instant(addDays(date, 1), 6 * 60) };
    const out: DayPlan[] = employeeIds.map((id) => {
      if (d === 0 || d === 6) return { employeeId: id, date, kind: 'rest' };
      const n = isNight(indexOf(id));
      const s = n ? night : day;
      return {
        employeeId: id, date, kind: 'work',
        shift: { shiftId: n ? 'N' : 'D', startMs: s.start, endMs: s.end, graceLateMinutes: 5, graceEarlyMinutes: 5, windowStartMs: s.start - 240 * MINUTE, windowEndMs: s.end + 240 * MINUTE },
      };
    });
    this.portMs += performance.now() - t;
    return out;
  }

  punches(fromMs: number, toMs: number, employeeIds?: readonly string[]): readonly EmployeePunch[] {
    const t = performance.now();
    const out: EmployeePunch[] = [];
    const add = (rows: Iterable<unknown>, ids?: ReadonlySet<string>): void => {
      for (const [id, atMs, punchId] of rows as Iterable<[string, number, string]>) if (ids === undefined || ids.has(id)) out.push({ employeeId: id, atMs, punchId });
    };
    if (employeeIds !== undefined && employeeIds.length <= 100) for (const id of employeeIds) add(this.employeePunchQuery.iterate(id, fromMs, toMs));
    else add(this.punchQuery.iterate(fromMs, toMs), employeeIds === undefined || employeeIds.length === this.employeeList.length ? undefined : new Set(employeeIds));
    this.portMs += performance.now() - t;
    return out;
  }

  leave(fromMs: number, toMs: number, employeeIds?: readonly string[]): readonly LeaveInterval[] {
    const ids = employeeIds === undefined ? undefined : new Set(employeeIds);
    return this.leaveList.filter((l) => l.startMs < toMs && l.endMs > fromMs && (ids === undefined || ids.has(l.employeeId)));
  }

  watermark(): number | undefined {
    return this.watermarkMs;
  }
}

/** 1% of employees on leave all DAY, 0.5% on leave its morning. */
function leaveOn(date: LocalDate, employees: number): LeaveInterval[] {
  const rand = random(7);
  const out: LeaveInterval[] = [];
  for (let i = 0; i < employees; i++) {
    const r = rand();
    if (isNight(i) || runOnDay(i) || monthOnDay(i)) continue;
    if (r < 0.01) out.push({ leaveId: i, employeeId: employeeId(i), startMs: Z.instant(date, 0), endMs: Z.instant(addDays(date, 1), 0), kind: 'annual' });
    else if (r < 0.015) out.push({ leaveId: i, employeeId: employeeId(i), startMs: Z.instant(date, 9 * 60), endMs: Z.instant(date, 13 * 60), kind: 'personal' });
  }
  return out;
}

/**
 * Fills a fresh detection database: the month's history before DAY as stored instances (mostly
 * present, 3% absent, 1% leave, weekends rest, plus the patterns that reach the thresholds on
 * DAY), the site cursor at the day before DAY, and the punches of the day before DAY and of DAY
 * (about two per employee) in a punch table like ingest's.
 */
export function fillDatabase(db: HubDatabase, employees: number): { historyRows: number; punches: number } {
  // Clustered by time, as a punch store read by time range would be.
  db.exec(`CREATE TABLE bench_punches (at_ms INTEGER NOT NULL, punch_id TEXT NOT NULL, employee_id TEXT NOT NULL, PRIMARY KEY (at_ms, punch_id)) STRICT, WITHOUT ROWID;
           CREATE INDEX bench_punches_employee ON bench_punches (employee_id, at_ms);`);
  const store = new DetectionStore(db);
  const rand = random(42);
  let historyRows = 0;
  let punches = 0;
  db.transaction(() => {
    for (const date of datesBetween(HISTORY_FROM, addDays(DAY, -1))) {
      const off = weekday(date) === 0 || weekday(date) === 6;
      for (let i = 0; i < employees; i++) {
        const night = isNight(i);
        const r = rand();
        let status: FinalStatus = off ? 'rest' : r < 0.03 ? 'absent' : r < 0.04 ? 'on_leave' : 'present';
        if (!off && runOnDay(i)) status = date >= addDays(DAY, -2) ? 'absent' : 'present';
        if (!off && monthOnDay(i)) status = ['2026-03-03', '2026-03-05', '2026-03-10', '2026-03-12'].includes(date) ? 'absent' : 'present';
        const start = Z.instant(date, night ? 22 * 60 : 9 * 60);
        const end = start + (night ? 8 : 9) * 60 * MINUTE;
        store.insertInstance({
          employeeId: employeeId(i), date, shiftId: off ? '' : night ? 'N' : 'D', dayKind: off ? 'rest' : 'work', status,
          startMs: off ? null : start, endMs: off ? null : end,
          firstPunchMs: status === 'present' ? start : null, lastPunchMs: status === 'present' ? end : null,
          punchCount: status === 'present' ? 2 : 0, lateMinutes: 0, earlyMinutes: 0, leaveMinutes: status === 'on_leave' ? 540 : 0,
        }, SITE.siteId, 0);
        historyRows++;
      }
    }
    store.advanceCursor(SITE.siteId, addDays(DAY, -1), 0);
    const insert = db.prepare('INSERT INTO bench_punches (punch_id, employee_id, at_ms) VALUES (?, ?, ?)');
    const onLeave = new Set(leaveOn(DAY, employees).map((l) => `${l.employeeId}|${l.startMs === Z.instant(DAY, 0) ? 'all' : 'am'}`));
    for (const date of [addDays(DAY, -1), DAY]) {
      for (let i = 0; i < employees; i++) {
        const id = employeeId(i);
        if (date === DAY && (runOnDay(i) || monthOnDay(i) || onLeave.has(`${id}|all`))) continue;
        for (const minutes of punchMinutes(isNight(i), rand(), date === DAY && onLeave.has(`${id}|am`))) {
          insert.run(`${id}-${date}-${minutes}`, id, Z.instant(date, minutes));
          punches++;
        }
      }
    }
  })();
  return { historyRows, punches };
}

/** Local minutes (past 24 h for the next morning) of one employee's punches on a day. */
function punchMinutes(night: boolean, r: number, morningLeave: boolean): number[] {
  const jitter = Math.floor(r * 1000) % 15;
  if (night) return r < 0.03 ? [] : r < 0.05 ? [22 * 60 - 5] : [22 * 60 - 10 + jitter, 30 * 60 + jitter];
  if (morningLeave) return [13 * 60 + jitter, 18 * 60 + jitter];
  if (r < 0.03) return [];
  if (r < 0.05) return [9 * 60 - 10];
  if (r < 0.15) return [9 * 60 + 6 + jitter * 3, 18 * 60 + jitter];
  if (r < 0.2) return [9 * 60 - jitter, 17 * 60 + jitter];
  return [9 * 60 - 20 + jitter, 18 * 60 + jitter];
}

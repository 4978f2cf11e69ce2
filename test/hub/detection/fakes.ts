import type { DayPlan } from '../../../hub/model/day-plan.js';
import type { LeaveInterval } from '../../../hub/model/leave.js';
import type { PunchTimes } from '../../../hub/model/punch.js';
import type { DetectionEmployee, DetectionPorts, DetectionSite } from '../../../hub/detection/ports.js';
import { addDays, parseClock, weekday, type LocalDate } from '../../../hub/time/local-date.js';
import { zone } from '../../../hub/time/zone.js';

/** A punch of the fake world: the employee it belongs to and its instant. */
export interface EmployeePunch {
  employeeId: string;
  atMs: number;
}

/** Groups punches by employee, each employee's instants ascending, as the ports answer. */
export function punchTimes(punches: Iterable<EmployeePunch>): Map<string, number[]> {
  const times = new Map<string, number[]>();
  for (const p of punches) {
    const list = times.get(p.employeeId);
    if (list === undefined) times.set(p.employeeId, [p.atMs]);
    else list.push(p.atMs);
  }
  for (const list of times.values()) list.sort((a, b) => a - b);
  return times;
}

export const Z = zone('+08:00');

/** The instant of a local wall time at the test site (+08:00); `HH:MM` or `HH:MM:SS`. */
export function at(date: LocalDate, clock: string): number {
  const [hm, seconds] = [clock.slice(0, 5), clock.length > 5 ? Number(clock.slice(6)) : 0];
  return Z.instant(date, parseClock(hm)) + seconds * 1000;
}

export interface ShiftSpec {
  shiftId?: string;
  graceLate?: number;
  graceEarly?: number;
  /** Window opens this many minutes before start and closes this many after end (default 240 each). */
  before?: number;
  after?: number;
}

/** A work plan; an end at or before the start ends the next day (22:00-06:00). */
export function work(employeeId: string, date: LocalDate, start = '09:00', end = '18:00', spec: ShiftSpec = {}): DayPlan {
  const startMs = at(date, start);
  let endMs = at(date, end);
  if (endMs <= startMs) endMs = at(addDays(date, 1), end);
  return {
    employeeId,
    date,
    kind: 'work',
    shift: {
      shiftId: spec.shiftId ?? (start >= end ? 'night' : 'day'),
      startMs,
      endMs,
      graceLateMinutes: spec.graceLate ?? 5,
      graceEarlyMinutes: spec.graceEarly ?? 5,
      windowStartMs: startMs - (spec.before ?? 240) * 60_000,
      windowEndMs: endMs + (spec.after ?? 240) * 60_000,
    },
  };
}

export function off(employeeId: string, date: LocalDate, kind: 'rest' | 'holiday' | 'not_employed' | 'unassigned' = 'rest'): DayPlan {
  return { employeeId, date, kind };
}

/** Monday to Friday 09:00-18:00, weekends off: the plan unless a test overrides the date. */
export function weekdaySchedule(employeeId: string, date: LocalDate): DayPlan {
  const d = weekday(date);
  return d === 0 || d === 6 ? off(employeeId, date) : work(employeeId, date);
}

/** In-memory ports: a directory, a calendar with per-date overrides, punches, leave and watermarks. */
export class FakePorts implements DetectionPorts {
  siteList: DetectionSite[] = [{ siteId: 's1', timeZone: '+08:00' }];
  employeeList: DetectionEmployee[] = [];
  overrides = new Map<string, DayPlan>();
  schedule: (employeeId: string, date: LocalDate) => DayPlan | undefined = weekdaySchedule;
  punchList: EmployeePunch[] = [];
  leaveList: LeaveInterval[] = [];
  watermarks = new Map<string, number>();
  /** Every port call, for asserting bulk reads. */
  calls: string[] = [];

  constructor(employees: readonly string[] = ['e1'], department = 'ops') {
    this.employeeList = employees.map((employeeId) => ({ employeeId, siteId: 's1', department }));
  }

  plan(p: DayPlan): this {
    this.overrides.set(`${p.employeeId}|${p.date}`, p);
    return this;
  }

  punch(employeeId: string, date: LocalDate, ...clocks: string[]): this {
    for (const c of clocks) this.punchList.push({ employeeId, atMs: at(date, c) });
    return this;
  }

  addLeave(employeeId: string, startMs: number, endMs: number, leaveId = this.leaveList.length + 1, kind = 'annual'): this {
    this.leaveList.push({ leaveId, employeeId, startMs, endMs, kind });
    return this;
  }

  /** Whole local days from..to, as the leave module gives full-day leave. */
  leaveDays(employeeId: string, from: LocalDate, to: LocalDate, leaveId?: number): this {
    return this.addLeave(employeeId, at(from, '00:00'), at(addDays(to, 1), '00:00'), leaveId);
  }

  sites(): readonly DetectionSite[] {
    return this.siteList;
  }

  employee(employeeId: string): DetectionEmployee | undefined {
    return this.employees().find((e) => e.employeeId === employeeId);
  }

  employeeIndex(): ReadonlyMap<string, DetectionEmployee> {
    return new Map(this.employees().map((e) => [e.employeeId, e]));
  }

  employees(siteId?: string): readonly DetectionEmployee[] {
    this.calls.push(`employees:${siteId ?? '*'}`);
    return this.employeeList.filter((e) => siteId === undefined || e.siteId === siteId);
  }

  plans(employeeIds: readonly string[], date: LocalDate): readonly DayPlan[] {
    this.calls.push(`plans:${date}`);
    const out: DayPlan[] = [];
    for (const id of employeeIds) {
      const p = this.overrides.get(`${id}|${date}`) ?? this.schedule(id, date);
      if (p !== undefined) out.push(p);
    }
    return out;
  }

  workPlansReaching(employeeIds: readonly string[], date: LocalDate, fromMs: number, toMs: number): readonly DayPlan[] {
    return this.plans(employeeIds, date).filter((p) => p.shift !== undefined && p.shift.windowEndMs >= fromMs && p.shift.windowStartMs <= toMs);
  }

  punches(fromMs: number, toMs: number, employeeIds?: readonly string[]): PunchTimes {
    this.calls.push('punches');
    const ids = employeeIds === undefined ? undefined : new Set(employeeIds);
    return punchTimes(this.punchList.filter((p) => p.atMs >= fromMs && p.atMs <= toMs && (ids === undefined || ids.has(p.employeeId))));
  }

  leave(fromMs: number, toMs: number, employeeIds?: readonly string[]): readonly LeaveInterval[] {
    this.calls.push('leave');
    const ids = employeeIds === undefined ? undefined : new Set(employeeIds);
    return this.leaveList.filter((l) => l.startMs < toMs && l.endMs > fromMs && (ids === undefined || ids.has(l.employeeId)));
  }

  watermark(siteId: string): number | undefined {
    return this.watermarks.get(siteId);
  }
}

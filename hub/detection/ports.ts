import type { DayPlan } from '../model/day-plan.js';
import type { LeaveInterval } from '../model/leave.js';
import type { PunchTimes } from '../model/punch.js';
import type { LocalDate } from '../time/local-date.js';

/**
 * What detection reads from the rest of the hub. The composition root adapts the directory, the
 * calendar, leave and ingest to these; tests use in-memory fakes. Every call is a bulk read: the
 * engine asks once per kind of input and date, never once per employee.
 */
export interface DetectionPorts {
  /** Every site, with the time zone its local calendar runs in (IANA name or `+08:00`). */
  sites(): readonly DetectionSite[];
  /** Employees of one site, or of every site. */
  employees(siteId?: string): readonly DetectionEmployee[];
  /** One employee, or undefined when the directory has no such id. */
  employee(employeeId: string): DetectionEmployee | undefined;
  /** Every employee by id, at one moment: for looking up many (a report), one read of the directory. */
  employeeIndex(): ReadonlyMap<string, DetectionEmployee>;
  /** One plan per listed employee for a local date (employees without one are left out). */
  plans(employeeIds: readonly string[], date: LocalDate): readonly DayPlan[];
  /** The work plans of the listed employees on a date whose punch window overlaps `[fromMs, toMs]`. */
  workPlansReaching(employeeIds: readonly string[], date: LocalDate, fromMs: number, toMs: number): readonly DayPlan[];
  /**
   * Optional: evaluation of these employees on these dates is about to ask for their punches (up
   * to `untilMs` at most), so an adapter may start reading them while the plans are made.
   */
  prefetchPunches?(employeeIds: readonly string[], dates: readonly LocalDate[], untilMs: number): void;
  /** Instants of punches with `fromMs <= atMs <= toMs`, per employee (ascending), of the listed employees or of everyone. */
  punches(fromMs: number, toMs: number, employeeIds?: readonly string[]): PunchTimes;
  /** Approved leave overlapping `[fromMs, toMs)`, of the listed employees or of everyone. */
  leave(fromMs: number, toMs: number, employeeIds?: readonly string[]): readonly LeaveInterval[];
  /**
   * The instant up to which every terminal of the site is known to be delivered, or undefined when
   * the site never synced. Nothing after it is judged: an offline gateway must not make a site absent.
   */
  watermark(siteId: string): number | undefined;
}

export interface DetectionSite {
  siteId: string;
  timeZone: string;
}

export interface DetectionEmployee {
  employeeId: string;
  siteId: string;
  /** For per-department reports; null when the directory has none. */
  department: string | null;
}

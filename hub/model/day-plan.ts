import type { LocalDate } from '../time/local-date.js';

/**
 * What an employee's schedule says about one local date at their site: a shift instance to work,
 * or why not. Produced by the calendar (schedules, rest days, statutory holidays, make-up working
 * days, overrides); judged by detection against punches and leave.
 */
export type DayKind =
  /** A shift instance is expected (a make-up working day included). */
  | 'work'
  /** A rest day of the employee's pattern (weekend, off day of a rotation). */
  | 'rest'
  /** A statutory holiday or in-lieu day off (or a local override declaring one). */
  | 'holiday'
  /** Before hire or after the employment end date. */
  | 'not_employed'
  /** Employed, but no schedule assignment covers the date. */
  | 'unassigned';

export interface ShiftInstance {
  shiftId: string;
  /** Instants (epoch ms): scheduled start and end; `end > start`, a night shift ends the next day. */
  startMs: number;
  endMs: number;
  /** Minutes after start still counted on time, and before end still counted as a full shift. */
  graceLateMinutes: number;
  graceEarlyMinutes: number;
  /** Punches in [windowStartMs, windowEndMs] may belong to this instance. */
  windowStartMs: number;
  windowEndMs: number;
}

export interface DayPlan {
  employeeId: string;
  /** The local date the shift starts on (a 22:00-06:00 shift belongs to the evening's date). */
  date: LocalDate;
  kind: DayKind;
  /** Set when kind is 'work'. */
  shift?: ShiftInstance;
  /** Holiday or make-up day name from the statutory calendar or an override, for reports. */
  note?: string;
  /** True when the date is a statutory make-up working day (调休上班). */
  makeUp?: boolean;
}

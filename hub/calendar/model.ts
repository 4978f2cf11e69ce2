import type { LocalDate } from '../time/local-date.js';

/** A shift as stored: local wall-clock minutes; `endMinute <= startMinute` ends the next day. */
export interface Shift {
  id: string;
  name: string;
  startMinute: number;
  endMinute: number;
  graceLateMinutes: number;
  graceEarlyMinutes: number;
  /** Punches this long before start / after end may still belong to the shift. */
  windowBeforeMinutes: number;
  windowAfterMinutes: number;
}

interface PatternBase {
  id: string;
  name: string | null;
  /** True: the statutory calendar (and its overrides) decides holidays and make-up days. */
  statutory: boolean;
}

export interface WeeklyPattern extends PatternBase {
  type: 'weekly';
  /** Shift id per weekday, index 0 = Sunday as `weekday()` counts; null = day off. */
  days: readonly (string | null)[];
  /** Shift worked on make-up working days; null only for non-statutory patterns. */
  makeUpShift: string | null;
}

export interface RotationPattern extends PatternBase {
  type: 'rotation';
  /** The date on which `cycle[0]` falls. */
  anchor: LocalDate;
  cycle: readonly (string | null)[];
}

export type Pattern = WeeklyPattern | RotationPattern;

/** An employee follows a pattern from `from` to `to` (both included; null: open-ended). */
export interface Assignment {
  employee: string;
  pattern: string;
  from: LocalDate;
  to: LocalDate | null;
}

/** holiday: a day off with a name; workday: a make-up working day; rest: an ordinary day off. */
export type OverrideKind = 'holiday' | 'workday' | 'rest';

export interface CalendarOverride {
  date: LocalDate;
  kind: OverrideKind;
  name: string;
  /** Null: every site. */
  site: string | null;
}

/** Who the planner plans for: the directory's fields that decide a day. */
export interface PlannedEmployee {
  id: string;
  site: string;
  /** First and last day of employment, both included; null: not known / still employed. */
  hireDate: LocalDate | null;
  endDate: LocalDate | null;
}

/**
 * Absenteeism counts of one employee, from their final instances in date order.
 *
 * - An absent day is an instance classified `absent` (partial leave included).
 * - A run of consecutive absent working days grows with each absent day. Any attended day
 *   (present, late, early_leave, missing_punch) ends it. An approved leave day (`on_leave`) ends it
 *   when `leaveBreaksRun` (default), else it neither counts nor breaks. Rest days and holidays
 *   neither count nor break it by default (absent Friday and Monday are two consecutive absent
 *   working days); with `restBreaksRun` they end it. Dates with no row (not employed, no schedule)
 *   neither count nor break. A run also ends once MAX_GAP_DAYS dates in a row pass without an
 *   absent day (a month-long shutdown, or leave that does not break runs): two absent days are in
 *   one run only when at most 31 days apart, so a run still going on a date has an absent day in
 *   the 31 dates up to it.
 * - Absent days per calendar month count by the instance's local date.
 * - A `consecutive` event is due for a run once it reaches `thresholds.consecutive` days (keyed by
 *   the run's first date, holding the dates that reached it); a `monthly` event once a month
 *   reaches `thresholds.monthly` (keyed by the month, holding the dates that reached it).
 */
import { appendTo } from '../collections.js';
import { HubError } from '../errors.js';
import { dayNumber, monthOf, type LocalDate } from '../time/local-date.js';
import { ATTENDED, type FinalStatus } from './types.js';

export interface CountRules {
  thresholds: { consecutive: number; monthly: number };
  restBreaksRun: boolean;
  leaveBreaksRun: boolean;
}

/** Absent days further apart than this are never in one run. */
export const MAX_GAP_DAYS = 31;

export const DEFAULT_COUNT_RULES: CountRules = { thresholds: { consecutive: 3, monthly: 5 }, restBreaksRun: false, leaveBreaksRun: true };

/** Fills defaults and checks the thresholds; throws HubError('CONFIG'). */
export function countRules(input: { thresholds?: Partial<CountRules['thresholds']>; restBreaksRun?: boolean; leaveBreaksRun?: boolean } = {}): CountRules {
  const rules: CountRules = {
    thresholds: {
      consecutive: input.thresholds?.consecutive ?? DEFAULT_COUNT_RULES.thresholds.consecutive,
      monthly: input.thresholds?.monthly ?? DEFAULT_COUNT_RULES.thresholds.monthly,
    },
    restBreaksRun: input.restBreaksRun ?? DEFAULT_COUNT_RULES.restBreaksRun,
    leaveBreaksRun: input.leaveBreaksRun ?? DEFAULT_COUNT_RULES.leaveBreaksRun,
  };
  for (const [name, value] of Object.entries(rules.thresholds)) {
    if (!Number.isInteger(value) || value < 1) {
      throw new HubError('CONFIG', `detection thresholds.${name} is ${String(value)}: use a whole number of days, 1 or more`);
    }
  }
  return rules;
}

/** The statuses that end a run under these rules. */
export function runBreakers(rules: CountRules): FinalStatus[] {
  return [...ATTENDED, ...(rules.leaveBreaksRun ? (['on_leave'] as const) : []), ...(rules.restBreaksRun ? (['rest'] as const) : [])];
}

export interface DayStatus {
  date: LocalDate;
  status: FinalStatus;
}

/** Every run of consecutive absent working days in `days` (ascending dates), each as its dates. */
export function absentRuns(days: readonly DayStatus[], rules: CountRules): LocalDate[][] {
  const breakers = new Set(runBreakers(rules));
  const runs: LocalDate[][] = [];
  let current: LocalDate[] | null = null;
  for (const d of days) {
    if (d.status === 'absent') {
      const previous = current?.[current.length - 1];
      if (previous !== undefined && dayNumber(d.date) - dayNumber(previous) > MAX_GAP_DAYS) current = null;
      if (current === null) {
        current = [];
        runs.push(current);
      }
      current.push(d.date);
    } else if (breakers.has(d.status)) {
      current = null;
    }
  }
  return runs;
}

/** Absent dates (ascending) per month (`YYYY-MM`). */
export function absentByMonth(absentDates: readonly LocalDate[]): Map<string, LocalDate[]> {
  const months = new Map<string, LocalDate[]>();
  for (const d of absentDates) {
    appendTo(months, monthOf(d), d);
  }
  return months;
}

/** Monthly events due for the absent dates (ascending) of whole months. */
export function dueMonthly(absentDates: readonly LocalDate[], rules: CountRules): DueThreshold[] {
  const n = rules.thresholds.monthly;
  return [...absentByMonth(absentDates)]
    .filter(([, dates]) => dates.length >= n)
    .map(([month, dates]) => ({ kind: 'monthly', date: `${month}-01`, dates: dates.slice(0, n) }));
}

/** A threshold event as the counts say it should exist. */
export interface DueThreshold {
  kind: 'consecutive' | 'monthly';
  /** consecutive: the run's first date; monthly: the month's first day. */
  date: LocalDate;
  /** The dates that reached the threshold (the first N of the run or month). */
  dates: LocalDate[];
}

/** Consecutive-days events due for the runs in `days` (ascending, starting after a breaking day). */
export function dueConsecutive(days: readonly DayStatus[], rules: CountRules): DueThreshold[] {
  const n = rules.thresholds.consecutive;
  return absentRuns(days, rules)
    .filter((run) => run.length >= n)
    .map((run) => ({ kind: 'consecutive', date: run[0]!, dates: run.slice(0, n) }));
}

import { dayNumber, weekday, type LocalDate } from '../time/local-date.js';
import type { CalendarOverride, Pattern } from './model.js';
import type { CalendarDay, StatutoryCalendar } from './statutory-calendar.js';

/** What a pattern says about one date at one site, before it is tied to an employee. */
export type PatternDay =
  | { kind: 'work'; shiftId: string; note?: string; makeUp?: true }
  | { kind: 'rest' | 'holiday'; note?: string };

/**
 * The rule of the day:
 * - Statutory patterns follow the statutory calendar at the site (site override > all-sites
 *   override > package): holidays are days off (`holiday`), `rest` overrides are days off
 *   (`rest`); on make-up working days a weekly pattern works its make-up shift (`makeUp`), a
 *   rotation keeps its cycle (it has no weekend to give back). An uncovered year throws.
 * - Non-statutory patterns (continuous operations) work through statutory holidays and never
 *   ask for the year's data, but a site's own `holiday` or `rest` override still gives the day
 *   off: it records that the site is closed (a plant anniversary), which stops the line too.
 *   All-sites overrides and `workday` overrides are corrections of the statutory calendar and do
 *   not apply to them.
 */
export function patternDay(pattern: Pattern, date: LocalDate, site: string, calendar: StatutoryCalendar): PatternDay {
  if (pattern.statutory) {
    const day = calendar.day(date, site);
    switch (day.type) {
      case 'holiday':
        return { kind: 'holiday', note: holidayNote(day) };
      case 'rest':
        return withNote({ kind: 'rest' }, day.name);
      case 'makeup_workday':
        if (pattern.type === 'weekly' && pattern.makeUpShift !== null) return withNote({ kind: 'work', shiftId: pattern.makeUpShift, makeUp: true }, day.name);
        return ownDay(pattern, date);
      case 'workday':
      case 'weekend':
        return ownDay(pattern, date);
    }
  }
  const closed: CalendarOverride | undefined = calendar.siteOverride(date, site);
  if (closed?.kind === 'holiday') return { kind: 'holiday', note: closed.name };
  if (closed?.kind === 'rest') return { kind: 'rest', note: closed.name };
  return ownDay(pattern, date);
}

/** The pattern's own shift for a date: weekday for weekly, cycle position for rotations. */
export function ownShift(pattern: Pattern, date: LocalDate): string | null {
  if (pattern.type === 'weekly') return pattern.days[weekday(date)] ?? null;
  const n = pattern.cycle.length;
  // Dates before the anchor count backwards: ((offset % n) + n) % n keeps the phase continuous.
  const position = (((dayNumber(date) - dayNumber(pattern.anchor)) % n) + n) % n;
  return pattern.cycle[position] ?? null;
}

function ownDay(pattern: Pattern, date: LocalDate): PatternDay {
  const shiftId = ownShift(pattern, date);
  return shiftId === null ? { kind: 'rest' } : { kind: 'work', shiftId };
}

function holidayNote(day: CalendarDay): string {
  const name = day.name ?? 'holiday';
  return day.inLieu === true ? `${name}, day off in lieu of a make-up working day` : name;
}

function withNote<T extends PatternDay>(day: T, note: string | undefined): T {
  if (note !== undefined) day.note = note;
  return day;
}

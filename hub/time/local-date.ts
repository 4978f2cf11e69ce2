import { HubError } from '../errors.js';

/**
 * A day in a site's own calendar, `YYYY-MM-DD`. Plain strings compare in date order, so they sort
 * and key maps without conversion. Arithmetic goes through UTC midnight, which has no DST.
 */
export type LocalDate = string;

const DAY_MS = 86_400_000;
const LOCAL_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Parses and checks a local date (rejects 2026-02-30); throws HubError('INVALID_INPUT'). */
export function parseLocalDate(text: string): LocalDate {
  const m = LOCAL_DATE.exec(text);
  if (m !== null) {
    const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
    const t = new Date(Date.UTC(y, mo - 1, d));
    if (t.getUTCFullYear() === y && t.getUTCMonth() === mo - 1 && t.getUTCDate() === d) return text;
  }
  throw new HubError('INVALID_INPUT', `"${text}" is not a date (use YYYY-MM-DD)`);
}

export function isLocalDate(text: string): boolean {
  try {
    parseLocalDate(text);
    return true;
  } catch {
    return false;
  }
}

/**
 * Dates and day numbers met lately, both ways: a run converts the same few days hundreds of
 * thousands of times, and a map look-up costs a tenth of building a Date and its ISO string.
 * Cleared when it grows past a few years of days (the keys are valid dates or day numbers only).
 */
const DAYS_KEPT = 2_000;
const dayNumbers = new Map<LocalDate, number>();
const dates = new Map<number, LocalDate>();

/** Days since 1970-01-01 of a local date. */
export function dayNumber(date: LocalDate): number {
  let day = dayNumbers.get(date);
  if (day === undefined) {
    day = Math.round(Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10))) / DAY_MS);
    // A malformed text gives NaN, which is not kept.
    if (Number.isFinite(day)) remember(dayNumbers, date, day);
  }
  return day;
}

export function fromDayNumber(day: number): LocalDate {
  let date = dates.get(day);
  if (date === undefined) {
    date = new Date(day * DAY_MS).toISOString().slice(0, 10);
    remember(dates, day, date);
  }
  return date;
}

function remember<K, V>(map: Map<K, V>, key: K, value: V): void {
  if (map.size >= DAYS_KEPT) map.clear();
  map.set(key, value);
}

export function addDays(date: LocalDate, days: number): LocalDate {
  return fromDayNumber(dayNumber(date) + days);
}

/** 0 = Sunday ... 6 = Saturday. */
export function weekday(date: LocalDate): number {
  return (((dayNumber(date) + 4) % 7) + 7) % 7;
}

/** `YYYY-MM` of a date. */
export function monthOf(date: LocalDate): string {
  return date.slice(0, 7);
}

/** Every date from `from` to `to`, both included. */
export function* datesBetween(from: LocalDate, to: LocalDate): Generator<LocalDate> {
  const end = dayNumber(to);
  for (let d = dayNumber(from); d <= end; d++) yield fromDayNumber(d);
}

/** Minutes after midnight as `HH:MM` (1440 is `24:00`); the inverse of parseClock. */
export function formatClock(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

/** `HH:MM` (00:00..23:59, or 24:00) as minutes after midnight; throws HubError('INVALID_INPUT'). */
export function parseClock(text: string): number {
  const m = /^(\d{2}):(\d{2})$/.exec(text);
  if (m !== null) {
    const minutes = Number(m[1]) * 60 + Number(m[2]);
    if (Number(m[2]) < 60 && minutes <= 24 * 60) return minutes;
  }
  throw new HubError('INVALID_INPUT', `"${text}" is not a time of day (use HH:MM, 24-hour)`);
}

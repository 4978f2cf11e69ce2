import { dayNumber, type LocalDate } from '../../time/local-date.js';
import type { ReportValue } from './table.js';

/** The local wall time of an ISO 8601 date-time, exactly as written (the offset is not applied). */
export interface WallTime {
  date: LocalDate;
  hour: number;
  minute: number;
  second: number;
  /** Fractional seconds as written, with the dot (`.250`), or `''`. */
  fraction: string;
}

const DATE_TIME = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})$/;

/**
 * Splits an ISO date-time with an offset into its wall time; `undefined` when it is not one (the
 * date part is checked by the caller, which owns the calendar rules).
 */
export function parseDateTime(text: string): WallTime | undefined {
  const m = DATE_TIME.exec(text);
  if (m === null) return undefined;
  const [hour, minute, second] = [Number(m[2]), Number(m[3]), Number(m[4] ?? '0')];
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  return { date: m[1] ?? '', hour, minute, second, fraction: m[5] ?? '' };
}

const pad2 = (n: number): string => String(n).padStart(2, '0');

/** `YYYY-MM-DD HH:MM:SS[.fff]`: the form Excel and WPS recognise as a date-time when reading CSV. */
export function wallTimeText(w: WallTime): string {
  return `${w.date} ${pad2(w.hour)}:${pad2(w.minute)}:${pad2(w.second)}${w.fraction}`;
}

/** Day 0 of the 1900 date system is 1899-12-30 for every date from 1900-03-01 on. */
const SERIAL_EPOCH_OFFSET = 25_569;
/**
 * Serials below this (dates before 1900-03-01) are wrong by a day in Excel, which counts the
 * non-existent 1900-02-29 (a Lotus 1-2-3 compatibility bug). Such dates are written as text.
 */
export const FIRST_EXACT_SERIAL = 61;

/** The Excel 1900-system serial number of a local date. */
export function excelDateSerial(date: LocalDate): number {
  return dayNumber(date) + SERIAL_EPOCH_OFFSET;
}

/** The Excel serial of a wall time: whole days plus the fraction of the day. */
export function excelDateTimeSerial(w: WallTime): number {
  const seconds = w.hour * 3600 + w.minute * 60 + w.second + (w.fraction === '' ? 0 : Number(w.fraction));
  return excelDateSerial(w.date) + seconds / 86_400;
}

/** A row's own value for a column key (never one inherited from `Object.prototype`, e.g. `constructor`). */
export function cellOf(row: Readonly<Record<string, ReportValue>>, key: string): ReportValue {
  return Object.hasOwn(row, key) ? row[key] : undefined;
}

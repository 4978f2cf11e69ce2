import { ProtocolError } from '../errors.js';

/**
 * A terminal's wall-clock time. Terminals keep local time with no zone: the site's zone is applied
 * by whoever turns this into an instant.
 */
export interface LocalDateTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const DAY = 86400;

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

export function daysInMonth(year: number, month: number): number {
  return month === 2 && isLeapYear(year) ? 29 : MONTH_DAYS[month - 1] ?? 0;
}

/** Why `t` is not a real moment, or undefined when it is. */
export function invalidReason(t: LocalDateTime): string | undefined {
  const { year, month, day, hour, minute, second } = t;
  if (!(Number.isInteger(year) && Number.isInteger(month) && Number.isInteger(day) && Number.isInteger(hour) && Number.isInteger(minute) && Number.isInteger(second))) {
    return 'fields must be integers';
  }
  if (month < 1 || month > 12) return `month ${month} is not 1..12`;
  if (day < 1 || day > daysInMonth(year, month)) return `day ${day} does not exist in ${year}-${pad(month)}`;
  if (hour > 23 || hour < 0) return `hour ${hour} is not 0..23`;
  if (minute > 59 || minute < 0) return `minute ${minute} is not 0..59`;
  if (second > 59 || second < 0) return `second ${second} is not 0..59`;
  return undefined;
}

export function isValidLocalDateTime(t: LocalDateTime): boolean {
  return invalidReason(t) === undefined;
}

/**
 * Encodes a wall-clock time as the terminal's u32:
 * `((Y % 100) * 12 * 31 + (M - 1) * 31 + D - 1) * 86400 + (h * 60 + m) * 60 + s`.
 * Only years 2000..2099 round-trip.
 */
export function encodeZkTime(t: LocalDateTime): number {
  if (t.year < 2000 || t.year > 2099) {
    throw new ProtocolError('INVALID_ARGUMENT', `terminal clocks hold years 2000..2099, got ${t.year}`);
  }
  const reason = invalidReason(t);
  if (reason !== undefined) throw new ProtocolError('INVALID_ARGUMENT', `impossible time: ${reason}`);
  const days = (t.year % 100) * 12 * 31 + (t.month - 1) * 31 + t.day - 1;
  return days * DAY + (t.hour * 60 + t.minute) * 60 + t.second;
}

/**
 * Decodes the terminal's u32 into fields, without judging them: the encoding can express days such
 * as 31 February, which `invalidReason` reports.
 */
export function decodeZkTimeFields(value: number): LocalDateTime {
  let v = value >>> 0;
  const second = v % 60;
  v = Math.floor(v / 60);
  const minute = v % 60;
  v = Math.floor(v / 60);
  const hour = v % 24;
  v = Math.floor(v / 24);
  const day = (v % 31) + 1;
  v = Math.floor(v / 31);
  const month = (v % 12) + 1;
  v = Math.floor(v / 12);
  return { year: v + 2000, month, day, hour, minute, second };
}

/** Decodes and refuses impossible moments with MALFORMED. */
export function decodeZkTime(value: number): LocalDateTime {
  const t = decodeZkTimeFields(value);
  const reason = invalidReason(t);
  if (reason !== undefined) {
    throw new ProtocolError('MALFORMED', `terminal time 0x${(value >>> 0).toString(16)} is impossible: ${reason}`);
  }
  return t;
}

/** The six-byte `YY MM DD hh mm ss` form used by realtime events (year - 2000). */
export function decodeEventTime(bytes: Uint8Array, offset = 0): LocalDateTime {
  return {
    year: 2000 + bytes[offset]!,
    month: bytes[offset + 1]!,
    day: bytes[offset + 2]!,
    hour: bytes[offset + 3]!,
    minute: bytes[offset + 4]!,
    second: bytes[offset + 5]!,
  };
}

export function encodeEventTime(t: LocalDateTime, out: Uint8Array, offset = 0): void {
  const reason = invalidReason(t);
  if (reason !== undefined || t.year < 2000 || t.year > 2255) {
    throw new ProtocolError('INVALID_ARGUMENT', `impossible event time: ${reason ?? `year ${t.year}`}`);
  }
  out[offset] = t.year - 2000;
  out[offset + 1] = t.month;
  out[offset + 2] = t.day;
  out[offset + 3] = t.hour;
  out[offset + 4] = t.minute;
  out[offset + 5] = t.second;
}

/** `YYYY-MM-DDTHH:MM:SS`, no zone. */
export function formatLocal(t: LocalDateTime): string {
  return `${t.year}-${pad(t.month)}-${pad(t.day)}T${pad(t.hour)}:${pad(t.minute)}:${pad(t.second)}`;
}

/** The wall-clock fields of `date` at a fixed UTC offset (minutes east of UTC). */
export function localFromDate(date: Date, offsetMinutes: number): LocalDateTime {
  const shifted = new Date(date.getTime() + offsetMinutes * 60_000);
  return {
    year: shifted.getUTCFullYear(),
    month: shifted.getUTCMonth() + 1,
    day: shifted.getUTCDate(),
    hour: shifted.getUTCHours(),
    minute: shifted.getUTCMinutes(),
    second: shifted.getUTCSeconds(),
  };
}

/** The instant a wall-clock time names at a fixed UTC offset (minutes east of UTC). */
export function dateFromLocal(t: LocalDateTime, offsetMinutes: number): Date {
  return new Date(Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute, t.second) - offsetMinutes * 60_000);
}

/** Seconds between two wall-clock times (b - a), ignoring zones. */
export function diffSeconds(a: LocalDateTime, b: LocalDateTime): number {
  return (dateFromLocal(b, 0).getTime() - dateFromLocal(a, 0).getTime()) / 1000;
}

/** "00".."99": formatting a time allocates no padding strings (it runs once per punch). */
const TWO_DIGITS: readonly string[] = Array.from({ length: 100 }, (_, n) => String(n).padStart(2, '0'));

function pad(n: number): string {
  return TWO_DIGITS[n] ?? String(n).padStart(2, '0');
}

/** Minutes east of UTC → `+08:00`, `-05:30`, `+00:00`. */
export function formatUtcOffset(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/** `+08:00`, `-05:30` or `Z` → minutes east of UTC, or a sentence saying what is wrong with the text. */
export function parseUtcOffset(text: string): number | string {
  if (text === 'Z' || text === 'z') return 0;
  const m = /^([+-])(\d{2}):(\d{2})$/.exec(text);
  if (m === null) return `"${text}" is not a UTC offset; write it like "+08:00" or "-05:30"`;
  const hours = Number(m[2]);
  const mins = Number(m[3]);
  if (mins > 59 || hours * 60 + mins > 14 * 60) return `"${text}" is beyond ±14:00; write the site's offset, e.g. "+08:00"`;
  const minutes = hours * 60 + mins;
  return m[1] === '-' ? -minutes : minutes;
}

/** A wall-clock time with a UTC offset: `2026-11-23T08:59:01+08:00`. */
export function formatWithOffset(t: LocalDateTime, offsetMinutes: number): string {
  return `${formatLocal(t)}${formatUtcOffset(offsetMinutes)}`;
}

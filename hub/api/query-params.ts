import { HubError } from '../errors.js';
import { parseLocalDate, type LocalDate } from '../time/local-date.js';

/** A query parameter that must be there and not empty. */
export function required(url: URL, name: string): string {
  const v = url.searchParams.get(name);
  if (v === null || v === '') throw new HubError('INVALID_INPUT', `query parameter ${name} is required`);
  return v;
}

/** A required local date (`YYYY-MM-DD`). */
export function dateParam(url: URL, name: string): LocalDate {
  const v = url.searchParams.get(name);
  if (v === null) throw new HubError('INVALID_INPUT', `query parameter ${name}=YYYY-MM-DD is required`);
  return parseLocalDate(v);
}

/** `{[name]: value}` when the parameter is given, else `{}` (to spread into a query). */
export function optional<K extends string>(url: URL, name: K): Partial<Record<K, string>> {
  const v = url.searchParams.get(name);
  return v === null ? {} : ({ [name]: v } as Record<K, string>);
}

/** As `optional`, the value checked as a local date. */
export function optionalDate<K extends string>(url: URL, name: K): Partial<Record<K, string>> {
  const v = url.searchParams.get(name);
  return v === null ? {} : ({ [name]: parseLocalDate(v) } as Record<K, string>);
}

/** An optional instant: ISO 8601 with an offset, or epoch milliseconds. */
export function instant(url: URL, name: string): number | undefined {
  const v = url.searchParams.get(name);
  if (v === null || v === '') return undefined;
  const ms = /^\d+$/.test(v) ? Number(v) : /[zZ]|[+-]\d\d:\d\d$/.test(v) ? Date.parse(v) : Number.NaN;
  if (!Number.isSafeInteger(ms)) throw new HubError('INVALID_INPUT', `${name} must be an ISO 8601 time with an offset or epoch milliseconds, not "${v}"`);
  return ms;
}

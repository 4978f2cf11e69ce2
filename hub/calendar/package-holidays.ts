import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { HubError } from '../errors.js';
import type { LocalDate } from '../time/local-date.js';

/** A holiday period's name as the State Council notice gives it, in English and Chinese. */
export interface HolidayName {
  en: string;
  zh: string;
}

/**
 * Mainland China's statutory calendar as published by the npm package `chinese-days`: its data
 * file only (the package's functions guess for years it lacks; the hub must refuse instead).
 */
export interface PackageHolidays {
  /** The installed package version, named in "update the package" messages. */
  version: string;
  /** Years with at least one holiday entry: the years the package can answer for. */
  years: ReadonlySet<number>;
  /** Days off, weekend days inside a holiday period included. */
  holidays: ReadonlyMap<LocalDate, HolidayName>;
  /** Make-up working days (调休上班), named after the holiday they pay for. */
  workdays: ReadonlyMap<LocalDate, HolidayName>;
  /** Holidays that are days off in lieu (调休), for notes. */
  inLieu: ReadonlySet<LocalDate>;
}

let loaded: PackageHolidays | undefined;

/** The package's data, read once per process. */
export function packageHolidays(): PackageHolidays {
  loaded ??= readPackageHolidays();
  return loaded;
}

function readPackageHolidays(): PackageHolidays {
  const require = createRequire(import.meta.url);
  let packageFile: string;
  try {
    packageFile = require.resolve('chinese-days/package.json');
  } catch (err) {
    throw new HubError('CALENDAR', 'the npm package chinese-days is not installed; run npm install', { cause: err });
  }
  const dataFile = join(dirname(packageFile), 'dist', 'chinese-days.json');
  let pkg: { version?: unknown };
  let data: Record<string, unknown>;
  try {
    pkg = JSON.parse(readFileSync(packageFile, 'utf8')) as { version?: unknown };
    data = JSON.parse(readFileSync(dataFile, 'utf8')) as Record<string, unknown>;
  } catch (err) {
    throw new HubError('CALENDAR', `cannot read the statutory calendar ${dataFile}: ${(err as Error).message}; reinstall the npm package chinese-days`, { cause: err });
  }
  const holidays = namedDays(data, 'holidays', dataFile);
  const years = new Set<number>();
  for (const date of holidays.keys()) years.add(Number(date.slice(0, 4)));
  return {
    version: typeof pkg.version === 'string' ? pkg.version : 'unknown',
    years,
    holidays,
    workdays: namedDays(data, 'workdays', dataFile),
    inLieu: new Set(namedDays(data, 'inLieuDays', dataFile).keys()),
  };
}

/** `{"2026-02-15": "Spring Festival,春节,4"}` → date → names. */
function namedDays(data: Record<string, unknown>, key: string, file: string): Map<LocalDate, HolidayName> {
  const entries = data[key];
  if (typeof entries !== 'object' || entries === null) {
    throw new HubError('CALENDAR', `${file} has no "${key}" table; reinstall or update the npm package chinese-days`);
  }
  const days = new Map<LocalDate, HolidayName>();
  for (const [date, value] of Object.entries(entries)) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || typeof value !== 'string') {
      throw new HubError('CALENDAR', `${file}: unexpected entry ${key}["${date}"]; reinstall or update the npm package chinese-days`);
    }
    // "English name,中文名,days": the English name may itself hold a comma, the last two never do.
    const parts = value.split(',');
    const zh = parts.length >= 3 ? parts[parts.length - 2] ?? '' : parts[1] ?? '';
    const en = parts.length >= 3 ? parts.slice(0, -2).join(',') : parts[0] ?? '';
    days.set(date, { en: en.trim(), zh: zh.trim() });
  }
  return days;
}

import type { HubDatabase } from '../db/database.js';
import { HubError } from '../errors.js';
import { weekday, type LocalDate } from '../time/local-date.js';
import type { CalendarOverride } from './model.js';
import { loadOverrides, type CalendarOverrides } from './overrides.js';
import { packageHolidays, type PackageHolidays } from './package-holidays.js';

/**
 * What kind of day a date is in mainland China's statutory calendar at a site:
 * - `holiday`: a statutory day off (weekend days inside a holiday period included) or a
 *   `holiday` override;
 * - `makeup_workday`: a make-up working day (调休上班), from the package or a `workday` override;
 * - `rest`: an ordinary day off declared by a `rest` override;
 * - `workday` / `weekend`: Monday to Friday / Saturday and Sunday otherwise.
 */
export type CalendarDayType = 'holiday' | 'makeup_workday' | 'rest' | 'workday' | 'weekend';

export interface CalendarDay {
  date: LocalDate;
  type: CalendarDayType;
  /** For holidays and make-up days: "Spring Festival (春节)", or the override's name. */
  name?: string;
  /** True for a package holiday that is a day off in lieu of a make-up working day (调休). */
  inLieu?: boolean;
  /** Which rule decided: a site override, an all-sites override, the package, or the weekday. */
  source: 'site_override' | 'override' | 'package' | 'weekday';
}

/**
 * The statutory calendar with local overrides. Precedence: site override > all-sites override >
 * package > weekday. A year is answered only when it is covered (package data, or declared in
 * the overrides file); anything else is refused with HubError('CALENDAR'), never guessed.
 */
export class StatutoryCalendar {
  private readonly covered: ReadonlySet<number>;
  private readonly global = new Map<LocalDate, CalendarOverride>();
  private readonly bySite = new Map<string, Map<LocalDate, CalendarOverride>>();

  constructor(
    private readonly pkg: PackageHolidays,
    overrides: CalendarOverrides,
  ) {
    this.covered = new Set([...pkg.years, ...overrides.years]);
    for (const o of overrides.days) {
      if (o.site === null) {
        this.global.set(o.date, o);
      } else {
        let days = this.bySite.get(o.site);
        if (days === undefined) this.bySite.set(o.site, (days = new Map()));
        days.set(o.date, o);
      }
    }
  }

  /** Covered years, ascending. */
  coveredYears(): number[] {
    return [...this.covered].sort((a, b) => a - b);
  }

  isCovered(year: number): boolean {
    return this.covered.has(year);
  }

  /** The day at a site (or for every site when `site` is left out); throws for an uncovered year. */
  day(date: LocalDate, site?: string): CalendarDay {
    this.assertCovered(date);
    const local = site === undefined ? undefined : this.siteOverride(date, site);
    if (local !== undefined) return overrideDay(local, 'site_override');
    const global = this.global.get(date);
    if (global !== undefined) return overrideDay(global, 'override');
    const holiday = this.pkg.holidays.get(date);
    if (holiday !== undefined) {
      const day: CalendarDay = { date, type: 'holiday', name: `${holiday.en} (${holiday.zh})`, source: 'package' };
      if (this.pkg.inLieu.has(date)) day.inLieu = true;
      return day;
    }
    const workday = this.pkg.workdays.get(date);
    if (workday !== undefined) return { date, type: 'makeup_workday', name: `${workday.en} (${workday.zh})`, source: 'package' };
    const wd = weekday(date);
    return { date, type: wd === 0 || wd === 6 ? 'weekend' : 'workday', source: 'weekday' };
  }

  /** A site's own override of a date: what non-statutory patterns still honour (site closures). */
  siteOverride(date: LocalDate, site: string): CalendarOverride | undefined {
    return this.bySite.get(site)?.get(date);
  }

  private assertCovered(date: LocalDate): void {
    const year = Number(date.slice(0, 4));
    if (this.covered.has(year)) return;
    const range = yearRanges(this.coveredYears());
    throw new HubError(
      'CALENDAR',
      `no statutory holiday data for ${year} (asked about ${date}; chinese-days ${this.pkg.version} and the overrides file cover ${range}): ` +
        `update the npm package chinese-days once the State Council has published the ${year} holidays, ` +
        `or list ${year}'s holidays and make-up working days in the calendar overrides file and declare it there (years: [${year}])`,
    );
  }
}

/** The calendar from the installed package and the stored overrides. */
export function loadStatutoryCalendar(db: HubDatabase): StatutoryCalendar {
  return new StatutoryCalendar(packageHolidays(), loadOverrides(db));
}

function overrideDay(o: CalendarOverride, source: 'site_override' | 'override'): CalendarDay {
  const type = o.kind === 'holiday' ? 'holiday' : o.kind === 'workday' ? 'makeup_workday' : 'rest';
  return { date: o.date, type, name: o.name, source };
}

/** [2004, 2005, 2006, 2030] → "2004–2006, 2030". */
function yearRanges(years: readonly number[]): string {
  const parts: string[] = [];
  let i = 0;
  while (i < years.length) {
    let j = i;
    while (j + 1 < years.length && years[j + 1] === years[j]! + 1) j++;
    parts.push(i === j ? String(years[i]) : `${years[i]}–${years[j]}`);
    i = j + 1;
  }
  return parts.length === 0 ? 'no years' : parts.join(', ');
}

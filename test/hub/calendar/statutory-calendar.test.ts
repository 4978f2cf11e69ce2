import { describe, expect, it } from 'vitest';
import { HubError } from '../../../hub/errors.js';
import { packageHolidays } from '../../../hub/calendar/package-holidays.js';
import { StatutoryCalendar, loadStatutoryCalendar } from '../../../hub/calendar/statutory-calendar.js';
import { datesBetween } from '../../../hub/time/local-date.js';
import { calendarDb } from './calendar-db.js';

const packageOnly = (): StatutoryCalendar => new StatutoryCalendar(packageHolidays(), { days: [], years: [] });

describe('statutory calendar from chinese-days', () => {
  it('covers the years the package has holidays for: 2004..2026, not 2027', () => {
    const years = packageOnly().coveredYears();
    expect(years[0]).toBe(2004);
    expect(years.at(-1)).toBe(2026);
    expect(years).toEqual(Array.from({ length: 2026 - 2004 + 1 }, (_, i) => 2004 + i));
    expect(packageOnly().isCovered(2027)).toBe(false);
  });

  it('refuses 2027 with what to do', () => {
    const ask = (): unknown => packageOnly().day('2027-03-01');
    expect(ask).toThrow(HubError);
    try {
      ask();
    } catch (err) {
      const e = err as HubError;
      expect(e.code).toBe('CALENDAR');
      expect(e.message).toMatch(/^no statutory holiday data for 2027 \(asked about 2027-03-01; chinese-days [\d.]+ and the overrides file cover 2004–2026\)/);
      expect(e.message).toContain('update the npm package chinese-days');
      expect(e.message).toContain('declare it there (years: [2027])');
    }
    expect(() => packageOnly().day('2003-12-31')).toThrow(/no statutory holiday data for 2003/);
  });

  it('knows the 2026 Spring Festival: 15th..23rd off, Saturdays 14th and 28th worked', () => {
    const cal = packageOnly();
    for (const date of datesBetween('2026-02-15', '2026-02-23')) {
      const day = cal.day(date);
      expect(day, date).toMatchObject({ type: 'holiday', name: 'Spring Festival (春节)', source: 'package' });
    }
    expect(cal.day('2026-02-20').inLieu).toBe(true);
    expect(cal.day('2026-02-16').inLieu).toBeUndefined();
    expect(cal.day('2026-02-14')).toEqual({ date: '2026-02-14', type: 'makeup_workday', name: 'Spring Festival (春节)', source: 'package' });
    expect(cal.day('2026-02-28')).toMatchObject({ type: 'makeup_workday', name: 'Spring Festival (春节)' });
    expect(cal.day('2026-02-13')).toEqual({ date: '2026-02-13', type: 'workday', source: 'weekday' });
    expect(cal.day('2026-02-24')).toMatchObject({ type: 'workday' });
    expect(cal.day('2026-03-01')).toMatchObject({ type: 'weekend' });
    expect(cal.day('2026-02-07')).toMatchObject({ type: 'weekend' });
  });

  it('names other holidays in English and Chinese', () => {
    const cal = packageOnly();
    expect(cal.day('2026-10-01').name).toBe('National Day (国庆节)');
    expect(cal.day('2026-01-01').name).toBe("New Year's Day (元旦)");
    expect(cal.day('2026-01-04')).toMatchObject({ type: 'makeup_workday', name: "New Year's Day (元旦)" });
    expect(cal.day('2025-01-28').name).toBe('Spring Festival (春节)');
  });

  it('loads with the stored overrides (empty database: package only)', () => {
    const cal = loadStatutoryCalendar(calendarDb());
    expect(cal.day('2026-05-01').type).toBe('holiday');
    expect(cal.isCovered(2027)).toBe(false);
  });
});

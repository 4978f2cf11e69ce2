import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { importOverrides, importOverridesFile, loadOverrides, parseOverrides } from '../../../hub/calendar/overrides.js';
import { loadStatutoryCalendar } from '../../../hub/calendar/statutory-calendar.js';
import { calendarVersion } from '../../../hub/calendar/version.js';
import { calendarDb, DECLARED_2027 } from './calendar-db.js';
import { hubErrorOf } from '../hub-error.js';

const EXAMPLE = 'fixtures/hub/holidays.example.yaml';

describe('calendar overrides', () => {
  it('imports the example file: site days only, no year declared, 2027 still refused', () => {
    const db = calendarDb();
    expect(importOverridesFile(db, EXAMPLE)).toEqual({ days: 3, years: 0 });
    const cal = loadStatutoryCalendar(db);
    expect(cal.day('2026-09-12', 'shanghai-plant')).toMatchObject({ type: 'makeup_workday', name: 'Stocktaking Saturday', source: 'site_override' });
    expect(cal.day('2026-09-12', 'suzhou-plant')).toMatchObject({ type: 'weekend' });
    expect(cal.isCovered(2027)).toBe(false);
    expect(() => cal.day('2027-01-04')).toThrow(/no statutory holiday data for 2027/);
  });

  it('a declared year is covered: answers from the file and the weekday', () => {
    const db = calendarDb();
    expect(importOverrides(db, DECLARED_2027)).toEqual({ days: 2, years: 1 });
    const cal = loadStatutoryCalendar(db);
    expect(cal.isCovered(2027)).toBe(true);
    expect(cal.day('2027-01-01')).toEqual({ date: '2027-01-01', type: 'holiday', name: "New Year's Day", source: 'override' });
    expect(cal.day('2027-02-06')).toEqual({ date: '2027-02-06', type: 'makeup_workday', name: 'Spring Festival make-up', source: 'override' });
    expect(cal.day('2027-01-04')).toEqual({ date: '2027-01-04', type: 'workday', source: 'weekday' });
    expect(cal.day('2027-01-03')).toMatchObject({ type: 'weekend' });
    expect(() => cal.day('2028-01-03')).toThrow(/no statutory holiday data for 2028.*cover 2004–2027/);
  });

  it('site override > all-sites override > package', () => {
    const db = calendarDb();
    importOverrides(
      db,
      [
        'days:',
        '  - { date: 2026-10-08, kind: holiday, name: Company extra day }',
        '  - { date: 2026-10-08, kind: workday, name: Shanghai works, site: shanghai-plant }',
        '  - { date: 2026-10-01, kind: workday, name: Suzhou line restart, site: suzhou-plant }',
        '  - { date: 2026-10-10, kind: rest, name: Make-up cancelled }',
        '  - { date: 2026-12-31, kind: holiday, name: Plant anniversary, site: shanghai-plant }',
      ].join('\n'),
    );
    const cal = loadStatutoryCalendar(db);
    // 2026-10-08 is an ordinary Thursday in the package.
    expect(cal.day('2026-10-08', 'beijing-office')).toMatchObject({ type: 'holiday', name: 'Company extra day', source: 'override' });
    expect(cal.day('2026-10-08', 'shanghai-plant')).toMatchObject({ type: 'makeup_workday', name: 'Shanghai works', source: 'site_override' });
    expect(cal.day('2026-10-01', 'suzhou-plant')).toMatchObject({ type: 'makeup_workday', source: 'site_override' });
    expect(cal.day('2026-10-01', 'shanghai-plant')).toMatchObject({ type: 'holiday', name: 'National Day (国庆节)', source: 'package' });
    // A package make-up Saturday turned into an ordinary day off.
    expect(cal.day('2026-10-10', 'shanghai-plant')).toMatchObject({ type: 'rest', name: 'Make-up cancelled', source: 'override' });
    expect(cal.day('2026-12-31', 'shanghai-plant')).toMatchObject({ type: 'holiday', source: 'site_override' });
    expect(cal.day('2026-12-31', 'beijing-office')).toMatchObject({ type: 'workday' });
    expect(cal.day('2026-12-31')).toMatchObject({ type: 'workday' });
  });

  it('re-import replaces the previous content (an edited file converges) and bumps the version', () => {
    const db = calendarDb();
    const text = readFileSync(EXAMPLE, 'utf8');
    importOverrides(db, text);
    const first = loadOverrides(db);
    const v1 = calendarVersion(db);
    importOverrides(db, text);
    expect(loadOverrides(db)).toEqual(first);
    expect(calendarVersion(db)).toBe(v1 + 1);

    importOverrides(db, 'days:\n  - { date: 2026-12-31, kind: rest, name: Stocktaking, site: shanghai-plant }\n');
    expect(loadOverrides(db)).toEqual({ days: [{ date: '2026-12-31', site: 'shanghai-plant', kind: 'rest', name: 'Stocktaking' }], years: [] });
    expect(loadStatutoryCalendar(db).isCovered(2027)).toBe(false);
  });

  it('lists every problem with its row and field, and changes nothing', () => {
    const db = calendarDb();
    importOverridesFile(db, EXAMPLE);
    const before = loadOverrides(db);
    const err = hubErrorOf(() =>
      importOverrides(
        db,
        [
          'years: [2027, "2028", 2027]',
          'days:',
          '  - { date: 2027-02-30, kind: holiday, name: Bad date }',
          '  - { date: 2027-01-01, kind: holliday, name: Typo }',
          '  - { date: 2027-01-02, kind: rest, name: "" }',
          '  - { date: 2027-01-01, kind: rest, name: Twice }',
          '  - { date: 2027-01-05, kind: rest, name: Extra, sites: a }',
        ].join('\n'),
        'holidays.yaml',
      ),
    );
    expect(err.code).toBe('INVALID_INPUT');
    expect(err.message).toMatch(/^holidays\.yaml has 7 problems; nothing was imported:\n/);
    expect(err.problems).toEqual([
      { row: 2, field: 'years', message: expect.stringContaining('expected a number') },
      { row: 3, field: 'years', message: '2027 is already listed in row 1; remove one' },
      { row: 1, field: 'days.date', message: expect.stringContaining('not a date') },
      { row: 2, field: 'days.kind', message: expect.stringContaining('did you mean "holiday"?') },
      { row: 3, field: 'days.name', message: expect.stringContaining('is empty') },
      { row: 4, field: 'days.date', message: '2027-01-01 for every site is already in row 2; keep one' },
      { row: 5, field: 'days.sites', message: expect.stringContaining('did you mean "site"?') },
    ]);
    expect(err.message).toContain('  days row 2, kind: expected one of');
    expect(loadOverrides(db)).toEqual(before);
  });

  it('reports YAML syntax errors and unknown top-level keys as file problems', () => {
    expect(() => parseOverrides('days: [ {date: 2027-01-01', 'x.yaml')).toThrow(/x\.yaml has \d+ problems?; nothing was imported:\n  \(file\): line \d+/);
    const err = hubErrorOf(() => parseOverrides('year: [2027]\n'));
    expect(err.problems).toEqual([{ row: 0, field: 'year', message: 'unknown key; use years, days' }]);
    expect(parseOverrides('')).toEqual({ days: [], years: [] });
  });
});

import { z } from 'zod';
import type { HubDatabase } from '../db/database.js';
import type { InputProblem } from '../errors.js';
import type { CalendarOverride, OverrideKind } from './model.js';
import { duplicateRows, LocalDateText, parseYaml, problemsError, rawField, readImportFile, topLevelLists, validateRows } from './input-problems.js';
import { bumpCalendarVersion } from './version.js';

/**
 * The local overrides file: days the statutory package lacks or gets wrong, site-only days
 * (a plant's anniversary), and whole years declared complete before the package covers them.
 * An import replaces everything the previous file said, so an edited file converges on re-import.
 */

const OverrideDay = z.strictObject({
  date: LocalDateText.describe('The local date, YYYY-MM-DD'),
  kind: z.enum(['holiday', 'workday', 'rest']).describe('holiday: a named day off; workday: a make-up working day; rest: an ordinary day off'),
  name: z.string().trim().min(1).describe('The name shown in reports, e.g. "Spring Festival make-up"'),
  site: z.string().trim().min(1).optional().describe('The site id this day applies to; leave it out for every site'),
});

const DeclaredYear = z.number().int().min(1990).max(2200).describe('A year whose holidays and make-up days this file lists completely, e.g. 2027');

const LISTS = ['years', 'days'] as const;

export interface CalendarOverrides {
  days: CalendarOverride[];
  /** Years this file declares complete. */
  years: number[];
}

/** Validates an overrides file; throws HubError('INVALID_INPUT') listing every problem. */
export function parseOverrides(text: string, source = 'calendar overrides'): CalendarOverrides {
  const problems: InputProblem[] = [];
  const lists = topLevelLists(parseYaml(text, source), LISTS, problems);
  const years = validateRows('years', lists.years, DeclaredYear, problems);
  const days = validateRows('days', lists.days, OverrideDay, problems);

  duplicateRows(lists.years, (y) => (typeof y === 'number' ? String(y) : undefined), (row, first) => ({ row, field: 'years', message: `${String(lists.years[row - 1])} is already listed in row ${first}; remove one` }), problems);
  duplicateRows(
    lists.days,
    (d) => {
      const [date, site] = [rawField(d, 'date'), rawField(d, 'site')];
      return typeof date === 'string' ? `${date}|${typeof site === 'string' ? site.trim() : ''}` : undefined;
    },
    (row, first) => {
      const site = rawField(lists.days[row - 1], 'site');
      const where = typeof site === 'string' ? `site ${site.trim()}` : 'every site';
      return { row, field: 'days.date', message: `${String(rawField(lists.days[row - 1], 'date'))} for ${where} is already in row ${first}; keep one` };
    },
    problems,
  );
  if (problems.length > 0) throw problemsError(source, problems, LISTS);
  return {
    years: years.map((y) => y.value),
    days: days.map(({ value }) => ({ date: value.date, kind: value.kind, name: value.name, site: value.site ?? null })),
  };
}

/** Replaces the stored overrides with the file's content, in one transaction. */
export function importOverrides(db: HubDatabase, text: string, source = 'calendar overrides'): { days: number; years: number } {
  const overrides = parseOverrides(text, source);
  const insertDay = db.prepare('INSERT INTO calendar_overrides (date, site, kind, name) VALUES (?, ?, ?, ?)');
  const insertYear = db.prepare('INSERT INTO calendar_override_years (year) VALUES (?)');
  db.transaction(() => {
    db.prepare('DELETE FROM calendar_overrides').run();
    db.prepare('DELETE FROM calendar_override_years').run();
    for (const d of overrides.days) insertDay.run(d.date, d.site, d.kind, d.name);
    for (const y of overrides.years) insertYear.run(y);
    bumpCalendarVersion(db);
  }).immediate();
  return { days: overrides.days.length, years: overrides.years.length };
}

export function importOverridesFile(db: HubDatabase, path: string): { days: number; years: number } {
  return importOverrides(db, readImportFile(path), path);
}

export function loadOverrides(db: HubDatabase): CalendarOverrides {
  const days = db.prepare('SELECT date, site, kind, name FROM calendar_overrides ORDER BY date, site').all() as {
    date: string;
    site: string | null;
    kind: OverrideKind;
    name: string;
  }[];
  const years = db.prepare('SELECT year FROM calendar_override_years ORDER BY year').pluck().all() as number[];
  return { days, years };
}

import { z } from 'zod';
import { closest } from '../../agent/config/problems.js';
import type { InputProblem } from '../errors.js';
import { parseClock } from '../time/local-date.js';
import { duplicateRows, LocalDateText, parseYaml, problemsError, rawField, topLevelLists, validateRows, type Row } from './input-problems.js';
import type { Assignment, Pattern, Shift } from './model.js';

/**
 * The schedules file: shifts, patterns (weekly or rotation) and which employee follows which
 * pattern when. Validation reports every problem of every row; references may point at shifts
 * and patterns already stored, not only at those in the file.
 */

const Id = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'use letters, digits, "_", "-" and "." (at most 64), e.g. line-a')
  .describe('The id other entries refer to');

/** Minutes after midnight of `HH:MM`, or undefined when it is not a time of day. */
function minutesOf(text: string): number | undefined {
  try {
    return parseClock(text);
  } catch {
    return undefined;
  }
}
// zod runs later checks even after a failed one: each check copes with an invalid time itself.
const Clock = z.string().refine((t) => minutesOf(t) !== undefined, 'not a time of day; use HH:MM, 24-hour, quoted, e.g. "08:30"');
const Minutes = (max: number): z.ZodNumber => z.number().int().min(0).max(max);

const ShiftItem = z
  .strictObject({
    id: Id,
    name: z.string().trim().min(1).optional().describe('Shown in reports; default: the id'),
    start: Clock.refine((t) => (minutesOf(t) ?? 0) < 24 * 60, 'a shift starts at 00:00..23:59; write "00:00" for midnight').describe('Local start time'),
    end: Clock.describe('Local end time; at or before start means the next day (22:00-06:00)'),
    graceLateMinutes: Minutes(720).default(5).describe('Minutes after start still on time'),
    graceEarlyMinutes: Minutes(720).default(5).describe('Minutes before end still a full shift'),
    windowBeforeMinutes: Minutes(1440).default(120).describe('Punches this long before start may belong to the shift'),
    windowAfterMinutes: Minutes(1440).default(240).describe('Punches this long after end may belong to the shift'),
  })
  .superRefine((s, ctx) => {
    const [start, end] = [minutesOf(s.start), minutesOf(s.end)];
    if (start === undefined || end === undefined) return;
    const duration = shiftMinutes(start, end);
    if (s.graceLateMinutes + s.graceEarlyMinutes >= duration) {
      ctx.addIssue({ code: 'custom', path: ['graceLateMinutes'], message: `graceLateMinutes + graceEarlyMinutes must be shorter than the shift (${duration} minutes)` });
    }
  });

const ShiftRef = z.string().trim().min(1).describe('A shift id, or null for a day off');
const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
const Statutory = z.boolean().describe('true: statutory holidays are days off (weekly: make-up working days are worked); false: the pattern works through them');

const WeeklyItem = z.strictObject({
  id: Id,
  name: z.string().trim().min(1).optional(),
  type: z.literal('weekly'),
  days: z.strictObject(Object.fromEntries(WEEKDAYS.map((d) => [d, ShiftRef.nullable()])) as Record<(typeof WEEKDAYS)[number], z.ZodNullable<typeof ShiftRef>>),
  statutory: Statutory,
  makeUpShift: ShiftRef.optional().describe('The shift worked on make-up working days; default: the first shift Monday..Sunday'),
});

const RotationItem = z.strictObject({
  id: Id,
  name: z.string().trim().min(1).optional(),
  type: z.literal('rotation'),
  anchor: LocalDateText.describe('The date cycle[0] falls on'),
  cycle: z.array(ShiftRef.nullable()).min(1).max(366).describe('One entry per day: a shift id or null for a day off'),
  statutory: Statutory,
});

const PatternItem = z.discriminatedUnion('type', [WeeklyItem, RotationItem], { error: 'expected "weekly" or "rotation"' });
const pickPattern = (item: unknown): z.ZodType<z.output<typeof PatternItem>> => {
  const type = typeof item === 'object' && item !== null ? (item as { type?: unknown }).type : undefined;
  return type === 'weekly' ? WeeklyItem : type === 'rotation' ? RotationItem : PatternItem;
};

const AssignmentItem = z
  .strictObject({
    employee: z.string().trim().min(1).describe('The employee id'),
    pattern: Id.describe('The pattern id'),
    from: LocalDateText.describe('First day the pattern applies'),
    to: LocalDateText.nullable().optional().describe('Last day the pattern applies; leave out while it lasts'),
  })
  .refine((a) => a.to === undefined || a.to === null || a.to >= a.from, { path: ['to'], message: 'is before from; swap them or fix the date' });

/** Minutes a shift lasts: an end at or before the start is the next day's. */
function shiftMinutes(start: number, end: number): number {
  return end > start ? end - start : end + 24 * 60 - start;
}

const LISTS = ['shifts', 'patterns', 'assignments'] as const;

export interface ParsedSchedules {
  shifts: Shift[];
  patterns: Pattern[];
  assignments: Row<Assignment>[];
}

/** Ids already stored, which the file may refer to without defining. */
export interface KnownIds {
  shifts: ReadonlySet<string>;
  patterns: ReadonlySet<string>;
}

/** Validates a schedules file against itself and the stored ids; throws listing every problem. */
export function parseSchedules(text: string, known: KnownIds, source = 'schedules'): ParsedSchedules {
  const problems: InputProblem[] = [];
  const lists = topLevelLists(parseYaml(text, source), LISTS, problems);
  const shiftRows = validateRows('shifts', lists.shifts, ShiftItem, problems);
  const patternRows = validateRows('patterns', lists.patterns, pickPattern, problems);
  const assignmentRows = validateRows('assignments', lists.assignments, AssignmentItem, problems);

  // References count every id written in the file, valid row or not, so one mistake is reported once.
  const shiftIds = new Set([...known.shifts, ...idsOf(lists.shifts)]);
  const patternIds = new Set([...known.patterns, ...idsOf(lists.patterns)]);
  duplicateIds('shifts', lists.shifts, problems);
  duplicateIds('patterns', lists.patterns, problems);

  shiftReferences(lists.patterns, shiftIds, problems);
  lists.assignments.forEach((item, index) => {
    const id = rawField(item, 'pattern');
    if (typeof id === 'string' && !patternIds.has(id.trim())) {
      problems.push({ row: index + 1, field: 'assignments.pattern', message: unknownMessage('pattern', id.trim(), patternIds, 'patterns') });
    }
  });

  const patterns: Pattern[] = [];
  for (const { row, value: p } of patternRows) {
    if (p.type === 'weekly') {
      const days = WEEKDAYS.map((d) => p.days[d]);
      let makeUpShift: string | null = null;
      if (p.makeUpShift !== undefined) {
        if (!p.statutory) problems.push({ row, field: 'patterns.makeUpShift', message: 'only used when statutory is true; remove it or set statutory: true' });
        makeUpShift = p.makeUpShift;
      } else if (p.statutory) {
        // Monday first: a make-up Saturday is worked like the ordinary working week.
        makeUpShift = [...days.slice(1), days[0]].find((s) => s !== null && s !== undefined) ?? null;
        if (makeUpShift === null) problems.push({ row, field: 'patterns.makeUpShift', message: 'the pattern has no working day; name the shift worked on make-up working days' });
      }
      patterns.push({ id: p.id, name: p.name ?? null, type: 'weekly', statutory: p.statutory, days, makeUpShift });
    } else {
      patterns.push({ id: p.id, name: p.name ?? null, type: 'rotation', statutory: p.statutory, anchor: p.anchor, cycle: p.cycle });
    }
  }

  const assignments = assignmentRows.map(({ row, value: a }): Row<Assignment> => ({ row, value: { employee: a.employee, pattern: a.pattern, from: a.from, to: a.to ?? null } }));
  for (const [later, earlier] of overlaps(assignments)) {
    problems.push({ row: later.row, field: 'assignments.from', message: `${describeAssignment(later.value)} overlaps row ${earlier.row} (${describeAssignment(earlier.value)}); end one before the other starts` });
  }

  if (problems.length > 0) throw problemsError(source, problems, LISTS);
  const shifts = shiftRows.map(({ value: s }): Shift => ({
    id: s.id,
    name: s.name ?? s.id,
    startMinute: parseClock(s.start),
    endMinute: parseClock(s.end),
    graceLateMinutes: s.graceLateMinutes,
    graceEarlyMinutes: s.graceEarlyMinutes,
    windowBeforeMinutes: s.windowBeforeMinutes,
    windowAfterMinutes: s.windowAfterMinutes,
  }));
  return { shifts, patterns, assignments };
}

/** Pairs [later row, earlier row] of one employee whose date ranges share a day. */
function overlaps<T extends { value: Assignment }>(rows: readonly T[]): [T, T][] {
  const found: [T, T][] = [];
  const byEmployee = new Map<string, T[]>();
  for (const r of rows) {
    const seen = byEmployee.get(r.value.employee) ?? [];
    const clash = seen.find((s) => rangesMeet(s.value, r.value));
    if (clash !== undefined) found.push([r, clash]);
    seen.push(r);
    byEmployee.set(r.value.employee, seen);
  }
  return found;
}

export function rangesMeet(a: Assignment, b: Assignment): boolean {
  return (a.to === null || b.from <= a.to) && (b.to === null || a.from <= b.to);
}

export function describeAssignment(a: Assignment): string {
  return `${a.employee} on ${a.pattern} ${a.from}..${a.to ?? 'open-ended'}`;
}

/** Every shift a pattern item names (days, cycle, makeUpShift) must exist; checked on raw items. */
function shiftReferences(items: readonly unknown[], known: ReadonlySet<string>, problems: InputProblem[]): void {
  items.forEach((item, index) => {
    const check = (field: string, id: unknown): void => {
      if (typeof id === 'string' && !known.has(id.trim())) problems.push({ row: index + 1, field: `patterns.${field}`, message: unknownMessage('shift', id.trim(), known, 'shifts') });
    };
    const days = rawField(item, 'days');
    if (typeof days === 'object' && days !== null) for (const d of WEEKDAYS) check(`days.${d}`, rawField(days, d));
    const cycle = rawField(item, 'cycle');
    if (Array.isArray(cycle)) cycle.forEach((id, i) => check(`cycle[${i}]`, id));
    check('makeUpShift', rawField(item, 'makeUpShift'));
  });
}

function rawId(item: unknown): string | undefined {
  const id = rawField(item, 'id');
  return typeof id === 'string' ? id.trim() : undefined;
}

function idsOf(items: readonly unknown[]): string[] {
  return items.map(rawId).filter((id) => id !== undefined);
}

function duplicateIds(list: string, items: readonly unknown[], problems: InputProblem[]): void {
  const report = (row: number, first: number): InputProblem => ({ row, field: `${list}.id`, message: `"${rawId(items[row - 1]) ?? ''}" is already defined in row ${first}; ids must be unique` });
  duplicateRows(items, rawId, report, problems);
}

function unknownMessage(what: string, id: string, known: ReadonlySet<string>, list: string): string {
  const close = closest(id, [...known]);
  return `unknown ${what} "${id}"; ${close === undefined ? '' : `did you mean "${close}"? Otherwise `}define it under ${list}`;
}

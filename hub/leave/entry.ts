import { z } from 'zod';
import { rowProblem, type RowRef } from '../directory/input-file.js';
import { dateProblem, issuesToProblems, optionalText, requiredDate, requiredText } from '../directory/zod-fields.js';
import type { InputProblem } from '../errors.js';
import { addDays, parseClock, type LocalDate } from '../time/local-date.js';
import { normaliseKind, type LeaveKind } from './kind.js';

/** CSV columns of a leave import, in the documented order; the YAML keys are their camelCase. */
export const LEAVE_COLUMNS: readonly string[] = ['employee', 'kind', 'from', 'to', 'from_time', 'to_time', 'reason', 'approved_by', 'approved_at'];
export const REQUIRED_LEAVE_COLUMNS: readonly string[] = ['employee', 'kind', 'from', 'approved_by', 'approved_at'];

/** A validated leave, ready to store. */
export interface LeaveDraft {
  employeeId: string;
  kind: LeaveKind;
  kindNote: string | null;
  from: LocalDate;
  to: LocalDate;
  /** Partial day: local minutes; `toMinutes` < `fromMinutes` ends the next day, 1440 is midnight. */
  fromMinutes: number | null;
  toMinutes: number | null;
  /** The last local date the leave touches. */
  lastDate: LocalDate;
  reason: string | null;
  approvedBy: string;
  approvedAtMs: number;
}

const INSTANT = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/i;

/** Epoch ms of an ISO 8601 time with a UTC offset, or why it is not one. */
export function parseInstant(text: string): number | string {
  const m = INSTANT.exec(text);
  const fix = 'use an ISO 8601 time with its UTC offset, e.g. 2026-03-01T09:30:00+08:00';
  if (m === null) return `"${text}" is not a time with a UTC offset; ${fix}`;
  const [, date, hh, mm, ss, fraction, offset] = m;
  if (dateProblem(date!) !== undefined || Number(hh) > 23 || Number(mm) > 59 || Number(ss ?? 0) > 59) return `"${text}" is not a valid time; ${fix}`;
  const zone = offset!.toUpperCase() === 'Z' ? 'Z' : `${offset!.slice(0, 3)}:${offset!.slice(-2)}`;
  return Date.parse(`${date}T${hh}:${mm}:${ss ?? '00'}${fraction ?? ''}${zone}`);
}

function clockProblem(text: string): string | undefined {
  try {
    parseClock(text);
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

export const LeaveEntrySchema = z.strictObject({
  employee: requiredText(64),
  kind: requiredText(60),
  from: requiredDate(),
  to: optionalText(64, dateProblem),
  fromTime: optionalText(5, clockProblem),
  toTime: optionalText(5, clockProblem),
  reason: optionalText(500),
  approvedBy: requiredText(100),
  approvedAt: requiredText(40).superRefine((v, ctx) => {
    const parsed = v === '' ? 0 : parseInstant(v);
    if (typeof parsed === 'string') ctx.addIssue({ code: 'custom', message: parsed });
  }),
});

const CAMEL_TO_COLUMN: Record<string, string> = { fromTime: 'from_time', toTime: 'to_time', approvedBy: 'approved_by', approvedAt: 'approved_at' };

export function leaveFieldName(path: readonly PropertyKey[], format: RowRef['format']): string {
  const key = path.map(String).join('.');
  if (key === '') return format === 'csv' ? '(row)' : '(entry)';
  return format === 'csv' ? (CAMEL_TO_COLUMN[key] ?? key) : key;
}

const COLUMN_TO_KEY: Record<string, string> = Object.fromEntries(LEAVE_COLUMNS.map((c) => [c, c.replace(/_([a-z])/g, (_m, l: string) => l.toUpperCase())]));

/** A CSV row as an entry: present columns, camelCase keys, empty cells as null. */
export function csvRowToLeave(cells: Record<string, string>): Record<string, unknown> {
  const entry: Record<string, unknown> = {};
  for (const [column, cell] of Object.entries(cells)) entry[COLUMN_TO_KEY[column] ?? column] = cell === '' ? null : cell;
  return entry;
}

type LeaveEntry = z.output<typeof LeaveEntrySchema>;

/** Validates one leave entry: fields with zod, then how they fit together (also when other fields fail). */
export function validateLeave(value: unknown, ref: RowRef): { draft?: LeaveDraft; problems: InputProblem[] } {
  const result = LeaveEntrySchema.safeParse(value, { reportInput: true });
  const name = (key: string): string => leaveFieldName([key], ref.format);
  const problems = result.success
    ? []
    : issuesToProblems(result.error.issues, ref, (path) => leaveFieldName(path, ref.format), `the fields are ${LEAVE_COLUMNS.join(', ')} (camelCase in YAML)`);
  const failed = new Set(result.success ? [] : result.error.issues.map((i) => String(i.path[0] ?? '')));
  const e: Partial<LeaveEntry> = result.success ? result.data : validFields(value, failed);
  const ok = (...keys: (keyof LeaveEntry)[]): boolean => keys.every((k) => !failed.has(k));
  const given = (text: string | null | undefined): text is string => text !== null && text !== undefined;

  const to = e.to ?? e.from;
  if (ok('from', 'to') && e.from !== undefined && to !== undefined && to < e.from) problems.push(rowProblem(ref, name('to'), `the leave ends ${to}, before it starts ${e.from}`));
  let fromMinutes: number | null = null;
  let toMinutes: number | null = null;
  if (ok('fromTime', 'toTime') && given(e.fromTime) !== given(e.toTime)) {
    problems.push(rowProblem(ref, name(given(e.fromTime) ? 'toTime' : 'fromTime'), `a partial day needs both ${name('fromTime')} and ${name('toTime')}; leave both empty for whole days`));
  } else if (given(e.fromTime) && given(e.toTime)) {
    fromMinutes = parseClock(e.fromTime);
    toMinutes = parseClock(e.toTime);
    if (ok('from', 'to') && to !== e.from) {
      problems.push(rowProblem(ref, name('to'), `a partial day is on one date: leave ${name('to')} empty (a night shift's end on the next day is written as the earlier ${name('toTime')})`));
    }
    if (fromMinutes === 24 * 60) problems.push(rowProblem(ref, name('fromTime'), 'a leave cannot start at 24:00; write 00:00 on the next date'));
    else if (fromMinutes === toMinutes % (24 * 60)) problems.push(rowProblem(ref, name('toTime'), `the leave starts and ends at ${e.fromTime}; leave both times empty for a whole day`));
    if (toMinutes === 0) toMinutes = 24 * 60;
  }
  if (!result.success || problems.length > 0) return { problems };

  const entry = result.data;
  const { kind, note } = normaliseKind(entry.kind);
  const crosses = fromMinutes !== null && toMinutes !== null && toMinutes < fromMinutes;
  const last = entry.to ?? entry.from;
  return {
    problems,
    draft: {
      employeeId: entry.employee,
      kind,
      kindNote: note,
      from: entry.from,
      to: last,
      fromMinutes,
      toMinutes,
      lastDate: crosses ? addDays(last, 1) : last,
      reason: entry.reason ?? null,
      approvedBy: entry.approvedBy,
      approvedAtMs: parseInstant(entry.approvedAt) as number,
    },
  };
}

/** The fields of an invalid entry that are valid on their own. */
function validFields(value: unknown, failed: ReadonlySet<string>): Partial<LeaveEntry> {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || failed.has('')) return {};
  const out: Record<string, unknown> = {};
  for (const [key, schema] of Object.entries(LeaveEntrySchema.shape)) {
    if (failed.has(key)) continue;
    const parsed = (schema as z.ZodType).safeParse((value as Record<string, unknown>)[key]);
    if (parsed.success) out[key] = parsed.data;
  }
  return out as Partial<LeaveEntry>;
}

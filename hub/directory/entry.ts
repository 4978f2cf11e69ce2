import { z } from 'zod';
import type { InputProblem } from '../errors.js';
import { EMPLOYEE_FIELDS, fileFieldName, yamlPathOf, type FieldValues } from './fields.js';
import type { RowRef } from './input-file.js';
import { emailProblem, phoneProblem } from './plausible.js';
import { absent, dateProblem, issuesToProblems, optionalText, requiredDate, requiredText } from './zod-fields.js';

/**
 * One employee as an import file or the API gives it (the YAML shape; CSV rows are turned into
 * it), validated with zod. A field left out is left unchanged on an existing employee; a field
 * given empty (an empty CSV cell, `phone:` or `~` in YAML) clears it.
 */

const SITE = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const UNKNOWN_KEY_HINT = 'check the spelling (fields are camelCase, contacts nested under "contacts")';

const employeeId = requiredText(64).regex(/^\S+$/, 'an employee number has no spaces');
const site = requiredText(64).regex(SITE, 'a site id uses letters, digits, ".", "_" and "-" (as in the agent configuration)');

/** `site:userId;site:userId` (CSV) or a mapping `{site: userId}` (YAML); empty clears them all. */
const terminalIds = z.unknown().transform((value, ctx): Record<string, string> => {
  const out: Record<string, string> = {};
  const add = (siteId: string, userId: string): void => {
    if (!SITE.test(siteId)) ctx.addIssue({ code: 'custom', message: `"${siteId}" is not a site id (letters, digits, ".", "_" and "-")` });
    else if (userId === '' || userId.length > 32) ctx.addIssue({ code: 'custom', message: `the user id for site ${siteId} must be 1 to 32 characters` });
    else if (siteId in out) ctx.addIssue({ code: 'custom', message: `site ${siteId} is listed twice; one person has one user id per site` });
    else out[siteId] = userId;
  };
  if (absent(value)) return out;
  if (typeof value === 'string') {
    const malformed: string[] = [];
    for (const part of value.split(/[;；]/).map((p) => p.trim()).filter((p) => p !== '')) {
      const colon = part.search(/[:：]/);
      if (colon < 0) malformed.push(`"${part}"`);
      else add(part.slice(0, colon).trim(), part.slice(colon + 1).trim());
    }
    if (malformed.length > 0) {
      ctx.addIssue({ code: 'custom', message: `${malformed.join(', ')} ${malformed.length === 1 ? 'is' : 'are'} not site:userId (write e.g. "shanghai-plant:1023;suzhou:88")` });
    }
  } else if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    for (const [siteId, userId] of Object.entries(value)) {
      if (typeof userId !== 'string') ctx.addIssue({ code: 'custom', message: `the user id for site ${siteId} is missing` });
      else add(siteId.trim(), userId.trim());
    }
  } else {
    ctx.addIssue({ code: 'custom', message: 'expected a mapping of site to user id, or "site:userId;site:userId"' });
  }
  return out;
});

const emergency = z.strictObject({
  name: optionalText(100),
  phone: optionalText(40, phoneProblem),
  relation: optionalText(40),
});

const contacts = z.strictObject({
  phone: optionalText(40, phoneProblem),
  email: optionalText(254, emailProblem),
  chatId: optionalText(128),
  postalAddress: optionalText(500),
  emergency: emergency.nullish(),
});

export const EmployeeEntrySchema = z.strictObject({
  id: employeeId,
  name: requiredText(100),
  department: optionalText(100),
  manager: optionalText(64),
  site,
  hireDate: requiredDate(),
  endDate: optionalText(64, dateProblem),
  terminalIds: terminalIds.optional(),
  contacts: contacts.nullish(),
});

export type EmployeeEntry = z.output<typeof EmployeeEntrySchema>;

/** A validated entry as the writer applies it. */
export interface EmployeeChange {
  id: string;
  values: FieldValues;
  /** The complete set after the change; undefined leaves the terminal ids as they are. */
  terminalIds: Record<string, string> | undefined;
}

export function toChange(entry: Partial<EmployeeEntry> & { id: string }): EmployeeChange {
  const values: FieldValues = {};
  for (const { field } of EMPLOYEE_FIELDS) {
    let node: unknown = entry;
    for (const key of yamlPathOf(field).split('.')) node = node === null || node === undefined ? undefined : (node as Record<string, unknown>)[key];
    if (node !== undefined) values[field] = node as string | null;
  }
  return { id: entry.id, values, terminalIds: entry.terminalIds };
}

/** Where each CSV column goes in an entry. */
const COLUMN_PATHS: ReadonlyMap<string, readonly string[]> = new Map([
  ['id', ['id']],
  ['terminal_ids', ['terminalIds']],
  ...EMPLOYEE_FIELDS.map((f): [string, string[]] => [f.column, yamlPathOf(f.field).split('.')]),
]);

/** A CSV row as an entry: the present columns only, empty cells as null. */
export function csvRowToEntry(cells: Record<string, string>): Record<string, unknown> {
  const entry: Record<string, unknown> = {};
  for (const [column, cell] of Object.entries(cells)) {
    const path = COLUMN_PATHS.get(column);
    if (path === undefined) continue;
    let node = entry;
    for (const key of path.slice(0, -1)) node = (node[key] ??= {}) as Record<string, unknown>;
    node[path[path.length - 1]!] = cell === '' ? null : cell;
  }
  return entry;
}

export interface CheckedEntry {
  /** The change if the entry is valid; for an invalid one, the change its valid fields make (for the cross-row checks' report). */
  change: EmployeeChange | undefined;
  valid: boolean;
  problems: InputProblem[];
}

/** Validates one entry; problems name the CSV column or YAML path. */
export function validateEntry(value: unknown, ref: RowRef): CheckedEntry {
  const result = EmployeeEntrySchema.safeParse(value, { reportInput: true });
  if (result.success) return { change: toChange(result.data), valid: true, problems: [] };
  return { change: validPart(value, result.error.issues), valid: false, problems: issuesToProblems(result.error.issues, ref, (path) => fileFieldName(path, ref.format), UNKNOWN_KEY_HINT) };
}

/** The change made by the fields of an invalid entry that are valid on their own. */
function validPart(value: unknown, issues: readonly z.core.$ZodIssue[]): EmployeeChange | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const pruned = structuredClone(value) as Record<string, unknown>;
  for (const issue of issues) {
    const path = issue.path;
    if (path.length === 0) {
      if (issue.code !== 'unrecognized_keys') return undefined;
      for (const key of issue.keys) delete pruned[key];
      continue;
    }
    let node: unknown = pruned;
    for (const key of path.slice(0, -1)) node = typeof node === 'object' && node !== null ? (node as Record<PropertyKey, unknown>)[key] : undefined;
    if (typeof node !== 'object' || node === null) continue;
    const target = node as Record<PropertyKey, unknown>;
    if (issue.code === 'unrecognized_keys') {
      const inner = target[path[path.length - 1]!];
      if (typeof inner === 'object' && inner !== null) for (const key of issue.keys) delete (inner as Record<string, unknown>)[key];
    } else delete target[path[path.length - 1]!];
  }
  const result = EmployeeEntrySchema.partial().safeParse(pruned);
  if (!result.success || result.data.id === undefined) return undefined;
  return toChange({ ...result.data, id: result.data.id });
}

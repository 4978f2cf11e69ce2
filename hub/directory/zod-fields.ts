import { z } from 'zod';
import type { InputProblem } from '../errors.js';
import { parseLocalDate } from '../time/local-date.js';
import { rowProblem, type RowRef } from './input-file.js';

/**
 * zod building blocks shared by the directory and leave imports, with messages written for the
 * person fixing a spreadsheet. Input cells are text; an empty cell and a YAML null both mean
 * "nothing given here".
 */

export function absent(input: unknown): boolean {
  return input === undefined || input === null || input === '';
}

const textError = { error: (iss: { input?: unknown }) => (absent(iss.input) ? 'required' : 'expected text') };

export function requiredText(max: number) {
  return z.string(textError).trim().min(1, 'required').max(max, `longer than ${max} characters`);
}

/** Empty means cleared: null. `check` returns why a non-empty value is wrong, if it is. */
export function optionalText(max: number, check?: (text: string) => string | undefined) {
  return z
    .string(textError)
    .trim()
    .max(max, `longer than ${max} characters`)
    .nullish()
    .transform((v, ctx) => {
      if (v === '' || v === null) return null;
      const problem = v === undefined || check === undefined ? undefined : check(v);
      if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
      return v;
    });
}

export function dateProblem(text: string): string | undefined {
  try {
    parseLocalDate(text);
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

/** A required `YYYY-MM-DD` (checked with parseLocalDate). */
export function requiredDate() {
  return requiredText(64).superRefine((v, ctx) => {
    const problem = v === '' ? undefined : dateProblem(v);
    if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
  });
}

/** zod issues as row problems; `fieldName` names a path the way the file does (column or key path). */
export function issuesToProblems(
  issues: readonly z.core.$ZodIssue[],
  ref: RowRef,
  fieldName: (path: readonly PropertyKey[]) => string,
  unknownKeyHint: string,
): InputProblem[] {
  const problems: InputProblem[] = [];
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) problems.push(rowProblem(ref, fieldName([...issue.path, key]), `unknown field; ${unknownKeyHint}`));
      continue;
    }
    const input = (issue as { input?: unknown }).input;
    let text = issue.message;
    if (issue.code === 'invalid_type') {
      if (absent(input)) text = 'required';
      else if (issue.expected === 'object') text = 'expected a mapping (key: value lines)';
    }
    problems.push(rowProblem(ref, fieldName(issue.path), text));
  }
  return problems;
}

import type { YAMLError } from 'yaml';
import type { z } from 'zod';

/**
 * Turns zod issues into lines a site technician can act on: `path.to.field: what is wrong; how
 * to fix`. The fix comes from the issue itself (custom rules already say it) or from the
 * field's description in the schema, found by walking the schema along the issue's path.
 */

type Path = ReadonlyArray<PropertyKey>;

/** `terminals[1].clock.maxDriftSeconds`; the root is `(top level)`. */
export function formatPath(path: Path): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out === '' ? '(top level)' : out;
}

/** One line of a validation report and the place in the file it is about. */
export interface Problem {
  path: PropertyKey[];
  text: string;
}

export function formatIssues(root: z.ZodType, issues: readonly z.core.$ZodIssue[]): Problem[] {
  const problems: Problem[] = [];
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      const known = knownKeys(schemaAt(root, issue.path));
      for (const key of issue.keys) {
        const path = [...issue.path, key];
        problems.push({ path, text: `${formatPath(path)}: unknown key; ${unknownKeyFix(key, known)}` });
      }
      continue;
    }
    problems.push({ path: [...issue.path], text: `${formatPath(issue.path)}: ${describeIssue(issue, schemaAt(root, issue.path))}` });
  }
  const seen = new Set<string>();
  return problems.filter((p) => !seen.has(p.text) && seen.add(p.text));
}

function describeIssue(issue: z.core.$ZodIssue, schema: z.ZodType | undefined): string {
  const fix = descriptionOf(schema);
  const withFix = (problem: string): string => (fix === undefined ? problem : `${problem}; ${lowerFirst(fix)}`);
  const input = (issue as { input?: unknown }).input;
  switch (issue.code) {
    case 'invalid_type': {
      if (input === undefined) return withFix('required');
      if (input === null) return withFix('is empty');
      if (issue.expected === 'string' && (typeof input === 'number' || typeof input === 'boolean')) {
        return withFix(`expected text, got ${describeValue(input)} (quote it if it is meant as text: "${String(input)}")`);
      }
      return withFix(`expected ${expectedName(issue.expected)}, got ${describeValue(input)}`);
    }
    case 'too_small':
    case 'too_big': {
      const small = issue.code === 'too_small';
      const limit = Number(small ? issue.minimum : issue.maximum);
      if (issue.origin === 'string') {
        if (small && limit === 1) return withFix('is empty');
        return withFix(`${small ? 'shorter' : 'longer'} than the ${small ? 'minimum' : 'maximum'} of ${limit} characters`);
      }
      if (issue.origin === 'array') return withFix(`needs ${small ? 'at least' : 'at most'} ${limit} entries`);
      return withFix(`${describeValue(input)} is ${small ? 'below the minimum' : 'above the maximum'} ${limit}`);
    }
    case 'invalid_value': {
      const values = issue.values.map((v) => JSON.stringify(v));
      const close = typeof input === 'string' ? closest(input, issue.values.map(String)) : undefined;
      return `expected one of ${values.join(', ')}, got ${describeValue(input)}${close === undefined ? '' : `; did you mean "${close}"?`}`;
    }
    case 'invalid_format':
      if (issue.format === 'regex' && input !== undefined) return `${describeValue(input)} is not allowed; ${issue.message}`;
      return withFix(issue.message);
    case 'invalid_key':
      return `${issue.issues.map((i) => i.message).join('; ')}`;
    case 'not_multiple_of':
      return withFix(`${describeValue(input)} must be a whole number`);
    default:
      return issue.message;
  }
}

function expectedName(expected: string): string {
  switch (expected) {
    case 'string':
      return 'text';
    case 'number':
      return 'a number';
    case 'int':
      return 'a whole number';
    case 'boolean':
      return 'true or false';
    case 'object':
    case 'record':
      return 'a mapping (key: value lines)';
    case 'array':
      return 'a list (lines starting with "- ")';
    default:
      return expected;
  }
}

function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'an empty value';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  if (typeof value === 'number') return `the number ${value}`;
  return String(value);
}

function lowerFirst(text: string): string {
  // "The site id" → "the site id"; acronyms (MQTT, ZK, SQLite) stay.
  return /^[A-Z](?![A-Z])/.test(text) ? text[0]!.toLowerCase() + text.slice(1) : text;
}

function unknownKeyFix(key: string, known: readonly string[]): string {
  const close = closest(key, known);
  if (close !== undefined) return `did you mean "${close}"?`;
  return known.length === 0 ? 'remove it' : `remove it, or use one of: ${known.join(', ')}`;
}

/** The known value nearest to `text` by edit distance, if near enough to be a likely typo. */
export function closest(text: string, known: readonly string[]): string | undefined {
  const norm = (s: string): string => s.toLowerCase().replace(/[-_\s]/g, '');
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of known) {
    if (norm(candidate) === norm(text)) return candidate;
    const d = editDistance(text.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) {
      bestDistance = d;
      best = candidate;
    }
  }
  const allowed = Math.max(1, Math.min(3, Math.floor(text.length / 3)));
  if (bestDistance <= allowed) return best;
  // A shortened key (pollInterval for pollIntervalSeconds) is a likely mistake too.
  if (text.length >= 4) return known.find((k) => norm(k).startsWith(norm(text)));
  return undefined;
}

/** Levenshtein distance (insert, delete, substitute), O(n·m) with two rows. */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row.push(Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + cost));
    }
    prev = row;
  }
  return prev[b.length]!;
}

// ---- walking the schema along an issue's path ----

interface Def {
  type: string;
  shape?: Record<string, z.ZodType>;
  element?: z.ZodType;
  innerType?: z.ZodType;
  in?: z.ZodType;
  valueType?: z.ZodType;
}
const defOf = (s: z.ZodType): Def => (s as unknown as { _zod: { def: Def } })._zod.def;

/** Steps through wrappers (optional, default, pipe, ...) to the schema that holds the data. */
function unwrap(schema: z.ZodType): z.ZodType {
  let s = schema;
  for (let i = 0; i < 20; i++) {
    const def = defOf(s);
    const next = def.innerType ?? (def.type === 'pipe' ? def.in : undefined);
    if (next === undefined) return s;
    s = next;
  }
  return s;
}

function schemaAt(root: z.ZodType, path: Path): z.ZodType | undefined {
  let s: z.ZodType | undefined = root;
  for (const part of path) {
    if (s === undefined) return undefined;
    const def = defOf(unwrap(s));
    if (def.type === 'object' && typeof part === 'string') s = def.shape?.[part];
    else if (def.type === 'array' && typeof part === 'number') s = def.element;
    else if (def.type === 'record') s = def.valueType;
    else return undefined;
  }
  return s;
}

function knownKeys(schema: z.ZodType | undefined): string[] {
  if (schema === undefined) return [];
  const def = defOf(unwrap(schema));
  return def.type === 'object' && def.shape !== undefined ? Object.keys(def.shape) : [];
}

/** The first description found from the outermost wrapper inwards. */
function descriptionOf(schema: z.ZodType | undefined): string | undefined {
  let s = schema;
  for (let i = 0; s !== undefined && i < 20; i++) {
    if (s.description !== undefined) return s.description;
    const def = defOf(s);
    s = def.innerType ?? (def.type === 'pipe' ? def.in : undefined);
  }
  return undefined;
}

/** What went wrong reading a file, and what to do about it (for configuration messages). */
export function fileProblem(err: unknown): string {
  switch ((err as NodeJS.ErrnoException).code) {
    case 'ENOENT':
      return 'no such file; check the path';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied; let the user the service runs as read it (chmod or chown)';
    case 'EISDIR':
      return 'it is a folder; name a file';
    default:
      return (err as Error).message;
  }
}

/**
 * A YAML syntax error as one line, `line 3, column 7: what`, without the position the parser
 * also writes into its message (for configuration files and import files alike).
 */
export function yamlErrorLine(e: YAMLError): string {
  const at = e.linePos?.[0];
  const first = (e.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?/, '');
  return `${at === undefined ? '' : `line ${at.line}, column ${at.col}: `}${first}`;
}

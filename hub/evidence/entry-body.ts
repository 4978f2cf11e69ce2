import { canonicalJson, canonicalJsonIfFast, canonicalStringIfFast, type JsonValue } from './canonical-json.js';

/**
 * What an entry's leaf hash covers. The global `index` ties the body to its place in the log; for a
 * case's entries `caseSeq` (from 1) and `casePrev` (the leaf hash of the case's previous entry, hex)
 * chain the case's entries together, so a bundle missing one of them, or showing them in another
 * order, breaks the chain even though every remaining entry still proves its inclusion.
 */
export interface EntryBody {
  v: 1;
  index: number;
  kind: string;
  atMs: number;
  caseId: number | null;
  employeeId: string | null;
  data: JsonValue;
  /** SHA-256 (hex) of each stored document the entry relies on. */
  documents: readonly string[];
  casePrev: string | null;
  caseSeq: number | null;
}

/** The kind of the entry that closes a case's chain for an export. */
export const SEAL_KIND = 'case_sealed';

/**
 * The UTF-8 bytes that are hashed and exported: the body's RFC 8785 form.
 *
 * The keys are fixed, so the usual body is written field by field in canonical key order and only
 * `data` takes the general path; canonicalising a copy of the whole body costs about as much again
 * as its data. Anything that path does not vouch for (another key set, a field of another type, a
 * value to refuse, data only the reference writer orders right) goes to canonicalJson of the whole
 * body, which gives the same bytes and words a refusal from the body's root ("$.data.when").
 */
export function entryBytes(body: EntryBody): string {
  return (hasEnvelopeKeys(body) ? envelopeText(body) : undefined) ?? canonicalJson({ ...body });
}

/** The body's own enumerable keys, which are what `{ ...body }` would copy. */
const ENVELOPE_KEYS: ReadonlySet<string> = new Set(['atMs', 'caseId', 'casePrev', 'caseSeq', 'data', 'documents', 'employeeId', 'index', 'kind', 'v']);

/** True when a copy of the body would have exactly the envelope's keys (no more, no fewer, no symbols). */
function hasEnvelopeKeys(body: object): boolean {
  const keys = Object.keys(body);
  if (keys.length !== ENVELOPE_KEYS.size) return false;
  // The keys are distinct, so as many of them all in the set are the set.
  for (const key of keys) if (!ENVELOPE_KEYS.has(key)) return false;
  return Object.getOwnPropertySymbols(body).length === 0;
}

/** The body written field by field, keys in code-unit order; undefined when a field is not of the usual kind. */
function envelopeText(b: EntryBody): string | undefined {
  const atMs = numberText(b.atMs);
  const caseId = b.caseId === null ? 'null' : numberText(b.caseId);
  const casePrev = b.casePrev === null ? 'null' : stringText(b.casePrev);
  const caseSeq = b.caseSeq === null ? 'null' : numberText(b.caseSeq);
  const data = canonicalJsonIfFast(b.data);
  const documents = stringsText(b.documents);
  const employeeId = b.employeeId === null ? 'null' : stringText(b.employeeId);
  const index = numberText(b.index);
  const kind = stringText(b.kind);
  const v = numberText(b.v);
  if (atMs === undefined || caseId === undefined || casePrev === undefined || caseSeq === undefined || data === undefined) return undefined;
  if (documents === undefined || employeeId === undefined || index === undefined || kind === undefined || v === undefined) return undefined;
  return `{"atMs":${atMs},"caseId":${caseId},"casePrev":${casePrev},"caseSeq":${caseSeq},"data":${data},"documents":${documents},"employeeId":${employeeId},"index":${index},"kind":${kind},"v":${v}}`;
}

/** A finite number as JSON (and RFC 8785) prints it: String() is the same Number::toString, -0 as "0" too. */
function numberText(value: unknown): string | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? String(value) : undefined;
}

function stringText(value: unknown): string | undefined {
  return typeof value === 'string' ? canonicalStringIfFast(value) : undefined;
}

/** An array of strings; a hole or any other element leaves the body to canonicalJson. */
function stringsText(value: unknown): string | undefined {
  if (!Array.isArray(value)) return undefined;
  let out = '[';
  for (let i = 0; i < value.length; i++) {
    const s = stringText(value[i]);
    if (s === undefined) return undefined;
    out += i === 0 ? s : `,${s}`;
  }
  return `${out}]`;
}

/** Reads an exported entry file back, or says why it is not an entry body. */
export function parseEntryBody(text: string): { ok: true; body: EntryBody } | { ok: false; problem: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { ok: false, problem: 'is not JSON' };
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { ok: false, problem: 'is not a JSON object' };
  const b = raw as Record<string, unknown>;
  const int = (v: unknown): boolean => Number.isSafeInteger(v) && (v as number) >= 0;
  const hex = (v: unknown): boolean => typeof v === 'string' && /^[0-9a-f]{64}$/.test(v);
  const checks: [boolean, string][] = [
    [b.v === 1, 'v is not 1'],
    [int(b.index), 'index is not a whole number'],
    [typeof b.kind === 'string' && b.kind !== '', 'kind is missing'],
    [Number.isSafeInteger(b.atMs), 'atMs is not a whole number'],
    [b.caseId === null || Number.isSafeInteger(b.caseId), 'caseId is neither a number nor null'],
    [b.employeeId === null || typeof b.employeeId === 'string', 'employeeId is neither a string nor null'],
    ['data' in b, 'data is missing'],
    [Array.isArray(b.documents) && b.documents.every(hex), 'documents is not a list of SHA-256 hex'],
    [b.casePrev === null || hex(b.casePrev), 'casePrev is neither a hash nor null'],
    [b.caseSeq === null || (int(b.caseSeq) && (b.caseSeq as number) >= 1), 'caseSeq is neither a number from 1 nor null'],
    [Object.keys(b).length === 10, 'has fields other than v, index, kind, atMs, caseId, employeeId, data, documents, casePrev, caseSeq'],
  ];
  const failed = checks.find(([ok]) => !ok);
  if (failed !== undefined) return { ok: false, problem: failed[1] };
  return { ok: true, body: b as unknown as EntryBody };
}

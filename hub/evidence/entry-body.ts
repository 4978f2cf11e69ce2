import { canonicalJson, type JsonValue } from './canonical-json.js';

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
  documents: string[];
  casePrev: string | null;
  caseSeq: number | null;
}

/** The kind of the entry that closes a case's chain for an export. */
export const SEAL_KIND = 'case_sealed';

/** The UTF-8 bytes that are hashed and exported: the body's RFC 8785 form. */
export function entryBytes(body: EntryBody): string {
  return canonicalJson({ ...body });
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

import { HASH_BYTES } from './merkle.js';

/** A tree head the hub signed: the log had `treeSize` entries with this root at `atMs`. */
export interface SignedCheckpoint {
  treeSize: number;
  rootHash: Buffer;
  atMs: number;
  keyId: string;
  /** The exact bytes signed (UTF-8 of this text). */
  text: string;
  /** Raw 64-byte Ed25519 signature over `text`. */
  signature: Buffer;
}

export type CheckpointFields = Omit<SignedCheckpoint, 'text' | 'signature'>;

const HEADER = 'rollcall evidence checkpoint v1';

/**
 * The signed text: five short lines anyone can read and check with openssl, no JSON or ASN.1 to
 * parse. One value gives one text (base64 with padding, ISO time with milliseconds in UTC), so a
 * checkpoint stored as fields is signed and re-shown byte for byte.
 */
export function checkpointText(c: CheckpointFields): string {
  return `${HEADER}\nkey ${c.keyId}\nsize ${c.treeSize}\nroot ${c.rootHash.toString('base64')}\ntime ${new Date(c.atMs).toISOString()}\n`;
}

/** The fields of a checkpoint text, or why it is not one (it must be exactly what `checkpointText` writes). */
export function parseCheckpointText(text: string): { ok: true; fields: CheckpointFields } | { ok: false; problem: string } {
  const m = /^rollcall evidence checkpoint v1\nkey ([0-9a-f]{16})\nsize (0|[1-9]\d{0,15})\nroot ([A-Za-z0-9+/=]{44})\ntime (\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)\n$/.exec(text);
  if (m === null) return { ok: false, problem: `not a checkpoint text (five lines: "${HEADER}", key, size, root, time)` };
  const rootHash = Buffer.from(m[3]!, 'base64');
  const atMs = Date.parse(m[4]!);
  const treeSize = Number(m[2]);
  const fields = { keyId: m[1]!, treeSize, rootHash, atMs };
  if (rootHash.length !== HASH_BYTES || !Number.isSafeInteger(treeSize) || Number.isNaN(atMs) || checkpointText(fields) !== text) {
    return { ok: false, problem: 'the checkpoint text is not in its one canonical form (root of 32 bytes, a real UTC time)' };
  }
  return { ok: true, fields };
}

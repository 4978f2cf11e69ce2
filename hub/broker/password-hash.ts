import { randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';

/**
 * Gateway passwords at rest: `scrypt$N$r$p$salt$hash` (salt and hash base64). The hub's
 * configuration holds only the hash; `rollcall hub hash-password` makes one.
 */
const N = 16384;
const R = 8;
const P = 1;
const KEY_LENGTH = 32;

export function hashPassword(password: string): string {
  const salt = randomBytes(16);
  const hash = scryptSync(password, salt, KEY_LENGTH, { N, r: R, p: P });
  return `scrypt$${N}$${R}$${P}$${salt.toString('base64')}$${hash.toString('base64')}`;
}

/** Null when `text` is not a hash this module made (the config loader reports it). */
export function parsePasswordHash(text: string): { n: number; r: number; p: number; salt: Buffer; hash: Buffer } | null {
  const parts = text.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return null;
  const [n, r, p] = [Number(parts[1]), Number(parts[2]), Number(parts[3])];
  const salt = Buffer.from(parts[4] ?? '', 'base64');
  const hash = Buffer.from(parts[5] ?? '', 'base64');
  const powerOfTwo = Number.isInteger(n) && n >= 1024 && n <= 1 << 20 && (n & (n - 1)) === 0;
  if (!powerOfTwo || !Number.isInteger(r) || r < 1 || r > 32 || !Number.isInteger(p) || p < 1 || p > 16) return null;
  if (salt.length < 8 || hash.length < 16) return null;
  return { n, r, p, salt, hash };
}

/** Constant-time check of a password against a stored hash (false for a malformed hash). */
export function verifyPassword(password: string | Buffer, stored: string): boolean {
  const parsed = parsePasswordHash(stored);
  if (parsed === null) return false;
  const actual = scryptSync(password, parsed.salt, parsed.hash.length, { N: parsed.n, r: parsed.r, p: parsed.p, maxmem: 256 * parsed.n * parsed.r + 1024 * 1024 });
  return timingSafeEqual(actual, parsed.hash);
}

/** Whether two secrets are the same bytes, in time that does not depend on where they differ. */
export function sameSecret(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

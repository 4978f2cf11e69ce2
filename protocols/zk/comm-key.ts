import { ProtocolError } from '../errors.js';

const ZKSO = [0x5a, 0x4b, 0x53, 0x4f]; // 'Z' 'K' 'S' 'O'

/**
 * The 4-byte AUTH payload for comm key `key` on session `sessionId`: bit-reverse the key, add the
 * session id, XOR the LE bytes with "ZKSO", swap the 16-bit halves, then mix in `ticks`.
 */
export function deriveCommKey(key: number, sessionId: number, ticks = 50): Buffer {
  if (!Number.isInteger(key) || key < 0 || key > 0xffffffff) {
    throw new ProtocolError('INVALID_ARGUMENT', `comm key must be an integer in 0..4294967295, got ${key}`);
  }
  let reversed = 0;
  for (let i = 0; i < 32; i++) {
    reversed = ((reversed << 1) | ((key >>> i) & 1)) >>> 0;
  }
  const sum = (reversed + sessionId) >>> 0;
  const b = [sum & 0xff, (sum >>> 8) & 0xff, (sum >>> 16) & 0xff, (sum >>> 24) & 0xff].map((v, i) => v ^ ZKSO[i]!);
  // Swap the two u16 halves: bytes [2,3,0,1].
  const swapped = [b[2]!, b[3]!, b[0]!, b[1]!];
  const t = ticks & 0xff;
  return Buffer.from([swapped[0]! ^ t, swapped[1]! ^ t, t, swapped[3]! ^ t]);
}

/** Whether `payload` is the AUTH payload for `key` on `sessionId` (any ticks value). */
export function commKeyMatches(payload: Uint8Array, key: number, sessionId: number): boolean {
  if (payload.length < 4) return false;
  const expected = deriveCommKey(key, sessionId, payload[2]!);
  return expected.equals(Buffer.from(payload.subarray(0, 4)));
}

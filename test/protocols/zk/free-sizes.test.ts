import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  FREE_SIZES_MIN,
  FREE_SIZES_WITH_FACES,
  decodeFreeSizes,
  decodePacket,
  encodeFreeSizes,
  type FreeSizes,
} from '../../../protocols/zk/index.js';
import { PYZK_K20_FREE_SIZES_80, hex } from './captures.js';
import { expectCode } from './helpers.js';

/** Word i holds the value 1000 + i, so every field shows which word it came from. */
function numbered(length: number): Buffer {
  const buf = Buffer.alloc(length);
  for (let i = 0; i * 4 + 4 <= length; i++) buf.writeInt32LE(1000 + i, i * 4);
  return buf;
}

describe('decodeFreeSizes', () => {
  it('reads the documented words of a 92-byte reply (adrobinoga terminal.md offsets)', () => {
    expect(decodeFreeSizes(numbered(92))).toEqual({
      users: 1004, // byte 16
      fingerprints: 1006, // 24
      records: 1008, // 32
      oplog: 1010, // 40
      admins: 1012, // 48
      fingerprintCapacity: 1014, // 56
      userCapacity: 1015, // 60
      recordCapacity: 1016, // 64
      fingerprintsFree: 1017, // 68
      usersFree: 1018, // 72
      recordsFree: 1019, // 76
      faces: 1020, // 80
      faceCapacity: 1022, // 88
    });
  });

  it('an 80-byte reply has no face block; 81..91 bytes neither', () => {
    expect(decodeFreeSizes(numbered(80))).toMatchObject({ users: 1004, recordsFree: 1019, faces: undefined, faceCapacity: undefined });
    expect(decodeFreeSizes(numbered(91)).faces).toBeUndefined();
    expect(decodeFreeSizes(numbered(120))).toMatchObject({ faces: 1020, faceCapacity: 1022 });
  });

  it('reads words as signed', () => {
    const buf = Buffer.alloc(92);
    buf.writeInt32LE(-1, 16);
    expect(decodeFreeSizes(buf).users).toBe(-1);
  });

  it('reads from a view with a byte offset (packet data)', () => {
    const packet = decodePacket(hex(PYZK_K20_FREE_SIZES_80).subarray(8));
    expect(packet.data.byteOffset).toBeGreaterThan(0);
    expect(decodeFreeSizes(packet.data)).toMatchObject({ users: 2, userCapacity: 500, usersFree: 498 });
    const copy = new Uint8Array(packet.data);
    expect(decodeFreeSizes(copy)).toEqual(decodeFreeSizes(packet.data));
  });

  it.each([0, 4, 20, 79])('refuses %i bytes with TRUNCATED', (n) => {
    expectCode(() => decodeFreeSizes(Buffer.alloc(n)), 'TRUNCATED');
  });

  it('exports its two sizes', () => {
    expect([FREE_SIZES_MIN, FREE_SIZES_WITH_FACES]).toEqual([80, 92]);
  });
});

describe('encodeFreeSizes', () => {
  it('writes 92 bytes at the same offsets and zero elsewhere', () => {
    const sizes = decodeFreeSizes(numbered(92));
    const out = encodeFreeSizes(sizes);
    expect(out.length).toBe(92);
    const expected = numbered(92);
    for (const i of [0, 1, 2, 3, 5, 7, 9, 11, 13, 21]) expected.writeInt32LE(0, i * 4);
    expect(out).toEqual(expected);
  });

  it('writes absent faces as zero', () => {
    const s = decodeFreeSizes(numbered(80));
    const out = encodeFreeSizes(s);
    expect(out.readInt32LE(80)).toBe(0);
    expect(out.readInt32LE(88)).toBe(0);
  });

  it('round-trips (property)', () => {
    const i32 = fc.integer({ min: -0x80000000, max: 0x7fffffff });
    fc.assert(
      fc.property(
        fc.record({
          users: i32,
          fingerprints: i32,
          records: i32,
          oplog: i32,
          admins: i32,
          fingerprintCapacity: i32,
          userCapacity: i32,
          recordCapacity: i32,
          fingerprintsFree: i32,
          usersFree: i32,
          recordsFree: i32,
          faces: i32,
          faceCapacity: i32,
        }),
        (s: FreeSizes) => {
          expect(decodeFreeSizes(encodeFreeSizes(s))).toEqual(s);
        },
      ),
      { seed: 50, numRuns: 200 },
    );
  });
});

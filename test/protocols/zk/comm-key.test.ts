import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { commKeyMatches, deriveCommKey } from '../../../protocols/zk/index.js';
import { PYZK_AUTH_12, PYZK_AUTH_45, hex } from './captures.js';
import { expectCode } from './helpers.js';

describe('deriveCommKey', () => {
  it.each([
    [1234, 0x1f2e, '41363266'],
    [1234, 0x2e2e, '41363257'],
    [5678, 0x1f2e, '09093266'],
    [0, 0, '617d3279'],
    [12, 0x45cf, '614d323c'], // pyzk test.py, AUTH packet sent for password 12
    [45, 0x45cf, '61c9323c'], // pyzk test.py, AUTH packet sent for password 45
  ])('key %i on session 0x%s gives %s', (key, session, expected) => {
    expect(deriveCommKey(key, session).toString('hex')).toBe(expected);
  });

  it('the AUTH payloads in the pyzk captures are what we derive', () => {
    expect(hex(PYZK_AUTH_12).subarray(16)).toEqual(deriveCommKey(12, 0x45cf));
    expect(hex(PYZK_AUTH_45).subarray(16)).toEqual(deriveCommKey(45, 0x45cf));
  });

  it('puts ticks in byte 2 and XORs it into bytes 0, 1 and 3', () => {
    const base = deriveCommKey(1234, 0x1f2e, 0);
    const k = deriveCommKey(1234, 0x1f2e, 0x11);
    expect(k[2]).toBe(0x11);
    expect([k[0]! ^ 0x11, k[1]! ^ 0x11, k[3]! ^ 0x11]).toEqual([base[0], base[1], base[3]]);
    // Only the low byte of ticks counts.
    expect(deriveCommKey(1234, 0x1f2e, 0x132)).toEqual(deriveCommKey(1234, 0x1f2e, 0x32));
  });

  it('bit-reverses the key: key 1 (bit 0) lands in the top bit', () => {
    // reversed(1) = 0x80000000; + session 0 -> LE 00 00 00 80; ^ ZKSO -> 5a 4b 53 cf;
    // halves swapped -> 53 cf 5a 4b; ticks 0 -> 53 cf 00 4b
    expect(deriveCommKey(1, 0, 0).toString('hex')).toBe('53cf004b');
    // and the largest key wraps when the session id is added
    expect(deriveCommKey(0xffffffff, 1, 0).toString('hex')).toBe(deriveCommKey(0, 0, 0).toString('hex'));
  });

  it('drops the low byte of reversed(key) + session (ticks takes its place)', () => {
    // key 0 reverses to 0, so the sum is the session id itself.
    expect(deriveCommKey(0, 0x1200)).toEqual(deriveCommKey(0, 0x12ff));
    expect(deriveCommKey(0, 0x1200)).not.toEqual(deriveCommKey(0, 0x1300));
  });

  it('gives four bytes for any key, and a session differing in its high byte changes the payload', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: 0xfeff }), (key, session) => {
        const a = deriveCommKey(key, session);
        expect(a.length).toBe(4);
        expect(a[2]).toBe(50);
        expect(a.equals(deriveCommKey(key, session + 0x100))).toBe(false);
      }),
      { seed: 1102, numRuns: 500 },
    );
  });

  it.each([-1, 0x100000000, 1.5, Number.NaN])('refuses key %s with INVALID_ARGUMENT', (key) => {
    expectCode(() => deriveCommKey(key, 1), 'INVALID_ARGUMENT');
  });
});

describe('commKeyMatches', () => {
  it('accepts the payload for the right key and session, with any ticks', () => {
    expect(commKeyMatches(hex('41363266'), 1234, 0x1f2e)).toBe(true);
    expect(commKeyMatches(deriveCommKey(1234, 0x1f2e, 0xa7), 1234, 0x1f2e)).toBe(true);
    expect(commKeyMatches(hex('4136326600ff'), 1234, 0x1f2e)).toBe(true); // extra bytes ignored
  });

  it('refuses a wrong key, a wrong session, a tampered byte and short payloads', () => {
    expect(commKeyMatches(hex('41363266'), 1235, 0x1f2e)).toBe(false);
    expect(commKeyMatches(hex('41363266'), 1234, 0x2e2e)).toBe(false);
    expect(commKeyMatches(hex('41363267'), 1234, 0x1f2e)).toBe(false);
    expect(commKeyMatches(hex('413632'), 1234, 0x1f2e)).toBe(false);
    expect(commKeyMatches(new Uint8Array(0), 0, 0)).toBe(false);
  });

  // Terminal comm keys have at most 6 digits; such keys differ in bits that survive the derivation.
  it('refuses every payload for another 6-digit key (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 999999 }), fc.integer({ min: 0, max: 999999 }), fc.integer({ min: 0, max: 0xffff }), (a, b, s) => {
        fc.pre(a !== b);
        expect(commKeyMatches(deriveCommKey(a, s), b, s)).toBe(false);
        expect(commKeyMatches(deriveCommKey(a, s), a, s)).toBe(true);
      }),
      { seed: 99, numRuns: 500 },
    );
  });
});

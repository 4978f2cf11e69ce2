import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ATTENDANCE_RECORD_SIZES,
  decodeAttendance,
  encodeAttendance,
  type AttendanceInput,
  type LocalDateTime,
} from '../../../protocols/zk/index.js';
import { hex } from './captures.js';
import { expectCode, wallClock } from './helpers.js';

const T1: LocalDateTime = { year: 2018, month: 6, day: 25, hour: 17, minute: 50, second: 35 }; // 0x2368b36b
const T1_LE = '6bb36823';
/** 2019-02-30 00:00:00 in the ZK encoding: representable, impossible. */
const FEB30_LE = Buffer.alloc(4);
FEB30_LE.writeUInt32LE(((19 * 12 + 1) * 31 + 29) * 86400);

describe('8-byte records: u16 uid | u8 verify | u32 time | u8 state', () => {
  const bytes = hex('0201' + '0f' + T1_LE + '01');

  it('reads each field at its offset', () => {
    expect(decodeAttendance(bytes, 0, 8)).toEqual({
      uid: 0x0102,
      userId: '258',
      verify: 15,
      state: 1,
      workcode: 0,
      rawTime: 0x2368b36b,
      time: T1,
    });
  });

  it('encodes the same bytes', () => {
    expect(encodeAttendance({ uid: 258, userId: '258', verify: 15, state: 1, time: T1 }, 8)).toEqual(bytes);
    // without a uid the numeric user id is used
    expect(encodeAttendance({ userId: '258', verify: 15, state: 1, time: T1 }, 8)).toEqual(bytes);
  });
});

describe('16-byte records: u32 userId | u32 time | verify | state | 2 reserved | u32 workcode', () => {
  const bytes = hex('40e20100' + T1_LE + '04' + '05' + 'aabb' + '04030201');

  it('reads each field at its offset and ignores the reserved bytes', () => {
    expect(decodeAttendance(bytes, 0, 16)).toEqual({
      uid: undefined,
      userId: '123456',
      verify: 4,
      state: 5,
      workcode: 0x01020304,
      rawTime: 0x2368b36b,
      time: T1,
    });
  });

  it('encodes the same bytes, with the reserved bytes zeroed', () => {
    const expected = Buffer.from(bytes);
    expected.writeUInt16LE(0, 10);
    expect(encodeAttendance({ userId: '123456', verify: 4, state: 5, workcode: 0x01020304, time: T1 }, 16)).toEqual(expected);
  });

  it.each(['A12', '-1', '4294967296', '1.5'])('refuses the non-numeric or out-of-range user id "%s"', (userId) => {
    expectCode(() => encodeAttendance({ userId, verify: 0, state: 0, time: T1 }, 16), 'INVALID_ARGUMENT');
  });
});

describe('40-byte records: u16 uid | 24 userId | verify | u32 time | state | 8 reserved', () => {
  const userId = Buffer.alloc(24);
  userId.write('A1234', 'ascii');
  const bytes = Buffer.concat([hex('0700'), userId, hex('01'), hex(T1_LE), hex('03'), Buffer.alloc(8, 0xff)]);

  it('reads each field at its offset', () => {
    expect(bytes.length).toBe(40);
    expect(decodeAttendance(bytes, 0, 40)).toEqual({
      uid: 7,
      userId: 'A1234',
      verify: 1,
      state: 3,
      workcode: 0,
      rawTime: 0x2368b36b,
      time: T1,
    });
  });

  it('encodes the same bytes, with the reserved bytes zeroed', () => {
    const expected = Buffer.from(bytes);
    expected.fill(0, 32);
    expect(encodeAttendance({ uid: 7, userId: 'A1234', verify: 1, state: 3, time: T1 }, 40)).toEqual(expected);
  });

  it('reads a 24-character id with no terminator, and stops at the first NUL', () => {
    const full = Buffer.from(bytes);
    full.write('123456789012345678901234', 2, 'ascii');
    expect(decodeAttendance(full, 0, 40).userId).toBe('123456789012345678901234');
    full[5] = 0;
    expect(decodeAttendance(full, 0, 40).userId).toBe('123');
  });

  it('cuts a long id at 24 bytes on a UTF-8 character boundary', () => {
    const rec = encodeAttendance({ userId: 'x'.repeat(23) + 'é', verify: 0, state: 0, time: T1 }, 40);
    expect(decodeAttendance(rec, 0, 40).userId).toBe('x'.repeat(23));
    expect(rec[26]).toBe(0); // verify not overwritten
  });

  it('decodes ids in another encoding when asked (GBK)', () => {
    const rec = Buffer.from(bytes);
    rec.fill(0, 2, 26);
    hex('d5c5c8fd').copy(rec, 2);
    expect(decodeAttendance(rec, 0, 40, 'gbk').userId).toBe('张三');
  });
});

describe('all sizes', () => {
  it('decode at an offset, also from a Uint8Array view into a larger buffer', () => {
    const dataset = Buffer.alloc(4 + 3 * 40, 0xee);
    encodeAttendance({ uid: 1, userId: '1', verify: 1, state: 0, time: T1 }, 40, dataset, 4);
    encodeAttendance({ uid: 2, userId: '22', verify: 2, state: 1, time: T1 }, 40, dataset, 44);
    encodeAttendance({ uid: 3, userId: '333', verify: 15, state: 5, time: T1 }, 40, dataset, 84);
    expect([4, 44, 84].map((o) => decodeAttendance(dataset, o, 40).userId)).toEqual(['1', '22', '333']);
    const view = new Uint8Array(dataset.buffer, dataset.byteOffset + 44, 80);
    expect(decodeAttendance(view, 0, 40)).toMatchObject({ uid: 2, userId: '22', verify: 2, state: 1 });
    expect(decodeAttendance(view, 40, 40)).toMatchObject({ uid: 3, verify: 15, state: 5 });
  });

  it('encode into a buffer clears the slot and leaves its neighbours alone', () => {
    const out = Buffer.alloc(20, 0xee);
    encodeAttendance({ uid: 1, userId: '1', verify: 1, state: 1, time: T1 }, 8, out, 6);
    expect([...out.subarray(0, 6)]).toEqual(Array(6).fill(0xee));
    expect([...out.subarray(14)]).toEqual(Array(6).fill(0xee));
    expect(decodeAttendance(out, 6, 8).uid).toBe(1);
  });

  it.each([8, 16, 40] as const)('size %i: an impossible stored time gives time undefined, rawTime kept', (size) => {
    const rec = encodeAttendance({ uid: 9, userId: '9', verify: 1, state: 2, time: T1 }, size);
    FEB30_LE.copy(rec, size === 8 ? 3 : size === 16 ? 4 : 27);
    const r = decodeAttendance(rec, 0, size);
    expect(r.time).toBeUndefined();
    expect(r.rawTime).toBe(FEB30_LE.readUInt32LE(0));
    expect(r).toMatchObject({ userId: '9', verify: 1, state: 2 });
  });

  it.each([8, 16, 40] as const)('size %i: short input is TRUNCATED', (size) => {
    expectCode(() => decodeAttendance(Buffer.alloc(size - 1), 0, size), 'TRUNCATED');
    expectCode(() => decodeAttendance(Buffer.alloc(size + 3), 4, size), 'TRUNCATED');
    expectCode(() => decodeAttendance(Buffer.alloc(size), size + 10, size), 'TRUNCATED');
    expectCode(() => decodeAttendance(new Uint8Array(0), 0, size), 'TRUNCATED');
  });

  it.each([8, 16, 40] as const)('size %i: encode refuses an impossible time', (size) => {
    expectCode(
      () => encodeAttendance({ uid: 1, userId: '1', verify: 0, state: 0, time: { ...T1, month: 2, day: 30 } }, size),
      'INVALID_ARGUMENT',
    );
  });

  it.each([
    ['uid over 16 bits', { uid: 65536 }],
    ['verify over 8 bits', { verify: 300 }],
    ['negative state', { state: -1 }],
    ['fractional verify', { verify: 1.5 }],
  ] as const)('encode refuses %s instead of truncating it', (_label, bad) => {
    for (const size of [8, 16, 40] as const) {
      if (size === 16 && 'uid' in bad) continue; // 16-byte records carry no uid
      expectCode(() => encodeAttendance({ uid: 1, userId: '1', verify: 0, state: 0, time: T1, ...bad }, size), 'INVALID_ARGUMENT');
    }
  });

  it('8-byte encode needs a uid or a numeric user id', () => {
    expectCode(() => encodeAttendance({ userId: 'A7', verify: 0, state: 0, time: T1 }, 8), 'INVALID_ARGUMENT');
    expect(decodeAttendance(encodeAttendance({ userId: '77', verify: 0, state: 0, time: T1 }, 8), 0, 8).uid).toBe(77);
  });

  it('ATTENDANCE_RECORD_SIZES lists the three layouts, most common first', () => {
    expect(ATTENDANCE_RECORD_SIZES).toEqual([40, 16, 8]);
  });
});

const time = wallClock(2000, 2099);
const byte = fc.integer({ min: 0, max: 255 });

describe('round trips (property)', () => {
  it('8-byte records', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffff }), byte, byte, time, (uid, verify, state, t) => {
        const input: AttendanceInput = { uid, userId: String(uid), verify, state, time: t };
        expect(decodeAttendance(encodeAttendance(input, 8), 0, 8)).toEqual({ ...input, workcode: 0, rawTime: expect.any(Number) });
      }),
      { seed: 8, numRuns: 300 },
    );
  });

  it('16-byte records', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), byte, byte, fc.integer({ min: 0, max: 0xffffffff }), time, (id, verify, state, workcode, t) => {
        const input = { userId: String(id), verify, state, workcode, time: t };
        expect(decodeAttendance(encodeAttendance(input, 16), 0, 16)).toEqual({ ...input, uid: undefined, rawTime: expect.any(Number) });
      }),
      { seed: 16, numRuns: 300 },
    );
  });

  it('40-byte records (printable ids of up to 24 characters)', () => {
    const id = fc.string({ unit: fc.constantFrom(...'0123456789ABCDEFabcdef-_'), minLength: 1, maxLength: 24 });
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffff }), id, byte, byte, time, (uid, userId, verify, state, t) => {
        const input = { uid, userId, verify, state, time: t };
        expect(decodeAttendance(encodeAttendance(input, 40), 0, 40)).toEqual({ ...input, workcode: 0, rawTime: expect.any(Number) });
      }),
      { seed: 40, numRuns: 300 },
    );
  });
});

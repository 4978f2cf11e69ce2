import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ATTENDANCE_EVENT_LAYOUTS,
  MAX_EVENT_DATA,
  decodeAttendanceEvent,
  encodeAttendanceEvent,
  type AttendanceEventLayout,
  type LocalDateTime,
} from '../../../protocols/zk/index.js';
import { hex } from './captures.js';
import { expectCode, wallClock } from './helpers.js';

const T: LocalDateTime = { year: 2018, month: 6, day: 25, hour: 17, minute: 50, second: 35 };
const T_BYTES = '120619113223'; // 18 06 25 17 50 35
const text24 = (s: string): string => Buffer.concat([Buffer.from(s), Buffer.alloc(24 - s.length)]).toString('hex');

/** Hand-built payloads per layout (see events.ts), all for verify 1, state 2 unless noted. */
const LAYOUTS: Array<[number, string, { userId: string; verify: number; state: number; workcode: number }]> = [
  [10, '3930' + '01' + '02' + T_BYTES, { userId: '12345', verify: 1, state: 2, workcode: 0 }],
  [12, 'f1944900' + '01' + '02' + T_BYTES, { userId: '4822257', verify: 1, state: 2, workcode: 0 }],
  [14, '3930' + '01' + '02' + T_BYTES + 'ffffffff', { userId: '12345', verify: 1, state: 2, workcode: 0 }],
  [32, text24('1140064') + '0f' + '00' + T_BYTES, { userId: '1140064', verify: 15, state: 0, workcode: 0 }],
  [36, text24('A-9') + '04' + '05' + T_BYTES + '04030201', { userId: 'A-9', verify: 4, state: 5, workcode: 0x01020304 }],
];

describe('decodeAttendanceEvent', () => {
  it.each(LAYOUTS)('reads the %i-byte layout', (length, h, fields) => {
    const data = hex(h);
    expect(data.length).toBe(length);
    const e = decodeAttendanceEvent(data);
    expect(e).toEqual({ ...fields, time: T, rawTime: hex(T_BYTES) });
  });

  it.each([37, 40, 51, 52, 100, MAX_EVENT_DATA])('reads %i bytes as the 36-byte layout plus extra fields', (length) => {
    const head = hex(LAYOUTS[4]![1]);
    const data = Buffer.concat([head, Buffer.alloc(length - 36, 0xab)]);
    expect(decodeAttendanceEvent(data)).toEqual(decodeAttendanceEvent(head));
  });

  it.each([0, 1, 2, 8, 9, 11, 13, 15, 16, 20, 24, 28, 31, 33, 34, 35])('refuses %i bytes with MALFORMED', (length) => {
    const err = expectCode(() => decodeAttendanceEvent(Buffer.alloc(length, 1)), 'MALFORMED');
    expect(err.details).toEqual({ length });
  });

  it('refuses more than MAX_EVENT_DATA bytes with TOO_LARGE', () => {
    expectCode(() => decodeAttendanceEvent(Buffer.alloc(MAX_EVENT_DATA + 1)), 'TOO_LARGE');
  });

  it('keeps impossible times raw and leaves time undefined', () => {
    for (const bad of ['13021e113223', '1306191e3223', '12063f113b3c', '000000000000']) {
      const e = decodeAttendanceEvent(hex('3930' + '01' + '02' + bad));
      expect(e.time).toBeUndefined();
      expect(e.rawTime).toEqual(hex(bad));
      expect(e.userId).toBe('12345');
    }
  });

  it('copies rawTime out of the input', () => {
    const data = hex(LAYOUTS[0]![1]);
    const e = decodeAttendanceEvent(data);
    data.fill(0);
    expect(e.rawTime).toEqual(hex(T_BYTES));
  });

  it('reads from a Uint8Array view into a larger buffer', () => {
    const big = Buffer.concat([hex('eeeeee'), hex(LAYOUTS[1]![1]), hex('eeee')]);
    const view = new Uint8Array(big.buffer, big.byteOffset + 3, 12);
    expect(decodeAttendanceEvent(view)).toMatchObject({ userId: '4822257', time: T });
  });

  it('decodes GBK user ids when asked', () => {
    const data = hex(LAYOUTS[3]![1]);
    data.fill(0, 0, 24);
    hex('d5c5c8fd').copy(data, 0);
    expect(decodeAttendanceEvent(data, 'gbk').userId).toBe('张三');
  });
});

describe('encodeAttendanceEvent', () => {
  it.each(LAYOUTS)('writes the %i-byte layout', (length, h, fields) => {
    const out = encodeAttendanceEvent({ ...fields, time: T }, length as AttendanceEventLayout);
    const expected = hex(h);
    if (length === 14) expected.fill(0, 10); // the four extra bytes are written as zeros
    expect(out).toEqual(expected);
  });

  it('defaults to the 36-byte layout', () => {
    expect(encodeAttendanceEvent({ userId: '1', verify: 0, state: 0, time: T }).length).toBe(36);
    expect(ATTENDANCE_EVENT_LAYOUTS).toEqual([36, 32, 14, 12, 10]);
  });

  it.each([
    [10, '65536'],
    [14, '70000'],
    [10, 'abc'],
    [12, '4294967296'],
    [12, '-1'],
    [12, 'x1'],
  ] as const)('layout %i refuses user id "%s" with INVALID_ARGUMENT', (layout, userId) => {
    expectCode(() => encodeAttendanceEvent({ userId, verify: 0, state: 0, time: T }, layout), 'INVALID_ARGUMENT');
  });

  it('refuses impossible times with INVALID_ARGUMENT', () => {
    expectCode(() => encodeAttendanceEvent({ userId: '1', verify: 0, state: 0, time: { ...T, day: 31 } }), 'INVALID_ARGUMENT');
  });
});

describe('round trips (property)', () => {
  const time = wallClock(2000, 2255);
  const byte = fc.integer({ min: 0, max: 255 });

  it.each([10, 12, 14, 32, 36] as const)('layout %i', (layout) => {
    const userId =
      layout === 10 || layout === 14
        ? fc.integer({ min: 0, max: 0xffff }).map(String)
        : layout === 12
          ? fc.integer({ min: 0, max: 0xffffffff }).map(String)
          : fc.string({ unit: fc.constantFrom(...'0123456789ABZ-'), minLength: 1, maxLength: 24 });
    fc.assert(
      fc.property(userId, byte, byte, fc.integer({ min: 0, max: 0xffffffff }), time, (id, verify, state, workcode, t) => {
        const e = decodeAttendanceEvent(encodeAttendanceEvent({ userId: id, verify, state, workcode, time: t }, layout));
        expect(e).toMatchObject({ userId: id, verify, state, time: t, workcode: layout === 36 ? workcode : 0 });
      }),
      { seed: layout, numRuns: 200 },
    );
  });
});

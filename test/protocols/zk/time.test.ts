import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  dateFromLocal,
  daysInMonth,
  decodeEventTime,
  decodeZkTime,
  decodeZkTimeFields,
  diffSeconds,
  encodeEventTime,
  encodeZkTime,
  formatLocal,
  invalidReason,
  isValidLocalDateTime,
  localFromDate,
  type LocalDateTime,
} from '../../../protocols/zk/index.js';
import { expectCode, wallClock } from './helpers.js';

const t = (year: number, month: number, day: number, hour = 0, minute = 0, second = 0): LocalDateTime => ({
  year,
  month,
  day,
  hour,
  minute,
  second,
});

/** A valid wall-clock time in 2000..2099. */
const validTime = wallClock(2000, 2099);

describe('ZK u32 time', () => {
  it('reads the published vectors', () => {
    expect(decodeZkTime(0x2368b36b)).toEqual(t(2018, 6, 25, 17, 50, 35));
    expect(decodeZkTime(0x23689bc2)).toEqual(t(2018, 6, 25, 16, 9, 38));
  });

  it('writes the published vectors', () => {
    expect(encodeZkTime(t(2018, 6, 25, 17, 50, 35))).toBe(0x2368b36b);
    expect(encodeZkTime(t(2018, 6, 25, 16, 9, 38))).toBe(0x23689bc2);
    expect(0x2368b36b - 0x23689bc2).toBe(6057); // same day: plain seconds apart
  });

  it('follows the formula at its edges (31-day months, 12-month years)', () => {
    expect(encodeZkTime(t(2000, 1, 1))).toBe(0);
    expect(encodeZkTime(t(2000, 1, 1, 0, 0, 1))).toBe(1);
    expect(encodeZkTime(t(2000, 1, 2))).toBe(86400);
    expect(encodeZkTime(t(2000, 2, 1))).toBe(31 * 86400);
    expect(encodeZkTime(t(2000, 3, 1))).toBe(62 * 86400); // February counts as 31 days
    expect(encodeZkTime(t(2001, 1, 1))).toBe(372 * 86400);
    expect(encodeZkTime(t(2099, 12, 31, 23, 59, 59))).toBe(0xbf92f7ff);
    expect(decodeZkTime(0)).toEqual(t(2000, 1, 1));
    expect(decodeZkTime(0xbf92f7ff)).toEqual(t(2099, 12, 31, 23, 59, 59));
  });

  it('round-trips every valid time in 2000..2099', () => {
    fc.assert(
      fc.property(validTime, (time) => {
        const raw = encodeZkTime(time);
        expect(raw).toBeGreaterThanOrEqual(0);
        expect(raw).toBeLessThanOrEqual(0xffffffff);
        expect(decodeZkTime(raw)).toEqual(time);
      }),
      { seed: 2018, numRuns: 2000 },
    );
  });

  it('decodes every u32 to in-range fields, and valid ones encode back to the same value', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), (raw) => {
        const f = decodeZkTimeFields(raw);
        expect(f.month).toBeGreaterThanOrEqual(1);
        expect(f.month).toBeLessThanOrEqual(12);
        expect(f.day).toBeGreaterThanOrEqual(1);
        expect(f.day).toBeLessThanOrEqual(31);
        expect(f.hour).toBeLessThanOrEqual(23);
        if (isValidLocalDateTime(f) && f.year <= 2099) expect(encodeZkTime(f)).toBe(raw);
      }),
      { seed: 31, numRuns: 2000 },
    );
    expect(decodeZkTimeFields(0xffffffff)).toEqual(t(2133, 8, 18, 6, 28, 15));
    expect(decodeZkTimeFields(-1)).toEqual(decodeZkTimeFields(0xffffffff)); // read as u32
  });

  it('decodes impossible days: fields yes, decodeZkTime no (MALFORMED)', () => {
    const feb30 = ((19 * 12 + 1) * 31 + 29) * 86400; // 2019-02-30 00:00:00
    expect(feb30).toBe(615859200);
    expect(decodeZkTimeFields(feb30)).toEqual(t(2019, 2, 30));
    expect(invalidReason(t(2019, 2, 30))).toContain('day 30');
    const err = expectCode(() => decodeZkTime(feb30), 'MALFORMED');
    expect(err.message).toContain('0x24b54400');
    expectCode(() => decodeZkTime(((20 * 12 + 3) * 31 + 30) * 86400), 'MALFORMED'); // 2020-04-31
    expect(decodeZkTime(((20 * 12 + 1) * 31 + 28) * 86400)).toEqual(t(2020, 2, 29)); // leap day exists
    expectCode(() => decodeZkTime(((19 * 12 + 1) * 31 + 28) * 86400), 'MALFORMED'); // 2019-02-29
  });

  it.each([
    ['Feb 30', t(2019, 2, 30)],
    ['Feb 29 of a common year', t(2019, 2, 29)],
    ['Apr 31', t(2020, 4, 31)],
    ['month 0', t(2020, 0, 1)],
    ['month 13', t(2020, 13, 1)],
    ['day 0', t(2020, 1, 0)],
    ['hour 24', t(2020, 1, 1, 24)],
    ['minute 60', t(2020, 1, 1, 0, 60)],
    ['second 60', t(2020, 1, 1, 0, 0, 60)],
    ['negative second', t(2020, 1, 1, 0, 0, -1)],
    ['fractional minute', t(2020, 1, 1, 0, 1.5)],
    ['year 1999', t(1999, 12, 31)],
    ['year 2100', t(2100, 1, 1)],
  ])('encodeZkTime refuses %s with INVALID_ARGUMENT', (_name, time) => {
    expectCode(() => encodeZkTime(time), 'INVALID_ARGUMENT');
  });
});

describe('calendar helpers', () => {
  it('daysInMonth knows leap years, including centuries', () => {
    expect(daysInMonth(2000, 2)).toBe(29);
    expect(daysInMonth(2100, 2)).toBe(28);
    expect(daysInMonth(2024, 2)).toBe(29);
    expect(daysInMonth(2023, 2)).toBe(28);
    expect(daysInMonth(2023, 12)).toBe(31);
    expect(daysInMonth(2023, 11)).toBe(30);
  });

  it('formatLocal pads every field', () => {
    expect(formatLocal(t(2018, 6, 5, 7, 8, 9))).toBe('2018-06-05T07:08:09');
  });

  it('localFromDate and dateFromLocal apply a fixed offset and invert each other', () => {
    const instant = new Date('2024-02-29T22:30:00Z');
    expect(localFromDate(instant, 120)).toEqual(t(2024, 3, 1, 0, 30, 0));
    expect(localFromDate(instant, -300)).toEqual(t(2024, 2, 29, 17, 30, 0));
    expect(dateFromLocal(t(2024, 3, 1, 0, 30, 0), 120).toISOString()).toBe('2024-02-29T22:30:00.000Z');
    fc.assert(
      fc.property(validTime, fc.integer({ min: -720, max: 840 }), (time, offset) => {
        expect(localFromDate(dateFromLocal(time, offset), offset)).toEqual(time);
      }),
      { seed: 7, numRuns: 300 },
    );
  });

  it('diffSeconds counts real calendar seconds, unlike raw ZK values across months', () => {
    expect(diffSeconds(t(2018, 6, 25, 16, 9, 38), t(2018, 6, 25, 17, 50, 35))).toBe(6057);
    expect(diffSeconds(t(2019, 2, 28, 23, 59, 59), t(2019, 3, 1))).toBe(1);
    // The ZK encoding leaves a 3-day gap after a 28-day February.
    expect(encodeZkTime(t(2019, 3, 1)) - encodeZkTime(t(2019, 2, 28, 23, 59, 59))).toBe(1 + 3 * 86400);
  });
});

describe('event time bytes (YY MM DD hh mm ss)', () => {
  it('decodes at an offset', () => {
    const bytes = Uint8Array.from([0xee, 18, 6, 25, 17, 50, 35]);
    expect(decodeEventTime(bytes, 1)).toEqual(t(2018, 6, 25, 17, 50, 35));
    expect(decodeEventTime(Uint8Array.from([0, 1, 1, 0, 0, 0]))).toEqual(t(2000, 1, 1));
  });

  it('decodes impossible bytes as they are, for the caller to judge', () => {
    const f = decodeEventTime(Uint8Array.from([19, 2, 30, 25, 61, 99]));
    expect(f).toEqual(t(2019, 2, 30, 25, 61, 99));
    expect(isValidLocalDateTime(f)).toBe(false);
  });

  it('encodes in place and round-trips', () => {
    const out = Buffer.alloc(8, 0xaa);
    encodeEventTime(t(2018, 12, 7, 19, 9, 6), out, 1);
    expect([...out]).toEqual([0xaa, 0x12, 0x0c, 0x07, 0x13, 0x09, 0x06, 0xaa]);
    expect(decodeEventTime(out, 1)).toEqual(t(2018, 12, 7, 19, 9, 6));
    encodeEventTime(t(2255, 1, 1), out);
    expect(out[0]).toBe(255);
  });

  it.each([
    ['Feb 30', t(2019, 2, 30)],
    ['hour 24', t(2019, 1, 1, 24)],
    ['year 1999', t(1999, 1, 1)],
    ['year 2256', t(2256, 1, 1)],
  ])('refuses %s with INVALID_ARGUMENT', (_n, time) => {
    expectCode(() => encodeEventTime(time, Buffer.alloc(6)), 'INVALID_ARGUMENT');
  });
});

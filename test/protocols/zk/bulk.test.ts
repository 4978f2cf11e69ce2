import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ATTENDANCE_RECORD_SIZES,
  BulkTable,
  RecordStream,
  TCP_CHUNK_SIZE,
  decodeAttendance,
  decodeBulkRequest,
  decodeChunkRequest,
  decodeDatasetReady,
  decodePrepareData,
  encodeAttendance,
  encodeBulkRequest,
  encodeChunkRequest,
  encodeDatasetReady,
  encodePrepareData,
  pickRecordSize,
  planChunks,
  type AttendanceRecord,
  type AttendanceRecordSize,
} from '../../../protocols/zk/index.js';
import { hex } from './captures.js';
import { expectCode, splitAt } from './helpers.js';

describe('DATA_WRRQ', () => {
  it('encodes the two table requests as clients send them', () => {
    expect(encodeBulkRequest(BulkTable.attendance)).toEqual(hex('01 0d00 00000000 00000000'));
    expect(encodeBulkRequest(BulkTable.users)).toEqual(hex('01 0900 05000000 00000000'));
  });

  it('decodes, ignoring extra bytes, and refuses fewer than 11 with TRUNCATED', () => {
    expect(decodeBulkRequest(hex('01 0d00 00000000 00000000'))).toEqual(BulkTable.attendance);
    expect(decodeBulkRequest(hex('01 0900 05000000 07000000 ffff'))).toEqual({ command: 9, fct: 5, ext: 7 });
    expect(decodeBulkRequest(hex('01 ffff feffffff 00000080'))).toEqual({ command: -1, fct: -2, ext: -0x80000000 });
    expectCode(() => decodeBulkRequest(hex('01 0d00 00000000 000000')), 'TRUNCATED');
  });
});

describe('dataset announcement, DATA_RDY, PREPARE_DATA', () => {
  it('dataset ready: 00 | u32 size | u32 size | u32 (as the pyzk capture shows)', () => {
    expect(encodeDatasetReady(5044)).toEqual(hex('00 b4130000 b4130000 00000000'));
    expect(decodeDatasetReady(encodeDatasetReady(0x12345678))).toBe(0x12345678);
    expect(decodeDatasetReady(hex('00 b4130000 b4130000 cdef2300'))).toBe(5044);
    expect(decodeDatasetReady(hex('00 ffffffff'))).toBe(0xffffffff);
    expectCode(() => decodeDatasetReady(hex('00 b41300')), 'TRUNCATED');
  });

  it('DATA_RDY: i32 start | i32 size', () => {
    expect(encodeChunkRequest(0xffc0, 0x1234)).toEqual(hex('c0ff0000 34120000'));
    expect(decodeChunkRequest(hex('c0ff0000 34120000'))).toEqual({ start: 0xffc0, size: 0x1234 });
    expectCode(() => decodeChunkRequest(hex('00000000 000000')), 'TRUNCATED');
    expectCode(() => decodeChunkRequest(hex('ffffffff 10000000')), 'MALFORMED');
    expectCode(() => decodeChunkRequest(hex('00000000 00000080')), 'MALFORMED');
  });

  it('PREPARE_DATA: u32 size | u32 0', () => {
    expect(encodePrepareData(1244)).toEqual(hex('dc040000 00000000'));
    expect(decodePrepareData(hex('dc040000 f0030000'))).toBe(1244);
    expectCode(() => decodePrepareData(hex('dc0400')), 'TRUNCATED');
  });
});

describe('planChunks', () => {
  it('splits a dataset into requests of at most the chunk size', () => {
    expect(planChunks(0, TCP_CHUNK_SIZE)).toEqual([]);
    expect(planChunks(5044, TCP_CHUNK_SIZE)).toEqual([{ start: 0, size: 5044 }]);
    expect(planChunks(2 * 0xffc0, 0xffc0)).toEqual([
      { start: 0, size: 0xffc0 },
      { start: 0xffc0, size: 0xffc0 },
    ]);
    expect(planChunks(10, 4)).toEqual([
      { start: 0, size: 4 },
      { start: 4, size: 4 },
      { start: 8, size: 2 },
    ]);
  });

  it.each([0, -1])('refuses chunk size %i with INVALID_ARGUMENT', (size) => {
    expectCode(() => planChunks(10, size), 'INVALID_ARGUMENT');
  });

  it('covers the dataset exactly, in order (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 300000 }), fc.integer({ min: 100, max: 70000 }), (total, chunk) => {
        const plan = planChunks(total, chunk);
        let next = 0;
        for (const p of plan) {
          expect(p.start).toBe(next);
          expect(p.size).toBeGreaterThan(0);
          expect(p.size).toBeLessThanOrEqual(chunk);
          next += p.size;
        }
        expect(next).toBe(total);
        expect(plan.length).toBe(Math.ceil(total / chunk));
      }),
      { seed: 1504, numRuns: 300 },
    );
  });
});

describe('pickRecordSize', () => {
  it('uses total / count when that is a candidate size', () => {
    expect(pickRecordSize(80, ATTENDANCE_RECORD_SIZES, 2)).toBe(40);
    expect(pickRecordSize(80, ATTENDANCE_RECORD_SIZES, 5)).toBe(16);
    expect(pickRecordSize(80, ATTENDANCE_RECORD_SIZES, 10)).toBe(8);
    expect(pickRecordSize(1360, ATTENDANCE_RECORD_SIZES, 34)).toBe(40);
  });

  it('falls back to the first candidate that divides the total', () => {
    expect(pickRecordSize(80, ATTENDANCE_RECORD_SIZES)).toBe(40);
    expect(pickRecordSize(48, ATTENDANCE_RECORD_SIZES)).toBe(16);
    expect(pickRecordSize(80, ATTENDANCE_RECORD_SIZES, 4)).toBe(40); // 20 is no candidate
    expect(pickRecordSize(80, ATTENDANCE_RECORD_SIZES, 3)).toBe(40); // not exact
    expect(pickRecordSize(80, ATTENDANCE_RECORD_SIZES, 0)).toBe(40);
    expect(pickRecordSize(0, ATTENDANCE_RECORD_SIZES, 7)).toBe(40);
  });

  it('refuses a total no candidate divides with MALFORMED', () => {
    expectCode(() => pickRecordSize(84, ATTENDANCE_RECORD_SIZES), 'MALFORMED');
    expectCode(() => pickRecordSize(100, [72, 28]), 'MALFORMED');
  });
});

const T = { year: 2024, month: 2, day: 29, hour: 8, minute: 0, second: 0 };

function dataset(size: AttendanceRecordSize, count: number): Buffer {
  const buf = Buffer.alloc(4 + size * count);
  buf.writeUInt32LE(size * count, 0);
  for (let i = 0; i < count; i++) {
    encodeAttendance({ uid: i + 1, userId: String(1000 + i), verify: i % 16, state: i % 6, time: { ...T, second: i % 60 } }, size, buf, 4 + i * size);
  }
  return buf;
}

function collector(options: { expectedCount?: number; recordSize?: number; maxTotal?: number } = {}) {
  const records: AttendanceRecord[] = [];
  const indexes: number[] = [];
  const stream = new RecordStream<AttendanceRecord>({
    sizes: ATTENDANCE_RECORD_SIZES,
    ...options,
    decode: (buf, off, size) => decodeAttendance(buf, off, size as AttendanceRecordSize),
    onRecord: (r, i) => {
      records.push(r);
      indexes.push(i);
    },
  });
  return { stream, records, indexes };
}

describe('RecordStream', () => {
  it('decodes a whole dataset pushed at once', () => {
    const c = collector({ expectedCount: 3 });
    c.stream.push(dataset(16, 3));
    c.stream.finish();
    expect(c.records.map((r) => r.userId)).toEqual(['1000', '1001', '1002']);
    expect(c.indexes).toEqual([0, 1, 2]);
    expect([c.stream.totalBytes, c.stream.recordSize, c.stream.records]).toEqual([48, 16, 3]);
  });

  it('reports -1 bytes until the length prefix is in', () => {
    const c = collector();
    c.stream.push(hex('5000'));
    expect(c.stream.totalBytes).toBe(-1);
    c.stream.push(hex('0000'));
    expect(c.stream.totalBytes).toBe(80);
    expect(c.stream.recordSize).toBe(40);
  });

  it('hands out each record as soon as its last byte arrives', () => {
    const data = dataset(40, 2);
    const c = collector();
    c.stream.push(data.subarray(0, 2)); // half the prefix
    c.stream.push(data.subarray(2, 43)); // rest of prefix, record 0 minus its last byte
    expect(c.records).toHaveLength(0);
    c.stream.push(data.subarray(43, 44));
    expect(c.records).toHaveLength(1);
    c.stream.push(data.subarray(44));
    expect(c.records).toHaveLength(2);
    c.stream.finish();
  });

  it('yields identical records for any chunking, header and records split anywhere (property)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<AttendanceRecordSize>(8, 16, 40),
        fc.integer({ min: 0, max: 12 }),
        fc.array(fc.integer({ min: 0, max: 600 }), { maxLength: 20 }),
        (size, count, rawCuts) => {
          const data = dataset(size, count);
          const whole = collector({ expectedCount: count });
          whole.stream.push(data);
          whole.stream.finish();
          const parts = collector({ expectedCount: count });
          for (const chunk of splitAt(data, rawCuts.map((c) => c % (data.length + 1)))) parts.stream.push(chunk);
          parts.stream.finish();
          expect(parts.records).toEqual(whole.records);
          expect(parts.indexes).toEqual([...Array(count).keys()]);
          if (count > 0) expect(parts.stream.recordSize).toBe(size); // an empty dataset has no size to find
        },
      ),
      { seed: 20240229, numRuns: 400 },
    );
  });

  it('finish() detects a dataset cut short anywhere (TRUNCATED)', () => {
    const data = dataset(16, 3);
    for (const cut of [1, 2, 3, 5, 19, 20, 21, data.length - 1]) {
      const c = collector();
      c.stream.push(data.subarray(0, cut));
      expectCode(() => c.stream.finish(), 'TRUNCATED');
    }
  });

  it('finish() accepts an empty dataset (no bytes, or a zero length prefix)', () => {
    const none = collector();
    none.stream.finish();
    const zero = collector();
    zero.stream.push(hex('00000000'));
    zero.stream.finish();
    expect(zero.records).toEqual([]);
    expect(zero.stream.totalBytes).toBe(0);
  });

  it('refuses more bytes than announced with MALFORMED', () => {
    const data = Buffer.concat([dataset(8, 2), hex('00')]);
    expectCode(() => collector({ expectedCount: 2 }).stream.push(data), 'MALFORMED');
    const c = collector({ expectedCount: 2 });
    c.stream.push(dataset(8, 2));
    expectCode(() => c.stream.push(hex('00')), 'MALFORMED');
    expect(c.records).toHaveLength(2);
  });

  it('refuses a length no record size divides with MALFORMED, and a huge one with TOO_LARGE', () => {
    expectCode(() => collector().stream.push(hex('05000000')), 'MALFORMED');
    expectCode(() => collector({ maxTotal: 1000 }).stream.push(hex('e9030000')), 'TOO_LARGE');
    expectCode(() => collector().stream.push(hex('ffffffff')), 'TOO_LARGE'); // default limit 512 MiB
    collector({ maxTotal: 1000 }).stream.push(hex('e8030000')); // 1000 = 25 x 40: allowed
  });

  it('uses a forced record size', () => {
    const c = collector({ recordSize: 8 });
    c.stream.push(dataset(8, 5).subarray(0, 4 + 40)); // 40 bytes would pick 40 on its own
    c.stream.finish();
    expect(c.stream.recordSize).toBe(8);
    expect(c.records).toHaveLength(5);
  });

  it('lets a decode error through', () => {
    const stream = new RecordStream({
      sizes: [8],
      decode: () => {
        throw new Error('boom');
      },
      onRecord: () => undefined,
    });
    expect(() => stream.push(dataset(8, 1))).toThrow('boom');
  });
});

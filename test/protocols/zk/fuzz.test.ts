/**
 * Property/fuzz test: random bytes and mutated valid frames and payloads into every decoder.
 * Decoders may only throw ProtocolError with a code from their allowed set; framers may not throw
 * at all, must account for every byte (buffered + delivered + discarded = input) and may only
 * deliver packets that pass decodePacket. Seeded, so every run sees the same inputs.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ProtocolError, type ProtocolErrorCode } from '../../../protocols/errors.js';
import {
  ATTENDANCE_RECORD_SIZES,
  MAX_EVENT_DATA,
  RecordStream,
  SERIAL_PREFIX_SIZE,
  SerialFramer,
  TCP_PREFIX_SIZE,
  TcpFramer,
  USER_RECORD_SIZES,
  checksumMatches,
  decodeAttendance,
  decodeAttendanceEvent,
  decodeBulkRequest,
  decodeChunkRequest,
  decodeDatasetReady,
  decodeFreeSizes,
  decodeOptionReply,
  decodeOptionRequest,
  decodePacket,
  decodePrepareData,
  decodeTcpFrame,
  decodeUser,
  decodeZkTime,
  isValidLocalDateTime,
  type FramerHandlers,
  type FramerOptions,
  type StreamFramer,
} from '../../../protocols/zk/index.js';
import {
  attendanceRecords,
  bulkPayload,
  cuts,
  dataset,
  event,
  freeSizes,
  fuzzInput,
  optionPayload,
  packet,
  serialStream,
  tcpStream,
  userRecords,
  type Input,
} from './fuzz-arbitraries.js';
import { splitAt } from './helpers.js';

fc.configureGlobal({ seed: 0x2c0ffee, endOnFailure: true });

/** Per property; each takes a few seconds at most. */
const TIMEOUT = 30_000;
const ran = { random: 0, mutated: 0 };
const count = (input: Input): void => void ran[input.origin]++;

/** Runs `fn`; an exception must be a ProtocolError whose code is allowed. Returns the code or 'ok'. */
function guarded<T>(allowed: readonly ProtocolErrorCode[], fn: () => T): { ok: true; value: T } | { ok: false; code: ProtocolErrorCode } {
  try {
    return { ok: true, value: fn() };
  } catch (err) {
    expect(err, `non-ProtocolError thrown: ${String(err)}`).toBeInstanceOf(ProtocolError);
    const code = (err as ProtocolError).code;
    expect(allowed).toContain(code);
    return { ok: false, code };
  }
}

function runFramer(
  make: (h: FramerHandlers, o?: FramerOptions) => StreamFramer,
  prefixSize: number,
  input: Input,
  cutAt: number[],
  options: FramerOptions,
): void {
  count(input);
  const delivered: Buffer[] = [];
  let discarded = 0;
  let events = 0;
  const framer = make(
    {
      onFrame: (p, meta) => {
        events++;
        delivered.push(Buffer.from(p));
        if (meta.deviceId !== undefined) expect(meta.deviceId).toBeGreaterThanOrEqual(1);
        if (meta.deviceId !== undefined) expect(meta.deviceId).toBeLessThanOrEqual(254);
      },
      onDiscard: (e) => {
        events++;
        expect(e.bytes).toBeGreaterThan(0);
        expect(['MALFORMED', 'CHECKSUM', 'TOO_LARGE']).toContain(e.code);
        discarded += e.bytes;
      },
    },
    options,
  );
  const chunks = splitAt(input.bytes, cutAt.map((c) => c % (input.bytes.length + 1)));
  for (const chunk of chunks) framer.push(chunk); // a framer never throws
  const deliveredBytes = delivered.reduce((sum, p) => sum + prefixSize + p.length, 0);
  expect(framer.buffered + deliveredBytes + framer.discardedBytes).toBe(input.bytes.length);
  expect(framer.discardedBytes).toBe(discarded);
  expect(events).toBeLessThanOrEqual(input.bytes.length); // every event consumed at least a byte
  for (const p of delivered) {
    expect(p.length).toBeGreaterThanOrEqual(8);
    expect(p.length).toBeLessThanOrEqual(options.maxPacketSize ?? Infinity);
    decodePacket(p); // checksum verified by the framer: must decode
  }
}

describe('framers under fuzz', () => {
  it(
    'TcpFramer: 24 000 random and mutated streams in random chunkings',
    () => {
      fc.assert(
        fc.property(fuzzInput(tcpStream, 'tcp', 400), cuts, fc.constantFrom(undefined, 64, 2048), (input, c, max) =>
          runFramer((h, o) => new TcpFramer(h, o), TCP_PREFIX_SIZE, input, c, max === undefined ? {} : { maxPacketSize: max }),
        ),
        { numRuns: 24_000 },
      );
    },
    TIMEOUT,
  );

  it(
    'SerialFramer: 24 000 random and mutated streams in random chunkings',
    () => {
      fc.assert(
        fc.property(fuzzInput(serialStream, 'serial', 400), cuts, fc.constantFrom(undefined, 64, 2048), (input, c, max) =>
          runFramer((h, o) => new SerialFramer(h, o), SERIAL_PREFIX_SIZE, input, c, max === undefined ? {} : { maxPacketSize: max }),
        ),
        { numRuns: 24_000 },
      );
    },
    TIMEOUT,
  );
});

describe('framers on unmutated streams', () => {
  it(
    'deliver every frame of a valid stream, in any chunking, with nothing discarded',
    () => {
      const kinds = [
        { arb: tcpStream, make: (h: FramerHandlers) => new TcpFramer(h) },
        { arb: serialStream, make: (h: FramerHandlers) => new SerialFramer(h) },
      ];
      for (const { arb, make } of kinds) {
        fc.assert(
          fc.property(arb, cuts, (stream, c) => {
            const whole: Buffer[] = [];
            make({ onFrame: (p) => whole.push(Buffer.from(p)) }).push(stream);
            const parts: Buffer[] = [];
            const framer = make({ onFrame: (p) => parts.push(Buffer.from(p)) });
            for (const chunk of splitAt(stream, c.map((x) => x % (stream.length + 1)))) framer.push(chunk);
            expect(parts).toEqual(whole);
            expect([framer.buffered, framer.discardedBytes]).toEqual([0, 0]);
          }),
          { numRuns: 3_000 },
        );
      }
    },
    TIMEOUT,
  );
});

describe('decoders under fuzz', () => {
  it(
    'decodePacket and decodeTcpFrame',
    () => {
      fc.assert(
        fc.property(fc.oneof(fuzzInput(packet, 'none'), fuzzInput(tcpStream, 'tcp')), (input) => {
          count(input);
          const r = guarded(['TRUNCATED', 'CHECKSUM'], () => decodePacket(input.bytes));
          if (r.ok) {
            expect(checksumMatches(input.bytes)).toBe(true);
            expect(r.value.data.length).toBe(input.bytes.length - 8);
          } else if (r.code === 'TRUNCATED') expect(input.bytes.length).toBeLessThan(8);
          guarded(['TRUNCATED', 'MALFORMED', 'TOO_LARGE'], () => decodeTcpFrame(input.bytes));
        }),
        { numRuns: 16_000 },
      );
    },
    TIMEOUT,
  );

  it(
    'decodeAttendance at every size and random offsets',
    () => {
      fc.assert(
        fc.property(fuzzInput(attendanceRecords, 'none'), fc.constantFrom(...ATTENDANCE_RECORD_SIZES), fc.nat({ max: 300 }), (input, size, rawOffset) => {
          count(input);
          const offset = rawOffset % (input.bytes.length + 2);
          const r = guarded(['TRUNCATED'], () => decodeAttendance(input.bytes, offset, size));
          expect(r.ok).toBe(input.bytes.length - offset >= size);
          if (r.ok) {
            expect(r.value.rawTime).toBe(r.value.rawTime >>> 0);
            if (r.value.time !== undefined) expect(isValidLocalDateTime(r.value.time)).toBe(true);
            guarded(['MALFORMED'], () => decodeZkTime(r.value.rawTime));
          }
        }),
        { numRuns: 10_000 },
      );
    },
    TIMEOUT,
  );

  it(
    'decodeUser at both sizes and random offsets',
    () => {
      fc.assert(
        fc.property(fuzzInput(userRecords, 'none'), fc.constantFrom(...USER_RECORD_SIZES), fc.nat({ max: 300 }), (input, size, rawOffset) => {
          count(input);
          const offset = rawOffset % (input.bytes.length + 2);
          const r = guarded(['TRUNCATED'], () => decodeUser(input.bytes, offset, size));
          expect(r.ok).toBe(input.bytes.length - offset >= size);
        }),
        { numRuns: 10_000 },
      );
    },
    TIMEOUT,
  );

  it(
    'decodeAttendanceEvent accepts exactly the known lengths',
    () => {
      const long = fc.integer({ min: MAX_EVENT_DATA - 2, max: MAX_EVENT_DATA + 2 }).map((n) => ({ origin: 'random' as const, bytes: Buffer.alloc(n, 7) }));
      fc.assert(
        fc.property(fc.oneof({ weight: 20, arbitrary: fuzzInput(event, 'none', 60) }, { weight: 1, arbitrary: long }), (input) => {
          count(input);
          const n = input.bytes.length;
          const r = guarded(['MALFORMED', 'TOO_LARGE'], () => decodeAttendanceEvent(input.bytes));
          expect(r.ok).toBe([10, 12, 14, 32].includes(n) || (n >= 36 && n <= MAX_EVENT_DATA));
          if (!r.ok) expect(r.code).toBe(n > MAX_EVENT_DATA ? 'TOO_LARGE' : 'MALFORMED');
          if (r.ok && r.value.time !== undefined) expect(isValidLocalDateTime(r.value.time)).toBe(true);
        }),
        { numRuns: 10_000 },
      );
    },
    TIMEOUT,
  );

  it(
    'decodeFreeSizes',
    () => {
      fc.assert(
        fc.property(fuzzInput(freeSizes, 'none', 120), (input) => {
          count(input);
          const r = guarded(['TRUNCATED'], () => decodeFreeSizes(input.bytes));
          expect(r.ok).toBe(input.bytes.length >= 80);
          if (r.ok) expect(r.value.faces === undefined).toBe(input.bytes.length < 92);
        }),
        { numRuns: 6_000 },
      );
    },
    TIMEOUT,
  );

  it(
    'decodeOptionReply and decodeOptionRequest',
    () => {
      fc.assert(
        fc.property(fuzzInput(optionPayload, 'none', 80), (input) => {
          count(input);
          const reply = guarded(['MALFORMED'], () => decodeOptionReply(input.bytes));
          if (reply.ok) expect(reply.value.key.includes('=')).toBe(false);
          guarded(['MALFORMED'], () => decodeOptionReply(input.bytes, '~SerialNumber'));
          const req = guarded(['MALFORMED'], () => decodeOptionRequest(input.bytes));
          if (req.ok) expect(req.value.length).toBeGreaterThan(0);
        }),
        { numRuns: 6_000 },
      );
    },
    TIMEOUT,
  );

  it(
    'decodeBulkRequest, decodeChunkRequest, decodePrepareData, decodeDatasetReady',
    () => {
      fc.assert(
        fc.property(fuzzInput(bulkPayload, 'none', 20), (input) => {
          count(input);
          const n = input.bytes.length;
          expect(guarded(['TRUNCATED'], () => decodeBulkRequest(input.bytes)).ok).toBe(n >= 11);
          const chunk = guarded(['TRUNCATED', 'MALFORMED'], () => decodeChunkRequest(input.bytes));
          if (chunk.ok) expect(chunk.value.start >= 0 && chunk.value.size >= 0).toBe(true);
          else expect(chunk.code).toBe(n < 8 ? 'TRUNCATED' : 'MALFORMED');
          expect(guarded(['TRUNCATED'], () => decodePrepareData(input.bytes)).ok).toBe(n >= 4);
          expect(guarded(['TRUNCATED'], () => decodeDatasetReady(input.bytes)).ok).toBe(n >= 5);
        }),
        { numRuns: 6_000 },
      );
    },
    TIMEOUT,
  );

  it(
    'RecordStream over random chunkings of random and mutated datasets',
    () => {
      const sizes = fc.constantFrom(ATTENDANCE_RECORD_SIZES, USER_RECORD_SIZES, [40], [72, 28, 40, 16, 8]);
      const expected = fc.option(fc.nat({ max: 80 }), { nil: undefined });
      fc.assert(
        fc.property(fuzzInput(dataset, 'dataset', 400), cuts, sizes, expected, (input, c, candidates, expectedCount) => {
          count(input);
          let records = 0;
          const stream = new RecordStream({
            sizes: candidates,
            ...(expectedCount === undefined ? {} : { expectedCount }),
            maxTotal: 1 << 20,
            decode: (buf, off, size) =>
              size === 28 || size === 72 ? decodeUser(buf, off, size) : decodeAttendance(buf, off, size as 8 | 16 | 40),
            onRecord: () => void records++,
          });
          const r = guarded(['MALFORMED', 'TOO_LARGE', 'TRUNCATED'], () => {
            for (const chunk of splitAt(input.bytes, c.map((x) => x % (input.bytes.length + 1)))) stream.push(chunk);
            stream.finish();
          });
          expect(stream.records).toBe(records);
          if (r.ok && stream.totalBytes >= 0) {
            expect(records * stream.recordSize).toBe(stream.totalBytes);
            expect(input.bytes.length).toBe(4 + stream.totalBytes);
          }
        }),
        { numRuns: 12_000 },
      );
    },
    TIMEOUT,
  );
});

describe('fuzz volume', () => {
  // Tests in a file run in order: this one sees the counts of all the properties above.
  it('ran at least 100 000 inputs, at least 40 000 of each origin', () => {
    expect(ran.random + ran.mutated).toBeGreaterThanOrEqual(100_000);
    expect(ran.random).toBeGreaterThanOrEqual(40_000);
    expect(ran.mutated).toBeGreaterThanOrEqual(40_000);
  });
});

import fc from 'fast-check';
import { expect } from 'vitest';
import { ProtocolError, type ProtocolErrorCode } from '../../../protocols/errors.js';
import { daysInMonth, type DiscardEvent, type FrameMeta, type FramerHandlers, type FramerOptions, type LocalDateTime, type StreamFramer } from '../../../protocols/zk/index.js';

/** Runs `fn` and returns the ProtocolError it throws, failing the test on anything else. */
export function catchProtocolError(fn: () => unknown): ProtocolError {
  let thrown: unknown;
  try {
    fn();
  } catch (err) {
    thrown = err;
  }
  expect(thrown, 'expected a ProtocolError to be thrown').toBeInstanceOf(ProtocolError);
  return thrown as ProtocolError;
}

export function expectCode(fn: () => unknown, code: ProtocolErrorCode): ProtocolError {
  const err = catchProtocolError(fn);
  expect(err.code).toBe(code);
  return err;
}

export interface Recorded {
  frames: Array<{ packet: Buffer; meta: FrameMeta }>;
  discards: DiscardEvent[];
}

/** A framer wired to arrays; frames are copied so later input cannot change them. */
export function recording<F extends StreamFramer>(
  make: (handlers: FramerHandlers, options?: FramerOptions) => F,
  options?: FramerOptions,
): Recorded & { framer: F; feed(chunks: Iterable<Buffer>): void; discarded(): number } {
  const rec: Recorded = { frames: [], discards: [] };
  const framer = make(
    {
      onFrame: (packet, meta) => rec.frames.push({ packet: Buffer.from(packet), meta }),
      onDiscard: (event) => rec.discards.push(event),
    },
    options,
  );
  return {
    ...rec,
    framer,
    feed(chunks) {
      for (const chunk of chunks) framer.push(chunk);
    },
    discarded: () => rec.discards.reduce((sum, e) => sum + e.bytes, 0),
  };
}

/** Splits `buf` at the given positions. */
export function splitAt(buf: Buffer, cuts: readonly number[]): Buffer[] {
  const out: Buffer[] = [];
  let prev = 0;
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    out.push(buf.subarray(prev, cut));
    prev = cut;
  }
  out.push(buf.subarray(prev));
  return out;
}

/** One chunk per byte. */
export function bytewise(buf: Buffer): Buffer[] {
  return [...buf].map((b) => Buffer.from([b]));
}

/** Valid wall-clock times with years in `minYear..maxYear` (days clamped to the month). */
export function wallClock(minYear: number, maxYear: number): fc.Arbitrary<LocalDateTime> {
  return fc
    .record({
      year: fc.integer({ min: minYear, max: maxYear }),
      month: fc.integer({ min: 1, max: 12 }),
      day: fc.integer({ min: 1, max: 31 }),
      hour: fc.integer({ min: 0, max: 23 }),
      minute: fc.integer({ min: 0, max: 59 }),
      second: fc.integer({ min: 0, max: 59 }),
    })
    .map((t) => ({ ...t, day: Math.min(t.day, daysInMonth(t.year, t.month)) }));
}

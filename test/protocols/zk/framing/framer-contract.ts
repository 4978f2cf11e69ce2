/**
 * The behaviour every stream framer owes its caller (after zigbee-herdsman's unpi parser tests):
 * one frame, two in a chunk, a frame split anywhere, checksum bytes alone, leading garbage,
 * recovery from bad checksums and bad lengths, a partial frame start at a chunk end, counters,
 * reset. Each framer's test file runs this list and adds its own cases.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodePacket, type FrameMeta, type FramerHandlers, type FramerOptions, type StreamFramer } from '../../../../protocols/zk/index.js';
import { bytewise, recording, splitAt } from '../helpers.js';

export interface FramerKind {
  name: string;
  make(handlers: FramerHandlers, options?: FramerOptions): StreamFramer;
  /** Wraps a packet in a valid frame. */
  wrap(packet: Buffer): Buffer;
  /** A prefix (with a valid prefix checksum, if the framing has one) declaring `length` bytes. */
  prefixDeclaring(length: number): Buffer;
  prefixSize: number;
  /** The meta every frame made by `wrap` is reported with. */
  meta: FrameMeta;
  /** Bytes that can never start a frame or a frame prefix. */
  garbageBytes: number[];
}

export const P1 = encodePacket(2000, 0x1234, 1, Buffer.from('first packet'));
export const P2 = encodePacket(1501, 0x1234, 2, Buffer.alloc(300, 0x5a));
export const P3 = encodePacket(500, 1, 0, Buffer.from('f19449000000120c07130906', 'hex'));
/** ASCII with none of 0x50, 0x7e, 0x81. */
export const GARBAGE = Buffer.from('garbage!');

export function runFramerContract(kind: FramerKind): void {
  const F1 = kind.wrap(P1);
  const F2 = kind.wrap(P2);
  const F3 = kind.wrap(P3);
  const make = (options?: FramerOptions) => recording((h, o) => kind.make(h, o), options);
  const packets = (r: ReturnType<typeof make>) => r.frames.map((f) => f.packet);

  /** Every byte pushed is buffered, delivered or discarded. */
  function expectAccounted(r: ReturnType<typeof make>, input: number): void {
    const delivered = r.frames.reduce((sum, f) => sum + kind.prefixSize + f.packet.length, 0);
    expect(r.framer.buffered + delivered + r.framer.discardedBytes).toBe(input);
    expect(r.framer.discardedBytes).toBe(r.discarded());
  }

  describe(`${kind.name}: framer contract`, () => {
    it('delivers one frame', () => {
      const r = make();
      r.feed([F1]);
      expect(packets(r)).toEqual([P1]);
      expect(r.frames[0]!.meta).toEqual(kind.meta);
      expect(r.discards).toEqual([]);
      expect([r.framer.buffered, r.framer.discardedBytes]).toEqual([0, 0]);
    });

    it('delivers two (and three) frames from one chunk, in order', () => {
      const r = make();
      r.feed([Buffer.concat([F1, F2])]);
      expect(packets(r)).toEqual([P1, P2]);
      r.feed([Buffer.concat([F3, F1, F2])]);
      expect(packets(r)).toEqual([P1, P2, P3, P1, P2]);
      expect(r.discards).toEqual([]);
    });

    it('delivers a frame split in two at every position', () => {
      for (let cut = 1; cut < F1.length; cut++) {
        const r = make();
        r.feed(splitAt(F1, [cut]));
        expect(packets(r), `cut at ${cut}`).toEqual([P1]);
        expect(r.discards, `cut at ${cut}`).toEqual([]);
      }
    });

    it('delivers frames fed byte by byte', () => {
      const r = make();
      const stream = Buffer.concat([F1, F2, F3]);
      r.feed(bytewise(stream));
      expect(packets(r)).toEqual([P1, P2, P3]);
      expect(r.discards).toEqual([]);
      expectAccounted(r, stream.length);
    });

    it('delivers a frame whose packet checksum bytes come alone in their own chunk', () => {
      const at = kind.prefixSize + 2;
      const r = make();
      r.feed(splitAt(F1, [at, at + 2]));
      expect(packets(r)).toEqual([P1]);
      // and the checksum split between two chunks
      const r2 = make();
      r2.feed(splitAt(F1, [at + 1]));
      expect(packets(r2)).toEqual([P1]);
    });

    it('reports leading garbage with its exact size and code, then delivers the frame', () => {
      const r = make();
      r.feed([Buffer.concat([GARBAGE, F1])]);
      expect(packets(r)).toEqual([P1]);
      expect(r.discards.map((d) => [d.bytes, d.code])).toEqual([[GARBAGE.length, 'MALFORMED']]);
      expect(r.framer.discardedBytes).toBe(GARBAGE.length);
    });

    it('reports garbage that arrives alone, and garbage between frames', () => {
      const r = make();
      r.feed([GARBAGE, GARBAGE, F1, GARBAGE, F2]);
      expect(packets(r)).toEqual([P1, P2]);
      expect(r.discards.every((d) => d.code === 'MALFORMED')).toBe(true);
      expect(r.framer.discardedBytes).toBe(3 * GARBAGE.length);
      expectAccounted(r, 3 * GARBAGE.length + F1.length + F2.length);
    });

    it('drops a frame with a bad packet checksum (CHECKSUM) and delivers the next one', () => {
      const bad = Buffer.from(F1);
      bad[bad.length - 1] = bad[bad.length - 1]! ^ 0x01;
      const r = make();
      r.feed([Buffer.concat([bad, F2])]);
      expect(packets(r)).toEqual([P2]);
      expect(r.discards[0]!.code).toBe('CHECKSUM');
      expect(r.discards.slice(1).every((d) => d.code === 'MALFORMED')).toBe(true);
      expect(r.framer.discardedBytes).toBe(bad.length);
    });

    it('delivers a frame with a bad checksum when verification is off', () => {
      const bad = Buffer.from(F1);
      bad[bad.length - 1] = bad[bad.length - 1]! ^ 0x01;
      const r = make({ verifyChecksum: false });
      r.feed([bad]);
      expect(packets(r)).toEqual([bad.subarray(kind.prefixSize)]);
    });

    it('refuses a declared length over the limit (TOO_LARGE) without waiting for it', () => {
      const r = make({ maxPacketSize: 64 });
      r.feed([Buffer.concat([kind.prefixDeclaring(65), F1])]);
      expect(packets(r)).toEqual([P1]);
      expect(r.discards[0]!.code).toBe('TOO_LARGE');
      expect(r.framer.discardedBytes).toBe(kind.prefixSize);
      // exactly at the limit is fine
      const ok = make({ maxPacketSize: P1.length });
      ok.feed([F1]);
      expect(packets(ok)).toEqual([P1]);
    });

    it.each([0, 1, 7])('refuses a declared length of %i, shorter than a header (MALFORMED)', (length) => {
      const r = make();
      r.feed([Buffer.concat([kind.prefixDeclaring(length), F1])]);
      expect(packets(r)).toEqual([P1]);
      expect(r.discards.map((d) => d.code)).toEqual(Array(r.discards.length).fill('MALFORMED'));
      expect(r.framer.discardedBytes).toBe(kind.prefixSize);
    });

    it('keeps a partial frame start at a chunk end', () => {
      for (let cut = 1; cut < kind.prefixSize; cut++) {
        const r = make();
        r.feed([Buffer.concat([GARBAGE, F1.subarray(0, cut)]), F1.subarray(cut)]);
        expect(packets(r), `cut at ${cut}`).toEqual([P1]);
        expect(r.framer.discardedBytes, `cut at ${cut}`).toBe(GARBAGE.length);
      }
    });

    it('counts buffered and discarded bytes as they go', () => {
      const r = make();
      r.feed([F1.subarray(0, 10)]);
      expect(r.framer.buffered).toBe(10);
      r.feed([F1.subarray(10, 20)]);
      expect(r.framer.buffered).toBe(20);
      r.feed([F1.subarray(20)]);
      expect(r.framer.buffered).toBe(0);
      r.feed([GARBAGE]);
      r.feed([F2]);
      expect(r.framer.discardedBytes).toBe(GARBAGE.length);
      r.feed([GARBAGE, F3]);
      expect(r.framer.discardedBytes).toBe(2 * GARBAGE.length);
      expectAccounted(r, F1.length + F2.length + F3.length + 2 * GARBAGE.length);
    });

    it('reset() forgets a partial frame', () => {
      const r = make();
      r.feed([F1.subarray(0, F1.length - 3)]);
      expect(r.framer.buffered).toBe(F1.length - 3);
      r.framer.reset();
      expect(r.framer.buffered).toBe(0);
      r.feed([F1.subarray(F1.length - 3), F2]); // the tail alone is garbage now
      expect(packets(r)).toEqual([P2]);
      expect(r.framer.discardedBytes).toBe(3);
    });

    it('works without an onDiscard handler', () => {
      const got: Buffer[] = [];
      const framer = kind.make({ onFrame: (p) => got.push(Buffer.from(p)) });
      framer.push(Buffer.concat([GARBAGE, F1]));
      expect(got).toEqual([P1]);
      expect(framer.discardedBytes).toBe(GARBAGE.length);
    });

    it('delivers a 64 KiB packet fed in 1460-byte segments', () => {
      const big = encodePacket(1501, 7, 9, Buffer.alloc(0xffc0 - 8, 0xa5));
      const frame = kind.wrap(big);
      const r = make();
      const cuts = [];
      for (let at = 1460; at < frame.length; at += 1460) cuts.push(at);
      r.feed(splitAt(frame, cuts));
      expect(packets(r)).toEqual([big]);
    });

    it('delivers every frame of a stream with garbage, in any chunking (property)', () => {
      const junk = fc.uint8Array({ maxLength: 12 }).map((a) => Buffer.from(a.map((b) => (kind.garbageBytes.includes(b) ? 0x20 : b))));
      const packet = fc
        .tuple(fc.integer({ min: 0, max: 0xffff }), fc.integer({ min: 0, max: 0xffff }), fc.uint8Array({ maxLength: 80 }))
        .map(([cmd, reply, data]) => encodePacket(cmd, 0x4242, reply, data));
      fc.assert(
        fc.property(fc.array(fc.tuple(junk, packet), { minLength: 1, maxLength: 6 }), fc.array(fc.nat(), { maxLength: 30 }), (items, rawCuts) => {
          const stream = Buffer.concat(items.flatMap(([g, p]) => [g, kind.wrap(p)]));
          const r = make();
          r.feed(splitAt(stream, rawCuts.map((c) => c % (stream.length + 1))));
          expect(packets(r)).toEqual(items.map(([, p]) => p));
          expect(r.framer.discardedBytes).toBe(items.reduce((sum, [g]) => sum + g.length, 0));
          expect(r.framer.buffered).toBe(0);
        }),
        { seed: 0x7c9, numRuns: 300 },
      );
    });
  });
}

import { describe, expect, it } from 'vitest';
import { TCP_MAGIC, TCP_PREFIX_SIZE, TcpFramer, decodePacket, encodePacket, encodeTcpFrame } from '../../../../protocols/zk/index.js';
import { JSZKLIB_K40_STREAM, PYZK_BT_READS_FIXED, PYZK_CONNECT_REQUEST, hex } from '../captures.js';
import { bytewise, recording, splitAt } from '../helpers.js';
import { GARBAGE, P1, P2, runFramerContract } from './framer-contract.js';

function tcpPrefix(length: number): Buffer {
  const b = Buffer.alloc(8);
  TCP_MAGIC.copy(b);
  b.writeUInt32LE(length, 4);
  return b;
}

runFramerContract({
  name: 'TcpFramer',
  make: (h, o) => new TcpFramer(h, o),
  wrap: encodeTcpFrame,
  prefixDeclaring: tcpPrefix,
  prefixSize: TCP_PREFIX_SIZE,
  meta: {},
  garbageBytes: [0x50],
});

const make = () => recording((h, o) => new TcpFramer(h, o));
const F1 = encodeTcpFrame(P1);
const F2 = encodeTcpFrame(P2);

describe('TCP frame format', () => {
  it('is 50 50 82 7D, a u32 LE packet length, then the packet', () => {
    expect(TCP_MAGIC).toEqual(hex('5050827d'));
    expect(encodeTcpFrame(encodePacket(1000, 0, 0))).toEqual(hex(PYZK_CONNECT_REQUEST));
    const f = encodeTcpFrame(Buffer.alloc(0x10203));
    expect([...f.subarray(4, 8)]).toEqual([0x03, 0x02, 0x01, 0x00]);
  });
});

describe('TcpFramer specifics', () => {
  it('reports the discards of a bad-checksum frame exactly: its magic, then the rest', () => {
    const bad = Buffer.from(F1);
    bad[12] = bad[12]! ^ 0x80; // inside the packet header (session id)
    const r = make();
    r.feed([Buffer.concat([bad, F2])]);
    expect(r.discards.map((d) => [d.code, d.bytes])).toEqual([
      ['CHECKSUM', 4],
      ['MALFORMED', bad.length - 4],
    ]);
    expect(r.frames.map((f) => f.packet)).toEqual([P2]);
  });

  it('a corrupt length that reaches into the next frame loses only the corrupt frame', () => {
    const bad = Buffer.from(F1);
    bad.writeUInt32LE(P1.length + 6, 4); // claims 6 bytes of F2
    const r = make();
    r.feed([bad, F2]);
    expect(r.frames.map((f) => f.packet)).toEqual([P2]);
    expect(r.discards[0]).toMatchObject({ code: 'CHECKSUM', bytes: 4 });
    expect(r.framer.discardedBytes).toBe(bad.length);
  });

  it('waits while a declared length is not yet complete, then recovers when more data proves it wrong', () => {
    const bad = Buffer.from(F1);
    bad.writeUInt32LE(P1.length + 200, 4);
    const r = make();
    r.feed([bad, F2.subarray(0, 100)]);
    expect(r.frames).toEqual([]);
    expect(r.framer.buffered).toBe(bad.length + 100);
    r.feed([F2.subarray(100)]);
    expect(r.frames.map((f) => f.packet)).toEqual([P2]);
    expect(r.framer.discardedBytes).toBe(bad.length);
  });

  it('drops a broken magic (50 50 82 7E) as garbage', () => {
    const broken = Buffer.from(F1);
    broken[3] = 0x7e;
    const r = make();
    r.feed([Buffer.concat([broken, F2])]);
    expect(r.frames.map((f) => f.packet)).toEqual([P2]);
    expect(r.discards).toEqual([{ bytes: F1.length, code: 'MALFORMED', reason: expect.any(String) }]);
  });

  it('keeps only the last 3 bytes of input with no magic, and reports the rest', () => {
    const r = make();
    r.feed([Buffer.alloc(10, 0x11)]);
    expect(r.framer.buffered).toBe(3);
    expect(r.discards).toEqual([{ bytes: 7, code: 'MALFORMED', reason: expect.any(String) }]);
    r.feed([Buffer.from([0x50, 0x50])]);
    expect(r.framer.buffered).toBe(3); // 11 50 50: the two 50s may start a magic
    r.feed([F1.subarray(2)]); // ... and they do
    expect(r.frames.map((f) => f.packet)).toEqual([P1]);
    expect(r.framer.discardedBytes).toBe(10); // all ten 0x11 bytes
  });

  it('finds the magic when it straddles four one-byte chunks after garbage', () => {
    const r = make();
    r.feed([GARBAGE, ...bytewise(F1.subarray(0, 4)), F1.subarray(4)]);
    expect(r.frames.map((f) => f.packet)).toEqual([P1]);
    expect(r.framer.discardedBytes).toBe(GARBAGE.length);
  });

  it('frames a prefix split 5 | 3 (regression: ByteQueue lost the offset of a partly merged chunk)', () => {
    for (const cuts of [[5], [3, 11], [7, 9, 20]]) {
      const r = make();
      r.feed(splitAt(Buffer.concat([F1, F2]), cuts));
      expect(r.discards, `cuts ${cuts}`).toEqual([]);
      expect(r.frames.map((f) => f.packet)).toEqual([P1, P2]);
    }
  });

  it('hands out a zero-copy view when a frame lies in one chunk', () => {
    const chunk = Buffer.concat([F1]);
    let seen: Buffer | undefined;
    const framer = new TcpFramer({ onFrame: (p) => (seen = p) });
    framer.push(chunk);
    expect(seen!.buffer).toBe(chunk.buffer);
    expect(seen!.byteOffset).toBe(chunk.byteOffset + 8);
  });
});

describe('TcpFramer on recorded streams', () => {
  it('js_zklib#53: the K40 stream, as read and byte by byte', () => {
    const stream = JSZKLIB_K40_STREAM.map(hex);
    for (const chunks of [stream, bytewise(Buffer.concat(stream))]) {
      const r = make();
      r.feed(chunks);
      expect(r.frames).toHaveLength(8);
      expect(r.discards).toEqual([]);
      expect(r.frames.map((f) => decodePacket(f.packet).command)).toEqual([1000, 2000, 13, 1500, 1501, 1001, 2000, 2000]);
    }
  });

  it('pyzk: the 70-user download re-cut at 1 000-byte and 7-byte boundaries', () => {
    const stream = Buffer.concat(PYZK_BT_READS_FIXED.map(hex));
    for (const step of [1000, 7]) {
      const cuts = [];
      for (let at = step; at < stream.length; at += step) cuts.push(at);
      const r = make();
      r.feed(splitAt(stream, cuts));
      expect(r.frames.map((f) => f.packet.length)).toEqual([1016, 1016, 1016, 1016, 1016, 12]);
      expect(r.discards).toEqual([]);
    }
  });
});

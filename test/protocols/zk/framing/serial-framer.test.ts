import { describe, expect, it } from 'vitest';
import {
  SERIAL_PREFIX_SIZE,
  SerialFramer,
  encodePacket,
  encodeSerialFrame,
  serialPrefixChecksum,
} from '../../../../protocols/zk/index.js';
import { hex } from '../captures.js';
import { expectCode, recording, splitAt } from '../helpers.js';
import { GARBAGE, P1, P2, P3, runFramerContract } from './framer-contract.js';

const ID = 7;

/** A prefix for device ID declaring `length`, with a correct prefix checksum. */
function serialPrefix(length: number, id = ID): Buffer {
  const b = Buffer.from([id, id, 0x81, 0x7e, length & 0xff, length >> 8, 0, 0]);
  b.writeUInt16LE(serialPrefixChecksum(b), 6);
  return b;
}

runFramerContract({
  name: 'SerialFramer',
  make: (h, o) => new SerialFramer(h, o),
  wrap: (packet) => encodeSerialFrame(ID, packet),
  prefixDeclaring: serialPrefix,
  prefixSize: SERIAL_PREFIX_SIZE,
  meta: { deviceId: ID },
  garbageBytes: [0x81],
});

const make = () => recording((h, o) => new SerialFramer(h, o));
const F1 = encodeSerialFrame(ID, P1);
const F2 = encodeSerialFrame(ID, P2);

describe('serial frame format', () => {
  it('is ID ID 81 7E | u16 LE length | u16 prefix checksum, then the packet', () => {
    expect(encodeSerialFrame(1, encodePacket(1000, 0, 0))).toEqual(hex('0101817e 0800 7580' + 'e80317fc00000000'));
    // 0x0707 + 0x7e81 + 0x0014 = 0x859c, inverted 0x7a63
    expect(F1.subarray(0, 8)).toEqual(hex('0707817e 1400 637a'));
    expect(F1.subarray(8)).toEqual(P1);
  });

  it('serialPrefixChecksum covers only the first six bytes', () => {
    expect(serialPrefixChecksum(hex('0101817e0800'))).toBe(0x8075);
    expect(serialPrefixChecksum(hex('0101817e0800ffff'))).toBe(0x8075);
  });

  it.each([0, 255, -1, 1.5])('refuses device id %s with INVALID_ARGUMENT', (id) => {
    expectCode(() => encodeSerialFrame(id, P1), 'INVALID_ARGUMENT');
  });

  it('refuses packets a u16 length cannot describe with TOO_LARGE', () => {
    expectCode(() => encodeSerialFrame(1, Buffer.alloc(0x10000)), 'TOO_LARGE');
    expect(encodeSerialFrame(1, Buffer.alloc(0xffff)).readUInt16LE(4)).toBe(0xffff);
  });
});

describe('SerialFramer specifics', () => {
  it('reports each frame with the device id it carries', () => {
    const r = make();
    r.feed([Buffer.concat([encodeSerialFrame(1, P1), encodeSerialFrame(254, P2), encodeSerialFrame(3, P3)])]);
    expect(r.frames.map((f) => f.meta.deviceId)).toEqual([1, 254, 3]);
    expect(r.frames.map((f) => f.packet)).toEqual([P1, P2, P3]);
  });

  it('drops a frame with a bad prefix checksum (CHECKSUM) and delivers the next one', () => {
    const bad = Buffer.from(F1);
    bad[6] = bad[6]! ^ 0xff;
    const r = make();
    r.feed([Buffer.concat([bad, F2])]);
    expect(r.frames.map((f) => f.packet)).toEqual([P2]);
    expect(r.discards[0]).toMatchObject({ code: 'CHECKSUM', bytes: 1 });
    expect(r.framer.discardedBytes).toBe(bad.length);
  });

  it('catches a corrupt length with the prefix checksum instead of waiting for the bytes', () => {
    const bad = Buffer.from(F1);
    bad.writeUInt16LE(5000, 4); // checksum left as it was
    const r = make();
    r.feed([bad, F2]);
    expect(r.frames.map((f) => f.packet)).toEqual([P2]);
    expect(r.discards[0]!.code).toBe('CHECKSUM');
    expect(r.framer.buffered).toBe(0);
  });

  it('reports a bad packet checksum as its 8-byte prefix (CHECKSUM), then the packet bytes', () => {
    const bad = Buffer.from(F1);
    bad[SERIAL_PREFIX_SIZE + 9] = bad[SERIAL_PREFIX_SIZE + 9]! ^ 1;
    const r = make();
    r.feed([Buffer.concat([bad, F2])]);
    expect(r.discards.map((d) => [d.code, d.bytes])).toEqual([
      ['CHECKSUM', 8],
      ['MALFORMED', P1.length],
    ]);
    expect(r.frames.map((f) => f.packet)).toEqual([P2]);
  });

  it.each([
    ['mismatched id bytes', '0506817e'],
    ['device id 0', '0000817e'],
    ['device id 255', 'ffff817e'],
    ['a lone mark', '817e817e'],
  ])('treats %s as garbage', (_name, junk) => {
    const r = make();
    r.feed([Buffer.concat([hex(junk), F1])]);
    expect(r.frames.map((f) => f.packet)).toEqual([P1]);
    expect(r.framer.discardedBytes).toBe(4);
    expect(r.discards.every((d) => d.code === 'MALFORMED')).toBe(true);
  });

  it('keeps up to 3 bytes of a possible prefix at a chunk end', () => {
    const r = make();
    r.feed([Buffer.concat([GARBAGE, hex('0707')])]);
    expect(r.framer.buffered).toBe(3);
    expect(r.framer.discardedBytes).toBe(GARBAGE.length - 1);
    r.feed([hex('81'), F1.subarray(3)]);
    expect(r.frames.map((f) => f.packet)).toEqual([P1]);
    expect(r.framer.discardedBytes).toBe(GARBAGE.length);
  });

  it('finds a frame after a false start whose ids do not match', () => {
    const r = make();
    r.feed(splitAt(Buffer.concat([hex('0102817e'), hex('0909817e'), F1]), [3, 6, 13]));
    expect(r.frames.map((f) => f.packet)).toEqual([P1]);
    expect(r.framer.discardedBytes).toBe(8); // 0909817e has a valid start but a bad prefix checksum
  });

  it('never accepts a limit above 0xffff', () => {
    const r = recording((h, o) => new SerialFramer(h, o), { maxPacketSize: 1 << 24 });
    const big = encodePacket(1501, 1, 1, Buffer.alloc(0xffff - 8, 1));
    r.feed([encodeSerialFrame(9, big)]);
    expect(r.frames.map((f) => f.packet.length)).toEqual([0xffff]);
  });
});

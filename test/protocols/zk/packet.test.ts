import { describe, expect, it } from 'vitest';
import {
  Command,
  DEFAULT_MAX_PACKET_SIZE,
  HEADER_SIZE,
  commandName,
  computeChecksum,
  decodePacket,
  decodeTcpFrame,
  encodePacket,
  encodeTcpFrame,
  eventFlagNames,
  nextReplyId,
} from '../../../protocols/zk/index.js';
import { PYZK_CONNECT_REQUEST, PYZK_CONNECT_REQUEST_UDP, hex } from './captures.js';
import { expectCode } from './helpers.js';

describe('encodePacket', () => {
  it('lays out command, checksum, session, reply id little-endian, then data', () => {
    const p = encodePacket(0x0102, 0x0304, 0x0506, hex('aabbcc'));
    expect(p.length).toBe(HEADER_SIZE + 3);
    expect([...p.subarray(0, 2)]).toEqual([0x02, 0x01]);
    expect([...p.subarray(4, 8)]).toEqual([0x04, 0x03, 0x06, 0x05]);
    expect([...p.subarray(8)]).toEqual([0xaa, 0xbb, 0xcc]);
    expect(p.readUInt16LE(2)).toBe(computeChecksum(p));
  });

  it('builds the well-known CONNECT request', () => {
    expect(encodePacket(Command.CONNECT, 0, 0)).toEqual(hex(PYZK_CONNECT_REQUEST_UDP));
    expect(encodeTcpFrame(encodePacket(Command.CONNECT, 0, 0))).toEqual(hex('50 50 82 7d 08 00 00 00 e8 03 17 fc 00 00 00 00'));
  });

  it('accepts the extremes of each u16 field', () => {
    const p = encodePacket(0xffff, 0xffff, 0xffff);
    expect(decodePacket(p)).toMatchObject({ command: 0xffff, sessionId: 0xffff, replyId: 0xffff });
    expect(decodePacket(encodePacket(0, 0, 0)).command).toBe(0);
  });

  it.each([
    [-1, 0, 0],
    [0x10000, 0, 0],
    [0, 1.5, 0],
    [0, 0, Number.NaN],
    [0, 0, 70000],
  ])('refuses command/session/reply %s/%s/%s with INVALID_ARGUMENT', (c, s, r) => {
    expectCode(() => encodePacket(c, s, r), 'INVALID_ARGUMENT');
  });
});

describe('decodePacket', () => {
  it('reads the header fields and the data', () => {
    const p = decodePacket(encodePacket(Command.ACK_OK, 0x2ffb, 0x0102, Buffer.from('hi')));
    expect(p).toMatchObject({ command: 2000, sessionId: 0x2ffb, replyId: 0x0102 });
    expect(p.data.toString()).toBe('hi');
  });

  it('returns data that shares memory with the input', () => {
    const buf = encodePacket(1, 2, 3, Buffer.from([9, 9]));
    const p = decodePacket(buf);
    buf[8] = 7;
    expect(p.data[0]).toBe(7);
  });

  it('gives an empty data part for a bare header', () => {
    expect(decodePacket(hex(PYZK_CONNECT_REQUEST_UDP)).data.length).toBe(0);
  });

  it.each([0, 1, 7])('refuses %i bytes with TRUNCATED', (n) => {
    const err = expectCode(() => decodePacket(Buffer.alloc(n)), 'TRUNCATED');
    expect(err.details).toEqual({ length: n });
  });

  it('refuses a bad checksum with CHECKSUM and names the command and reply id', () => {
    const buf = encodePacket(Command.GET_TIME, 1, 42);
    buf[2] = buf[2]! ^ 1;
    const err = expectCode(() => decodePacket(buf), 'CHECKSUM');
    expect(err.details).toEqual({ command: Command.GET_TIME, replyId: 42 });
    expect(err.message).toContain('GET_TIME');
    expect(decodePacket(buf, { verifyChecksum: false }).command).toBe(Command.GET_TIME);
  });

  it('catches corrupted data, not only a corrupted header', () => {
    const buf = encodePacket(Command.DATA, 1, 1, Buffer.alloc(100, 0x55));
    buf[60] = 0x54;
    expectCode(() => decodePacket(buf), 'CHECKSUM');
  });
});

describe('decodeTcpFrame', () => {
  const frame = encodeTcpFrame(encodePacket(Command.ACK_OK, 1, 2, Buffer.from('xyz')));

  it('returns the packet of an exact frame', () => {
    expect(decodeTcpFrame(frame)).toEqual(frame.subarray(8));
    expect(frame.readUInt32LE(4)).toBe(11);
  });

  it('distinguishes truncated, malformed and too large', () => {
    expectCode(() => decodeTcpFrame(frame.subarray(0, 7)), 'TRUNCATED');
    expectCode(() => decodeTcpFrame(frame.subarray(0, frame.length - 1)), 'TRUNCATED');
    expectCode(() => decodeTcpFrame(Buffer.concat([frame, Buffer.from([0])])), 'MALFORMED');
    const bad = Buffer.from(frame);
    bad[3] = 0x7e;
    expectCode(() => decodeTcpFrame(bad), 'MALFORMED');
    const big = Buffer.from(frame);
    big.writeUInt32LE(DEFAULT_MAX_PACKET_SIZE + 1, 4);
    expectCode(() => decodeTcpFrame(big), 'TOO_LARGE');
    expectCode(() => decodeTcpFrame(frame, 10), 'TOO_LARGE');
  });
});

describe('reply ids, names', () => {
  it('nextReplyId counts up and wraps within 16 bits', () => {
    expect(nextReplyId(0)).toBe(1);
    expect(nextReplyId(0xfffe)).toBe(0xffff);
    expect(nextReplyId(0xffff)).toBe(0);
  });

  it('commandName names known codes and falls back for unknown ones', () => {
    expect(commandName(1000)).toBe('CONNECT');
    expect(commandName(0xffff)).toBe('ACK_UNKNOWN');
    expect(commandName(4242)).toBe('CMD_4242');
  });

  it('eventFlagNames lists the flags set in a mask', () => {
    expect(eventFlagNames(1)).toEqual(['ATTLOG']);
    expect(eventFlagNames(0x281)).toEqual(['ATTLOG', 'VERIFY', 'ALARM']);
    expect(eventFlagNames(0)).toEqual([]);
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checksumMatches, computeChecksum, encodePacket } from '../../../protocols/zk/index.js';
import { ADRO_ACK_ODD, ADRO_OPTIONS_RRQ, PYZK_CONNECT_REQUEST_UDP, hex } from './captures.js';

/** Straightforward reference: sum LE words (odd byte alone), fold, invert. */
function reference(bytes: Uint8Array, skip = 2): number {
  let sum = 0;
  for (let i = 0; i < bytes.length; i += 2) {
    if (i === skip) continue;
    sum += bytes[i]! + (i + 1 < bytes.length ? bytes[i + 1]! << 8 : 0);
    sum = (sum & 0xffff) + Math.floor(sum / 0x10000);
  }
  return ~sum & 0xffff;
}

describe('computeChecksum', () => {
  it('matches the published vectors', () => {
    expect(computeChecksum(hex(ADRO_OPTIONS_RRQ))).toBe(0x175a);
    expect(computeChecksum(hex(ADRO_ACK_ODD))).toBe(0x6a29);
    expect(computeChecksum(hex(PYZK_CONNECT_REQUEST_UDP))).toBe(0xfc17);
  });

  it('ignores the checksum field, whatever it holds', () => {
    const a = hex('e803000000000000');
    const b = hex('e803abcd00000000');
    expect(computeChecksum(a)).toBe(computeChecksum(b));
    expect(computeChecksum(a)).toBe(~0x03e8 & 0xffff);
  });

  it('counts a trailing odd byte as the low byte of a word', () => {
    // 0x0001 + 0x0009 (odd byte alone, not 0x0900)
    expect(computeChecksum(hex('0100000000000000' + '09'))).toBe(~(1 + 9) & 0xffff);
  });

  it('folds carries back in (end-around carry)', () => {
    // 0xffff + 0x0002 = 0x10001 -> 0x0002 -> ~ = 0xfffd
    expect(computeChecksum(hex('ffff0000' + '0200' + '0000'))).toBe(0xfffd);
    // Many carries: 1000 words of 0xffff fold to 0xffff -> ~ = 0
    expect(computeChecksum(Buffer.alloc(2000, 0xff))).toBe(0);
  });

  it('honours another checksum offset (the serial prefix uses 6)', () => {
    const b = hex('0101817e10009999');
    expect(computeChecksum(b, 6)).toBe(reference(b, 6));
    expect(computeChecksum(b, 6)).toBe(~(0x0101 + 0x7e81 + 0x0010) & 0xffff);
  });

  it('agrees with a reference implementation on random input', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 8, maxLength: 300 }), (bytes) => {
        expect(computeChecksum(bytes)).toBe(reference(bytes));
      }),
      { seed: 0x5eed, numRuns: 500 },
    );
  });
});

describe('checksumMatches', () => {
  it('accepts encoded packets and refuses buffers too short to hold the field', () => {
    expect(checksumMatches(encodePacket(2000, 7, 9, Buffer.from('abc')))).toBe(true);
    expect(checksumMatches(hex('e803'))).toBe(false);
    expect(checksumMatches(new Uint8Array(0))).toBe(false);
  });

  it('treats 0x0000 and 0xffff as the same one-complement value', () => {
    // All-zero words except the checksum: expected 0xffff; stored 0 must also pass.
    const zero = Buffer.alloc(8);
    expect(computeChecksum(zero)).toBe(0xffff);
    expect(checksumMatches(zero)).toBe(true);
    zero.writeUInt16LE(0xffff, 2);
    expect(checksumMatches(zero)).toBe(true);
    // Sum 0xffff: expected 0; stored 0xffff must also pass.
    const ones = hex('ffff0000 00000000');
    expect(computeChecksum(ones)).toBe(0);
    expect(checksumMatches(ones)).toBe(true);
    ones.writeUInt16LE(0xffff, 2);
    expect(checksumMatches(ones)).toBe(true);
    ones.writeUInt16LE(1, 2);
    expect(checksumMatches(ones)).toBe(false);
  });

  it('detects every single-bit error', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 200 }),
        fc.nat(),
        fc.nat({ max: 7 }),
        (data, at, bit) => {
          const packet = encodePacket(2000, 0x1234, 7, data);
          const i = at % packet.length;
          packet[i] = packet[i]! ^ (1 << bit);
          expect(checksumMatches(packet)).toBe(false);
        },
      ),
      { seed: 0xb17, numRuns: 1000 },
    );
  });

  it('does not see swapped 16-bit words (a limit of the scheme, seen in a pyzk capture)', () => {
    const packet = encodePacket(1501, 1, 2, hex('11223344'));
    const swapped = Buffer.concat([packet.subarray(0, 8), hex('33441122')]);
    expect(checksumMatches(swapped)).toBe(true);
  });
});

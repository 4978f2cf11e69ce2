import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  PrivilegeLevel,
  USER_RECORD_SIZES,
  decodeUser,
  encodeUser,
  isDisabled,
  privilegeLevel,
  type TerminalUser,
} from '../../../protocols/zk/index.js';
import { hex } from './captures.js';
import { expectCode } from './helpers.js';

function field(text: string, length: number, encoding: BufferEncoding = 'utf8'): Buffer {
  const b = Buffer.alloc(length);
  b.write(text, encoding);
  return b;
}

describe('28-byte users: uid | privilege | 5 password | 8 name | u32 card | pad | group | i16 tz | u32 userId', () => {
  const bytes = Buffer.concat([
    hex('0500'), // uid 5
    hex('0f'), // privilege: admin (14) + disabled
    Buffer.from('12345'), // password fills its 5 bytes
    field('Bob', 8),
    hex('4e61bc00'), // card 12345678
    hex('99'), // pad (5th card byte): ignored
    hex('03'), // group 3
    hex('ffff'), // timezone -1
    hex('ffffffff'), // user id 4294967295
  ]);
  const user: TerminalUser = {
    uid: 5,
    privilege: 0x0f,
    password: '12345',
    name: 'Bob',
    card: 12345678,
    group: '3',
    timezone: -1,
    userId: '4294967295',
  };

  it('reads each field at its offset', () => {
    expect(bytes.length).toBe(28);
    expect(decodeUser(bytes, 0, 28)).toEqual(user);
  });

  it('encodes the same bytes (pad zeroed)', () => {
    const expected = Buffer.from(bytes);
    expected[20] = 0;
    expect(encodeUser(user, 28)).toEqual(expected);
  });

  it.each([
    ['uid', { uid: 70000 }],
    ['privilege', { privilege: 256 }],
    ['card', { card: 2 ** 32 }],
  ] as const)('refuses an out-of-range %s instead of truncating it', (_field, bad) => {
    expectCode(() => encodeUser({ ...user, ...bad }, 28), 'INVALID_ARGUMENT');
    expectCode(() => encodeUser({ ...user, ...bad }, 72), 'INVALID_ARGUMENT');
  });

  it.each(['A12', '-3', '4294967296', '2.5'])('refuses the user id "%s" with INVALID_ARGUMENT', (userId) => {
    expectCode(() => encodeUser({ ...user, userId }, 28), 'INVALID_ARGUMENT');
  });

  it('cuts names and passwords to their fields', () => {
    const enc = encodeUser({ ...user, name: 'Bartholomew', password: '1234567' }, 28);
    expect(decodeUser(enc, 0, 28)).toMatchObject({ name: 'Bartholo', password: '12345', card: 12345678 });
  });
});

describe('72-byte users: uid | privilege | 8 password | 24 name | u32 card | pad | 7 group | pad | 24 userId', () => {
  const bytes = Buffer.concat([
    hex('0201'), // uid 258
    hex('06'), // manager
    field('pw', 8),
    field('Ann Lee', 24),
    hex('efbeadde'), // card 0xdeadbeef
    hex('01'), // byte 39: 01 on real terminals (see captures.test.ts); not decoded
    field('1', 7), // group text
    hex('00'),
    field('A-77', 24),
  ]);
  const user: TerminalUser = {
    uid: 258,
    privilege: 6,
    password: 'pw',
    name: 'Ann Lee',
    card: 0xdeadbeef,
    group: '1',
    timezone: 0,
    userId: 'A-77',
  };

  it('reads each field at its offset', () => {
    expect(bytes.length).toBe(72);
    expect(decodeUser(bytes, 0, 72)).toEqual(user);
  });

  it('encodes the same bytes (byte 39 zeroed)', () => {
    const expected = Buffer.from(bytes);
    expected[39] = 0;
    expect(encodeUser(user, 72)).toEqual(expected);
  });

  it('reads full-width fields without terminators', () => {
    const enc = encodeUser({ ...user, password: '87654321', name: 'N'.repeat(24), userId: '9'.repeat(24), group: 'GGGGGGG' }, 72);
    expect(decodeUser(enc, 0, 72)).toMatchObject({ password: '87654321', name: 'N'.repeat(24), userId: '9'.repeat(24), group: 'GGGGGGG' });
  });

  it('keeps UTF-8 names whole and decodes GBK when asked', () => {
    const enc = encodeUser({ ...user, name: 'José Müller' }, 72);
    expect(decodeUser(enc, 0, 72).name).toBe('José Müller');
    const gbk = Buffer.from(bytes);
    gbk.fill(0, 11, 35);
    hex('d5c5c8fd').copy(gbk, 11);
    expect(decodeUser(gbk, 0, 72, 'gbk').name).toBe('张三');
  });

  it('decodes at an offset and from a Uint8Array view', () => {
    const table = Buffer.concat([Buffer.alloc(4, 0xee), bytes, encodeUser({ ...user, uid: 259, userId: 'B' }, 72)]);
    expect(decodeUser(table, 4 + 72, 72)).toMatchObject({ uid: 259, userId: 'B' });
    const view = new Uint8Array(table.buffer, table.byteOffset + 4, 144);
    expect(decodeUser(view, 0, 72)).toEqual(user);
  });
});

describe('both sizes', () => {
  it.each([28, 72] as const)('size %i: short input is TRUNCATED', (size) => {
    expectCode(() => decodeUser(Buffer.alloc(size - 1), 0, size), 'TRUNCATED');
    expectCode(() => decodeUser(Buffer.alloc(size), 1, size), 'TRUNCATED');
    expectCode(() => decodeUser(new Uint8Array(0), 0, size), 'TRUNCATED');
  });

  it('encode into a table clears only its own slot', () => {
    const out = Buffer.alloc(100, 0xee);
    encodeUser({ uid: 1, privilege: 0, password: '', name: '', card: 0, group: '1', timezone: 0, userId: '1' }, 72, out, 14);
    expect(out.subarray(0, 14).every((b) => b === 0xee)).toBe(true);
    expect(out.subarray(86).every((b) => b === 0xee)).toBe(true);
    expect(decodeUser(out, 14, 72).userId).toBe('1');
  });

  it('USER_RECORD_SIZES lists the two layouts, TCP first', () => {
    expect(USER_RECORD_SIZES).toEqual([72, 28]);
  });
});

describe('privilege byte', () => {
  it.each([
    [0b0000, PrivilegeLevel.USER, false],
    [0b0001, PrivilegeLevel.USER, true],
    [0b0010, PrivilegeLevel.ENROLLER, false],
    [0b0110, PrivilegeLevel.MANAGER, false],
    [0b0111, PrivilegeLevel.MANAGER, true],
    [0b1110, PrivilegeLevel.ADMIN, false],
    [0b1111, PrivilegeLevel.ADMIN, true],
    [0xf0, PrivilegeLevel.USER, false], // bits 4..7 unused
  ])('privilege %i: level %i, disabled %s', (byte, level, disabled) => {
    expect(privilegeLevel(byte)).toBe(level);
    expect(isDisabled(byte)).toBe(disabled);
  });

  it('is kept raw by decodeUser', () => {
    const enc = encodeUser({ uid: 1, privilege: 0xff, password: '', name: '', card: 0, group: '0', timezone: 0, userId: '1' }, 28);
    expect(decodeUser(enc, 0, 28).privilege).toBe(0xff);
  });
});

const ascii = (max: number) => fc.string({ unit: fc.constantFrom(...'abcXYZ019 -_.'), maxLength: max });

describe('round trips (property)', () => {
  it('28-byte users', () => {
    fc.assert(
      fc.property(
        fc.record({
          uid: fc.integer({ min: 0, max: 0xffff }),
          privilege: fc.integer({ min: 0, max: 255 }),
          password: ascii(5),
          name: ascii(8),
          card: fc.integer({ min: 0, max: 0xffffffff }),
          group: fc.integer({ min: 0, max: 255 }).map(String),
          timezone: fc.integer({ min: -32768, max: 32767 }),
          userId: fc.integer({ min: 0, max: 0xffffffff }).map(String),
        }),
        (u) => {
          expect(decodeUser(encodeUser(u, 28), 0, 28)).toEqual(u);
        },
      ),
      { seed: 28, numRuns: 300 },
    );
  });

  it('72-byte users', () => {
    fc.assert(
      fc.property(
        fc.record({
          uid: fc.integer({ min: 0, max: 0xffff }),
          privilege: fc.integer({ min: 0, max: 255 }),
          password: ascii(8),
          name: ascii(24),
          card: fc.integer({ min: 0, max: 0xffffffff }),
          group: ascii(7),
          timezone: fc.constant(0),
          userId: ascii(24),
        }),
        (u) => {
          expect(decodeUser(encodeUser(u, 72), 0, 72)).toEqual(u);
        },
      ),
      { seed: 72, numRuns: 300 },
    );
  });
});

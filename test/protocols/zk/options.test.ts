import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  OptionKey,
  decodeOptionReply,
  decodeOptionRequest,
  decodePacket,
  decodeText,
  encodeOptionReply,
  encodeOptionRequest,
} from '../../../protocols/zk/index.js';
import { ADRO_OPTIONS_RRQ, hex } from './captures.js';
import { expectCode } from './helpers.js';

describe('option requests', () => {
  it('encodes the key NUL-terminated', () => {
    expect(encodeOptionRequest('~SerialNumber')).toEqual(Buffer.from('~SerialNumber\0', 'latin1'));
    expect(encodeOptionRequest(OptionKey.MAC)).toEqual(hex('4d414300'));
  });

  it('decodes the captured OPTIONS_RRQ', () => {
    expect(decodeOptionRequest(decodePacket(hex(ADRO_OPTIONS_RRQ)).data)).toBe('ZKFaceVersion');
  });

  it('decodes keys with or without a terminator, ignoring what follows it', () => {
    expect(decodeOptionRequest(Buffer.from('~Platform'))).toBe('~Platform');
    expect(decodeOptionRequest(Buffer.from('~Platform\0junk'))).toBe('~Platform');
  });

  it.each([[''], ['\0'], ['\0~SerialNumber']])('refuses a request with no key (%j) with MALFORMED', (text) => {
    expectCode(() => decodeOptionRequest(Buffer.from(text)), 'MALFORMED');
  });

  it.each([[''], ['a'.repeat(65)], ['a\0b'], ['a=b']])('refuses the key %j with INVALID_ARGUMENT', (key) => {
    expectCode(() => encodeOptionRequest(key), 'INVALID_ARGUMENT');
  });

  it('accepts a 64-character key', () => {
    expect(encodeOptionRequest('k'.repeat(64)).length).toBe(65);
  });

  it('round-trips keys (property)', () => {
    const key = fc.string({ unit: fc.constantFrom(...'~abcXYZ_019'), minLength: 1, maxLength: 64 });
    fc.assert(
      fc.property(key, (k) => {
        expect(decodeOptionRequest(encodeOptionRequest(k))).toBe(k);
      }),
      { seed: 11, numRuns: 200 },
    );
  });
});

describe('option replies', () => {
  it('encodes key=value NUL-terminated', () => {
    expect(encodeOptionReply('~SerialNumber', 'A1B2')).toEqual(Buffer.from('~SerialNumber=A1B2\0'));
  });

  it('decodes key and value, and checks the key', () => {
    const data = Buffer.from('~SerialNumber=OIN7030067031700036\0');
    expect(decodeOptionReply(data)).toEqual({ key: '~SerialNumber', value: 'OIN7030067031700036' });
    expect(decodeOptionReply(data, '~SerialNumber').value).toBe('OIN7030067031700036');
    expectCode(() => decodeOptionReply(data, '~Platform'), 'MALFORMED');
  });

  it('splits at the first "=" only, and stops at the first NUL', () => {
    expect(decodeOptionReply(Buffer.from('MAC=00:17:61:a=b\0garbage=1'))).toEqual({ key: 'MAC', value: '00:17:61:a=b' });
    expect(decodeOptionReply(Buffer.from('~ExtendFmt='))).toEqual({ key: '~ExtendFmt', value: '' });
    expect(decodeOptionReply(Buffer.from('~DeviceName=K40\0\0\0'))).toEqual({ key: '~DeviceName', value: 'K40' });
  });

  it('decodes UTF-8 values', () => {
    expect(decodeOptionReply(encodeOptionReply('~DeviceName', 'Pförtner')).value).toBe('Pförtner');
  });

  it.each([[''], ['\0'], ['~SerialNumber'], ['~SerialNumber\0=1']])('refuses %j (no "=" before the NUL) with MALFORMED', (text) => {
    expectCode(() => decodeOptionReply(Buffer.from(text)), 'MALFORMED');
  });

  it('round-trips (property)', () => {
    const key = fc.string({ unit: fc.constantFrom(...'~abcXYZ_019'), minLength: 1, maxLength: 64 });
    const value = fc.string({ unit: fc.constantFrom(...'abc=019 :.-é'), maxLength: 80 });
    fc.assert(
      fc.property(key, value, (k, v) => {
        expect(decodeOptionReply(encodeOptionReply(k, v), k)).toEqual({ key: k, value: v });
      }),
      { seed: 12, numRuns: 200 },
    );
  });
});

describe('decodeText (GET_VERSION)', () => {
  it('reads NUL-terminated text and trims it', () => {
    expect(decodeText(Buffer.from('Ver 6.60 Apr 28 2015\0'))).toBe('Ver 6.60 Apr 28 2015');
    expect(decodeText(Buffer.from(' Ver 6.60 \0\0xx'))).toBe('Ver 6.60');
    expect(decodeText(new Uint8Array(0))).toBe('');
  });
});

import { ProtocolError } from '../errors.js';

/** Option keys worth reading for device info. */
export const OptionKey = {
  SERIAL_NUMBER: '~SerialNumber',
  PLATFORM: '~Platform',
  DEVICE_NAME: '~DeviceName',
  MAC: 'MAC',
  FP_VERSION: '~ZKFPVersion',
  EXTEND_FORMAT: '~ExtendFmt',
} as const;

const MAX_KEY = 64;

/** OPTIONS_RRQ data: the key, NUL-terminated. */
export function encodeOptionRequest(key: string): Buffer {
  if (key.length === 0 || key.length > MAX_KEY || key.includes('\0') || key.includes('=')) {
    throw new ProtocolError('INVALID_ARGUMENT', `option key must be 1..${MAX_KEY} characters without NUL or "=", got "${key}"`);
  }
  return Buffer.from(`${key}\0`, 'latin1');
}

/** The key asked for in an OPTIONS_RRQ payload. */
export function decodeOptionRequest(data: Uint8Array): string {
  const text = Buffer.from(data).toString('latin1');
  const key = text.split('\0', 1)[0] ?? '';
  if (key.length === 0) throw new ProtocolError('MALFORMED', 'option request carries no key');
  return key;
}

/** Reply data: `key=value\0`. */
export function encodeOptionReply(key: string, value: string): Buffer {
  return Buffer.from(`${key}=${value}\0`, 'utf8');
}

/** Parses `key=value\0` and checks the key is the one asked for. */
export function decodeOptionReply(data: Uint8Array, expectedKey?: string): { key: string; value: string } {
  const text = Buffer.from(data).toString('utf8').replace(/\0[\s\S]*$/, '');
  const eq = text.indexOf('=');
  if (eq < 0) throw new ProtocolError('MALFORMED', `option reply "${text}" has no "="`);
  const key = text.slice(0, eq);
  const value = text.slice(eq + 1);
  if (expectedKey !== undefined && key !== expectedKey) {
    throw new ProtocolError('MALFORMED', `option reply is for "${key}", expected "${expectedKey}"`);
  }
  return { key, value };
}

/** GET_VERSION reply: NUL-terminated text such as "Ver 6.60 Apr 28 2015". */
export function decodeText(data: Uint8Array): string {
  return Buffer.from(data).toString('utf8').replace(/\0[\s\S]*$/, '').trim();
}

import { ProtocolError } from '../errors.js';
import { assertUint, numericUserId, U8, U16, U32 } from './fields.js';
import { decodeFixedText, encodeFixedText, type TextEncodingName } from './text.js';

export type UserRecordSize = 28 | 72;
export const USER_RECORD_SIZES: readonly UserRecordSize[] = [72, 28];

/** Privilege levels held in bits 1..3 of the privilege byte. */
export const PrivilegeLevel = { USER: 0, ENROLLER: 2, MANAGER: 6, ADMIN: 14 } as const;

export interface TerminalUser {
  uid: number;
  userId: string;
  name: string;
  password: string;
  card: number;
  /** Raw privilege byte; see `privilegeLevel` and `isDisabled`. */
  privilege: number;
  group: string;
  /** 28-byte records only; 0 otherwise. */
  timezone: number;
}

export function privilegeLevel(privilege: number): number {
  return privilege & 0b1110;
}

export function isDisabled(privilege: number): boolean {
  return (privilege & 1) === 1;
}

export function decodeUser(buf: Uint8Array, offset: number, size: UserRecordSize, encoding: TextEncodingName = 'utf-8'): TerminalUser {
  if (buf.length - offset < size) {
    throw new ProtocolError('TRUNCATED', `user record needs ${size} bytes, ${buf.length - offset} left`);
  }
  const view = Buffer.isBuffer(buf) ? buf : Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  if (size === 28) {
    return {
      uid: view.readUInt16LE(offset),
      privilege: view[offset + 2]!,
      password: decodeFixedText(view, offset + 3, 5, encoding),
      name: decodeFixedText(view, offset + 8, 8, encoding),
      card: view.readUInt32LE(offset + 16),
      group: String(view[offset + 21]!),
      timezone: view.readInt16LE(offset + 22),
      userId: String(view.readUInt32LE(offset + 24)),
    };
  }
  return {
    uid: view.readUInt16LE(offset),
    privilege: view[offset + 2]!,
    password: decodeFixedText(view, offset + 3, 8, encoding),
    name: decodeFixedText(view, offset + 11, 24, encoding),
    card: view.readUInt32LE(offset + 35),
    group: decodeFixedText(view, offset + 40, 7, encoding),
    timezone: 0,
    userId: decodeFixedText(view, offset + 48, 24, encoding),
  };
}

export function encodeUser(user: TerminalUser, size: UserRecordSize, out?: Buffer, offset = 0): Buffer {
  assertUint('uid', user.uid, U16);
  assertUint('privilege', user.privilege, U8);
  assertUint('card', user.card, U32);
  const buf = out ?? Buffer.alloc(size);
  buf.fill(0, offset, offset + size);
  buf.writeUInt16LE(user.uid, offset);
  buf[offset + 2] = user.privilege;
  if (size === 28) {
    const numeric = numericUserId(user.userId, U32, '28-byte user');
    encodeFixedText(user.password, buf, offset + 3, 5);
    encodeFixedText(user.name, buf, offset + 8, 8);
    buf.writeUInt32LE(user.card, offset + 16);
    buf[offset + 21] = Number(user.group) & 0xff;
    buf.writeInt16LE(user.timezone, offset + 22);
    buf.writeUInt32LE(numeric, offset + 24);
  } else {
    encodeFixedText(user.password, buf, offset + 3, 8);
    encodeFixedText(user.name, buf, offset + 11, 24);
    buf.writeUInt32LE(user.card, offset + 35);
    encodeFixedText(user.group, buf, offset + 40, 7);
    encodeFixedText(user.userId, buf, offset + 48, 24);
  }
  return buf;
}

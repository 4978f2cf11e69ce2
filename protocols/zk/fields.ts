import { ProtocolError } from '../errors.js';

/** Refuses a value that does not fit an unsigned field of `max` (INVALID_ARGUMENT, never silent truncation). */
export function assertUint(name: string, value: number, max: number): number {
  if (!Number.isInteger(value) || value < 0 || value > max) {
    throw new ProtocolError('INVALID_ARGUMENT', `${name} must be an integer in 0..${max}, got ${value}`);
  }
  return value;
}

/** A numeric user id as a number, or INVALID_ARGUMENT when the layout has no room for text. */
export function numericUserId(userId: string, max: number, layout: string): number {
  const n = Number(userId);
  if (!/^\d+$/.test(userId) || n > max) {
    throw new ProtocolError('INVALID_ARGUMENT', `${layout} holds numeric user ids up to ${max}, got "${userId}"`);
  }
  return n;
}

export const U8 = 0xff;
export const U16 = 0xffff;
export const U32 = 0xffffffff;

import { ProtocolError } from '../errors.js';
import { EventFlag } from './commands.js';
import { assertUint, numericUserId, U8, U16, U32 } from './fields.js';
import { decodeFixedText, encodeFixedText, type TextEncodingName } from './text.js';
import { decodeEventTime, encodeEventTime, invalidReason, type LocalDateTime } from './time.js';

/** A realtime attendance event (REG_EVENT with the ATTLOG flag). */
export interface AttendanceEvent {
  userId: string;
  verify: number;
  state: number;
  workcode: number;
  /** Undefined when the six time bytes name an impossible moment; `rawTime` keeps them. */
  time: LocalDateTime | undefined;
  rawTime: Buffer;
}

/** Event payload layouts by length. Firmware sends one of these; the longer ones may pad. */
export type AttendanceEventLayout = 10 | 12 | 14 | 32 | 36;
export const ATTENDANCE_EVENT_LAYOUTS: readonly AttendanceEventLayout[] = [36, 32, 14, 12, 10];
/** Upper bound on an event payload we try to read. */
export const MAX_EVENT_DATA = 4096;

function layoutFor(length: number): AttendanceEventLayout {
  if (length === 10 || length === 12 || length === 14 || length === 32) return length;
  if (length >= 36) return 36;
  throw new ProtocolError('MALFORMED', `no attendance event layout is ${length} bytes long (known: 10, 12, 14, 32, 36+)`, {
    details: { length },
  });
}

/**
 * Decodes the data of an attendance event packet. Layouts:
 * 10 `u16 uid | verify | state | time6`, 12 `u32 userId | verify | state | time6`,
 * 14 the 10-byte form + 4 bytes, 32 `24 userId | verify | state | time6`, 36 the 32-byte form +
 * `u32 workcode` (longer payloads carry extra fields after that and decode the same).
 */
export function decodeAttendanceEvent(data: Uint8Array, encoding: TextEncodingName = 'utf-8'): AttendanceEvent {
  if (data.length > MAX_EVENT_DATA) {
    throw new ProtocolError('TOO_LARGE', `attendance event of ${data.length} bytes exceeds ${MAX_EVENT_DATA}`);
  }
  const view = Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const layout = layoutFor(view.length);
  let userId: string;
  let at: number;
  let workcode = 0;
  switch (layout) {
    case 10:
    case 14:
      userId = String(view.readUInt16LE(0));
      at = 2;
      break;
    case 12:
      userId = String(view.readUInt32LE(0));
      at = 4;
      break;
    case 32:
    case 36:
      userId = decodeFixedText(view, 0, 24, encoding);
      at = 24;
      if (layout === 36) workcode = view.readUInt32LE(32);
      break;
  }
  const rawTime = Buffer.from(view.subarray(at + 2, at + 8));
  const time = decodeEventTime(view, at + 2);
  return {
    userId,
    verify: view[at]!,
    state: view[at + 1]!,
    workcode,
    time: invalidReason(time) === undefined ? time : undefined,
    rawTime,
  };
}

export interface AttendanceEventInput {
  userId: string;
  verify: number;
  state: number;
  workcode?: number;
  time: LocalDateTime;
}

/** Encodes an attendance event in one of the layouts (the simulator's side). */
export function encodeAttendanceEvent(event: AttendanceEventInput, layout: AttendanceEventLayout = 36): Buffer {
  assertUint('verify', event.verify, U8);
  assertUint('state', event.state, U8);
  const buf = Buffer.alloc(layout);
  let at: number;
  if (layout === 32 || layout === 36) {
    encodeFixedText(event.userId, buf, 0, 24);
    at = 24;
    if (layout === 36) buf.writeUInt32LE(assertUint('workcode', event.workcode ?? 0, U32), 32);
  } else {
    const numeric = numericUserId(event.userId, layout === 12 ? U32 : U16, `a ${layout}-byte event`);
    if (layout === 12) {
      buf.writeUInt32LE(numeric, 0);
      at = 4;
    } else {
      buf.writeUInt16LE(numeric, 0);
      at = 2;
    }
  }
  buf[at] = event.verify;
  buf[at + 1] = event.state;
  encodeEventTime(event.time, buf, at + 2);
  return buf;
}

/** Names of the event flags set in a mask, for logs. */
export function eventFlagNames(mask: number): string[] {
  return Object.entries(EventFlag)
    .filter(([, bit]) => (mask & bit) !== 0)
    .map(([name]) => name);
}

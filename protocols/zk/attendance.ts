import { ProtocolError } from '../errors.js';
import { assertUint, numericUserId, U8, U16, U32 } from './fields.js';
import { decodeFixedText, encodeFixedText, type TextEncodingName } from './text.js';
import { decodeZkTimeFields, encodeZkTime, invalidReason, type LocalDateTime } from './time.js';

/** Attendance record sizes terminals use: 8 (old), 16 (UDP / some firmware), 40 (TCP, most). */
export type AttendanceRecordSize = 8 | 16 | 40;
export const ATTENDANCE_RECORD_SIZES: readonly AttendanceRecordSize[] = [40, 16, 8];

/**
 * One stored punch. `time` is undefined when the terminal's stored value names an impossible day
 * (the raw value is kept in `rawTime` so nothing is lost).
 */
export interface AttendanceRecord {
  /** Internal slot number (8- and 40-byte records). */
  uid: number | undefined;
  /** The enrolment number people know ("PIN"). */
  userId: string;
  /** How the person was recognised: 1 fingerprint, 0/3 password, 2/4 card, 15 face. */
  verify: number;
  /** Punch kind: 0 check-in, 1 check-out, 2 break-out, 3 break-in, 4 overtime-in, 5 overtime-out. */
  state: number;
  workcode: number;
  rawTime: number;
  time: LocalDateTime | undefined;
}

export interface AttendanceInput {
  uid?: number;
  userId: string;
  verify: number;
  state: number;
  workcode?: number;
  time: LocalDateTime;
}

function timeOrUndefined(raw: number): LocalDateTime | undefined {
  const t = decodeZkTimeFields(raw);
  return invalidReason(t) === undefined ? t : undefined;
}

/** Decodes one record of `size` bytes at `offset`. */
export function decodeAttendance(
  buf: Uint8Array,
  offset: number,
  size: AttendanceRecordSize,
  encoding: TextEncodingName = 'utf-8',
): AttendanceRecord {
  if (buf.length - offset < size) {
    throw new ProtocolError('TRUNCATED', `attendance record needs ${size} bytes, ${buf.length - offset} left`);
  }
  const view = Buffer.isBuffer(buf) ? buf : Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  switch (size) {
    case 8: {
      const uid = view.readUInt16LE(offset);
      const rawTime = view.readUInt32LE(offset + 3);
      return { uid, userId: String(uid), verify: view[offset + 2]!, state: view[offset + 7]!, workcode: 0, rawTime, time: timeOrUndefined(rawTime) };
    }
    case 16: {
      const rawTime = view.readUInt32LE(offset + 4);
      return {
        uid: undefined,
        userId: String(view.readUInt32LE(offset)),
        verify: view[offset + 8]!,
        state: view[offset + 9]!,
        workcode: view.readUInt32LE(offset + 12),
        rawTime,
        time: timeOrUndefined(rawTime),
      };
    }
    case 40: {
      const rawTime = view.readUInt32LE(offset + 27);
      return {
        uid: view.readUInt16LE(offset),
        userId: decodeFixedText(view, offset + 2, 24, encoding),
        verify: view[offset + 26]!,
        state: view[offset + 31]!,
        workcode: 0,
        rawTime,
        time: timeOrUndefined(rawTime),
      };
    }
  }
}

/** Encodes one record (the simulator's side). */
export function encodeAttendance(record: AttendanceInput, size: AttendanceRecordSize, out?: Buffer, offset = 0): Buffer {
  assertUint('verify', record.verify, U8);
  assertUint('state', record.state, U8);
  if (record.uid !== undefined) assertUint('uid', record.uid, U16);
  const time = encodeZkTime(record.time);
  const buf = out ?? Buffer.alloc(size);
  buf.fill(0, offset, offset + size);
  switch (size) {
    case 8:
      buf.writeUInt16LE(record.uid ?? numericUserId(record.userId, U16, '8-byte record without a uid'), offset);
      buf[offset + 2] = record.verify;
      buf.writeUInt32LE(time, offset + 3);
      buf[offset + 7] = record.state;
      break;
    case 16: {
      buf.writeUInt32LE(numericUserId(record.userId, U32, '16-byte record'), offset);
      buf.writeUInt32LE(time, offset + 4);
      buf[offset + 8] = record.verify;
      buf[offset + 9] = record.state;
      buf.writeUInt32LE(assertUint('workcode', record.workcode ?? 0, U32), offset + 12);
      break;
    }
    case 40:
      buf.writeUInt16LE(record.uid ?? 0, offset);
      encodeFixedText(record.userId, buf, offset + 2, 24);
      buf[offset + 26] = record.verify;
      buf.writeUInt32LE(time, offset + 27);
      buf[offset + 31] = record.state;
      break;
  }
  return buf;
}

import type { PunchSource } from '../../protocols/mqtt/contract.js';
import { formatLocal, formatUtcOffset, type LocalDateTime } from '../../protocols/zk/time.js';
import type { NewPunch } from '../store/outbox.js';

/** What a stored record and a realtime event have in common. */
export interface PunchFields {
  userId: string;
  verify: number;
  state: number;
  workcode: number;
  time: LocalDateTime | undefined;
}

/**
 * Why a record cannot become a punch, or undefined when it can. Such records stay on the terminal;
 * the poller counts and reports them instead of dropping them silently.
 */
export function unusableReason(fields: PunchFields): string | undefined {
  if (fields.time === undefined) return 'its stored time names an impossible moment';
  if (fields.userId.trim() === '') return 'it has no user id';
  return undefined;
}

/**
 * A terminal record or event as the outbox stores it: the terminal's own wall-clock time (never
 * corrected), with the site's offset in `at`. The outbox derives the id from serial, user, local
 * time and state, so a realtime event and the later full read of the same record share one id.
 * Callers check `unusableReason` first.
 */
export function toNewPunch(deviceSerial: string, fields: PunchFields, utcOffsetMinutes: number, source: PunchSource): NewPunch {
  if (fields.time === undefined) throw new RangeError('toNewPunch needs a record with a valid time');
  const localTime = formatLocal(fields.time);
  return {
    deviceSerial,
    userId: fields.userId,
    localTime,
    at: `${localTime}${formatUtcOffset(utcOffsetMinutes)}`,
    state: fields.state,
    verify: fields.verify,
    workcode: fields.workcode,
    source,
  };
}

/** A raw stored time for logs: `0x2368b36b`. */
export function formatRawTime(raw: number | Uint8Array): string {
  if (typeof raw === 'number') return `0x${(raw >>> 0).toString(16).padStart(8, '0')}`;
  return `0x${Buffer.from(raw).toString('hex')}`;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

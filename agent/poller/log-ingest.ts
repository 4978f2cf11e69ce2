import type { Logger } from 'pino';
import type { AttendanceRecord } from '../../protocols/zk/attendance.js';
import { AgentError } from '../errors.js';
import type { NewPunch, Outbox, Watermark } from '../store/outbox.js';
import { recordFingerprint } from '../store/punch-id.js';
import { formatRawTime, toNewPunch, unusableReason } from './record-to-punch.js';

/**
 * Turning one streamed read of a terminal's attendance log into outbox rows, without storing again
 * what was stored before.
 *
 * A terminal returns its whole log on every read, and the log only grows until someone clears it.
 * The outbox's watermark {recordCount N, lastFingerprint} says records 0..N-1 are stored and record
 * N-1 hashed to lastFingerprint. So records below N-1 are skipped untouched, record N-1 is hashed
 * once to prove the log still starts the same, and only records from N on become punches, stored
 * in batches that advance the watermark in the same transaction (a read cut short resumes where it
 * stopped). When the log shrank or record N-1 differs, the log was cleared or replaced: the next
 * read is a reset that offers every record again and lets the outbox's unique id drop the ones it
 * has.
 */

export type IngestMode = 'append' | 'reset';

export interface IngestPlan {
  mode: IngestMode;
  /** Records 0..skip-1 are stored already. */
  skip: number;
  /** The fingerprint record skip-1 must have. */
  fingerprint: string | null;
  /** Why a reset (for the log). */
  reason: string | undefined;
}

export interface IngestResult {
  mode: IngestMode;
  /** Records the terminal returned. */
  records: number;
  inserted: number;
  /** Offered but already stored (realtime got there first, or a reset re-offered them). */
  duplicates: number;
  /** Records that cannot become punches (impossible time, no user id); left on the terminal. */
  unusable: number;
  /** A few raw values of those, for the alarm. */
  unusableSamples: string[];
  /** Set when the log no longer starts as it did: read again with a reset plan. */
  resetNeeded: string | undefined;
  /** Set when the outbox filled up during the read: the rest stays on the terminal. */
  haltedBy: string | undefined;
  /** The watermark's record count after this read. */
  watermark: number;
}

export interface LogIngestOptions {
  outbox: Outbox;
  serial: string;
  utcOffsetMinutes: number;
  plan: IngestPlan;
  /** Records per transaction (default 2000). */
  batchSize?: number;
  logger: Logger;
  /** Checked before each batch: a reason means the outbox is full and storing stops. */
  fullReason(): string | undefined;
  /** After a batch stored new punches. */
  onStored?(inserted: number): void;
}

const LOGGED_UNUSABLE = 20;
const SAMPLES = 3;

export function fingerprintOf(record: AttendanceRecord): string {
  return recordFingerprint(record.userId, record.rawTime, record.state, record.verify);
}

/** Append after the watermark, or offer everything again when the terminal holds fewer records. */
export function planIngest(watermark: Watermark | undefined, terminalRecords: number): IngestPlan {
  if (watermark === undefined || watermark.recordCount === 0) return { mode: 'append', skip: 0, fingerprint: null, reason: undefined };
  if (terminalRecords < watermark.recordCount) {
    return resetPlan(`the terminal holds ${terminalRecords} records and ${watermark.recordCount} were read before: its log was cleared`);
  }
  return { mode: 'append', skip: watermark.recordCount, fingerprint: watermark.lastFingerprint, reason: undefined };
}

export function resetPlan(reason: string): IngestPlan {
  return { mode: 'reset', skip: 0, fingerprint: null, reason };
}

export class LogIngest {
  readonly result: IngestResult;
  private readonly options: LogIngestOptions;
  private readonly batchSize: number;
  private batch: NewPunch[] = [];
  /** Records taken since the last store (usable or not): all of them advance the watermark. */
  private taken = 0;
  private last: { record: AttendanceRecord; index: number } | undefined;
  private stopped = false;

  constructor(options: LogIngestOptions) {
    this.options = options;
    this.batchSize = options.batchSize ?? 2000;
    const { mode, skip } = options.plan;
    this.result = {
      mode, records: 0, inserted: 0, duplicates: 0, unusable: 0, unusableSamples: [],
      resetNeeded: undefined, haltedBy: undefined, watermark: skip,
    };
  }

  /** One record of the read, in order (ZkClient.readAttendance's onRecord). */
  onRecord(record: AttendanceRecord, index: number): void {
    this.result.records = index + 1;
    if (this.stopped) return;
    const { skip } = this.options.plan;
    if (index < skip) {
      if (index === skip - 1) this.checkPrefix(record, index);
      return;
    }
    this.take(record, index);
    if (this.taken >= this.batchSize) this.store();
  }

  /** The read completed: store the last batch, or notice that the log shrank. */
  finish(): IngestResult {
    const { skip, mode } = this.options.plan;
    if (!this.stopped && this.result.records < skip) {
      this.stop(`the terminal returned ${this.result.records} records and ${skip} were read before: its log was cleared`);
    }
    if (this.stopped) return this.result;
    this.store();
    if (mode === 'reset' && this.result.records === 0 && !this.stopped) this.writeWatermark([], 0, null);
    return this.result;
  }

  /**
   * The read failed part way (link dropped): the records that did arrive are the terminal's records
   * 0..k in order, so they are stored and the next read resumes after them.
   */
  salvage(): IngestResult {
    if (!this.stopped) this.store();
    return this.result;
  }

  private checkPrefix(record: AttendanceRecord, index: number): void {
    if (fingerprintOf(record) === this.options.plan.fingerprint) return;
    this.stop(`record ${index} is not the one read before: the log was cleared or replaced`);
  }

  private stop(resetReason: string): void {
    this.result.resetNeeded = resetReason;
    this.stopped = true;
  }

  private take(record: AttendanceRecord, index: number): void {
    this.taken++;
    this.last = { record, index };
    const reason = unusableReason(record);
    if (reason === undefined) {
      this.batch.push(toNewPunch(this.options.serial, record, this.options.utcOffsetMinutes, 'poll'));
      return;
    }
    const raw = formatRawTime(record.rawTime);
    this.result.unusable++;
    if (this.result.unusableSamples.length < SAMPLES) this.result.unusableSamples.push(`#${index} user ${record.userId || '?'} time ${raw}`);
    if (this.result.unusable <= LOGGED_UNUSABLE) {
      this.options.logger.warn({ index, userId: record.userId, rawTime: raw, state: record.state, verify: record.verify }, `record skipped: ${reason}; it stays on the terminal`);
    }
  }

  private store(): void {
    if (this.taken === 0 || this.last === undefined) return;
    const full = this.options.fullReason();
    if (full !== undefined) {
      this.result.haltedBy = full;
      this.stopped = true;
      this.options.logger.warn({ reason: full, left: this.taken }, 'outbox full: storing stopped, the rest stays on the terminal');
      return;
    }
    const { record, index } = this.last;
    this.writeWatermark(this.batch, index + 1, fingerprintOf(record));
    this.batch = [];
    this.taken = 0;
  }

  private writeWatermark(punches: NewPunch[], recordCount: number, lastFingerprint: string | null): void {
    const { outbox, serial } = this.options;
    let stored;
    try {
      stored = outbox.insertPolled(punches, { serial, recordCount, lastFingerprint });
    } catch (err) {
      this.stopped = true;
      throw err instanceof AgentError ? err : new AgentError('STORE', `storing punches of ${serial} failed: ${(err as Error).message}`, { cause: err });
    }
    this.result.inserted += stored.inserted;
    this.result.duplicates += stored.duplicates;
    this.result.watermark = recordCount;
    if (stored.inserted > 0) this.options.onStored?.(stored.inserted);
  }
}

import type { Logger } from 'pino';
import type { ZkClient } from '../../protocols/zk/client/client.js';
import type { Outbox } from '../store/outbox.js';
import { LogIngest, planIngest, resetPlan, type IngestPlan, type IngestResult } from './log-ingest.js';

export interface ReadProgressEvent {
  serial: string;
  /** Records received so far in this read. */
  records: number;
  /** Records the terminal said it holds. */
  expected: number;
}

export interface LogReadContext {
  client: ZkClient;
  outbox: Outbox;
  serial: string;
  utcOffsetMinutes: number;
  batchSize: number | undefined;
  logger: Logger;
  /** Cuts the read short between chunks (stop). */
  signal: AbortSignal;
  onStored(count: number): void;
  onProgress(progress: ReadProgressEvent): void;
}

/**
 * Reads the terminal's log and stores what is new since the watermark. When the log no longer
 * starts as it did (cleared, replaced), reads once more offering every record.
 */
export async function readNewRecords(ctx: LogReadContext, terminalRecords: number): Promise<IngestResult> {
  let plan = planIngest(ctx.outbox.getWatermark(ctx.serial), terminalRecords);
  for (;;) {
    if (plan.reason !== undefined) ctx.logger.warn({ reason: plan.reason }, 'terminal log changed: offering every record again (duplicates are skipped)');
    const result = await readPass(ctx, plan);
    const { mode, records, inserted, duplicates, watermark } = result;
    // The poller reports the read as a whole; a pass is worth a line only when debugging a reset.
    ctx.logger.debug({ mode, records, inserted, duplicates, watermark }, 'log read pass done');
    if (result.resetNeeded === undefined || plan.mode === 'reset') return result;
    plan = resetPlan(result.resetNeeded);
  }
}

async function readPass(ctx: LogReadContext, plan: IngestPlan): Promise<IngestResult> {
  const ingest = new LogIngest({
    outbox: ctx.outbox,
    serial: ctx.serial,
    utcOffsetMinutes: ctx.utcOffsetMinutes,
    plan,
    batchSize: ctx.batchSize,
    logger: ctx.logger,
    fullReason: () => ctx.outbox.capacity().reason,
    onStored: ctx.onStored,
  });
  try {
    await ctx.client.readAttendance({
      onRecord: (record, index) => ingest.onRecord(record, index),
      onProgress: (p) => ctx.onProgress({ serial: ctx.serial, records: p.records, expected: p.expectedRecords }),
      signal: ctx.signal,
    });
  } catch (err) {
    salvage(ctx, ingest);
    throw err;
  }
  return ingest.finish();
}

/** Keeps what a failed read delivered, so the next read resumes after it. */
function salvage(ctx: LogReadContext, ingest: LogIngest): void {
  try {
    const kept = ingest.salvage();
    ctx.logger.info({ records: kept.records, inserted: kept.inserted, watermark: kept.watermark }, 'read cut short: kept what arrived');
  } catch (err) {
    ctx.logger.error({ err }, 'could not store what arrived before the read failed');
  }
}

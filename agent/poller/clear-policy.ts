import type { Logger } from 'pino';
import type { ZkClient } from '../../protocols/zk/client/client.js';
import type { FreeSizes } from '../../protocols/zk/free-sizes.js';
import type { Outbox } from '../store/outbox.js';

/**
 * Clearing a terminal's attendance log: off unless the operator enables it, and then only when the
 * log is filling up and the hub has acknowledged every punch of this terminal. The field's
 * complaint is logs cleared before they were safely stored; this is the guard against it.
 */
export interface ClearPolicy {
  /** Default false: terminals keep their records. */
  enabled: boolean;
  /** Clear only at or above this fill (records ÷ record capacity), default 0.8. */
  minFillRatio: number;
}

export const DEFAULT_CLEAR_POLICY: ClearPolicy = { enabled: false, minFillRatio: 0.8 };

export interface ClearFacts {
  sizes: Pick<FreeSizes, 'records' | 'recordCapacity'>;
  /** Undelivered punches of this terminal in the outbox. */
  undelivered: number;
  /** The watermark's record count: how much of the log is stored. */
  stored: number;
}

/** Why not to clear now, or undefined when clearing is allowed. */
export function clearRefusal(policy: ClearPolicy, facts: ClearFacts): string | undefined {
  if (!policy.enabled) return 'clearing is disabled';
  const { records, recordCapacity } = facts.sizes;
  if (records === 0) return 'the log is empty';
  const fill = recordCapacity > 0 ? records / recordCapacity : 0;
  if (fill < policy.minFillRatio) return `the log is ${Math.round(fill * 100)}% full, below ${Math.round(policy.minFillRatio * 100)}%`;
  if (facts.stored !== records) return `${records} records on the terminal, ${facts.stored} stored`;
  if (facts.undelivered > 0) return `${facts.undelivered} punches not yet acknowledged by the hub`;
  return undefined;
}

export interface ClearOutcome {
  cleared: boolean;
  reason: string | undefined;
  records: number;
}

/**
 * Clears the terminal when `clearRefusal` allows it (first on the sizes the poll read, then again
 * on fresh sizes with the device disabled, so no punch can slip in between check and clear). The
 * watermark drops to 0 afterwards. The device is always enabled again.
 */
export async function clearIfAllowed(
  client: ZkClient,
  outbox: Outbox,
  serial: string,
  policy: ClearPolicy,
  sizesBefore: ClearFacts['sizes'],
  logger: Logger,
): Promise<ClearOutcome> {
  const facts = (sizes: ClearFacts['sizes']): ClearFacts => ({
    sizes,
    undelivered: outbox.backlogBySerial().get(serial) ?? 0,
    stored: outbox.getWatermark(serial)?.recordCount ?? 0,
  });
  const early = clearRefusal(policy, facts(sizesBefore));
  if (early !== undefined) return { cleared: false, reason: early, records: 0 };
  await client.disableDevice();
  try {
    const sizes = await client.getFreeSizes();
    const refusal = clearRefusal(policy, facts(sizes));
    if (refusal !== undefined) {
      logger.info({ reason: refusal }, 'not clearing the terminal log after all');
      return { cleared: false, reason: refusal, records: 0 };
    }
    await client.clearAttendance();
    outbox.insertPolled([], { serial, recordCount: 0, lastFingerprint: null });
    logger.warn({ records: sizes.records, recordCapacity: sizes.recordCapacity }, 'cleared the terminal log: every record was stored and acknowledged by the hub');
    return { cleared: true, reason: undefined, records: sizes.records };
  } finally {
    await client.enableDevice().catch((err: unknown) => logger.error({ err }, 'could not enable the terminal again after clearing'));
  }
}

import type { Logger } from 'pino';
import { MAX_BATCH, topicsFor, type Topics } from '../../protocols/mqtt/contract.js';
import { AgentError } from '../errors.js';
import type { Outbox } from '../store/outbox.js';
import type { BrokerOptions } from './connection.js';

/** What the publisher needs from the outbox (the real Outbox, or a stand-in in tests). */
export type PublisherOutbox = Pick<Outbox, 'epoch' | 'pendingBatch' | 'markDelivered' | 'backlog'>;

export interface PublisherOptions {
  outbox: PublisherOutbox;
  site: string;
  gateway: string;
  broker: BrokerOptions;
  /** Punches per PunchBatch (default 500, at most the contract's MAX_BATCH). */
  batchSize?: number;
  /** Batches published and not yet acknowledged by the hub (default 8). */
  maxInflightBatches?: number;
  /** A batch not acknowledged this long after it was sent is sent again (default 10,000 ms). */
  ackTimeoutMs?: number;
  /** First reconnect delay; doubles per failed attempt up to reconnectMaxMs, with jitter (default 1,000 ms). */
  reconnectPeriodMs?: number;
  /** Ceiling of the reconnect delay (default 30,000 ms). */
  reconnectMaxMs?: number;
  /** How long stop() waits for the broker before dropping the connection (default 5,000 ms). */
  stopTimeoutMs?: number;
  /** Agent version, carried in the status message (at most 40 characters). */
  version?: string;
  logger: Logger;
}

export interface PublisherStats {
  /** Connected and subscribed to the ack topic: batches are flowing. */
  connected: boolean;
  inflightBatches: number;
  inflightPunches: number;
  /** Milliseconds since the epoch of the last accepted ack, or null. */
  lastAckAt: number | null;
  ackedBatches: number;
  /** Rows marked delivered on the hub's acks. */
  deliveredPunches: number;
  /** Batch publications, first sends and retransmissions. */
  sentBatches: number;
  retransmits: number;
  /** Messages on the ack topic that were not a valid ack for a batch in flight. */
  ignoredAcks: number;
  /** Successful connections so far. */
  connects: number;
  lastError: string | null;
}

export interface Settings {
  topics: Topics;
  clientId: string;
  batchSize: number;
  maxInflight: number;
  ackTimeoutMs: number;
  stopTimeoutMs: number;
  reconnectPeriodMs: number;
  reconnectMaxMs: number;
}

/** Defaults and checks; a bad option is an AgentError('CONFIG') at construction, not a surprise later. */
export function resolveSettings(options: PublisherOptions): Settings {
  let topics: Topics;
  try {
    topics = topicsFor(options.site, options.gateway);
  } catch (err) {
    throw new AgentError('CONFIG', `site and gateway must be topic-safe ids (got "${options.site}", "${options.gateway}")`, { cause: err });
  }
  if (options.version !== undefined && options.version.length > 40) throw new AgentError('CONFIG', `version "${options.version}" is longer than 40 characters`);
  return {
    topics,
    clientId: options.broker.clientId ?? `rollcall-agent-${options.site}-${options.gateway}`,
    batchSize: positiveInt('batchSize', options.batchSize ?? 500, MAX_BATCH),
    maxInflight: positiveInt('maxInflightBatches', options.maxInflightBatches ?? 8, 1000),
    ackTimeoutMs: positiveInt('ackTimeoutMs', options.ackTimeoutMs ?? 10_000, 3_600_000),
    stopTimeoutMs: positiveInt('stopTimeoutMs', options.stopTimeoutMs ?? 5000, 600_000),
    reconnectPeriodMs: positiveInt('reconnectPeriodMs', options.reconnectPeriodMs ?? 1000, 3_600_000),
    reconnectMaxMs: positiveInt('reconnectMaxMs', options.reconnectMaxMs ?? 30_000, 3_600_000),
  };
}

function positiveInt(name: string, value: number, max: number): number {
  if (!Number.isInteger(value) || value < 1 || value > max) throw new AgentError('CONFIG', `${name} must be an integer from 1 to ${max} (got ${value})`);
  return value;
}

/** The promise's value, or undefined if it takes longer than `ms`. */
export async function within<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

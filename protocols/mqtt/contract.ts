import { z } from 'zod';

/**
 * The agent ⇄ hub message contract over MQTT (see the README's "Message contract"). Both sides
 * validate every message with these schemas; nothing else defines the wire shape.
 */

export const CONTRACT_VERSION = 1;

/** Site and gateway ids appear in topics: no MQTT wildcards or separators, no whitespace. */
export const TopicId = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'use letters, digits, ".", "_" and "-" (no "/", "+", "#" or spaces)');

/** ISO 8601 local time with the site's offset, e.g. 2026-11-23T08:59:01+08:00. */
export const OffsetDateTime = z.iso.datetime({ offset: true, local: false });

export const PunchSource = z.enum(['realtime', 'poll', 'push', 'hid']);
export type PunchSource = z.infer<typeof PunchSource>;

export const Punch = z.object({
  /** Made at the edge; the same terminal record always gets the same id. */
  id: z.string().min(8).max(80),
  deviceSerial: z.string().min(1).max(64),
  userId: z.string().min(1).max(32),
  at: OffsetDateTime,
  state: z.number().int().min(0).max(255),
  verify: z.number().int().min(0).max(255),
  workcode: z.number().int().min(0).max(0xffffffff),
  source: PunchSource,
});
export type Punch = z.infer<typeof Punch>;

export const MAX_BATCH = 5000;

/** A batch of punches, whatever schema its punches are checked with. */
function batchOf<P extends z.ZodType>(punch: P) {
  return z
    .object({
      v: z.literal(CONTRACT_VERSION).default(CONTRACT_VERSION),
      gateway: TopicId,
      /** Increases at every agent start. */
      epoch: z.number().int().min(1),
      /** The gateway's sequence numbers of the punches, inclusive; never reused. */
      seqFrom: z.number().int().min(1),
      seqTo: z.number().int().min(1),
      punches: z.array(punch).min(1).max(MAX_BATCH),
    })
    .refine((b) => b.seqTo >= b.seqFrom && b.seqTo - b.seqFrom + 1 >= b.punches.length, {
      message: 'seqFrom..seqTo must cover at least as many sequence numbers as there are punches',
    });
}

export const PunchBatch = batchOf(Punch);
export type PunchBatch = z.infer<typeof PunchBatch>;

/**
 * A batch with its punches left unchecked: the hub validates the envelope first and each punch
 * on its own, so one bad punch is parked with its reason instead of holding up the batch.
 */
export const PunchBatchEnvelope = batchOf(z.unknown());
export type PunchBatchEnvelope = z.infer<typeof PunchBatchEnvelope>;

/** The hub's application ack: every punch of seqFrom..seqTo is durably stored (or was already). */
export const PunchAck = z.object({
  v: z.literal(CONTRACT_VERSION).default(CONTRACT_VERSION),
  gateway: TopicId,
  epoch: z.number().int().min(1),
  seqFrom: z.number().int().min(1),
  seqTo: z.number().int().min(1),
  /** Punches newly stored, and punches the hub already had (idempotent replays). */
  stored: z.number().int().min(0),
  duplicates: z.number().int().min(0),
});
export type PunchAck = z.infer<typeof PunchAck>;

export const GatewayStatus = z.object({
  v: z.literal(CONTRACT_VERSION).default(CONTRACT_VERSION),
  gateway: TopicId,
  epoch: z.number().int().min(1),
  state: z.enum(['online', 'offline']),
  at: z.iso.datetime({ offset: true }),
  version: z.string().max(40).optional(),
  /** Punches stored at the edge and not yet acknowledged by the hub. */
  backlog: z.number().int().min(0).optional(),
  alarms: z.array(z.string().max(200)).max(20).optional(),
});
export type GatewayStatus = z.infer<typeof GatewayStatus>;

export const TerminalHealth = z.object({
  v: z.literal(CONTRACT_VERSION).default(CONTRACT_VERSION),
  gateway: TopicId,
  deviceSerial: z.string().min(1).max(64),
  /** The terminal's configured name and its URL with any comm key masked. */
  name: z.string().max(80),
  endpoint: z.string().max(200),
  online: z.boolean(),
  lastSeen: z.iso.datetime({ offset: true }).nullable(),
  /**
   * Every record the terminal held at this moment is in the gateway's outbox: the start of the
   * last complete read of its log (null until one completes). With `backlog` 0 the hub knows the
   * terminal's punches up to here are delivered: its site's sync watermark is built from this.
   */
  syncedThrough: z.iso.datetime({ offset: true }).nullable().default(null),
  /** Terminal clock minus gateway clock, at the site's offset (null until read). */
  clockDriftSeconds: z.number().nullable(),
  records: z.number().int().min(0).nullable(),
  recordCapacity: z.number().int().min(0).nullable(),
  users: z.number().int().min(0).nullable(),
  userCapacity: z.number().int().min(0).nullable(),
  firmware: z.string().max(80).nullable(),
  platform: z.string().max(80).nullable(),
  /** Punches from this terminal stored at the edge and not yet acknowledged. */
  backlog: z.number().int().min(0),
  lastError: z.string().max(500).nullable(),
  /** Conditions that need a person: clock drift, outbox full, unreadable records. */
  alarms: z.array(z.string().max(200)).max(20).default([]),
  at: z.iso.datetime({ offset: true }),
});
export type TerminalHealth = z.infer<typeof TerminalHealth>;

export interface Topics {
  punches: string;
  ack: string;
  status: string;
  health(deviceSerial: string): string;
}

/** Topics of one gateway: `rollcall/v1/{site}/{gateway}/...`. */
export function topicsFor(site: string, gateway: string): Topics {
  TopicId.parse(site);
  TopicId.parse(gateway);
  const base = `rollcall/v1/${site}/${gateway}`;
  return {
    punches: `${base}/punches`,
    ack: `${base}/ack`,
    status: `${base}/status`,
    health: (deviceSerial) => `${base}/devices/${encodeTopicLevel(deviceSerial)}/health`,
  };
}

/** A terminal serial number as one topic level (MQTT wildcards and separators escaped). */
export function encodeTopicLevel(value: string): string {
  return value.replace(/[/+#%\s]/g, (c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

import { CONTRACT_VERSION, PunchAck } from '../../protocols/mqtt/contract.js';
import type { PendingBatch } from '../store/outbox.js';

/** One PunchBatch on the wire, waiting for the hub's application ack. */
export interface InflightBatch {
  seqFrom: number;
  seqTo: number;
  /** Punches in the batch (fewer than seqTo − seqFrom + 1 when rows in between were already delivered). */
  count: number;
  /** The serialised PunchBatch, kept so a retransmission sends exactly the same bytes. */
  payload: string;
  /** How many times it was published on this connection. */
  sends: number;
  timer: NodeJS.Timeout | undefined;
}

/**
 * One PunchBatch around the outbox's JSON array of punches. The outbox wrote these rows and built
 * the array itself, so nothing is validated or copied again here.
 */
export function encodeBatch(gateway: string, epoch: number, pending: PendingBatch): InflightBatch {
  const { seqFrom, seqTo, count, punchesJson } = pending;
  const payload = `{"v":${CONTRACT_VERSION},"gateway":${JSON.stringify(gateway)},"epoch":${epoch},"seqFrom":${seqFrom},"seqTo":${seqTo},"punches":${punchesJson}}`;
  return { seqFrom, seqTo, count, payload, sends: 0, timer: undefined };
}

export type AckVerdict =
  | { ok: true; ack: PunchAck }
  | { ok: false; reason: string };

/** Parses and validates an ack payload; never throws. */
export function decodeAck(payload: Buffer): AckVerdict {
  let json: unknown;
  try {
    json = JSON.parse(payload.toString('utf8'));
  } catch {
    return { ok: false, reason: `not JSON (${payload.length} bytes)` };
  }
  const parsed = PunchAck.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, reason: `not a PunchAck: ${issue === undefined ? 'invalid' : `${issue.path.join('.') || '(root)'}: ${issue.message}`}` };
  }
  return { ok: true, ack: parsed.data };
}

import { CONTRACT_VERSION, PunchAck } from '../../protocols/mqtt/contract.js';
import type { OutboxPunch } from '../store/outbox.js';

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
 * Serialises rows (ordered by seq) as one PunchBatch. The only per-row work is copying the
 * contract's fields (dropping `seq`) and JSON: the outbox wrote these rows, so they are not
 * validated again here.
 */
export function encodeBatch(gateway: string, epoch: number, rows: readonly OutboxPunch[]): InflightBatch {
  const first = rows[0];
  const last = rows[rows.length - 1];
  if (first === undefined || last === undefined) throw new RangeError('a batch needs at least one punch');
  const punches = new Array<unknown>(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    punches[i] = { id: r.id, deviceSerial: r.deviceSerial, userId: r.userId, at: r.at, state: r.state, verify: r.verify, workcode: r.workcode, source: r.source };
  }
  const payload = JSON.stringify({ v: CONTRACT_VERSION, gateway, epoch, seqFrom: first.seq, seqTo: last.seq, punches });
  return { seqFrom: first.seq, seqTo: last.seq, count: rows.length, payload, sends: 0, timer: undefined };
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

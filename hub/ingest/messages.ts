import {
  GatewayStatus,
  Punch,
  PunchBatchEnvelope,
  TerminalHealth,
} from '../../protocols/mqtt/contract.js';
import type { z } from 'zod';

/**
 * Turns one MQTT message into what ingest acts on, or says exactly why it cannot. Nothing here
 * touches the database or the broker.
 */
export type Inbound =
  | { kind: 'punches'; site: string; gateway: string; batch: PunchBatchEnvelope; punches: ValidPunch[]; rejects: RejectedPunch[] }
  | { kind: 'status'; site: string; gateway: string; status: GatewayStatus }
  | { kind: 'health'; site: string; gateway: string; health: TerminalHealth }
  /** An empty retained payload: someone cleared the topic. */
  | { kind: 'cleared'; site: string; gateway: string }
  | { kind: 'invalid'; site: string | null; gateway: string | null; reason: string };

export interface ValidPunch extends Punch {
  atMs: number;
}

export interface RejectedPunch {
  index: number;
  reason: string;
  raw: unknown;
}

/** Earliest and latest plausible punch instants: before 2000 or over a day ahead is a terminal fault. */
const EARLIEST_MS = Date.UTC(2000, 0, 1);
const FUTURE_SLACK_MS = 24 * 3600 * 1000;

export function parseInbound(topic: string, payload: Buffer, nowMs: number): Inbound {
  const levels = topic.split('/');
  if (levels.length < 5 || levels[0] !== 'rollcall' || levels[1] !== 'v1') {
    return { kind: 'invalid', site: null, gateway: null, reason: `not a rollcall v1 topic: ${topic}` };
  }
  const site = levels[2] ?? '';
  const gateway = levels[3] ?? '';
  const rest = levels.slice(4);
  const kind = rest.length === 1 && (rest[0] === 'punches' || rest[0] === 'status') ? rest[0] : rest.length === 3 && rest[0] === 'devices' && rest[2] === 'health' ? 'health' : null;
  if (kind === null) return { kind: 'invalid', site, gateway, reason: `unknown topic ${topic}` };
  if (payload.length === 0) {
    return kind === 'punches' ? { kind: 'invalid', site, gateway, reason: 'empty payload' } : { kind: 'cleared', site, gateway };
  }
  let json: unknown;
  try {
    json = JSON.parse(payload.toString('utf8'));
  } catch (err) {
    return { kind: 'invalid', site, gateway, reason: `not JSON: ${(err as Error).message}` };
  }
  if (kind === 'status') {
    const parsed = GatewayStatus.safeParse(json);
    if (!parsed.success) return { kind: 'invalid', site, gateway, reason: `not a gateway status: ${issues(parsed.error)}` };
    if (parsed.data.gateway !== gateway) return { kind: 'invalid', site, gateway, reason: `status names gateway "${parsed.data.gateway}" on gateway ${gateway}'s topic` };
    return { kind: 'status', site, gateway, status: parsed.data };
  }
  if (kind === 'health') {
    const parsed = TerminalHealth.safeParse(json);
    if (!parsed.success) return { kind: 'invalid', site, gateway, reason: `not a terminal health report: ${issues(parsed.error)}` };
    if (parsed.data.gateway !== gateway) return { kind: 'invalid', site, gateway, reason: `health names gateway "${parsed.data.gateway}" on gateway ${gateway}'s topic` };
    return { kind: 'health', site, gateway, health: parsed.data };
  }
  const parsed = PunchBatchEnvelope.safeParse(json);
  if (!parsed.success) return { kind: 'invalid', site, gateway, reason: `not a punch batch: ${issues(parsed.error)}` };
  const batch = parsed.data;
  if (batch.gateway !== gateway) return { kind: 'invalid', site, gateway, reason: `batch names gateway "${batch.gateway}" on gateway ${gateway}'s topic` };
  const punches: ValidPunch[] = [];
  const rejects: RejectedPunch[] = [];
  batch.punches.forEach((raw, index) => {
    const p = Punch.safeParse(raw);
    if (!p.success) {
      rejects.push({ index, reason: `punch ${index}: ${issues(p.error)}`, raw });
      return;
    }
    const atMs = Date.parse(p.data.at);
    if (!(atMs >= EARLIEST_MS && atMs <= nowMs + FUTURE_SLACK_MS)) {
      rejects.push({ index, reason: `punch ${index}: impossible time ${p.data.at} (before 2000 or more than a day ahead of the hub's clock)`, raw });
      return;
    }
    // Field by field: a spread copy of each punch cost more than its zod validation (measured).
    const d = p.data;
    punches.push({ id: d.id, deviceSerial: d.deviceSerial, userId: d.userId, at: d.at, state: d.state, verify: d.verify, workcode: d.workcode, source: d.source, atMs });
  });
  return { kind: 'punches', site, gateway, batch, punches, rejects };
}

function issues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((i) => `${i.path.length === 0 ? '(message)' : i.path.join('.')}: ${i.message}`)
    .join('; ');
}

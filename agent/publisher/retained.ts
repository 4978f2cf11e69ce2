import { CONTRACT_VERSION, GatewayStatus, TerminalHealth, type Topics } from '../../protocols/mqtt/contract.js';
import { AgentError } from '../errors.js';

export interface RetainedMessage {
  topic: string;
  payload: string;
}

/**
 * What the gateway keeps retained on the broker: its status (birth, Will, offline) and the latest
 * health of each terminal, held here so all of it can be published again after a reconnect.
 */
export class RetainedState {
  private readonly health = new Map<string, RetainedMessage>();
  private alarms: string[] = [];

  constructor(
    private readonly topics: Topics,
    private readonly gateway: string,
    private readonly epoch: number,
    private readonly version: string | undefined,
  ) {}

  /** Validates and keeps a terminal's health; throws AgentError('BROKER') if it does not fit the contract. */
  setHealth(h: TerminalHealth): RetainedMessage {
    const parsed = TerminalHealth.safeParse(h);
    if (!parsed.success) throw new AgentError('BROKER', `health of ${h.deviceSerial} does not fit the contract: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    if (parsed.data.gateway !== this.gateway) throw new AgentError('BROKER', `health of ${h.deviceSerial} names gateway "${parsed.data.gateway}", not "${this.gateway}"`);
    const message = { topic: this.topics.health(h.deviceSerial), payload: JSON.stringify(parsed.data) };
    this.health.set(h.deviceSerial, message);
    return message;
  }

  healthMessages(): Iterable<RetainedMessage> {
    return this.health.values();
  }

  /** Keeps at most 20 alarms of at most 200 characters (the contract's bounds); true if they changed. */
  setAlarms(alarms: readonly string[]): boolean {
    const next = alarms.slice(0, 20).map((a) => (a.length > 200 ? `${a.slice(0, 199)}…` : a));
    if (next.length === this.alarms.length && next.every((a, i) => a === this.alarms[i])) return false;
    this.alarms = next;
    return true;
  }

  /** A GatewayStatus payload; `backlog` is left out when unknown (the Will, fixed at connect time). */
  status(state: 'online' | 'offline', backlog: number | undefined): string {
    const status: GatewayStatus = { v: CONTRACT_VERSION, gateway: this.gateway, epoch: this.epoch, state, at: new Date().toISOString() };
    if (this.version !== undefined) status.version = this.version;
    if (backlog !== undefined) status.backlog = backlog;
    if (state === 'online' && this.alarms.length > 0) status.alarms = this.alarms;
    return JSON.stringify(GatewayStatus.parse(status));
  }
}

import type { TerminalHealth } from '../protocols/mqtt/contract.js';
import type { PollerHealth } from './poller/health.js';

/** A poller's health as the contract's TerminalHealth, with the terminal's outbox backlog; undefined before the serial is known. */
export function toTerminalHealth(gateway: string, h: PollerHealth, backlogs: Map<string, number>): TerminalHealth | undefined {
  if (h.deviceSerial === null) return undefined;
  return {
    v: 1,
    gateway,
    deviceSerial: h.deviceSerial,
    name: h.name,
    endpoint: h.endpoint,
    online: h.online,
    lastSeen: h.lastSeen,
    syncedThrough: h.syncedThrough,
    clockDriftSeconds: h.clockDriftSeconds,
    records: h.records,
    recordCapacity: h.recordCapacity,
    users: h.users,
    userCapacity: h.userCapacity,
    firmware: h.firmware,
    platform: h.platform,
    backlog: backlogs.get(h.deviceSerial) ?? 0,
    // Within the contract's bounds, so a long error message never stops health reporting.
    lastError: h.lastError === null ? null : clip(h.lastError, 500),
    alarms: h.alarms.slice(0, 20).map((a) => clip(a, 200)),
    at: new Date().toISOString(),
  };
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

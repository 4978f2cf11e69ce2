import { describe, expect, it } from 'vitest';
import { toTerminalHealth } from '../../agent/health-report.js';
import type { PollerHealth } from '../../agent/poller/health.js';
import { TerminalHealth } from '../../protocols/mqtt/contract.js';

const poller: PollerHealth = {
  name: 'gate', endpoint: 'zk+tcp://10.0.0.5:4370', deviceSerial: 'SN1', online: false, lastSeen: null, syncedThrough: null,
  clockDriftSeconds: null, records: null, recordCapacity: null, users: null, userCapacity: null, firmware: null, platform: null,
  lastError: null, alarms: [],
};

describe('terminal health reports', () => {
  it('carry the terminal\'s outbox backlog, and nothing before its serial is known', () => {
    expect(toTerminalHealth('gw1', poller, new Map([['SN1', 7]]))).toMatchObject({ gateway: 'gw1', deviceSerial: 'SN1', backlog: 7 });
    expect(toTerminalHealth('gw1', { ...poller, deviceSerial: null }, new Map())).toBeUndefined();
  });

  it('keep a long error message and long alarms within the contract, so the report still goes out', () => {
    const long = { ...poller, lastError: `connect ETIMEDOUT ${'x'.repeat(700)}`, alarms: Array.from({ length: 25 }, (_, i) => `alarm ${i} ${'y'.repeat(300)}`) };
    const report = toTerminalHealth('gw1', long, new Map())!;
    expect(TerminalHealth.safeParse(report).success).toBe(true);
    expect(report.lastError).toHaveLength(500);
    expect(report.lastError!.startsWith('connect ETIMEDOUT')).toBe(true);
    expect(report.alarms).toHaveLength(20);
    expect(report.alarms.every((a) => a.length === 200 && a.endsWith('…'))).toBe(true);
  });
});

import { describe, expect, it } from 'vitest';
import { backoffCap, backoffDelay, Sleeper } from '../../../agent/backoff.js';
import { clearRefusal } from '../../../agent/poller/clear-policy.js';
import { clockDrift } from '../../../agent/poller/clock-check.js';
import { toNewPunch, unusableReason } from '../../../agent/poller/record-to-punch.js';
import { formatUtcOffset } from '../../../protocols/zk/time.js';

describe('backoff', () => {
  const options = { initialMs: 1000, maxMs: 60_000 };

  it('grows exponentially up to the cap', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 7, 20, 5000].map((a) => backoffCap(a, options))).toEqual([
      1000, 2000, 4000, 8000, 16_000, 32_000, 60_000, 60_000, 60_000, 60_000,
    ]);
  });

  it('is fully jittered: uniformly in [0, cap) by the random source', () => {
    expect(backoffDelay(3, options, () => 0)).toBe(0);
    expect(backoffDelay(3, options, () => 0.5)).toBe(4000);
    expect(backoffDelay(3, options, () => 0.999_999)).toBe(7999);
    expect(backoffDelay(10, options, () => 0.25)).toBe(15_000);
    const seen = new Set(Array.from({ length: 50 }, () => backoffDelay(4, options)));
    expect(seen.size).toBeGreaterThan(10);
    expect([...seen].every((d) => d >= 0 && d < 16_000)).toBe(true);
  });

  it('grows with the attempt for the same random draw', () => {
    const delays = [0, 1, 2, 3, 4, 5].map((a) => backoffDelay(a, options, () => 0.7));
    expect(delays).toEqual([700, 1400, 2800, 5600, 11_200, 22_400]);
  });
});

describe('Sleeper', () => {
  it('ends a wait early on wake and keeps no timer', async () => {
    const sleeper = new Sleeper();
    const started = Date.now();
    const waiting = sleeper.sleep(60_000);
    expect(sleeper.sleeping).toBe(true);
    sleeper.wake();
    await waiting;
    expect(sleeper.sleeping).toBe(false);
    expect(Date.now() - started).toBeLessThan(30_000);
    sleeper.wake(); // nothing waits: no effect
  });

  it('ends on its own after the delay', async () => {
    const sleeper = new Sleeper();
    await sleeper.sleep(5);
    expect(sleeper.sleeping).toBe(false);
  });
});

describe('record to punch', () => {
  const time = { year: 2026, month: 11, day: 23, hour: 8, minute: 59, second: 1 };

  it('formats offsets east and west of UTC', () => {
    expect(formatUtcOffset(480)).toBe('+08:00');
    expect(formatUtcOffset(0)).toBe('+00:00');
    expect(formatUtcOffset(-330)).toBe('-05:30');
    expect(formatUtcOffset(345)).toBe('+05:45');
  });

  it('keeps terminal wall time and adds the site offset', () => {
    const punch = toNewPunch('SN1', { userId: '1001', verify: 1, state: 0, workcode: 7, time }, 480, 'poll');
    expect(punch).toEqual({
      deviceSerial: 'SN1', userId: '1001', localTime: '2026-11-23T08:59:01', at: '2026-11-23T08:59:01+08:00',
      state: 0, verify: 1, workcode: 7, source: 'poll',
    });
  });

  it('names what makes a record unusable', () => {
    expect(unusableReason({ userId: '1', verify: 1, state: 0, workcode: 0, time })).toBeUndefined();
    expect(unusableReason({ userId: '1', verify: 1, state: 0, workcode: 0, time: undefined })).toMatch(/impossible/);
    expect(unusableReason({ userId: ' ', verify: 1, state: 0, workcode: 0, time })).toMatch(/no user id/);
  });
});

describe('clock drift', () => {
  it('is terminal wall time minus gateway wall time at the site offset', () => {
    const gateway = new Date('2026-11-23T00:59:01Z'); // 08:59:01 at +08:00
    expect(clockDrift({ year: 2026, month: 11, day: 23, hour: 8, minute: 59, second: 1 }, gateway, 480)).toBe(0);
    expect(clockDrift({ year: 2026, month: 11, day: 23, hour: 9, minute: 0, second: 31 }, gateway, 480)).toBe(90);
    expect(clockDrift({ year: 2027, month: 11, day: 23, hour: 8, minute: 59, second: 1 }, gateway, 480)).toBe(365 * 86_400);
    expect(clockDrift({ year: 2026, month: 11, day: 23, hour: 0, minute: 59, second: 1 }, gateway, 480)).toBe(-8 * 3600);
  });
});

describe('clear policy', () => {
  const enabled = { enabled: true, minFillRatio: 0.8 };
  const facts = { sizes: { records: 900, recordCapacity: 1000 }, undelivered: 0, stored: 900 };

  it('allows clearing only when enabled, full enough, all stored and all acknowledged', () => {
    expect(clearRefusal(enabled, facts)).toBeUndefined();
    expect(clearRefusal({ ...enabled, enabled: false }, facts)).toMatch(/disabled/);
    expect(clearRefusal(enabled, { ...facts, sizes: { records: 700, recordCapacity: 1000 }, stored: 700 })).toMatch(/70% full, below 80%/);
    expect(clearRefusal(enabled, { ...facts, undelivered: 1 })).toMatch(/1 punches not yet acknowledged/);
    expect(clearRefusal(enabled, { ...facts, stored: 899 })).toMatch(/900 records on the terminal, 899 stored/);
    expect(clearRefusal(enabled, { ...facts, sizes: { records: 0, recordCapacity: 0 }, stored: 0 })).toMatch(/empty/);
  });
});

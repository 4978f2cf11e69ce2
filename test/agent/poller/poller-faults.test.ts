import { afterEach, describe, expect, it, vi } from 'vitest';
import type { PollerHealth } from '../../../agent/poller/health.js';
import { formatLocal } from '../../../protocols/zk/time.js';
import { closeRigs, idOf, ids, maxSeq, rig, terminalIds } from './rig.js';

afterEach(closeRigs);

const YEAR = 365 * 86_400;
const offeredCount = (spy: { mock: { calls: Array<[readonly unknown[], unknown]> } }): number =>
  spy.mock.calls.reduce((n, [punches]) => n + punches.length, 0);

describe('TerminalPoller when things go wrong', () => {
  it('terminal restart mid-transfer: keeps what arrived, resumes past it after reconnecting, no duplicates, no loss', async () => {
    const r = await rig({ sim: { records: 30_000 }, poller: { batchSize: 2000 } });
    const serial = r.sim.serialNumber;
    r.sim.setFaults({ dropAfterChunkBytes: 500_000 }); // about 12,500 of the 40-byte records
    let kicked = 0;
    r.poller.on('punches', (n) => (kicked += n));
    r.poller.start();
    await expect.poll(() => r.poller.status().lastError, { timeout: 10_000 }).toMatch(/CONNECTION_CLOSED/);
    await expect.poll(() => r.outbox.getWatermark(serial)?.recordCount ?? 0, { timeout: 10_000 }).toBeGreaterThan(0);
    const kept = r.outbox.getWatermark(serial)!.recordCount;
    expect(kept).toBeLessThan(30_000);
    expect(r.stored()).toHaveLength(kept);

    const insertPolled = vi.spyOn(r.outbox, 'insertPolled');
    r.sim.clearFaults();
    r.sim.restart();
    await expect.poll(() => r.stored().length, { timeout: 20_000 }).toBe(30_000);
    const all = r.stored();
    expect(ids(all)).toEqual(terminalIds(r.sim));
    expect(maxSeq(all)).toBe(30_000);
    expect(offeredCount(insertPolled)).toBe(30_000 - kept); // resumed after the watermark
    expect(kicked).toBe(30_000);
    await expect.poll(() => r.poller.status().online).toBe(true);
  });

  it('terminal reboots during a read and refuses connections for a while: backs off, reconnects, realtime works again', async () => {
    const r = await rig({ sim: { records: 20_000 }, poller: { batchSize: 1000, pollIntervalMs: 60_000 } });
    const health: PollerHealth[] = [];
    r.poller.on('health', (h) => health.push(h));
    let rebooted = false;
    r.poller.on('progress', (p) => {
      if (!rebooted && p.records > 5000) {
        rebooted = true;
        r.sim.restart({ downMs: 400 });
      }
    });
    r.poller.start();
    await expect.poll(() => r.stored().length, { timeout: 20_000 }).toBe(20_000);
    expect(rebooted).toBe(true);
    expect(health.some((h) => !h.online && h.lastError !== null)).toBe(true);
    expect(ids(r.stored())).toEqual(terminalIds(r.sim));

    // The new session registered for realtime events again.
    const record = r.sim.punch({ userId: '1005' })!;
    await expect.poll(() => r.stored().find((p) => p.id === idOf(r.sim, record))?.source, { timeout: 10_000 }).toBe('realtime');
  });

  it('UDP terminal restart (no close to notice): the next poll times out, the poller reconnects and re-registers', async () => {
    const r = await rig({ kind: 'udp', sim: { records: 100 }, query: '?timeout=200', poller: { pollIntervalMs: 60_000 } });
    r.poller.start();
    await expect.poll(() => r.poller.status().watermark, { timeout: 10_000 }).toBe(100);
    r.sim.restart();
    const record = r.sim.punch({ userId: '1006' })!; // nobody is registered: the terminal keeps the event
    await expect(r.poller.pollNow()).rejects.toMatchObject({ code: 'TIMEOUT' });
    await expect.poll(() => r.stored().some((p) => p.id === idOf(r.sim, record)), { timeout: 10_000 }).toBe(true);
    expect(ids(r.stored())).toEqual(terminalIds(r.sim));
    await expect.poll(() => r.poller.status().online).toBe(true);
  });

  it('terminal clock jumped a year: drift reported, alarm raised, punches keep the terminal time, clock left alone', async () => {
    const r = await rig({ sim: { records: 20, clockOffsetSeconds: YEAR }, poller: { realtime: false } });
    const record = r.sim.punch({ userId: '1001' })!;
    await r.poller.pollNow();
    const status = r.poller.status();
    expect(Math.abs(status.clockDriftSeconds! - YEAR)).toBeLessThanOrEqual(2);
    expect(status.alarms.join('\n')).toMatch(/terminal clock \+3153\d{4} s off the gateway \(limit 60 s\)/);
    const stored = r.stored().find((p) => p.id === idOf(r.sim, record))!;
    expect(stored.at).toBe(`${formatLocal(record.time)}+08:00`);
    expect(record.time.year).toBe(new Date(Date.now() + 8 * 3_600_000).getUTCFullYear() + 1);
    expect(Math.abs(r.sim.clock.aheadSeconds() - YEAR)).toBeLessThan(5);
  });

  it('terminal clock jumped a year, correction enabled: the terminal is set back, punches already made keep their time', async () => {
    const r = await rig({ sim: { records: 20, clockOffsetSeconds: YEAR }, poller: { realtime: false, clock: { correct: true } } });
    const early = r.sim.punch({ userId: '1001' })!;
    await r.poller.pollNow();
    expect(Math.abs(r.sim.clock.aheadSeconds())).toBeLessThan(2);
    const status = r.poller.status();
    expect(Math.abs(status.clockDriftSeconds!)).toBeLessThanOrEqual(1);
    expect(status.alarms.join('\n')).toMatch(/terminal clock \+3153\d{4} s off.*set to gateway time/);
    expect(r.stored().find((p) => p.id === idOf(r.sim, early))?.at).toBe(`${formatLocal(early.time)}+08:00`);

    await r.poller.pollNow(); // within the limit now: the alarm goes
    expect(r.poller.status().alarms).toEqual([]);
  });

  it('measures drift against the injected gateway clock', async () => {
    const gateway = (): Date => new Date(Date.now() + 90_000); // the gateway is 90 s ahead
    const r = await rig({ sim: { records: 5 }, poller: { realtime: false, now: gateway } });
    await r.poller.pollNow();
    const status = r.poller.status();
    expect(Math.abs(status.clockDriftSeconds! + 90)).toBeLessThanOrEqual(2);
    expect(status.alarms.join('\n')).toMatch(/terminal clock -(8[89]|9[01]) s off the gateway/);
    expect(Date.parse(status.lastSeen!) - Date.now()).toBeGreaterThan(60_000);
  });

  it('disk floor reached: pulls nothing and raises an alarm; pulls everything once space is back', async () => {
    let free = 100 * 2 ** 20;
    const r = await rig({
      sim: { records: 500 },
      outbox: { minFreeBytes: 2 ** 30, freeBytes: () => free },
      poller: { pollIntervalMs: 60_000, capacityRecheckMs: 50 },
    });
    r.poller.start();
    await expect.poll(() => r.poller.status().alarms.join('\n'), { timeout: 10_000 }).toMatch(/outbox full: only 100 MiB free.*floor 1024 MiB/);
    expect(r.poller.status()).toMatchObject({ state: 'paused', online: true, records: 500 });
    const during = r.sim.punch({ userId: '1007' })!; // no realtime while paused
    await r.poller.pollNow();
    expect(r.stored()).toHaveLength(0);
    expect(r.outbox.getWatermark(r.sim.serialNumber)).toBeUndefined();

    free = 10 * 2 ** 30;
    await expect.poll(() => r.stored().length, { timeout: 10_000 }).toBe(501);
    expect(ids(r.stored())).toEqual(terminalIds(r.sim));
    expect(r.stored().find((p) => p.id === idOf(r.sim, during))?.source).toBe('poll');
    await expect.poll(() => r.poller.status().alarms).toEqual([]);
    const later = r.sim.punch({ userId: '1008' })!; // realtime is back
    await expect.poll(() => r.stored().find((p) => p.id === idOf(r.sim, later))?.source, { timeout: 10_000 }).toBe('realtime');
  });

  it('row bound reached during a backfill: stops between batches, resumes once the hub acknowledged', async () => {
    const r = await rig({ sim: { records: 12_000 }, outbox: { maxBacklog: 5000 }, poller: { realtime: false, batchSize: 2000 } });
    await r.poller.pollNow();
    expect(r.stored()).toHaveLength(6000);
    expect(r.outbox.getWatermark(r.sim.serialNumber)?.recordCount).toBe(6000);
    expect(r.poller.status().alarms.join('\n')).toMatch(/outbox full: outbox holds 6000 undelivered punches \(limit 5000\)/);

    await r.poller.pollNow();
    expect(r.stored()).toHaveLength(6000);

    r.outbox.markDelivered(1, 6000);
    await r.poller.pollNow();
    expect(r.stored()).toHaveLength(6000); // the other 6000; the first 6000 are delivered
    expect(r.outbox.getWatermark(r.sim.serialNumber)?.recordCount).toBe(12_000);
    expect(r.poller.status().alarms).toEqual([]);
    expect(maxSeq(r.stored())).toBe(12_000);
  });
});

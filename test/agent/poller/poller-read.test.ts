import { afterEach, describe, expect, it, vi } from 'vitest';
import { Command } from '../../../protocols/zk/commands.js';
import type { ReadProgressEvent } from '../../../agent/poller/log-reader.js';
import { seedRecords } from '../../../fixtures/sim/index.js';
import { formatLocal } from '../../../protocols/zk/time.js';
import { FIXED_BASE } from '../../helpers/sim-harness.js';
import { closeRigs, idOf, ids, maxSeq, rig, terminalIds } from './rig.js';

afterEach(closeRigs);

describe('TerminalPoller reading a terminal log', () => {
  it('backfills 100,000 records once; the next poll stores nothing again; new punches follow', async () => {
    const r = await rig({
      sim: { records: 100_000, users: 300, commKey: 1234 },
      query: '?commkey=1234',
      poller: { realtime: false },
    });
    const progress: ReadProgressEvent[] = [];
    const kicks: number[] = [];
    r.poller.on('progress', (p) => progress.push(p));
    r.poller.on('punches', (n) => kicks.push(n));

    await r.poller.pollNow();
    const first = r.stored();
    expect(first).toHaveLength(100_000);
    expect(ids(first)).toEqual(terminalIds(r.sim));
    expect(first.every((p) => p.source === 'poll' && p.deviceSerial === r.sim.serialNumber)).toBe(true);
    expect(r.outbox.getWatermark(r.sim.serialNumber)?.recordCount).toBe(100_000);
    expect(kicks.reduce((a, b) => a + b, 0)).toBe(100_000);
    expect(progress.length).toBeGreaterThan(1);
    expect(progress.at(-1)).toEqual({ serial: r.sim.serialNumber, records: 100_000, expected: 100_000 });
    const health = r.poller.status();
    expect(health).toMatchObject({ online: true, records: 100_000, deviceSerial: r.sim.serialNumber, state: 'idle', watermark: 100_000, lastError: null });

    const insertPolled = vi.spyOn(r.outbox, 'insertPolled');
    await r.poller.pollNow();
    expect(insertPolled).not.toHaveBeenCalled();
    expect(maxSeq(r.stored())).toBe(maxSeq(first));

    const added = [r.sim.punch({ userId: '1001' }), r.sim.punch({ userId: '1002' }), r.sim.punch({ userId: '1003' })];
    await r.poller.pollNow();
    const offered = insertPolled.mock.calls.reduce((n, [punches]) => n + punches.length, 0);
    expect(offered).toBe(3);
    const after = r.stored();
    expect(after).toHaveLength(100_003);
    expect(maxSeq(after)).toBe(maxSeq(first) + 3);
    expect(after.slice(-3).map((p) => p.id)).toEqual(added.map((rec) => idOf(r.sim, rec!)));
  });

  it('stores a realtime punch at once (source realtime) and the next full read does not duplicate it', async () => {
    const r = await rig({ sim: { records: 50 }, poller: { pollIntervalMs: 60_000 } });
    r.poller.start();
    await expect.poll(() => r.poller.status().watermark, { timeout: 10_000 }).toBe(50);

    const record = r.sim.punch({ userId: '1004' })!;
    const id = idOf(r.sim, record);
    await expect.poll(() => r.stored().find((p) => p.id === id)?.source, { timeout: 10_000 }).toBe('realtime');
    const punch = r.stored().find((p) => p.id === id)!;
    expect(punch.at).toBe(`${formatLocal(record.time)}+08:00`);

    await r.poller.pollNow();
    const all = r.stored();
    expect(all).toHaveLength(51);
    expect(ids(all)).toEqual(terminalIds(r.sim));
    expect(r.poller.status().watermark).toBe(51);
  });

  it('after the terminal log was cleared: resets the watermark, stores new punches, no duplicates', async () => {
    const r = await rig({ sim: { records: 200 }, poller: { realtime: false } });
    await r.poller.pollNow();
    const before = r.stored();
    expect(before).toHaveLength(200);

    r.sim.state.clearRecords();
    const fresh = [r.sim.punch({ userId: '1001' })!, r.sim.punch({ userId: '1002' })!, r.sim.punch({ userId: '1003' })!];
    await r.poller.pollNow();
    expect(r.outbox.getWatermark(r.sim.serialNumber)?.recordCount).toBe(3);
    const after = r.stored();
    expect(after).toHaveLength(203);
    expect(maxSeq(after)).toBe(203);
    expect(ids(after)).toEqual([...ids(before), ...fresh.map((rec) => idOf(r.sim, rec))].sort());

    await r.poller.pollNow();
    expect(r.stored()).toHaveLength(203);
  });

  it('after the log was replaced by a longer one (the remembered record differs): re-reads everything once', async () => {
    const r = await rig({ sim: { records: 200 }, poller: { realtime: false } });
    await r.poller.pollNow();
    const before = ids(r.stored());
    // Another history, longer than what was read: the count alone cannot tell, the fingerprint can.
    const other = seedRecords({ seed: 99, users: r.sim.state.users, count: 300, baseDate: FIXED_BASE, utcOffsetMinutes: 480 });
    r.sim.state.replaceRecords(other);
    await r.poller.pollNow();
    const expected = new Set([...before, ...terminalIds(r.sim)]);
    expect(ids(r.stored())).toEqual([...expected].sort());
    expect(maxSeq(r.stored())).toBe(expected.size);
    expect(r.outbox.getWatermark(r.sim.serialNumber)?.recordCount).toBe(300);
  });

  it('leaves records with an impossible stored time on the terminal, reports them, and moves past them', async () => {
    const r = await rig({ sim: { records: 20 }, poller: { realtime: false } });
    // 31 February 2026 08:00:00 in the terminal's encoding: a value no valid day produces.
    const impossible = ((26 * 12 * 31 + 1 * 31 + 30) * 86400 + 8 * 3600) >>> 0;
    r.sim.setHandler(Command.DATA_WRRQ, (ctx) => {
      const reply = ctx.next();
      if (reply === undefined || Array.isArray(reply) || reply.command !== Command.DATA || reply.data === undefined) return reply;
      const data = Buffer.from(reply.data);
      data.writeUInt32LE(impossible, 4 + 5 * 40 + 27); // record #5 of the 40-byte layout
      return { ...reply, data };
    });
    await r.poller.pollNow();
    const stored = r.stored();
    expect(stored).toHaveLength(19);
    expect(ids(stored)).toEqual(terminalIds(r.sim).filter((id) => id !== idOf(r.sim, r.sim.state.records[5]!)));
    const status = r.poller.status();
    expect(status.watermark).toBe(20);
    expect(status.skippedRecords).toBe(1);
    expect(status.alarms.join('\n')).toMatch(/1 records with an impossible time.*#5 user \d+ time 0x/);
    expect(status.lastError).toMatch(/0x[0-9a-f]{8}/);

    await r.poller.pollNow();
    expect(r.stored()).toHaveLength(19);
    expect(r.poller.status().skippedRecords).toBe(1);
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { Command } from '../../../protocols/zk/commands.js';
import { closeRigs, ids, maxSeq, rig, terminalIds } from './rig.js';

afterEach(closeRigs);

/** 200 records on a terminal that holds 250: 80% full. */
const nearlyFull = { records: 200, capacities: { records: 250 } };

describe('TerminalPoller clearing the terminal log after the hub acknowledged it', () => {
  it('never clears by default, however full the terminal and however delivered the punches', async () => {
    const r = await rig({ sim: nearlyFull, poller: { realtime: false } });
    await r.poller.pollNow();
    expect(r.outbox.markDelivered(1, 200)).toBe(200);
    await r.poller.pollNow();
    expect(r.sim.state.records).toHaveLength(200);
    expect(r.outbox.getWatermark(r.sim.serialNumber)?.recordCount).toBe(200);
  });

  it('when enabled and above the threshold: clears only once every punch of the terminal is acknowledged', async () => {
    const r = await rig({ sim: nearlyFull, poller: { realtime: false, clearAfterAck: { enabled: true, minFillRatio: 0.8 } } });
    const before = terminalIds(r.sim);
    await r.poller.pollNow();
    await r.poller.pollNow(); // stored but not acknowledged: kept
    expect(r.sim.state.records).toHaveLength(200);

    r.outbox.markDelivered(1, 199); // one still undelivered: kept
    await r.poller.pollNow();
    expect(r.sim.state.records).toHaveLength(200);

    r.outbox.markDelivered(200, 200);
    await r.poller.pollNow();
    expect(r.sim.state.records).toHaveLength(0);
    expect(r.sim.deviceEnabled).toBe(true);
    expect(r.outbox.getWatermark(r.sim.serialNumber)).toEqual({ serial: r.sim.serialNumber, recordCount: 0, lastFingerprint: null });

    const fresh = r.sim.punch({ userId: '1001' })!;
    expect(fresh).toBeDefined();
    await r.poller.pollNow();
    const pending = r.stored();
    expect(pending).toHaveLength(1);
    expect(pending[0]!.seq).toBe(201);
    expect(ids(pending)).toEqual(terminalIds(r.sim));
    expect(terminalIds(r.sim).every((id) => !before.includes(id))).toBe(true);
    expect(maxSeq(pending)).toBe(201);
  });

  it('when enabled but below the fill threshold: keeps the records', async () => {
    const r = await rig({ sim: { records: 200, capacities: { records: 1000 } }, poller: { realtime: false, clearAfterAck: { enabled: true } } });
    await r.poller.pollNow();
    r.outbox.markDelivered(1, 200);
    await r.poller.pollNow();
    expect(r.sim.state.records).toHaveLength(200);
  });

  it('does not clear when a punch arrived after the read (the count no longer matches what was stored)', async () => {
    const r = await rig({ sim: nearlyFull, poller: { realtime: false, clearAfterAck: { enabled: true } } });
    await r.poller.pollNow();
    r.outbox.markDelivered(1, 200);
    // A punch lands between the poll's read and its clearing step: the re-check with the device
    // disabled sees 201 records and 200 stored.
    r.sim.setHandler(Command.DISABLEDEVICE, (ctx) => {
      r.sim.punch({ userId: '1002' });
      r.sim.resetHandler(Command.DISABLEDEVICE);
      return ctx.next();
    });
    await r.poller.pollNow();
    expect(r.sim.state.records).toHaveLength(201);
    expect(r.sim.deviceEnabled).toBe(true);
    await r.poller.pollNow(); // the new one is stored now, not yet acknowledged
    expect(r.sim.state.records).toHaveLength(201);
    expect(r.stored()).toHaveLength(1);
  });
});

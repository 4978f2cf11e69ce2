import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import type { AttendanceEvent } from '../../../../protocols/zk/events.js';
import type { DiscardEvent } from '../../../../protocols/zk/framing/types.js';
import { startSim, type SimHarness } from '../../../helpers/sim-harness.js';

let h: SimHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('ZkClient when the terminal misbehaves', () => {
  it('reports a connection dropped mid-transfer, then reads everything after reconnecting', async () => {
    h = await startSim('tcp', { records: 6000 });
    const client = h.client();
    await client.connect();
    h.sim.setFaults({ dropAfterChunkBytes: 100_000 });
    const partial: string[] = [];
    const closed = once(client, 'close');
    await expect(client.readAttendance({ onRecord: (r) => partial.push(r.userId) })).rejects.toMatchObject({ code: 'CONNECTION_CLOSED' });
    await closed;
    expect(partial.length).toBeGreaterThan(0);
    expect(partial.length).toBeLessThan(6000);
    expect(client.isConnected).toBe(false);

    h.sim.clearFaults();
    await client.connect();
    const all = await client.getAttendance();
    expect(all).toHaveLength(6000);
    expect(all.map((r) => r.userId)).toEqual(h.sim.state.records.map((r) => r.userId));
  });

  it('times out on a stalled terminal with a typed error, and recovers when it answers again', async () => {
    h = await startSim('tcp');
    const client = h.client({ timeoutMs: 300 });
    await client.connect();
    h.sim.setFaults({ stall: true });
    await expect(client.getTime()).rejects.toMatchObject({ code: 'TIMEOUT', message: expect.stringContaining('GET_TIME') });
    h.sim.clearFaults();
    // The stale reply never arrives; the next request is matched by its own reply id.
    expect((await client.getFreeSizes()).users).toBe(20);
  });

  it('skips garbage between frames, reports the discarded bytes, and reads correctly', async () => {
    h = await startSim('tcp', { records: 3000 });
    const client = h.client();
    const discards: DiscardEvent[] = [];
    client.on('discard', (e) => discards.push(e));
    await client.connect();
    h.sim.setFaults({ garbageBeforeFrames: 13 });
    const records = await client.getAttendance();
    expect(records).toHaveLength(3000);
    expect(discards.length).toBeGreaterThan(0);
    expect(discards.every((d) => d.code === 'MALFORMED' && d.bytes > 0)).toBe(true);
    expect(discards.reduce((n, d) => n + d.bytes, 0) % 13).toBe(0);
  });

  it('turns ACK_UNAUTH into UNAUTHORIZED', async () => {
    h = await startSim('tcp');
    const client = h.client();
    await client.connect();
    h.sim.setFaults({ unauthorized: true });
    await expect(client.getFreeSizes()).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
  });

  it('survives a terminal restart: close is reported, and an unacknowledged punch comes again after reconnecting', async () => {
    h = await startSim('tcp', { users: 5, records: 10, faults: { eventResendMs: 0 } });
    const client = h.client();
    await client.connect();
    await client.startRealtime();
    // The terminal hangs just as someone punches: the event is queued but never delivered.
    h.sim.setFaults({ stall: true });
    const stored = h.sim.punch({ userId: h.sim.state.users[0]!.userId });
    expect(stored).toBeDefined();
    const closed = once(client, 'close');
    h.sim.restart();
    const [reason] = (await closed) as [Error | undefined];
    expect(reason).toMatchObject({ code: 'CONNECTION_CLOSED' }); // not our doing
    h.sim.clearFaults();

    await client.connect();
    const got = once(client, 'attendance') as Promise<[AttendanceEvent]>;
    await client.startRealtime();
    const [event] = await got;
    expect(event.userId).toBe(stored!.userId);
    expect((await client.getAttendance()).length).toBe(11);
  });

  it('keeps working after an undecodable realtime event', async () => {
    h = await startSim('tcp', { users: 5, records: 0, faults: { eventResendMs: 0 } });
    const client = h.client();
    await client.connect();
    await client.startRealtime();
    const errors: Error[] = [];
    client.on('eventError', (e) => errors.push(e));
    // Send a 20-byte attendance event (no such layout) straight through the simulator's link.
    const session = h.sim.sessions.all()[0]!;
    const { encodePacket } = await import('../../../../protocols/zk/packet.js');
    session.link.send(encodePacket(500, 1, 0, Buffer.alloc(20, 0x31)));
    await expect.poll(() => errors.length).toBe(1);
    expect(errors[0]).toMatchObject({ code: 'MALFORMED' });
    expect((await client.getFreeSizes()).users).toBe(5);
  });
});

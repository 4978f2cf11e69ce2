import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { ProtocolError } from '../../../../protocols/errors.js';
import type { AttendanceEvent } from '../../../../protocols/zk/events.js';
import { formatLocal } from '../../../../protocols/zk/time.js';
import { startSim, type SimHarness } from '../../../helpers/sim-harness.js';

let h: SimHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('ZkClient over TCP', () => {
  it('reads device info, counts and capacities', async () => {
    h = await startSim('tcp', { users: 30, records: 500, serialNumber: 'CQZ7233460001', firmwareVersion: 'Ver 6.60 Apr 28 2015', capacities: { records: 80_000 } });
    const client = h.client();
    await client.connect();
    expect(client.sessionId).toBeGreaterThan(0);
    const info = await client.getDeviceInfo();
    expect(info.serialNumber).toBe('CQZ7233460001');
    expect(info.firmware).toBe('Ver 6.60 Apr 28 2015');
    expect(info.platform).toBe(h.sim.deviceOptions.get('~Platform'));
    expect(info.mac).toMatch(/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/);
    const sizes = await client.getFreeSizes();
    expect(sizes.users).toBe(30);
    expect(sizes.records).toBe(500);
    expect(sizes.recordCapacity).toBe(80_000);
    expect(sizes.recordsFree).toBe(80_000 - 500);
    expect(await client.readOption('NoSuchOption')).toBeUndefined();
  });

  it('reads users and the whole attendance log exactly as stored (chunked path)', async () => {
    h = await startSim('tcp', { users: 50, records: 5000, seed: 3 });
    const client = h.client();
    await client.connect();
    const users = await client.getUsers();
    expect(users.map((u) => [u.uid, u.userId, u.name, u.card])).toEqual(h.sim.state.users.map((u) => [u.uid, u.userId, u.name, u.card]));
    const progress: number[] = [];
    const records: Array<{ userId: string; time: string; state: number; verify: number }> = [];
    let recordsAtFirstProgress = -1;
    const summary = await client.readAttendance({
      onRecord: (r) => records.push({ userId: r.userId, time: r.time ? formatLocal(r.time) : 'invalid', state: r.state, verify: r.verify }),
      onProgress: (p) => {
        if (recordsAtFirstProgress < 0) recordsAtFirstProgress = p.records;
        progress.push(p.receivedBytes);
      },
    });
    expect(summary).toEqual({ records: 5000, recordSize: 40, bytes: 4 + 5000 * 40 });
    expect(records).toEqual(h.sim.state.records.map((r) => ({ userId: r.userId, time: formatLocal(r.time), state: r.state, verify: r.verify })));
    // Streamed: records were handed out while later chunks were still to come.
    expect(progress.length).toBeGreaterThan(2);
    expect(recordsAtFirstProgress).toBeGreaterThan(0);
    expect(recordsAtFirstProgress).toBeLessThan(5000);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
  });

  it('reads a tiny log that comes back as one DATA packet', async () => {
    h = await startSim('tcp', { users: 3, records: 5 });
    const client = h.client();
    await client.connect();
    const records = await client.getAttendance();
    expect(records.map((r) => r.userId)).toEqual(h.sim.state.records.map((r) => r.userId));
    expect(await client.getUsers()).toHaveLength(3);
  });

  it('gets and sets the clock, and the terminal keeps the new time', async () => {
    h = await startSim('tcp', { clockOffsetSeconds: 3600 });
    const client = h.client();
    await client.connect();
    const before = await client.getTime();
    const expected = h.sim.now();
    expect(Math.abs(Date.UTC(before.year, before.month - 1, before.day, before.hour, before.minute, before.second) - Date.UTC(expected.year, expected.month - 1, expected.day, expected.hour, expected.minute, expected.second))).toBeLessThanOrEqual(2000);
    const target = { year: 2027, month: 2, day: 28, hour: 23, minute: 59, second: 30 };
    await client.setTime(target);
    const after = await client.getTime();
    expect(formatLocal(after).slice(0, 16)).toBe('2027-02-28T23:59');
    await expect(client.setTime({ ...target, day: 30 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it('receives realtime punches, acknowledges them, and the terminal stores them too', async () => {
    h = await startSim('tcp', { users: 10, records: 20 });
    const client = h.client();
    await client.connect();
    await client.startRealtime();
    const got = once(client, 'attendance') as Promise<[AttendanceEvent]>;
    const acked = once(h.sim, 'ack');
    const stored = h.sim.punch({ userId: h.sim.state.users[2]!.userId, state: 1, verify: 15, time: { year: 2026, month: 11, day: 23, hour: 8, minute: 59, second: 1 } });
    const [event] = await got;
    await acked;
    expect(event.userId).toBe(stored!.userId);
    expect(event.state).toBe(1);
    expect(event.verify).toBe(15);
    expect(formatLocal(event.time!)).toBe('2026-11-23T08:59:01');
    expect((await client.getFreeSizes()).records).toBe(21);
  });

  it('disables and enables the device, and clears the log', async () => {
    h = await startSim('tcp', { records: 300 });
    const client = h.client();
    await client.connect();
    await client.disableDevice();
    expect(h.sim.punch()).toBeUndefined(); // refused while disabled
    await client.enableDevice();
    expect(h.sim.punch()).toBeDefined();
    await client.clearAttendance();
    expect(h.sim.state.records).toHaveLength(0);
    expect(await client.getAttendance()).toEqual([]);
  });

  it('authenticates with the comm key and refuses a wrong or missing one', async () => {
    h = await startSim('tcp', { commKey: 123456 });
    const good = h.client({ commKey: 123456 });
    await good.connect();
    expect((await good.getFreeSizes()).users).toBe(20);
    await good.disconnect();

    const wrong = h.client({ commKey: 1 });
    await expect(wrong.connect()).rejects.toMatchObject({ code: 'UNAUTHORIZED', message: expect.stringContaining('refused the comm key') });
    expect(wrong.isConnected).toBe(false);
    const none = h.client();
    await expect(none.connect()).rejects.toMatchObject({ code: 'UNAUTHORIZED', message: expect.stringContaining('requires a comm key') });
  });

  it('fails cleanly when nothing listens, and when used before connecting', async () => {
    h = await startSim('tcp');
    const port = h.server.port;
    await h.close();
    h = undefined;
    const { TcpTransport } = await import('../../../../protocols/transport/tcp.js');
    const { ZkClient } = await import('../../../../protocols/zk/client/client.js');
    const client = new ZkClient({ transport: new TcpTransport({ host: '127.0.0.1', port }) });
    await expect(client.connect()).rejects.toMatchObject({ code: 'TRANSPORT' });
    await expect(client.getTime()).rejects.toBeInstanceOf(ProtocolError);
    await expect(client.getTime()).rejects.toMatchObject({ code: 'NOT_CONNECTED' });
  });
});

import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { TerminalSimulator, createSimulatorSerialBinding } from '../../../../fixtures/sim/index.js';
import { SerialTransport, type SerialBinding } from '../../../../protocols/transport/serial.js';
import { ZkClient } from '../../../../protocols/zk/client/client.js';
import type { AttendanceEvent } from '../../../../protocols/zk/events.js';
import { formatLocal } from '../../../../protocols/zk/time.js';
import { FIXED_BASE, startSim, type SimHarness } from '../../../helpers/sim-harness.js';

let h: SimHarness | undefined;
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  await h?.close();
  h = undefined;
  for (const c of cleanups.splice(0)) await c();
});

describe('ZkClient over UDP', () => {
  it('reads 16-byte records and 28-byte users in small datagrams', async () => {
    h = await startSim('udp', { users: 40, records: 4000 });
    const client = h.client();
    await client.connect();
    const users = await client.getUsers();
    expect(users.map((u) => [u.uid, u.userId, u.name])).toEqual(h.sim.state.users.map((u) => [u.uid, u.userId, u.name.slice(0, 8)]));
    const summary = await client.readAttendance({ onRecord: () => undefined });
    expect(summary.recordSize).toBe(16);
    const records = await client.getAttendance();
    expect(records.map((r) => [r.userId, r.time && formatLocal(r.time), r.state])).toEqual(
      h.sim.state.records.map((r) => [r.userId, formatLocal(r.time), r.state]),
    );
  });

  it('receives 10-byte realtime events', async () => {
    h = await startSim('udp', { users: 5, records: 0 });
    const client = h.client();
    await client.connect();
    await client.startRealtime();
    const got = once(client, 'attendance') as Promise<[AttendanceEvent]>;
    const stored = h.sim.punch({ userId: h.sim.state.users[1]!.userId, state: 0 });
    const [event] = await got;
    expect(event.userId).toBe(stored!.userId);
  });
});

function serialSim(deviceId: number): { sim: TerminalSimulator; binding: SerialBinding; path: string } {
  const sim = new TerminalSimulator({ baseDate: FIXED_BASE, utcOffsetMinutes: 480, users: 12, records: 2500 });
  const binding = createSimulatorSerialBinding(sim, { deviceId });
  const path = `/dev/ttyROLLCALL${deviceId}-${Math.random().toString(36).slice(2, 8)}`;
  binding.createPort(path, {});
  cleanups.push(() => sim.close());
  return { sim, binding: binding as unknown as SerialBinding, path };
}

describe('ZkClient over a serial line (mock binding)', () => {
  it('reads users and records from device 7', async () => {
    const { sim, binding, path } = serialSim(7);
    const client = new ZkClient({ transport: new SerialTransport({ path, deviceId: 7, binding }), timeoutMs: 2000 });
    cleanups.push(() => client.disconnect());
    await client.connect();
    expect((await client.getDeviceInfo()).serialNumber).toBe(sim.serialNumber);
    expect((await client.getUsers()).map((u) => u.userId)).toEqual(sim.state.users.map((u) => u.userId));
    const records = await client.getAttendance();
    expect(records).toHaveLength(2500);
    expect(records.map((r) => r.userId)).toEqual(sim.state.records.map((r) => r.userId));
  });

  it('gets no answer when addressing another device id on the bus', async () => {
    const { binding, path } = serialSim(7);
    const client = new ZkClient({ transport: new SerialTransport({ path, deviceId: 8, binding }), timeoutMs: 200, retries: 0 });
    cleanups.push(() => client.disconnect());
    await expect(client.connect()).rejects.toMatchObject({ code: 'TIMEOUT' });
  });

  it('refuses an out-of-range device id', () => {
    expect(() => new SerialTransport({ path: '/dev/null', deviceId: 255 })).toThrow(/1\.\.254/);
  });
});


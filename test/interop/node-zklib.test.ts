// Pin the zone before anything builds a Date: node-zklib decodes terminal times as process-local.
process.env.TZ = 'Asia/Shanghai';

import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { TerminalSimulator, startUdpServer } from '../../fixtures/sim/index.js';
import { EventFlag } from '../../protocols/zk/index.js';
import { INTEROP_OFFSET_MINUTES, localDate, until, useInteropTerminal } from './helpers.js';

interface NzUser { uid: number; role: number; password: string; name: string; cardno: number; userId: string | number }
interface NzRecord { userSn?: number; deviceUserId: string | number; recordTime: Date }
interface NzLib {
  createSocket(): Promise<void>;
  getInfo(): Promise<{ userCounts: number; logCounts: number; logCapacity: number }>;
  getUsers(): Promise<{ data: NzUser[]; err?: unknown }>;
  getAttendances(cb?: (got: number, total: number) => void): Promise<{ data: NzRecord[]; err?: unknown }>;
  getRealTimeLogs(cb: (e: { userId: string | number; attTime: Date }) => void): Promise<void>;
  disconnect(): Promise<void>;
  connectionType: string | null;
}
const require = createRequire(import.meta.url);
const ZKLib = require('node-zklib') as new (ip: string, port: number, timeout: number, inport: number) => NzLib;

const BASE_DATE = new Date('2026-11-03T02:30:00Z');
const site = useInteropTerminal('nz-interop-', { seed: 11, users: 300, records: 20_000, baseDate: BASE_DATE });

describe('node-zklib 1.3.0 over TCP', () => {
  it('reads device info and all users', async () => {
    const zk = new ZKLib('127.0.0.1', site.port, 10_000, 0);
    await zk.createSocket();
    expect(zk.connectionType).toBe('tcp');
    expect(await zk.getInfo()).toEqual({ userCounts: 300, logCounts: 20_000, logCapacity: site.sim.state.capacities.records });
    const { data, err } = await zk.getUsers();
    expect(err).toBeFalsy();
    expect(data).toHaveLength(300);
    data.forEach((u, i) => {
      const s = site.sim.state.users[i]!;
      expect(u).toEqual({ uid: s.uid, role: s.privilege, password: s.password, name: s.name, cardno: s.card, userId: s.userId });
    });
    await zk.disconnect();
  }, 60_000);

  it('reads 20,000 attendance records, every field matching the simulator', async () => {
    const zk = new ZKLib('127.0.0.1', site.port, 10_000, 0);
    await zk.createSocket();
    const progress: number[] = [];
    const { data, err } = await zk.getAttendances((got) => progress.push(got));
    expect(err).toBeFalsy();
    expect(data).toHaveLength(20_000);
    expect(progress.at(-1)).toBe(4 + 20_000 * 40);
    data.forEach((r, i) => {
      const s = site.sim.state.records[i]!;
      if (r.userSn !== s.uid || r.deviceUserId !== s.userId || r.recordTime.getTime() !== localDate(s.time).getTime()) {
        throw new Error(`record ${i}: got ${JSON.stringify(r)}, expected ${JSON.stringify(s)}`);
      }
    });
    expect(data[0]!.recordTime).toEqual(localDate(site.sim.state.records[0]!.time));
    await zk.disconnect();
  }, 60_000);

  it('receives a realtime punch', async () => {
    const zk = new ZKLib('127.0.0.1', site.port, 10_000, 0);
    await zk.createSocket();
    const seen: Array<{ userId: string | number; attTime: Date }> = [];
    await zk.getRealTimeLogs((e) => seen.push(e));
    await until(() => site.sim.sessions.all().some((s) => (s.eventMask & EventFlag.ATTLOG) !== 0), 2000, 'REG_EVENT');
    const punch = site.sim.punch({ userId: '1007' })!;
    await until(() => seen.length > 0, 3000, 'the realtime callback');
    expect(seen[0]).toEqual({ userId: '1007', attTime: localDate(punch.time) });
    expect(site.sim.state.records.at(-1)).toBe(punch);
    // node-zklib never acknowledges events: the simulator keeps it pending for a resend.
    expect(site.sim.events.pending.map((e) => e.record)).toEqual([punch]);
    await zk.disconnect();
  }, 30_000);
});

describe('node-zklib 1.3.0 over UDP (its fallback when TCP is refused)', () => {
  it('reads users (28 bytes), 20,000 records (16 bytes) and a realtime punch', async () => {
    const usim = new TerminalSimulator({ seed: 12, users: 300, records: 20_000, baseDate: BASE_DATE, utcOffsetMinutes: INTEROP_OFFSET_MINUTES, faults: { eventResendMs: 0 } });
    const udp = await startUdpServer(usim, { port: 0, host: '127.0.0.1' });
    try {
      const zk = new ZKLib('127.0.0.1', udp.port, 10_000, 0);
      await zk.createSocket();
      expect(zk.connectionType).toBe('udp');
      expect(await zk.getInfo()).toMatchObject({ userCounts: 300, logCounts: 20_000 });
      const users = await zk.getUsers();
      expect(users.err).toBeFalsy();
      expect(users.data.map((u) => [u.uid, u.userId, u.name])).toEqual(usim.state.users.map((u) => [u.uid, Number(u.userId), u.name.slice(0, 8)]));
      const att = await zk.getAttendances();
      expect(att.err).toBeFalsy();
      expect(att.data).toHaveLength(20_000);
      att.data.forEach((r, i) => {
        const s = usim.state.records[i]!;
        if (r.deviceUserId !== Number(s.userId) || r.recordTime.getTime() !== localDate(s.time).getTime()) throw new Error(`record ${i} differs`);
      });
      const seen: Array<{ userId: string | number; attTime: Date }> = [];
      await zk.getRealTimeLogs((e) => seen.push(e));
      await until(() => usim.sessions.all().some((s) => (s.eventMask & EventFlag.ATTLOG) !== 0), 2000, 'REG_EVENT');
      const punch = usim.punch({ userId: '1007' })!;
      await until(() => seen.length > 0, 3000, 'the realtime callback');
      // Its 18-byte event decoder reads one byte of the 16-bit user number.
      expect(seen[0]).toEqual({ userId: 1007 & 0xff, attTime: localDate(punch.time) });
      await zk.disconnect();
    } finally {
      usim.close();
      await udp.close();
    }
  }, 60_000);
});

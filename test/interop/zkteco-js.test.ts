// Pin the zone before anything builds a Date: zkteco-js decodes and encodes terminal times as process-local.
process.env.TZ = 'Asia/Shanghai';

import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { TerminalSimulator, startTcpServer, startUdpServer } from '../../fixtures/sim/index.js';
import { EventFlag, type LocalDateTime } from '../../protocols/zk/index.js';
import { INTEROP_OFFSET_MINUTES, localDate, until, useInteropTerminal } from './helpers.js';

interface ZjUser { uid: number; role: number; password?: string; name: string; cardno?: number; userId: string | number }
interface ZjRecord { sn: number; user_id: string; record_time: string; type: number; state: number }
interface ZjUdp { createSocket(): Promise<unknown>; connect(): Promise<boolean> }
interface Zkteco {
  createSocket(): Promise<boolean>;
  getInfo(): Promise<{ userCounts: number; logCounts: number; logCapacity: number }>;
  getUsers(): Promise<{ data: ZjUser[]; err?: unknown }>;
  getAttendances(cb?: (got: number, total: number) => void): Promise<{ data: ZjRecord[]; err?: unknown }>;
  getRealTimeLogs(cb: (e: { userId: string; attTime: Date }) => void): Promise<void>;
  getTime(): Promise<Date>;
  setTime(t: Date): Promise<unknown>;
  getSerialNumber(): Promise<string>;
  getDeviceName(): Promise<string>;
  getPlatform(): Promise<string>;
  getMacAddress(): Promise<string>;
  getFirmware(): Promise<string>;
  disconnect(): Promise<void>;
  connectionType: string | null;
  zudp: ZjUdp;
}
const require = createRequire(import.meta.url);
const Zkteco = require('zkteco-js') as new (ip: string, port: number, timeout: number, inport: number) => Zkteco;

const BASE_DATE = new Date('2026-11-03T02:30:00Z');
const site = useInteropTerminal('zj-interop-', {
    seed: 21,
    users: 300,
    records: 20_000,
    baseDate: BASE_DATE,
    serialNumber: 'CDQ9192960002',
  });

async function open(): Promise<Zkteco> {
  const zk = new Zkteco('127.0.0.1', site.port, 10_000, 0);
  await zk.createSocket();
  expect(zk.connectionType).toBe('tcp');
  return zk;
}

describe('zkteco-js 1.7.2 over TCP', () => {
  it('reads device info, options and all users', async () => {
    const zk = await open();
    expect(await zk.getInfo()).toEqual({ userCounts: 300, logCounts: 20_000, logCapacity: site.sim.state.capacities.records });
    expect(await zk.getSerialNumber()).toBe('CDQ9192960002');
    expect(await zk.getDeviceName()).toBe(site.sim.deviceOptions.get('~DeviceName'));
    expect(await zk.getPlatform()).toBe(site.sim.deviceOptions.get('~Platform'));
    expect(await zk.getMacAddress()).toBe(site.sim.deviceOptions.get('MAC'));
    expect((await zk.getFirmware()).replace(/\0+$/, '')).toBe('Ver 6.60 Apr 28 2015');
    const { data } = await zk.getUsers();
    expect(data).toHaveLength(300);
    data.forEach((u, i) => {
      const s = site.sim.state.users[i]!;
      expect(u).toEqual({ uid: s.uid, role: s.privilege, password: s.password, name: s.name, cardno: s.card, userId: s.userId });
    });
    await zk.disconnect();
  }, 60_000);

  it('reads 20,000 attendance records, every field matching the simulator', async () => {
    const zk = await open();
    const progress: Array<[number, number]> = [];
    const { data } = await zk.getAttendances((got, total) => progress.push([got, total]));
    expect(data).toHaveLength(20_000);
    expect(progress.at(-1)).toEqual([4 + 20_000 * 40, 4 + 20_000 * 40]);
    data.forEach((r, i) => {
      const s = site.sim.state.records[i]!;
      const ok = r.sn === s.uid && r.user_id === s.userId && r.type === s.verify && r.state === s.state && r.record_time === localDate(s.time).toString();
      if (!ok) throw new Error(`record ${i}: got ${JSON.stringify(r)}, expected ${JSON.stringify(s)}`);
    });
    expect(data[19_999]!.record_time).toBe(localDate(site.sim.state.records[19_999]!.time).toString());
    await zk.disconnect();
  }, 60_000);

  it('gets and sets the terminal clock (in its own process zone)', async () => {
    const zk = await open();
    const drifted = new TerminalSimulator({ users: 1, records: 0, utcOffsetMinutes: INTEROP_OFFSET_MINUTES, clockOffsetSeconds: -3600 });
    const dtcp = await startTcpServer(drifted, { port: 0, host: '127.0.0.1' });
    try {
      const dz = new Zkteco('127.0.0.1', dtcp.port, 10_000, 0);
      await dz.createSocket();
      const got = await dz.getTime();
      expect(Math.abs(got.getTime() - (Date.now() - 3_600_000))).toBeLessThan(2000);
      const target = new Date(2027, 0, 15, 9, 30, 0);
      await dz.setTime(target);
      const now: LocalDateTime = drifted.clock.now();
      expect(Math.abs(localDate(now).getTime() - target.getTime())).toBeLessThan(2000);
      expect((await dz.getTime()).getFullYear()).toBe(2027);
      await dz.disconnect();
    } finally {
      drifted.close();
      await dtcp.close();
      await zk.disconnect();
    }
  }, 30_000);

  it('receives a realtime punch', async () => {
    const zk = await open();
    const seen: Array<{ userId: string; attTime: Date }> = [];
    await zk.getRealTimeLogs((e) => seen.push(e));
    await until(() => site.sim.sessions.all().some((s) => (s.eventMask & EventFlag.ATTLOG) !== 0), 2000, 'REG_EVENT');
    const punch = site.sim.punch({ userId: '1299' })!;
    await until(() => seen.length > 0, 3000, 'the realtime callback');
    expect(seen[0]).toEqual({ userId: '1299', attTime: localDate(punch.time) });
    expect(site.sim.state.records.at(-1)).toBe(punch);
    await zk.disconnect();
  }, 30_000);
});

describe('zkteco-js 1.7.2 over UDP (forced: it never falls back by itself)', () => {
  it('reads users through its one-packet path', async () => {
    // Its chunked UDP path never returns data, so the table has to fit the one-packet path.
    const usim = new TerminalSimulator({ seed: 22, users: 300, records: 100, baseDate: BASE_DATE, utcOffsetMinutes: INTEROP_OFFSET_MINUTES, smallDatasetMax: { udp: 16 * 1024 } });
    const udp = await startUdpServer(usim, { port: 0, host: '127.0.0.1' });
    try {
      const zk = new Zkteco('127.0.0.1', udp.port, 10_000, 0);
      await zk.zudp.createSocket();
      await zk.zudp.connect();
      zk.connectionType = 'udp';
      expect(await zk.getInfo()).toMatchObject({ userCounts: 300, logCounts: 100 });
      const { data, err } = await zk.getUsers();
      expect(err).toBeFalsy();
      expect(data.map((u) => [u.uid, u.userId, u.name, u.role])).toEqual(usim.state.users.map((u) => [u.uid, Number(u.userId), u.name.slice(0, 8), u.privilege]));
      await zk.disconnect();
    } finally {
      usim.close();
      await udp.close();
    }
  }, 60_000);
});

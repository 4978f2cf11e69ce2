// Pin the zone before anything builds a Date: the npm clients decode terminal times as process-local.
process.env.TZ = 'Asia/Shanghai';

import { once } from 'node:events';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { TcpTransport } from '../../protocols/transport/tcp.js';
import { ZkClient } from '../../protocols/zk/client/client.js';
import { EventFlag, type AttendanceEvent, type LocalDateTime } from '../../protocols/zk/index.js';
import { localDate, until, useInteropTerminal } from './helpers.js';

/** What all three clients expose, normalised: user id and the instant (in the pinned zone). */
type Row = [userId: string, epochMs: number];

interface Peer {
  createSocket(): Promise<unknown>;
  getUsers(): Promise<{ data: Array<{ uid: number; userId: string | number; name: string }> }>;
  getAttendances(): Promise<{ data: Array<{ deviceUserId?: string; user_id?: string; recordTime?: Date; record_time?: string }> }>;
  getRealTimeLogs(cb: (e: { userId: string | number; attTime: Date }) => void): Promise<unknown>;
  disconnect(): Promise<unknown>;
}
const require = createRequire(import.meta.url);
const peers = {
  'node-zklib': require('node-zklib') as new (ip: string, port: number, timeout: number, inport: number) => Peer,
  'zkteco-js': require('zkteco-js') as new (ip: string, port: number, timeout: number, inport: number) => Peer,
};

const site = useInteropTerminal('same-data-', { seed: 21, users: 250, records: 20_000, baseDate: new Date('2026-11-05T01:00:00Z') });

const instant = (t: LocalDateTime | undefined): number => (t === undefined ? Number.NaN : localDate(t).getTime());

async function ours(): Promise<{ users: Array<[number, string, string]>; records: Row[] }> {
  const client = new ZkClient({ transport: new TcpTransport({ host: '127.0.0.1', port: site.port }) });
  await client.connect();
  try {
    const users = (await client.getUsers()).map((u): [number, string, string] => [u.uid, u.userId, u.name]);
    const records = (await client.getAttendance()).map((r): Row => [r.userId, instant(r.time)]);
    return { users, records };
  } finally {
    await client.disconnect();
  }
}

async function theirs(name: keyof typeof peers): Promise<{ users: Array<[number, string, string]>; records: Row[] }> {
  const read = async <T>(fn: (zk: Peer) => Promise<T>): Promise<T> => {
    const zk = new peers[name]('127.0.0.1', site.port, 10_000, 0);
    await zk.createSocket();
    try {
      return await fn(zk);
    } finally {
      await zk.disconnect();
    }
  };
  const users = (await read((zk) => zk.getUsers())).data.map((u): [number, string, string] => [u.uid, String(u.userId), u.name]);
  const records = (await read((zk) => zk.getAttendances())).data.map((r): Row => [
    String(r.deviceUserId ?? r.user_id),
    (r.recordTime ?? new Date(r.record_time!)).getTime(),
  ]);
  return { users, records };
}

describe('rollcall and the npm clients read the simulator identically', () => {
  it('users and 20,000 attendance records', async () => {
    const mine = await ours();
    expect(mine.records).toHaveLength(20_000);
    expect(mine.users).toHaveLength(250);
    for (const name of ['node-zklib', 'zkteco-js'] as const) {
      const other = await theirs(name);
      expect(other.users, name).toEqual(mine.users);
      expect(other.records.length, name).toBe(20_000);
      // toEqual on 20,000 tuples prints badly on failure: find the first difference instead.
      const first = other.records.findIndex((r, i) => r[0] !== mine.records[i]![0] || r[1] !== mine.records[i]![1]);
      expect(first === -1 ? 'identical' : `${name} differs at ${first}: ${JSON.stringify(other.records[first])} vs ${JSON.stringify(mine.records[first])}`).toBe('identical');
    }
  }, 120_000);

  it('one realtime punch, seen by all three at once', async () => {
    const client = new ZkClient({ transport: new TcpTransport({ host: '127.0.0.1', port: site.port }) });
    await client.connect();
    await client.startRealtime();
    const seen: Record<string, Row> = {};
    const others = await Promise.all(
      (['node-zklib', 'zkteco-js'] as const).map(async (name) => {
        const zk = new peers[name]('127.0.0.1', site.port, 10_000, 0);
        await zk.createSocket();
        await zk.getRealTimeLogs((e) => (seen[name] = [String(e.userId), e.attTime.getTime()]));
        return zk;
      }),
    );
    await until(() => site.sim.sessions.all().filter((s) => (s.eventMask & EventFlag.ATTLOG) !== 0).length === 3, 3000, 'three REG_EVENTs');
    const got = once(client, 'attendance') as Promise<[AttendanceEvent]>;
    const punch = site.sim.punch({ userId: '1042', time: { year: 2026, month: 11, day: 23, hour: 8, minute: 58, second: 7 } })!;
    const [event] = await got;
    await until(() => Object.keys(seen).length === 2, 3000, 'both npm clients');
    const expected: Row = ['1042', localDate(punch.time).getTime()];
    expect([event.userId, instant(event.time)]).toEqual(expected);
    expect(seen).toEqual({ 'node-zklib': expected, 'zkteco-js': expected });
    await client.disconnect();
    await Promise.all(others.map((zk) => zk.disconnect()));
  }, 30_000);
});

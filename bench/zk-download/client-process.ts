/**
 * Benchmark child: downloads the whole attendance log with one client and reports records,
 * milliseconds and peak RSS to the parent. One client per process, so peaks do not mix.
 */
import { createRequire } from 'node:module';
import { TcpTransport } from '../../protocols/transport/tcp.js';
import { ZkClient } from '../../protocols/zk/client/client.js';

export type ClientName = 'rollcall-stream' | 'rollcall-array' | 'node-zklib' | 'zkteco-js';

export interface DownloadResult {
  client: ClientName;
  records: number;
  ms: number;
  peakRssMB: number;
  /** A digest of what was read, so runs can be compared for equality. */
  digest: string;
}

const require = createRequire(import.meta.url);
const [clientName, portText] = process.argv.slice(2) as [ClientName, string];
const port = Number(portText);

async function rollcall(keepAll: boolean): Promise<{ records: number; digest: string; ms: number }> {
  const client = new ZkClient({ transport: new TcpTransport({ host: '127.0.0.1', port }), timeoutMs: 20_000 });
  await client.connect();
  const started = performance.now();
  let records = 0;
  let digest = 0;
  if (keepAll) {
    const all = await client.getAttendance();
    records = all.length;
    for (const r of all) digest = (digest + r.rawTime + r.userId.length) % 1_000_000_007;
  } else {
    await client.readAttendance({
      onRecord(r) {
        records++;
        digest = (digest + r.rawTime + r.userId.length) % 1_000_000_007;
      },
    });
  }
  const ms = performance.now() - started;
  await client.disconnect();
  return { records, digest: String(digest), ms };
}

interface PeerRecord {
  recordTime?: Date;
  record_time?: string;
  deviceUserId?: string;
  user_id?: string;
}

async function peer(name: 'node-zklib' | 'zkteco-js'): Promise<{ records: number; digest: string; ms: number }> {
  const Lib = require(name) as new (ip: string, port: number, timeout: number, inport: number) => {
    createSocket(): Promise<unknown>;
    getAttendances(): Promise<{ data: PeerRecord[]; err?: unknown }>;
    disconnect(): Promise<unknown>;
  };
  const client = new Lib('127.0.0.1', port, 20_000, 40_000 + Math.floor(Math.random() * 10_000));
  await client.createSocket();
  const started = performance.now();
  const result = await client.getAttendances();
  const ms = performance.now() - started;
  if (result.err) throw new Error(`${name} reported ${String(result.err)}`);
  let digest = 0;
  for (const r of result.data) digest = (digest + (r.deviceUserId ?? r.user_id ?? '').length) % 1_000_000_007;
  await client.disconnect();
  return { records: result.data.length, digest: String(digest), ms };
}

const run = clientName === 'node-zklib' || clientName === 'zkteco-js' ? peer(clientName) : rollcall(clientName === 'rollcall-array');
run.then(
  (r) => {
    const result: DownloadResult = { client: clientName, ...r, peakRssMB: process.resourceUsage().maxRSS / 1024 };
    process.send?.(result, () => process.exit(0));
  },
  (err: unknown) => {
    process.send?.({ error: err instanceof Error ? err.message : String(err) }, () => process.exit(1));
  },
);

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { startEmbeddedBroker } from '../../hub/broker/embedded-broker.js';
import { openHubDatabase } from '../../hub/db/database.js';
import { startIngest } from '../../hub/ingest/open-ingest.js';
import { connect, type MqttClient } from 'mqtt';
import { punchId } from '../../agent/store/punch-id.js';
import { topicsFor } from '../../protocols/mqtt/contract.js';

export interface IngestResult {
  punches: number;
  batchSize: number;
  window: number;
  synchronous: 'NORMAL' | 'FULL';
  ms: number;
  punchesPerSecond: number;
}

/**
 * The hub's durable ingest: `punches` arrive as contract batches from one gateway over the
 * embedded broker (at most `window` batches waiting for their ack, as the agent does); each is
 * parsed, validated punch by punch with zod, stored (a unique id index and the (site, time, user)
 * index) in one SQLite transaction with the other batches of its burst, and acked. Timed from the
 * first publish to the last ack; the payloads are built before the clock starts.
 */
export async function benchIngest(punches: number, batchSize: number, synchronous: 'NORMAL' | 'FULL', window = 8): Promise<IngestResult> {
  const dir = mkdtempSync(join(tmpdir(), 'rollcall-bench-ingest-'));
  const logger = pino({ level: 'silent' });
  const db = openHubDatabase({ path: join(dir, 'hub.sqlite'), synchronous, logger });
  const broker = await startEmbeddedBroker();
  const site = 'bench';
  const gateway = 'gw1';
  const { ingest } = await startIngest({ db, connection: { url: broker.url, clientId: 'rollcall-hub-bench', shareGroup: null }, gateways: new Map([[site, new Set([gateway])]]), logger });
  const topics = topicsFor(site, gateway);
  const payloads = buildBatches(punches, batchSize, gateway);
  const sender = await connected(broker.url);
  try {
    let next = 0;
    let acked = 0;
    const done = new Promise<void>((resolve) => {
      sender.on('message', () => {
        acked++;
        if (acked === payloads.length) resolve();
        else if (next < payloads.length) sender.publish(topics.punches, payloads[next++]!, { qos: 1 });
      });
    });
    await sender.subscribeAsync(topics.ack, { qos: 1 });
    const t0 = performance.now();
    while (next < Math.min(window, payloads.length)) sender.publish(topics.punches, payloads[next++]!, { qos: 1 });
    await done;
    const ms = performance.now() - t0;
    const stored = (db.prepare('SELECT count(*) AS n FROM punches').get() as { n: number }).n;
    if (stored !== punches) throw new Error(`the hub stored ${stored} of ${punches}`);
    return { punches, batchSize, window, synchronous, ms: Math.round(ms), punchesPerSecond: Math.round(punches / (ms / 1000)) };
  } finally {
    await sender.endAsync();
    await ingest.close();
    await broker.close();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Contract batches as an agent builds them: 300 terminals' worth of users, a punch a second. */
function buildBatches(punches: number, batchSize: number, gateway: string): Buffer[] {
  const out: Buffer[] = [];
  const base = Date.UTC(2026, 10, 2, 0, 0, 0);
  for (let seq = 1; seq <= punches; seq += batchSize) {
    const list = [];
    for (let s = seq; s < Math.min(seq + batchSize, punches + 1); s++) {
      const serial = `SN${String(s % 10).padStart(4, '0')}`;
      const userId = String(1000 + (s % 3000));
      const local = new Date(base + s * 1000 + 8 * 3600_000).toISOString().slice(0, 19);
      list.push({ id: punchId(serial, userId, local, s % 2), deviceSerial: serial, userId, at: `${local}+08:00`, state: s % 2, verify: 1, workcode: 0, source: 'poll' });
    }
    out.push(Buffer.from(JSON.stringify({ v: 1, gateway, epoch: 1, seqFrom: seq, seqTo: seq + list.length - 1, punches: list })));
  }
  return out;
}

function connected(url: string): Promise<MqttClient> {
  return new Promise((resolve, reject) => {
    const c = connect(url, { protocolVersion: 4, clientId: 'rollcall-bench-gateway', clean: true, reconnectPeriod: 0, writeCache: false });
    c.once('connect', () => {
      (c.stream as { setNoDelay?: (v: boolean) => void }).setNoDelay?.(true);
      resolve(c);
    });
    c.once('error', reject);
  });
}

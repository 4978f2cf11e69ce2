import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { Publisher } from '../../agent/publisher/publisher.js';
import { Outbox } from '../../agent/store/outbox.js';
import { startHubSide } from './hub-side.js';
import { samplePunches } from './outbox-insert.js';

export interface DurableResult {
  punches: number;
  batchSize: number;
  maxInflightBatches: number;
  synchronous: 'NORMAL' | 'FULL';
  ms: number;
  punchesPerSecond: number;
}

/**
 * Durable end to end: `punches` rows waiting in an outbox, published in batches to aedes, stored and
 * acknowledged by the hub's ingest (its own SQLite file), marked delivered in the outbox. Timed from start() to an empty backlog.
 */
export async function benchDurable(punches: number, batchSize: number, synchronous: 'NORMAL' | 'FULL'): Promise<DurableResult> {
  const dir = mkdtempSync(join(tmpdir(), 'rollcall-bench-durable-'));
  const logger = pino({ level: 'silent' });
  const outbox = new Outbox({ path: join(dir, 'outbox.sqlite'), synchronous, logger });
  const hub = await startHubSide('bench', 'gw1', synchronous);
  const maxInflightBatches = 8;
  try {
    const data = samplePunches(punches);
    for (let i = 0; i < data.length; i += 5000) outbox.insert(data.slice(i, i + 5000));
    const publisher = new Publisher({ outbox, site: 'bench', gateway: 'gw1', broker: { url: hub.url }, batchSize, maxInflightBatches, logger });
    const started = performance.now();
    await publisher.start();
    while (publisher.stats().deliveredPunches < punches) await new Promise((r) => setTimeout(r, 5));
    const ms = performance.now() - started;
    await publisher.stop();
    if (hub.punches.count() !== punches) throw new Error(`the hub holds ${hub.punches.count()} of ${punches}`);
    return { punches, batchSize, maxInflightBatches, synchronous, ms: Math.round(ms), punchesPerSecond: Math.round(punches / (ms / 1000)) };
  } finally {
    await hub.close();
    outbox.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

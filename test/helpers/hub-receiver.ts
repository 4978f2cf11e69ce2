import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import type { Punch } from '../../protocols/mqtt/contract.js';
import { openHubDatabase, type HubDatabase } from '../../hub/db/database.js';
import { startIngest } from '../../hub/ingest/open-ingest.js';
import type { Ingest } from '../../hub/ingest/ingest.js';
import { INGEST_MIGRATIONS } from '../../hub/ingest/schema.js';
import { silent, tempDir } from './temp.js';

export interface ReceivedBatch {
  site: string;
  /** The batch as received (its valid punches). */
  batch: { gateway: string; epoch: number; seqFrom: number; seqTo: number; punches: readonly Punch[] };
  /** False while paused: neither stored nor acknowledged. */
  acked: boolean;
  stored: number;
  duplicates: number;
}

export interface ReceiverOptions {
  url: string;
  /** The gateways to take batches from (others are parked as unknown). */
  gateways: Array<{ site: string; gateway: string }>;
  username?: string;
  password?: string;
  tls?: { ca?: string; cert?: string; key?: string; rejectUnauthorized?: boolean };
  clientId?: string;
  logger?: Logger;
}

/**
 * The hub's real ingest (SQLite file in a temp folder, the real MQTT subscription and acks), with
 * the read-outs agent tests assert on: what was stored, how many batches came, duplicates and
 * parked messages.
 */
export class HubReceiver extends EventEmitter<{ batch: [ReceivedBatch] }> {
  batches = 0;

  constructor(
    readonly ingest: Ingest,
    readonly db: HubDatabase,
    private readonly cleanup: () => void,
  ) {
    super();
    ingest.on('batch', (b) => {
      this.batches++;
      this.emit('batch', { site: b.site, batch: { gateway: b.gateway, epoch: b.epoch, seqFrom: b.seqFrom, seqTo: b.seqTo, punches: b.punches }, acked: true, stored: b.stored, duplicates: b.duplicates });
    });
    ingest.on('held', (b) => {
      this.batches++;
      this.emit('batch', { site: b.site, batch: { gateway: b.gateway, epoch: b.epoch, seqFrom: b.seqFrom, seqTo: b.seqTo, punches: b.punches }, acked: false, stored: 0, duplicates: 0 });
    });
  }

  /** Every stored punch by id, read from the hub's database. */
  get received(): Map<string, Punch> {
    const rows = this.db.prepare('SELECT id, device_serial, user_id, at, state, verify, workcode, source FROM punches ORDER BY rowid').all() as Array<{
      id: string; device_serial: string; user_id: string; at: string; state: number; verify: number; workcode: number; source: Punch['source'];
    }>;
    return new Map(rows.map((r) => [r.id, { id: r.id, deviceSerial: r.device_serial, userId: r.user_id, at: r.at, state: r.state, verify: r.verify, workcode: r.workcode, source: r.source }]));
  }

  /** How many punches are stored. */
  count(): number {
    return (this.db.prepare('SELECT count(*) AS n FROM punches').get() as { n: number }).n;
  }

  get duplicates(): number {
    return this.ingest.stats.duplicates;
  }

  /** Messages and punches parked in dead letters. */
  get rejected(): number {
    return this.ingest.stats.deadLetters;
  }

  pause(): void {
    this.ingest.pause();
  }

  resume(): void {
    this.ingest.resume();
  }

  async close(): Promise<void> {
    await this.ingest.close();
    this.db.close();
    this.cleanup();
  }
}

export async function startHubReceiver(options: ReceiverOptions): Promise<HubReceiver> {
  const dir = tempDir('hub-receiver-');
  const db = openHubDatabase({ path: dir.file('hub.sqlite'), logger: silent, synchronous: 'NORMAL', migrations: INGEST_MIGRATIONS });
  const gateways = new Map<string, Set<string>>();
  for (const g of options.gateways) {
    const set = gateways.get(g.site) ?? new Set<string>();
    set.add(g.gateway);
    gateways.set(g.site, set);
  }
  const connection = {
    url: options.url,
    clientId: options.clientId ?? `hub-receiver-${Math.random().toString(36).slice(2, 10)}`,
    shareGroup: null,
    ...(options.username === undefined ? {} : { username: options.username }),
    ...(options.password === undefined ? {} : { password: options.password }),
    ...(options.tls === undefined ? {} : { tls: options.tls }),
  };
  try {
    const { ingest } = await startIngest({ db, connection, gateways, logger: options.logger ?? silent });
    return new HubReceiver(ingest, db, dir.cleanup);
  } catch (err) {
    db.close();
    dir.cleanup();
    throw err;
  }
}

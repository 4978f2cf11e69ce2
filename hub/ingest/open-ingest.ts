import type { Logger } from 'pino';
import type { HubDatabase } from '../db/database.js';
import { HealthStore } from './health-store.js';
import { Ingest, type IngestConnection } from './ingest.js';
import { PunchStore } from './punch-store.js';

export interface StartIngestOptions {
  db: HubDatabase;
  connection: IngestConnection;
  /** Site id → its configured gateway ids. */
  gateways: ReadonlyMap<string, ReadonlySet<string>>;
  logger: Logger;
  now?: () => number;
}

/** Builds the stores on `db` and starts ingest; resolves once subscribed. */
export async function startIngest(options: StartIngestOptions): Promise<{ ingest: Ingest; punches: PunchStore; health: HealthStore }> {
  const punches = new PunchStore(options.db, options.connection.clientId);
  const health = new HealthStore(options.db);
  const ingestOptions = { connection: options.connection, gateways: options.gateways, punches, health, logger: options.logger, ...(options.now === undefined ? {} : { now: options.now }) };
  const ingest = new Ingest(ingestOptions);
  await ingest.start();
  return { ingest, punches, health };
}

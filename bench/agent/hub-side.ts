import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { startEmbeddedBroker } from '../../hub/broker/embedded-broker.js';
import { openHubDatabase } from '../../hub/db/database.js';
import type { Ingest } from '../../hub/ingest/ingest.js';
import { startIngest } from '../../hub/ingest/open-ingest.js';
import type { PunchStore } from '../../hub/ingest/punch-store.js';

/** The hub's side of a benchmark: the embedded broker on loopback and the hub's real ingest into its own SQLite file. */
export interface HubSide {
  url: string;
  ingest: Ingest;
  punches: PunchStore;
  close(): Promise<void>;
}

export async function startHubSide(site: string, gateway: string, synchronous: 'NORMAL' | 'FULL' = 'FULL'): Promise<HubSide> {
  const logger = pino({ level: 'silent' });
  const dir = mkdtempSync(join(tmpdir(), 'rollcall-bench-hub-'));
  const db = openHubDatabase({ path: join(dir, 'hub.sqlite'), synchronous, logger });
  const broker = await startEmbeddedBroker();
  const { ingest, punches } = await startIngest({
    db,
    connection: { url: broker.url, clientId: 'rollcall-bench-hub', shareGroup: null },
    gateways: new Map([[site, new Set([gateway])]]),
    logger,
  });
  return {
    url: broker.url,
    ingest,
    punches,
    close: async () => {
      await ingest.close();
      await broker.close();
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

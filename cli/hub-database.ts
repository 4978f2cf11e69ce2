import { pino, type Logger } from 'pino';
import { loadHubConfig, type HubConfig } from '../hub/config/load.js';
import { openHubDatabase, type HubDatabase } from '../hub/db/database.js';

/**
 * Runs `fn` on the hub's database as its configuration names it (with the configured durability
 * and a logger that says only warnings, on stderr), and closes it afterwards, whatever `fn` did.
 * For commands that work on the hub's data while the hub itself runs or not.
 */
export async function withHubDatabase<T>(configPath: string, fn: (db: HubDatabase, config: HubConfig, logger: Logger) => Promise<T> | T): Promise<T> {
  const config = await loadHubConfig(configPath);
  const logger = pino({ level: 'warn' }, process.stderr);
  const db = openHubDatabase({ path: config.database.path, synchronous: config.database.synchronous, logger });
  try {
    return await fn(db, config, logger);
  } finally {
    db.close();
  }
}

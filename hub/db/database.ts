import Database from 'better-sqlite3';
import type { Logger } from 'pino';
import { HubError } from '../errors.js';
import type { Migration } from './migration.js';
import { HUB_MIGRATIONS } from './migrations.js';

export type HubDatabase = Database.Database;

export interface OpenOptions {
  /** SQLite file; created if missing. `:memory:` for throwaway use. */
  path: string;
  /** NORMAL survives a process crash; FULL also survives a power cut (default FULL). */
  synchronous?: 'NORMAL' | 'FULL';
  /** How long a writer waits for another process's transaction (default 5,000 ms). */
  busyTimeoutMs?: number;
  logger: Logger;
  /** Default: every hub module's migrations. */
  migrations?: readonly Migration[];
}

/**
 * Opens the hub database: WAL (several hub processes may share one file), foreign keys on, the
 * chosen durability, then applies every migration not yet applied, in one transaction each.
 */
export function openHubDatabase(options: OpenOptions): HubDatabase {
  let db: HubDatabase;
  try {
    db = new Database(options.path);
  } catch (err) {
    throw new HubError('STORE', `cannot open the hub database ${options.path}: ${(err as Error).message}`, { cause: err });
  }
  try {
    db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 5000}`);
    if (options.path !== ':memory:') toWal(db, options.busyTimeoutMs ?? 5000);
    db.pragma(`synchronous = ${options.synchronous ?? 'FULL'}`);
    db.pragma('foreign_keys = ON');
    migrate(db, options.migrations ?? HUB_MIGRATIONS, options.logger);
  } catch (err) {
    db.close();
    if (err instanceof HubError) throw err;
    throw new HubError('STORE', `cannot prepare the hub database ${options.path}: ${(err as Error).message}`, { cause: err });
  }
  return db;
}

/**
 * Puts the file in WAL mode. Switching needs the file to itself, and SQLite answers SQLITE_BUSY at
 * once rather than waiting when another process holds it (two hub processes opening a new file
 * together): try again for up to the busy timeout.
 */
function toWal(db: HubDatabase, timeoutMs: number): void {
  const until = Date.now() + timeoutMs;
  for (let pause = 5; ; pause = Math.min(pause * 2, 100)) {
    try {
      db.pragma('journal_mode = WAL');
      return;
    } catch (err) {
      if ((err as { code?: string }).code !== 'SQLITE_BUSY' || Date.now() >= until) throw err;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, pause);
    }
  }
}

/** Applies migrations not yet recorded in `schema_migrations`. */
export function migrate(db: HubDatabase, migrations: readonly Migration[], logger: Logger): void {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at INTEGER NOT NULL) STRICT');
  const seen = new Set<string>();
  for (const m of migrations) {
    if (seen.has(m.name)) throw new HubError('STORE', `migration "${m.name}" is listed twice`);
    seen.add(m.name);
  }
  // BEGIN IMMEDIATE: two hub processes starting together must not both apply a step.
  const apply = db.transaction((m: Migration) => {
    const done = db.prepare('SELECT 1 FROM schema_migrations WHERE name = ?').get(m.name);
    if (done !== undefined) return false;
    db.exec(m.sql);
    db.prepare('INSERT INTO schema_migrations (name, applied_at) VALUES (?, ?)').run(m.name, Date.now());
    return true;
  });
  for (const m of migrations) {
    if (apply.immediate(m)) logger.info({ migration: m.name }, 'applied database migration');
  }
}

/**
 * Runs `work` in one IMMEDIATE transaction (the write lock first, so what it reads is what its
 * writes build on, even with another hub process on the file); a database failure becomes
 * HubError('STORE') saying `who` could not do `what`. A HubError from `work` passes unchanged.
 */
export function writeImmediate<T>(db: HubDatabase, who: string, what: string, work: () => T): T {
  try {
    return db.transaction(work).immediate();
  } catch (err) {
    if (err instanceof HubError) throw err;
    throw new HubError('STORE', `${who} could not ${what}: ${(err as Error).message}`, { cause: err });
  }
}

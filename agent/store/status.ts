import Database from 'better-sqlite3';
import { AgentError } from '../errors.js';
import { MIGRATIONS } from './schema.js';

/** What the outbox holds, read without writing (safe while the agent runs). */
export interface OutboxStatus {
  path: string;
  /** The epoch of the agent's latest start (0 if it never started). */
  epoch: number;
  /** The sequence number the next punch will get. */
  nextSeq: number;
  /** Punches stored and not yet acknowledged by the hub. */
  backlog: number;
  /** Acknowledged punches still kept (pruned beyond keepDelivered). */
  delivered: number;
  /** The `at` of the oldest undelivered punch, and when it was received. */
  oldestUndelivered: { seq: number; at: string; receivedAt: string } | null;
  /** When the hub acknowledged the newest delivered punch. */
  lastDeliveredAt: string | null;
  terminals: TerminalStatus[];
}

export interface TerminalStatus {
  serial: string;
  /** Records read from the terminal's log (the watermark); null for sources without a log (HID). */
  recordsRead: number | null;
  undelivered: number;
  /** When the watermark last moved, or the latest punch arrived for sources without a log. */
  lastUpdate: string | null;
}

/**
 * Reads the outbox's state from its SQLite file, opened read-only: the running agent keeps
 * writing (WAL lets readers and the writer proceed together). A missing file is an error, never
 * created.
 */
export function readOutboxStatus(path: string): OutboxStatus {
  let db: Database.Database;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
  } catch (err) {
    const missing = /unable to open|does not exist|SQLITE_CANTOPEN/i.test((err as Error).message);
    throw new AgentError(
      'STORE',
      missing
        ? `no outbox at ${path}; the agent creates it on its first start (check outbox.path in the configuration)`
        : `cannot open the outbox at ${path}: ${(err as Error).message}`,
      { cause: err },
    );
  }
  try {
    const version = db.pragma('user_version', { simple: true }) as number;
    const tables = new Set(db.prepare<[], { name: string }>(`SELECT name FROM sqlite_master WHERE type = 'table'`).all().map((r) => r.name));
    if (!['meta', 'punches', 'terminals'].every((t) => tables.has(t))) {
      throw new AgentError('STORE', `${path} is not a rollcall outbox (no meta, punches and terminals tables)`);
    }
    if (version > MIGRATIONS.length) {
      throw new AgentError('STORE', `outbox schema version ${version} is newer than this rollcall (${MIGRATIONS.length}); upgrade rollcall`);
    }
    const meta = (key: string): number | undefined => {
      const row = db.prepare<[string], { value: string }>(`SELECT value FROM meta WHERE key = ?`).get(key);
      return row === undefined ? undefined : Number(row.value);
    };
    // Each of these uses an index or reads from the end of the table: fast on millions of rows.
    const backlog = db.prepare<[], { n: number }>(`SELECT count(*) AS n FROM punches WHERE delivered_at IS NULL`).get()!.n;
    const total = db.prepare<[], { n: number }>(`SELECT count(*) AS n FROM punches`).get()!.n;
    const lastDelivered = db
      .prepare<[], { delivered_at: number }>(`SELECT delivered_at FROM punches WHERE delivered_at IS NOT NULL ORDER BY seq DESC LIMIT 1`)
      .get();
    const oldest = db
      .prepare<[], { seq: number; at: string; received_at: number }>(`SELECT seq, at, received_at FROM punches WHERE delivered_at IS NULL ORDER BY seq LIMIT 1`)
      .get();
    const terminals = db
      .prepare<[], { serial: string; record_count: number | null; updated_at: number | null; undelivered: number; latest: number | null }>(
        `WITH serials AS (SELECT serial FROM terminals UNION SELECT DISTINCT device_serial FROM punches WHERE delivered_at IS NULL)
         SELECT s.serial, t.record_count, t.updated_at,
           (SELECT count(*) FROM punches p WHERE p.device_serial = s.serial AND p.delivered_at IS NULL) AS undelivered,
           (SELECT max(received_at) FROM punches p WHERE p.device_serial = s.serial AND p.delivered_at IS NULL) AS latest
         FROM serials s LEFT JOIN terminals t ON t.serial = s.serial ORDER BY s.serial`,
      )
      .all();
    return {
      path,
      epoch: meta('epoch') ?? 0,
      nextSeq: meta('next_seq') ?? 1,
      backlog,
      delivered: total - backlog,
      oldestUndelivered: oldest === undefined ? null : { seq: oldest.seq, at: oldest.at, receivedAt: iso(oldest.received_at) },
      lastDeliveredAt: lastDelivered === undefined ? null : iso(lastDelivered.delivered_at),
      terminals: terminals.map((t) => ({
        serial: t.serial,
        recordsRead: t.record_count,
        undelivered: t.undelivered,
        lastUpdate: t.updated_at !== null ? iso(t.updated_at) : t.latest !== null ? iso(t.latest) : null,
      })),
    };
  } finally {
    db.close();
  }
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

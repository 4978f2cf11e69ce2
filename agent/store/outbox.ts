import { statfsSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { Logger } from 'pino';
import type { Punch, PunchSource } from '../../protocols/mqtt/contract.js';
import { AgentError } from '../errors.js';
import { punchId } from './punch-id.js';
import { MIGRATIONS } from './schema.js';

export interface OutboxOptions {
  /** SQLite file; created if missing. */
  path: string;
  /** NORMAL survives a process crash; FULL also survives a power cut (default FULL). */
  synchronous?: 'NORMAL' | 'FULL';
  /** Undelivered punches at which pulling stops (default 2,000,000). */
  maxBacklog?: number;
  /** Free bytes on the outbox's disk below which pulling stops (default 256 MiB). */
  minFreeBytes?: number;
  /** Delivered punches kept for inspection; older ones are pruned (default 500,000). */
  keepDelivered?: number;
  /**
   * SQLite's page cache in KiB (default 2048). The outbox appends at the tail and reads the oldest
   * undelivered rows, so a small cache holds its working set; better-sqlite3's own default is 16 MB.
   */
  cacheKiB?: number;
  logger: Logger;
  /** Free-space probe, injectable for tests (default: statfs of the outbox's folder). */
  freeBytes?: () => number;
}

/** A punch as the agent learns it; the id is made here unless given. */
export interface NewPunch {
  deviceSerial: string;
  userId: string;
  /** Wall-clock time at the terminal, `YYYY-MM-DDTHH:MM:SS`. */
  localTime: string;
  /** `localTime` with the site's offset, as the contract carries it. */
  at: string;
  state: number;
  verify: number;
  workcode: number;
  source: PunchSource;
}

export interface OutboxPunch extends Punch {
  seq: number;
}

/** The next undelivered punches, as one contract-shaped JSON array. */
export interface PendingBatch {
  seqFrom: number;
  seqTo: number;
  count: number;
  /** `[{id, deviceSerial, userId, at, state, verify, workcode, source}, ...]` in seq order. */
  punchesJson: string;
}

export interface Watermark {
  serial: string;
  recordCount: number;
  lastFingerprint: string | null;
}

export interface InsertResult {
  inserted: number;
  duplicates: number;
}

export interface Capacity {
  full: boolean;
  backlog: number;
  freeBytes: number;
  reason: string | undefined;
}

interface PunchRow {
  seq: number;
  id: string;
  device_serial: string;
  user_id: string;
  at: string;
  state: number;
  verify: number;
  workcode: number;
  source: PunchSource;
}

/**
 * The agent's store-and-forward outbox: the truth about every punch the gateway has seen, its
 * sequence number and whether the hub has acknowledged it, plus how far each terminal's log was
 * read. Every write is one transaction, so a crash leaves either all of a batch or none of it.
 */
export class Outbox {
  readonly epoch: number;
  private nextSeq: number;
  private readonly db: Database.Database;
  private readonly options: Required<Omit<OutboxOptions, 'freeBytes' | 'logger'>>;
  private readonly freeBytesProbe: () => number;
  private readonly logger: Logger;
  private readonly stmt;

  constructor(options: OutboxOptions) {
    this.options = {
      path: options.path,
      synchronous: options.synchronous ?? 'FULL',
      maxBacklog: options.maxBacklog ?? 2_000_000,
      minFreeBytes: options.minFreeBytes ?? 256 * 1024 * 1024,
      keepDelivered: options.keepDelivered ?? 500_000,
      cacheKiB: options.cacheKiB ?? 2048,
    };
    if (!Number.isInteger(this.options.cacheKiB) || this.options.cacheKiB < 64) {
      throw new AgentError('STORE', `outbox cache must be a whole number of KiB, at least 64 (got ${this.options.cacheKiB})`);
    }
    this.logger = options.logger.child({ component: 'outbox' });
    this.freeBytesProbe = options.freeBytes ?? (() => diskFree(dirname(options.path)));
    try {
      this.db = new Database(options.path);
      this.db.pragma('journal_mode = WAL');
      this.db.pragma(`synchronous = ${this.options.synchronous}`);
      this.db.pragma('busy_timeout = 5000');
      this.db.pragma(`cache_size = -${this.options.cacheKiB}`);
      migrate(this.db);
    } catch (err) {
      throw new AgentError('STORE', `cannot open the outbox at ${options.path}: ${(err as Error).message}`, { cause: err });
    }
    this.stmt = {
      insert: this.db.prepare(
        `INSERT INTO punches (seq, id, device_serial, user_id, at, state, verify, workcode, source, received_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
      ),
      pending: this.db.prepare<[number, number], PunchRow>(
        `SELECT seq, id, device_serial, user_id, at, state, verify, workcode, source FROM punches
         WHERE delivered_at IS NULL AND seq > ? ORDER BY seq LIMIT ?`,
      ),
      // SQLite writes the batch's JSON itself: no object per row on the way to the broker.
      pendingBatch: this.db.prepare<[number, number], PendingBatch>(
        `SELECT min(seq) AS seqFrom, max(seq) AS seqTo, count(*) AS count,
           json_group_array(json_object('id', id, 'deviceSerial', device_serial, 'userId', user_id, 'at', at,
             'state', state, 'verify', verify, 'workcode', workcode, 'source', source) ORDER BY seq) AS punchesJson
         FROM (SELECT * FROM punches WHERE delivered_at IS NULL AND seq > ? ORDER BY seq LIMIT ?)`,
      ),
      deliver: this.db.prepare<[number, number, number]>(`UPDATE punches SET delivered_at = ? WHERE seq BETWEEN ? AND ? AND delivered_at IS NULL`),
      backlog: this.db.prepare<[], { n: number }>(`SELECT count(*) AS n FROM punches WHERE delivered_at IS NULL`),
      backlogBySerial: this.db.prepare<[], { serial: string; n: number }>(
        `SELECT device_serial AS serial, count(*) AS n FROM punches WHERE delivered_at IS NULL GROUP BY device_serial`,
      ),
      watermark: this.db.prepare<[string], { record_count: number; last_fingerprint: string | null }>(
        `SELECT record_count, last_fingerprint FROM terminals WHERE serial = ?`,
      ),
      setWatermark: this.db.prepare<[string, number, string | null, number]>(
        `INSERT INTO terminals (serial, record_count, last_fingerprint, updated_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (serial) DO UPDATE SET record_count = excluded.record_count,
           last_fingerprint = excluded.last_fingerprint, updated_at = excluded.updated_at`,
      ),
      setMeta: this.db.prepare<[string, string]>(`INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`),
      prune: this.db.prepare<[number]>(
        `DELETE FROM punches WHERE delivered_at IS NOT NULL AND seq <= (
           SELECT seq FROM punches WHERE delivered_at IS NOT NULL ORDER BY seq DESC LIMIT 1 OFFSET ?)`,
      ),
    };
    const meta = (key: string): number | undefined => {
      const row = this.db.prepare<[string], { value: string }>(`SELECT value FROM meta WHERE key = ?`).get(key);
      return row === undefined ? undefined : Number(row.value);
    };
    this.epoch = (meta('epoch') ?? 0) + 1;
    this.stmt.setMeta.run('epoch', String(this.epoch));
    this.nextSeq = meta('next_seq') ?? 1;
    this.logger.info({ path: options.path, epoch: this.epoch, synchronous: this.options.synchronous }, 'outbox open');
  }

  /** Stores punches (duplicates by id are skipped) in one transaction. */
  insert(punches: readonly NewPunch[]): InsertResult {
    return this.write(() => this.insertRows(punches));
  }

  /** Stores a poll's punches and advances the terminal's watermark in the same transaction. */
  insertPolled(punches: readonly NewPunch[], watermark: Watermark): InsertResult {
    return this.write(() => {
      const result = this.insertRows(punches);
      this.stmt.setWatermark.run(watermark.serial, watermark.recordCount, watermark.lastFingerprint, Date.now());
      return result;
    });
  }

  getWatermark(serial: string): Watermark | undefined {
    const row = this.stmt.watermark.get(serial);
    return row === undefined ? undefined : { serial, recordCount: row.record_count, lastFingerprint: row.last_fingerprint };
  }

  /** Undelivered punches after `afterSeq`, oldest first. */
  pending(afterSeq: number, limit: number): OutboxPunch[] {
    return this.stmt.pending.all(afterSeq, limit).map(toPunch);
  }

  /** The oldest undelivered punches after `afterSeq`, at most `limit`, or undefined when there are none. */
  pendingBatch(afterSeq: number, limit: number): PendingBatch | undefined {
    const batch = this.stmt.pendingBatch.get(afterSeq, limit);
    return batch === undefined || batch.count === 0 ? undefined : batch;
  }

  /** Marks seqFrom..seqTo delivered (the hub acknowledged them); returns how many changed. */
  markDelivered(seqFrom: number, seqTo: number): number {
    return Number(this.stmt.deliver.run(Date.now(), seqFrom, seqTo).changes);
  }

  backlog(): number {
    return this.stmt.backlog.get()!.n;
  }

  backlogBySerial(): Map<string, number> {
    return new Map(this.stmt.backlogBySerial.all().map((r) => [r.serial, r.n]));
  }

  /** Whether pulling must stop: the backlog bound or the free-disk floor is reached. */
  capacity(): Capacity {
    const backlog = this.backlog();
    const freeBytes = this.freeBytesProbe();
    let reason: string | undefined;
    if (backlog >= this.options.maxBacklog) reason = `outbox holds ${backlog} undelivered punches (limit ${this.options.maxBacklog})`;
    else if (freeBytes < this.options.minFreeBytes) reason = `only ${Math.floor(freeBytes / 2 ** 20)} MiB free on the outbox's disk (floor ${Math.floor(this.options.minFreeBytes / 2 ** 20)} MiB)`;
    return { full: reason !== undefined, backlog, freeBytes, reason };
  }

  /** Deletes delivered punches beyond the newest `keepDelivered`. */
  prune(): number {
    return Number(this.stmt.prune.run(this.options.keepDelivered).changes);
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  /** Runs `fn` in a transaction; the in-memory sequence counter rolls back with it. */
  private write<T>(fn: () => T): T {
    const seqBefore = this.nextSeq;
    try {
      return this.db.transaction(fn)();
    } catch (err) {
      this.nextSeq = seqBefore;
      throw err;
    }
  }

  private insertRows(punches: readonly NewPunch[]): InsertResult {
    const now = Date.now();
    const first = this.nextSeq;
    for (const p of punches) {
      const id = punchId(p.deviceSerial, p.userId, p.localTime, p.state);
      // A duplicate id inserts nothing and takes no number: sequence numbers stay contiguous.
      this.nextSeq += this.stmt.insert.run(this.nextSeq, id, p.deviceSerial, p.userId, p.at, p.state, p.verify, p.workcode, p.source, now).changes;
    }
    const inserted = this.nextSeq - first;
    if (inserted > 0) this.stmt.setMeta.run('next_seq', String(this.nextSeq));
    return { inserted, duplicates: punches.length - inserted };
  }
}

function toPunch(r: PunchRow): OutboxPunch {
  return { seq: r.seq, id: r.id, deviceSerial: r.device_serial, userId: r.user_id, at: r.at, state: r.state, verify: r.verify, workcode: r.workcode, source: r.source };
}

function migrate(db: Database.Database): void {
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > MIGRATIONS.length) {
    throw new AgentError('STORE', `outbox schema version ${version} is newer than this agent (${MIGRATIONS.length}); upgrade the agent`);
  }
  for (let v = version; v < MIGRATIONS.length; v++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[v]!);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
}

function diskFree(dir: string): number {
  const s = statfsSync(dir);
  return s.bavail * s.bsize;
}

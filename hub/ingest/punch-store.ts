import type Database from 'better-sqlite3';
import type { Statement } from 'better-sqlite3';
import type { HubDatabase } from '../db/database.js';
import type { Inbound } from './messages.js';

export type PunchMessage = Extract<Inbound, { kind: 'punches' }>;

/** A validated batch waiting for its commit. */
export interface BatchToStore {
  message: PunchMessage;
  topic: string;
  receivedMs: number;
}

export interface StoredBatch {
  /** Punches new to the hub. */
  stored: number;
  /** Punches the hub already had (replays, retransmissions, repeats inside the batch). */
  duplicates: number;
  /** Punches parked in dead letters with their reason. */
  rejected: number;
}

export interface DeadLetter {
  id: number;
  receivedMs: number;
  topic: string;
  site: string | null;
  gateway: string | null;
  reason: string;
  payload: Buffer;
  replayedMs: number | null;
}

/**
 * Durable, idempotent storage of punch batches: one transaction per batch stores the new punches
 * (INSERT OR IGNORE on the edge-made id), parks invalid punches in dead letters, logs the batch
 * and advances the gateway's stream. Only after it commits may the hub ack the batch.
 */
export class PunchStore {
  private readonly insertPunch: Statement;
  private readonly insertDead: Statement;
  private readonly countWaiting: Statement;
  private readonly insertBatch: Statement;
  private readonly upsertStream: Statement;
  private readonly storeTx: Database.Transaction<(m: PunchMessage, topic: string, receivedMs: number) => StoredBatch>;
  private readonly storeManyTx: Database.Transaction<(items: readonly BatchToStore[]) => StoredBatch[]>;

  /** `hubId` names this hub process in the batch log (its MQTT client id). */
  constructor(
    private readonly db: HubDatabase,
    private readonly hubId = 'hub',
  ) {
    this.insertPunch = db.prepare(
      `INSERT OR IGNORE INTO punches (id, site, gateway, device_serial, user_id, at, at_ms, state, verify, workcode, source, epoch, received_ms)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.insertDead = db.prepare('INSERT INTO dead_letters (received_ms, topic, site, gateway, reason, payload) VALUES (?, ?, ?, ?, ?, ?)');
    this.countWaiting = db.prepare('SELECT count(*) FROM dead_letters WHERE replayed_ms IS NULL').pluck();
    this.insertBatch = db.prepare(
      `INSERT INTO ingest_batches (site, gateway, epoch, seq_from, seq_to, punches, stored, duplicates, rejected, received_ms, hub)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.upsertStream = db.prepare(
      `INSERT INTO gateway_streams (site, gateway, epoch, highest_seq, batches, punches, last_batch_ms) VALUES (?, ?, ?, ?, 1, ?, ?)
       ON CONFLICT (site, gateway) DO UPDATE SET epoch = max(epoch, excluded.epoch), highest_seq = max(highest_seq, excluded.highest_seq),
         batches = batches + 1, punches = punches + excluded.punches, last_batch_ms = excluded.last_batch_ms`,
    );
    const storeOne = (m: PunchMessage, topic: string, receivedMs: number): StoredBatch => {
      const { site, gateway, batch } = m;
      let stored = 0;
      for (const p of m.punches) {
        stored += this.insertPunch.run(p.id, site, gateway, p.deviceSerial, p.userId, p.at, p.atMs, p.state, p.verify, p.workcode, p.source, batch.epoch, receivedMs).changes;
      }
      for (const r of m.rejects) {
        const payload = JSON.stringify({ gateway, epoch: batch.epoch, seqFrom: batch.seqFrom, seqTo: batch.seqTo, index: r.index, punch: r.raw });
        this.insertDead.run(receivedMs, topic, site, gateway, r.reason, Buffer.from(payload, 'utf8'));
      }
      const result = { stored, duplicates: m.punches.length - stored, rejected: m.rejects.length };
      this.insertBatch.run(site, gateway, batch.epoch, batch.seqFrom, batch.seqTo, batch.punches.length, result.stored, result.duplicates, result.rejected, receivedMs, this.hubId);
      this.upsertStream.run(site, gateway, batch.epoch, batch.seqTo, result.stored, receivedMs);
      return result;
    };
    this.storeTx = db.transaction(storeOne);
    this.storeManyTx = db.transaction((items: readonly BatchToStore[]): StoredBatch[] => items.map((b) => storeOne(b.message, b.topic, b.receivedMs)));
  }

  /** Stores a validated batch in one transaction (BEGIN IMMEDIATE: other hub processes may write the same file). */
  storeBatch(message: PunchMessage, topic: string, receivedMs: number): StoredBatch {
    return this.storeTx.immediate(message, topic, receivedMs);
  }

  /**
   * Stores several validated batches in one transaction, one commit (and one fsync) for all: what
   * arrived together is made durable together. Results at the same index.
   */
  storeBatches(items: readonly BatchToStore[]): StoredBatch[] {
    return this.storeManyTx.immediate(items);
  }

  /** Parks a whole message that could not be taken. */
  deadLetter(topic: string, site: string | null, gateway: string | null, reason: string, payload: Buffer, receivedMs: number): number {
    return Number(this.insertDead.run(receivedMs, topic, site, gateway, reason, payload).lastInsertRowid);
  }

  deadLetters(options: { limit?: number; includeReplayed?: boolean } = {}): DeadLetter[] {
    const rows = this.db
      .prepare(
        `SELECT id, received_ms, topic, site, gateway, reason, payload, replayed_ms FROM dead_letters
         ${options.includeReplayed === true ? '' : 'WHERE replayed_ms IS NULL'} ORDER BY id LIMIT ?`,
      )
      .all(options.limit ?? 1000) as Array<{ id: number; received_ms: number; topic: string; site: string | null; gateway: string | null; reason: string; payload: Buffer; replayed_ms: number | null }>;
    return rows.map((r) => ({ id: r.id, receivedMs: r.received_ms, topic: r.topic, site: r.site, gateway: r.gateway, reason: r.reason, payload: r.payload, replayedMs: r.replayed_ms }));
  }

  /** How many dead letters wait to be replayed (counted, not read). */
  deadLettersWaiting(): number {
    return this.countWaiting.get() as number;
  }

  markReplayed(id: number, atMs: number): void {
    this.db.prepare('UPDATE dead_letters SET replayed_ms = ? WHERE id = ?').run(atMs, id);
  }

  /**
   * Each of `userIds`' first punch at `site` from `fromMs` to `toMs`, by terminal user id; users
   * without one are left out. One range read of the site's time index for all of them.
   */
  firstPunches(site: string, userIds: readonly string[], fromMs: number, toMs: number): Map<string, number> {
    if (userIds.length === 0) return new Map();
    const rows = this.db
      .prepare('SELECT user_id, min(at_ms) FROM punches WHERE site = ? AND at_ms >= ? AND at_ms <= ? AND user_id IN (SELECT value FROM json_each(?)) GROUP BY user_id')
      .raw()
      .all(site, fromMs, toMs, JSON.stringify(userIds)) as Array<[string, number]>;
    return new Map(rows);
  }

  /** Each terminal's last punch at `site` since `fromMs`, by serial number: a bounded read of the site's time index. */
  lastPunchPerTerminal(site: string, fromMs: number): Map<string, number> {
    const rows = this.db.prepare('SELECT device_serial, max(at_ms) FROM punches WHERE site = ? AND at_ms >= ? GROUP BY device_serial').raw().all(site, fromMs) as Array<[string, number]>;
    return new Map(rows);
  }

  count(site?: string): number {
    const row = (site === undefined ? this.db.prepare('SELECT count(*) AS n FROM punches').get() : this.db.prepare('SELECT count(*) AS n FROM punches WHERE site = ?').get(site)) as { n: number };
    return row.n;
  }
}

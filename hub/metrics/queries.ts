import type { Statement } from 'better-sqlite3';
import type { HubDatabase } from '../db/database.js';

/** A gateway's stream as ingest keeps it: punches new to the hub since its first batch, and when its last batch came. */
export interface StreamRow {
  site: string;
  gateway: string;
  punches: number;
  lastBatchMs: number;
}

/**
 * The reads behind the hub's metrics, each answered by a primary key, an index or a table that
 * stays small (EXPLAIN QUERY PLAN on a hub database says which), never by walking the punches:
 * - punches stored come from the gateways' stream rows, which every stored batch advances in its
 *   own transaction; a count(*) of a site's punches walks every entry of its index (43 ms at 1.3
 *   million punches, and growing with them);
 * - a site's latest punch is max(at_ms) at the end of the (site, at_ms, user_id) index;
 * - cases by state walk the (state, case_id) index, and queued messages the partial index of the
 *   outbox's due messages; notices scan their table, which holds few rows (waiting dead letters are
 *   counted by the punch store, the same way).
 *   Messages are counted in no other state: nothing indexes them by state, and a month of
 *   reminders at ten thousand cases is a million rows, a scan of about 200 ms on every scrape;
 * - the case feed's backlog and the evidence log's size and last checkpoint are max() over
 *   primary keys.
 */
export class MetricsQueries {
  private readonly s: ReturnType<typeof prepare>;

  constructor(db: HubDatabase) {
    this.s = prepare(db);
  }

  streams(): StreamRow[] {
    return this.s.streams.all() as StreamRow[];
  }

  /** The instant of the site's latest punch, or null when it has none. */
  lastPunchMs(site: string): number | null {
    return this.s.lastPunch.get(site) as number | null;
  }

  casesByState(): Map<string, number> {
    return byState(this.s.casesByState);
  }

  /** Messages waiting for the outbox: sending them is due or a retry is. */
  messagesQueued(): number {
    return this.s.messagesQueued.get() as number;
  }

  noticesByState(): Map<string, number> {
    return byState(this.s.noticesByState);
  }

  /** Rows of detection's change feed the case engine has not read yet. */
  feedPending(): number {
    return this.s.feedPending.get() as number;
  }

  /** The tree size of the evidence log's latest signed checkpoint (0 before the first). */
  signedSize(): number {
    return this.s.signedSize.get() as number;
  }
}

// Prepared once per database: the API collects on every scrape.
const prepared = new WeakMap<HubDatabase, MetricsQueries>();

export function metricsQueries(db: HubDatabase): MetricsQueries {
  let q = prepared.get(db);
  if (q === undefined) {
    q = new MetricsQueries(db);
    prepared.set(db, q);
  }
  return q;
}

function byState(statement: Statement): Map<string, number> {
  return new Map(statement.all() as Array<[string, number]>);
}

function prepare(db: HubDatabase) {
  return {
    streams: db.prepare('SELECT site, gateway, punches, last_batch_ms AS lastBatchMs FROM gateway_streams ORDER BY site, gateway'),
    lastPunch: db.prepare('SELECT max(at_ms) FROM punches WHERE site = ?').pluck(),
    casesByState: db.prepare('SELECT state, count(*) FROM cases GROUP BY state').raw(),
    messagesQueued: db.prepare("SELECT count(*) FROM case_messages WHERE state = 'queued'").pluck(),
    noticesByState: db.prepare('SELECT state, count(*) FROM case_notices GROUP BY state').raw(),
    feedPending: db.prepare('SELECT (SELECT coalesce(max(seq), 0) FROM case_feed) - feed_seq FROM case_cursor WHERE id = 1').pluck(),
    signedSize: db.prepare('SELECT coalesce(max(tree_size), 0) FROM evidence_checkpoints').pluck(),
  };
}

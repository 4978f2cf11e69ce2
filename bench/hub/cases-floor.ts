/**
 * The storage floor of the case benchmark: the rows the case engine's runs left (cases, steps and
 * their settlements, tasks, notice drafts, notifications, messages, evidence entries and case
 * heads) written again into a new hub database, one IMMEDIATE transaction per moment they were
 * written at, by SQLite alone (INSERT ... SELECT from staging tables in memory, filled from the
 * month's file before each transaction). No JavaScript runs per row: no canonical JSON, no
 * hashing, no reads of the feed or the due steps, no engine.
 * What a faster engine could not go below with this data model, schema and durability; the
 * rows' later updates (absent-day counts, notice states) and the tree's nodes are left out, so it
 * is a lower bound.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { openHubDatabase, type HubDatabase } from '../../hub/db/database.js';

export interface StorageFloor {
  /** The transactions of the case runs' moments, summed. */
  ms: number;
  /** Rows inserted or updated in them. */
  rows: number;
  /** Where `ms` went: each write's statements, and the commits. */
  msBy: Record<string, number>;
  /** The size the replayed database reached (its main file after a checkpoint). */
  databaseMB: number;
}

/**
 * One moment's writes, in an order the foreign keys accept: `rows` picks them from the month's
 * file into a staging table in memory (untimed), `write` writes them from there (timed).
 */
const WRITES: ReadonlyArray<{ name: string; rows: string; write: string }> = [
  { name: 'cases', rows: 'SELECT * FROM src.cases WHERE opened_at = $t', write: 'INSERT INTO cases SELECT * FROM temp.stage ORDER BY case_id' },
  {
    name: 'steps scheduled',
    rows: "SELECT step_row, case_id, step_key, step_id, due_ms, 'scheduled' AS state, NULL AS outcome, NULL AS fired_at, scheduled_at FROM src.case_steps WHERE scheduled_at = $t",
    write: 'INSERT INTO case_steps (step_row, case_id, step_key, step_id, due_ms, state, outcome, fired_at, scheduled_at) SELECT * FROM temp.stage ORDER BY step_row',
  },
  {
    name: 'steps settled',
    rows: 'SELECT step_row, state, outcome, fired_at FROM src.case_steps WHERE fired_at = $t',
    write: 'UPDATE case_steps SET state = s.state, outcome = s.outcome, fired_at = s.fired_at FROM temp.stage AS s WHERE case_steps.step_row = s.step_row',
  },
  { name: 'tasks', rows: 'SELECT * FROM src.case_tasks WHERE created_at = $t', write: 'INSERT INTO case_tasks SELECT * FROM temp.stage ORDER BY task_id' },
  {
    name: 'notices',
    rows: "SELECT notice_id, case_id, step_key, kind, 'draft' AS state, deliver, deadline_days, facts, created_at, created_at AS updated_at FROM src.case_notices WHERE created_at = $t",
    write: 'INSERT INTO case_notices (notice_id, case_id, step_key, kind, state, deliver, deadline_days, facts, created_at, updated_at) SELECT * FROM temp.stage ORDER BY notice_id',
  },
  { name: 'notifications', rows: 'SELECT * FROM src.case_notifications WHERE created_at = $t', write: 'INSERT INTO case_notifications SELECT * FROM temp.stage ORDER BY notification_id' },
  {
    name: 'messages',
    rows: 'SELECT m.* FROM src.case_notifications n JOIN src.case_messages m ON m.notification_id = n.notification_id WHERE n.created_at = $t',
    write: 'INSERT INTO case_messages SELECT * FROM temp.stage ORDER BY message_id',
  },
  { name: 'evidence entries', rows: 'SELECT * FROM src.evidence_entries WHERE at_ms = $t', write: 'INSERT INTO evidence_entries SELECT * FROM temp.stage ORDER BY idx' },
  {
    // A case's last entry of the moment (SQLite takes the bare columns from the row holding the max);
    // `WHERE true` keeps the parser from reading ON CONFLICT as a join constraint.
    name: 'evidence case heads',
    rows: 'SELECT case_id, max(case_seq) AS case_seq, idx, leaf_hash FROM src.evidence_entries WHERE at_ms = $t AND case_id IS NOT NULL GROUP BY case_id',
    write: `INSERT INTO evidence_case_heads (case_id, case_seq, idx, leaf_hash) SELECT * FROM temp.stage WHERE true ORDER BY case_id
      ON CONFLICT (case_id) DO UPDATE SET case_seq = excluded.case_seq, idx = excluded.idx, leaf_hash = excluded.leaf_hash`,
  },
];

/** Indexes on the month's file that let each moment's rows be picked without a scan. */
const SOURCE_INDEXES: ReadonlyArray<readonly [table: string, column: string]> = [
  ['cases', 'opened_at'],
  ['case_steps', 'scheduled_at'],
  ['case_steps', 'fired_at'],
  ['case_tasks', 'created_at'],
  ['case_notices', 'created_at'],
  ['case_notifications', 'created_at'],
  ['evidence_entries', 'at_ms'],
];

/**
 * Replays what `source` holds, moment by moment in time order (HR's moments too, so the evidence
 * indexes follow on without gaps), and times the moments in `timed` (the case runs').
 */
export function replayCaseRows(source: HubDatabase, timed: ReadonlySet<number>, logger: Logger): StorageFloor {
  const dir = mkdtempSync(join(tmpdir(), 'rollcall-bench-floor-'));
  const path = join(dir, 'hub.sqlite');
  const db = openHubDatabase({ path, synchronous: 'FULL', logger });
  try {
    db.prepare('ATTACH DATABASE ? AS src').run(source.name);
    db.exec('INSERT INTO case_policies SELECT * FROM src.case_policies');
    const moments = db
      .prepare(`SELECT t FROM (SELECT opened_at AS t FROM src.cases UNION SELECT scheduled_at FROM src.case_steps UNION SELECT fired_at FROM src.case_steps
        UNION SELECT created_at FROM src.case_tasks UNION SELECT created_at FROM src.case_notices UNION SELECT created_at FROM src.case_notifications
        UNION SELECT at_ms FROM src.evidence_entries) WHERE t IS NOT NULL ORDER BY t`)
      .pluck()
      .all() as number[];
    db.pragma('temp_store = MEMORY');
    for (const [table, column] of SOURCE_INDEXES) db.exec(`CREATE INDEX IF NOT EXISTS src.floor_${table}_${column} ON ${table} (${column})`);
    // A staging table per write, made afresh for each moment; the writes are prepared once it exists.
    const writes = WRITES.map((w, i) => ({
      name: w.name,
      table: `stage_${i}`,
      stage: db.prepare(`CREATE TEMP TABLE stage_${i} AS ${w.rows}`),
      write: w.write.replace('temp.stage', `temp.stage_${i}`),
    }));
    const msBy: Record<string, number> = {};
    const add = (name: string, since: number): number => {
      const now = performance.now();
      msBy[name] = (msBy[name] ?? 0) + now - since;
      return now;
    };
    let ms = 0;
    let rows = 0;
    for (const t of moments) {
      db.exec(writes.map((w) => `DROP TABLE IF EXISTS temp.${w.table};`).join(''));
      for (const w of writes) w.stage.run({ t });
      const statements = writes.map((w) => ({ name: w.name, statement: db.prepare(w.write) }));
      const timing = timed.has(t);
      const t0 = performance.now();
      let at = t0;
      db.transaction(() => {
        for (const { name, statement } of statements) {
          const changed = statement.run().changes;
          if (!timing) continue;
          rows += changed;
          at = add(name, at);
        }
      }).immediate();
      if (!timing) continue;
      add('commits', at);
      ms += performance.now() - t0;
    }
    db.pragma('wal_checkpoint(TRUNCATE)');
    for (const name of Object.keys(msBy)) msBy[name] = Math.round(msBy[name]!);
    return { ms: Math.round(ms), rows, msBy, databaseMB: Math.round(statSync(path).size / 1e6) };
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

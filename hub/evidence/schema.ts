import type { Migration } from '../db/migration.js';

/**
 * The evidence log's tables. Every table that holds evidence is append-only, and the database
 * itself says so: triggers abort any UPDATE or DELETE, so no code path (ours, a later module's, a
 * hand-run sqlite3 shell) can rewrite history without dropping the triggers, which leaves the
 * signed checkpoints and the exported bundles disagreeing with the file.
 *
 * - `evidence_entries`: the log's leaves, `idx` from 0 without gaps (an insert must take the next
 *   index). `body` is the entry's canonical JSON exactly as hashed; `leaf_hash` is
 *   SHA-256(0x00 || body). `case_seq` is the entry's 1-based place in its case's chain and
 *   `case_prev_idx` (evidence-2) the index of the case's previous entry, NULL for its first: a
 *   case's entries are read by walking back from its head, one primary-key read each.
 * - `evidence_case_heads` (evidence-2): each case's last entry (its index, place and leaf hash),
 *   where the next entry of the case chains on. Not evidence but an index derived from the
 *   entries, which is why it alone may be updated: one row per case, rewritten by each append
 *   that extends the case. It replaces a unique index on (case_id, case_seq), which entries
 *   arriving in no particular case order made cost more than the rest of an insert.
 * - `evidence_documents`: files entries rely on (notices, delivery receipts), keyed by SHA-256.
 * - `evidence_nodes`: the hashes of complete subtrees, by (level, index) (level 0, the leaves, is
 *   `evidence_entries.leaf_hash`). Appending stores a subtree when it completes, amortised one
 *   hash per leaf at first; since evidence-2, levels 1 to 3 are no longer stored for new leaves
 *   (they are recomputed from at most 8 leaf hashes, one range read), which leaves one node per 8
 *   leaves. Rows stored before stay and are simply not read. A root or a proof reads O(log n).
 * - `evidence_checkpoints`: signed tree heads, one per tree size.
 */
export const EVIDENCE_MIGRATIONS: readonly Migration[] = [
  {
    name: 'evidence-1',
    sql: `
      CREATE TABLE evidence_entries (
        idx         INTEGER PRIMARY KEY CHECK (idx >= 0),
        at_ms       INTEGER NOT NULL,
        kind        TEXT    NOT NULL,
        case_id     INTEGER,
        case_seq    INTEGER CHECK ((case_id IS NULL) = (case_seq IS NULL)),
        employee_id TEXT,
        body        TEXT    NOT NULL,
        leaf_hash   BLOB    NOT NULL CHECK (length(leaf_hash) = 32)
      ) STRICT;
      CREATE UNIQUE INDEX evidence_entries_case ON evidence_entries (case_id, case_seq) WHERE case_id IS NOT NULL;

      CREATE TABLE evidence_documents (
        sha256     TEXT    PRIMARY KEY CHECK (length(sha256) = 64),
        media_type TEXT    NOT NULL,
        name       TEXT    NOT NULL,
        bytes      BLOB    NOT NULL,
        stored_ms  INTEGER NOT NULL
      ) STRICT;

      CREATE TABLE evidence_nodes (
        level INTEGER NOT NULL CHECK (level >= 1),
        idx   INTEGER NOT NULL CHECK (idx >= 0),
        hash  BLOB    NOT NULL CHECK (length(hash) = 32),
        PRIMARY KEY (level, idx)
      ) STRICT, WITHOUT ROWID;

      CREATE TABLE evidence_checkpoints (
        tree_size INTEGER PRIMARY KEY CHECK (tree_size >= 0),
        root_hash BLOB    NOT NULL CHECK (length(root_hash) = 32),
        at_ms     INTEGER NOT NULL,
        signature BLOB    NOT NULL CHECK (length(signature) = 64),
        key_id    TEXT    NOT NULL
      ) STRICT;

      CREATE TRIGGER evidence_entries_next_index BEFORE INSERT ON evidence_entries
        WHEN NEW.idx IS NOT (SELECT coalesce(max(idx) + 1, 0) FROM evidence_entries)
        BEGIN SELECT RAISE(ABORT, 'evidence entries take the next index, without gaps'); END;
      ${appendOnly('evidence_entries')}
      ${appendOnly('evidence_documents')}
      ${appendOnly('evidence_nodes')}
      ${appendOnly('evidence_checkpoints')}
    `,
  },
  {
    name: 'evidence-2',
    // The backfill is the one UPDATE entries ever get, so the no-update trigger is lifted for it
    // alone, inside the migration's transaction. The previous entry is found through the unique
    // index on (case_id, case_seq) before that index is dropped. SQLite takes the other columns of
    // a max() aggregate from the row holding the maximum, which gives each case's head.
    sql: `
      ALTER TABLE evidence_entries ADD COLUMN case_prev_idx INTEGER CHECK (case_prev_idx >= 0 AND case_prev_idx < idx);
      DROP TRIGGER evidence_entries_no_update;
      UPDATE evidence_entries AS e
        SET case_prev_idx = (SELECT p.idx FROM evidence_entries AS p WHERE p.case_id = e.case_id AND p.case_seq = e.case_seq - 1)
        WHERE e.case_id IS NOT NULL AND e.case_seq > 1;
      ${noUpdate('evidence_entries')}

      CREATE TABLE evidence_case_heads (
        case_id   INTEGER PRIMARY KEY,
        case_seq  INTEGER NOT NULL CHECK (case_seq >= 1),
        idx       INTEGER NOT NULL CHECK (idx >= 0),
        leaf_hash BLOB    NOT NULL CHECK (length(leaf_hash) = 32)
      ) STRICT;
      INSERT INTO evidence_case_heads (case_id, case_seq, idx, leaf_hash)
        SELECT case_id, max(case_seq), idx, leaf_hash FROM evidence_entries WHERE case_id IS NOT NULL GROUP BY case_id;

      DROP INDEX evidence_entries_case;
    `,
  },
];

function appendOnly(table: string): string {
  return `
      ${noUpdate(table)}
      CREATE TRIGGER ${table}_no_delete BEFORE DELETE ON ${table}
        BEGIN SELECT RAISE(ABORT, '${table} is append-only: rows are never deleted'); END;`;
}

function noUpdate(table: string): string {
  return `CREATE TRIGGER ${table}_no_update BEFORE UPDATE ON ${table}
        BEGIN SELECT RAISE(ABORT, '${table} is append-only: rows are never changed'); END;`;
}

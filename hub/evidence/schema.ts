import type { Migration } from '../db/migration.js';

/**
 * The evidence log's tables. Every one is append-only, and the database itself says so: triggers
 * abort any UPDATE or DELETE, so no code path (ours, a later module's, a hand-run sqlite3 shell)
 * can rewrite history without dropping the triggers, which leaves the signed checkpoints and the
 * exported bundles disagreeing with the file.
 *
 * - `evidence_entries`: the log's leaves, `idx` from 0 without gaps (an insert must take the next
 *   index). `body` is the entry's canonical JSON exactly as hashed; `leaf_hash` is
 *   SHA-256(0x00 || body). `case_seq` is the entry's 1-based place in its case's chain.
 * - `evidence_documents`: files entries rely on (notices, delivery receipts), keyed by SHA-256.
 * - `evidence_nodes`: the hash of every complete subtree of two or more leaves, by (level, index)
 *   (level 0, the leaves, is `evidence_entries.leaf_hash`). Appending adds at most log2(n) nodes,
 *   one hash each, amortised one; a root or a proof reads O(log n) of them.
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
];

function appendOnly(table: string): string {
  return `
      CREATE TRIGGER ${table}_no_update BEFORE UPDATE ON ${table}
        BEGIN SELECT RAISE(ABORT, '${table} is append-only: rows are never changed'); END;
      CREATE TRIGGER ${table}_no_delete BEFORE DELETE ON ${table}
        BEGIN SELECT RAISE(ABORT, '${table} is append-only: rows are never deleted'); END;`;
}

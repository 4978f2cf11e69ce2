/** The outbox schema. Versioned through `PRAGMA user_version`; each step runs once. */
export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
  ) STRICT;

  -- One row per punch. seq is the gateway's sequence number: contiguous, and never reused (the
  -- next number lives in meta.next_seq, so pruning delivered rows does not bring numbers back).
  CREATE TABLE punches (
    seq           INTEGER PRIMARY KEY,
    id            TEXT    NOT NULL UNIQUE,
    device_serial TEXT    NOT NULL,
    user_id       TEXT    NOT NULL,
    at            TEXT    NOT NULL,
    state         INTEGER NOT NULL,
    verify        INTEGER NOT NULL,
    workcode      INTEGER NOT NULL,
    source        TEXT    NOT NULL,
    received_at   INTEGER NOT NULL,
    delivered_at  INTEGER
  ) STRICT;
  CREATE INDEX punches_undelivered ON punches (seq) WHERE delivered_at IS NULL;
  CREATE INDEX punches_undelivered_serial ON punches (device_serial) WHERE delivered_at IS NULL;

  -- How far each terminal's log has been read: the first record_count records are stored, and
  -- the last of them hashes to last_fingerprint (a different hash means the log was cleared).
  CREATE TABLE terminals (
    serial           TEXT PRIMARY KEY,
    record_count     INTEGER NOT NULL,
    last_fingerprint TEXT,
    updated_at       INTEGER NOT NULL
  ) STRICT;
  `,
];

import type { Migration } from '../db/migration.js';

/**
 * The auth module's tables.
 *
 * - `auth_users`: the hub's local accounts. Never deleted, only disabled (`disabled_at`), so a
 *   user name once given keeps meaning the same person in logs and case histories. User names are
 *   stored lower-case; `password_hash` is `scrypt$N$r$p$salt$hash` (hub/broker/password-hash.ts).
 * - `auth_sessions`: signed-in browsers. The key is the SHA-256 of the session token, never the
 *   token itself, so a copy of the database does not sign anyone in. `last_seen_at` moves forward
 *   at most once a minute per session (sessions.ts).
 *
 * The role check is an OR chain rather than an IN list so that it reads the same as the Role type
 * and a new role is one more clause.
 */
export const AUTH_MIGRATIONS: readonly Migration[] = [
  {
    name: 'auth-1',
    sql: `
      CREATE TABLE auth_users (
        user_id       INTEGER PRIMARY KEY,
        username      TEXT NOT NULL UNIQUE,
        display_name  TEXT NOT NULL,
        role          TEXT NOT NULL CHECK (role = 'hr' OR role = 'facilities' OR role = 'admin'),
        password_hash TEXT NOT NULL,
        disabled_at   INTEGER,
        created_at    INTEGER NOT NULL,
        updated_at    INTEGER NOT NULL
      ) STRICT;

      CREATE TABLE auth_sessions (
        token_hash   BLOB PRIMARY KEY CHECK (length(token_hash) = 32),
        user_id      INTEGER NOT NULL REFERENCES auth_users (user_id),
        csrf_token   TEXT NOT NULL,
        created_at   INTEGER NOT NULL,
        expires_at   INTEGER NOT NULL,
        last_seen_at INTEGER NOT NULL
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX auth_sessions_user ON auth_sessions (user_id);
    `,
  },
];

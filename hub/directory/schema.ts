import type { Migration } from '../db/migration.js';

/**
 * The directory module's tables.
 *
 * - `directory_employees`: one row per employee (core fields and contacts; contacts are 1:1, so
 *   they live on the same row). `manager_id` is checked at commit, so an import may name a manager
 *   whose row comes later in the same file. Employees are never deleted: employment ends with
 *   `end_date` (the last day employed), and history and leave keep referring to them.
 * - `directory_terminal_users`: the user id an employee has on the terminals of a site. Not unique
 *   on (site, user_id): terminals recycle the ids of people who left, and both holders stay
 *   recorded; imports refuse two holders whose employment periods overlap.
 * - `directory_history`: every change of a field, with old and new value, when, and the source.
 * - `directory_revision`: one counter that triggers bump on every insert, update or delete of an
 *   employee or a terminal user id, whatever wrote it, so a reader that keeps the directory in
 *   memory (detection) notices any change, in this process or another, by reading one row.
 */
export const DIRECTORY_MIGRATIONS: readonly Migration[] = [
  {
    name: 'directory-1',
    sql: `
      CREATE TABLE directory_employees (
        id                 TEXT PRIMARY KEY,
        name               TEXT NOT NULL,
        department         TEXT,
        manager_id         TEXT REFERENCES directory_employees (id) DEFERRABLE INITIALLY DEFERRED,
        site               TEXT NOT NULL,
        hire_date          TEXT NOT NULL,
        end_date           TEXT,
        phone              TEXT,
        email              TEXT,
        chat_id            TEXT,
        postal_address     TEXT,
        emergency_name     TEXT,
        emergency_phone    TEXT,
        emergency_relation TEXT,
        created_at         INTEGER NOT NULL,
        updated_at         INTEGER NOT NULL,
        CHECK (end_date IS NULL OR end_date >= hire_date),
        CHECK (manager_id IS NULL OR manager_id <> id)
      ) STRICT;
      CREATE INDEX directory_employees_site ON directory_employees (site, id);
      CREATE INDEX directory_employees_manager ON directory_employees (manager_id);

      CREATE TABLE directory_terminal_users (
        employee_id TEXT NOT NULL REFERENCES directory_employees (id),
        site        TEXT NOT NULL,
        user_id     TEXT NOT NULL,
        PRIMARY KEY (employee_id, site)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX directory_terminal_users_lookup ON directory_terminal_users (site, user_id);

      CREATE TABLE directory_history (
        id          INTEGER PRIMARY KEY,
        employee_id TEXT NOT NULL REFERENCES directory_employees (id),
        field       TEXT NOT NULL,
        old_value   TEXT,
        new_value   TEXT,
        changed_at  INTEGER NOT NULL,
        source_kind TEXT NOT NULL CHECK (source_kind IN ('import', 'api')),
        source      TEXT NOT NULL
      ) STRICT;
      CREATE INDEX directory_history_employee ON directory_history (employee_id, id);
    `,
  },
  {
    name: 'directory-2',
    sql: `
      CREATE TABLE directory_revision (
        id       INTEGER PRIMARY KEY CHECK (id = 1),
        revision INTEGER NOT NULL
      ) STRICT;
      INSERT INTO directory_revision (id, revision) VALUES (1, 0);
      CREATE TRIGGER directory_employees_insert AFTER INSERT ON directory_employees BEGIN UPDATE directory_revision SET revision = revision + 1; END;
      CREATE TRIGGER directory_employees_update AFTER UPDATE ON directory_employees BEGIN UPDATE directory_revision SET revision = revision + 1; END;
      CREATE TRIGGER directory_employees_delete AFTER DELETE ON directory_employees BEGIN UPDATE directory_revision SET revision = revision + 1; END;
      CREATE TRIGGER directory_terminal_users_insert AFTER INSERT ON directory_terminal_users BEGIN UPDATE directory_revision SET revision = revision + 1; END;
      CREATE TRIGGER directory_terminal_users_update AFTER UPDATE ON directory_terminal_users BEGIN UPDATE directory_revision SET revision = revision + 1; END;
      CREATE TRIGGER directory_terminal_users_delete AFTER DELETE ON directory_terminal_users BEGIN UPDATE directory_revision SET revision = revision + 1; END;
    `,
  },
];

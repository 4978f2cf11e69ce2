import type { Migration } from '../db/migration.js';

/**
 * The detection module's tables.
 *
 * - `detection_instances`: one final classification per (employee, date, shift); pending instances
 *   are not stored, so "not final yet" is "no row". `version` starts at 1 and grows when a
 *   reclassification changes the status. Clustered by date first (WITHOUT ROWID): a day's 100,000
 *   rows are appended at the end of the tree instead of dirtying a page per employee (measured:
 *   300 ms against 870 ms and 10 MB of WAL against 127 MB). An employee's history is read by point
 *   lookups on (date, employee), walking day by day (store.ts), so there is no employee-first index
 *   to pay for on every insert. The partial index holds only absent days (covering the absence
 *   queries), for counts and reports. detection-2 rebuilt the table with cheaper checks and
 *   without the (site, date) index.
 * - `detection_events`: no-show, consecutive and monthly events. The unique key (kind, employee,
 *   date, shift) makes raising idempotent across restarts and across hub processes sharing the
 *   file; events are never deleted, only resolved or withdrawn.
 * - `detection_cursors`: per site, the last local date whose instances are all final.
 */
export const DETECTION_MIGRATIONS: readonly Migration[] = [
  {
    name: 'detection-1',
    sql: `
      CREATE TABLE detection_instances (
        employee_id    TEXT    NOT NULL,
        date           TEXT    NOT NULL,
        shift_id       TEXT    NOT NULL,
        site_id        TEXT    NOT NULL,
        day_kind       TEXT    NOT NULL CHECK (day_kind IN ('work', 'rest', 'holiday')),
        status         TEXT    NOT NULL CHECK (status IN ('present', 'late', 'early_leave', 'absent', 'on_leave', 'rest', 'missing_punch')),
        start_ms       INTEGER,
        end_ms         INTEGER,
        first_punch_ms INTEGER,
        last_punch_ms  INTEGER,
        punch_count    INTEGER NOT NULL,
        late_minutes   INTEGER NOT NULL,
        early_minutes  INTEGER NOT NULL,
        leave_minutes  INTEGER NOT NULL,
        classified_at  INTEGER NOT NULL,
        version        INTEGER NOT NULL DEFAULT 1,
        PRIMARY KEY (date, employee_id, shift_id)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX detection_instances_site_date ON detection_instances (site_id, date);
      CREATE INDEX detection_instances_absent ON detection_instances (date, employee_id, site_id) WHERE status = 'absent';

      CREATE TABLE detection_events (
        event_id   INTEGER PRIMARY KEY,
        kind       TEXT    NOT NULL CHECK (kind IN ('no_show', 'consecutive', 'monthly')),
        employee_id TEXT   NOT NULL,
        site_id    TEXT    NOT NULL,
        date       TEXT    NOT NULL,
        shift_id   TEXT    NOT NULL,
        due_ms     INTEGER,
        dates      TEXT    NOT NULL,
        state      TEXT    NOT NULL CHECK (state IN ('open', 'resolved', 'withdrawn')),
        reason     TEXT,
        raised_at  INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        UNIQUE (kind, employee_id, date, shift_id)
      ) STRICT;
      CREATE INDEX detection_events_site_date ON detection_events (site_id, date, kind);
      CREATE INDEX detection_events_employee ON detection_events (employee_id, kind, date);

      CREATE TABLE detection_cursors (
        site_id       TEXT    PRIMARY KEY,
        final_through TEXT    NOT NULL,
        updated_at    INTEGER NOT NULL
      ) STRICT;
    `,
  },
  {
    // detection_instances again, for the cost of storing a day of 100,000 instances: the status and
    // day-kind checks as OR chains (the IN lists cost 300 ms of the 800 ms, measured; an OR chain
    // costs nothing measurable), and no (site, date) index (a site's instances of a date range are
    // read by the date-first key, skipping the few other sites' rows of those dates).
    name: 'detection-2',
    sql: `
      CREATE TABLE detection_instances_2 (
        employee_id    TEXT    NOT NULL,
        date           TEXT    NOT NULL,
        shift_id       TEXT    NOT NULL,
        site_id        TEXT    NOT NULL,
        day_kind       TEXT    NOT NULL CHECK (day_kind = 'work' OR day_kind = 'rest' OR day_kind = 'holiday'),
        status         TEXT    NOT NULL CHECK (status = 'present' OR status = 'late' OR status = 'early_leave' OR status = 'absent'
                                               OR status = 'on_leave' OR status = 'rest' OR status = 'missing_punch'),
        start_ms       INTEGER,
        end_ms         INTEGER,
        first_punch_ms INTEGER,
        last_punch_ms  INTEGER,
        punch_count    INTEGER NOT NULL,
        late_minutes   INTEGER NOT NULL,
        early_minutes  INTEGER NOT NULL,
        leave_minutes  INTEGER NOT NULL,
        classified_at  INTEGER NOT NULL,
        version        INTEGER NOT NULL DEFAULT 1,
        PRIMARY KEY (date, employee_id, shift_id)
      ) STRICT, WITHOUT ROWID;
      INSERT INTO detection_instances_2 SELECT * FROM detection_instances;
      DROP TABLE detection_instances;
      ALTER TABLE detection_instances_2 RENAME TO detection_instances;
      CREATE INDEX detection_instances_absent ON detection_instances (date, employee_id, site_id) WHERE status = 'absent';
    `,
  },
];

import type { Migration } from '../db/migration.js';

/**
 * The leave module's tables: `leave_records`, approved leave, kept when cancelled, and
 * `leave_changes`, the log of changes detection has still to re-judge (leave-2).
 *
 * - Full days: `from_date`..`to_date` inclusive, minutes null. A partial day: `from_date` =
 *   `to_date`, `from_minutes`..`to_minutes` local; `to_minutes` < `from_minutes` ends on the next
 *   day (a night shift), and 1440 is midnight at the end of the day.
 * - `last_date`: the last local date the leave touches (the next day for a partial leave crossing
 *   midnight), so a date-range query needs no arithmetic.
 * - The identity of an approval (employee, kind, period, approval time) is unique, so the same
 *   approval imported twice is one record; overlapping approvals are separate records.
 */
export const LEAVE_MIGRATIONS: readonly Migration[] = [
  {
    name: 'leave-1',
    sql: `
      CREATE TABLE leave_records (
        id           INTEGER PRIMARY KEY,
        employee_id  TEXT NOT NULL REFERENCES directory_employees (id),
        kind         TEXT NOT NULL CHECK (kind IN ('annual', 'sick', 'personal', 'marriage', 'maternity', 'bereavement', 'other')),
        kind_note    TEXT,
        from_date    TEXT NOT NULL,
        to_date      TEXT NOT NULL,
        from_minutes INTEGER,
        to_minutes   INTEGER,
        last_date    TEXT NOT NULL,
        reason       TEXT,
        approved_by  TEXT NOT NULL,
        approved_at  INTEGER NOT NULL,
        source_kind  TEXT NOT NULL CHECK (source_kind IN ('import', 'api')),
        source       TEXT NOT NULL,
        recorded_at  INTEGER NOT NULL,
        status       TEXT NOT NULL DEFAULT 'approved' CHECK (status IN ('approved', 'cancelled')),
        cancelled_by TEXT,
        cancelled_at INTEGER,
        CHECK (to_date >= from_date AND last_date >= to_date),
        CHECK ((from_minutes IS NULL) = (to_minutes IS NULL)),
        CHECK (from_minutes IS NULL OR (to_date = from_date AND from_minutes BETWEEN 0 AND 1439
               AND to_minutes BETWEEN 1 AND 1440 AND to_minutes <> from_minutes)),
        CHECK ((status = 'cancelled') = (cancelled_at IS NOT NULL))
      ) STRICT;
      CREATE UNIQUE INDEX leave_records_identity ON leave_records (
        employee_id, kind, ifnull(kind_note, ''), from_date, to_date, ifnull(from_minutes, -1), ifnull(to_minutes, -1), approved_at
      );
      CREATE INDEX leave_records_employee ON leave_records (employee_id, from_date);
      -- Covers the interval query: a date window is a range of last_date, filtered on the rest without reading rows.
      CREATE INDEX leave_records_period ON leave_records (last_date, from_date, status, employee_id, kind, to_date, from_minutes, to_minutes);
    `,
  },
  {
    // Every stored change (new leave, cancelled leave) with the dates it touches, written in the
    // transaction that makes it; detection marks it judged once it has re-judged those dates. A
    // change whose re-judging failed, or that another process made (an import from the command
    // line), is picked up by the next detection run.
    name: 'leave-2',
    sql: `
      CREATE TABLE leave_changes (
        id          INTEGER PRIMARY KEY,
        leave_id    INTEGER NOT NULL REFERENCES leave_records (id),
        employee_id TEXT    NOT NULL,
        from_date   TEXT    NOT NULL,
        to_date     TEXT    NOT NULL,
        recorded_at INTEGER NOT NULL,
        judged_at   INTEGER
      ) STRICT;
      CREATE INDEX leave_changes_pending ON leave_changes (id) WHERE judged_at IS NULL;
    `,
  },
];

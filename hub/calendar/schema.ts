import type { Migration } from '../db/migration.js';

/**
 * The calendar module's tables.
 *
 * - `calendar_shifts`: shift definitions; times as minutes after local midnight (`end_minute <=
 *   start_minute` means the shift ends the next day).
 * - `calendar_patterns` and `calendar_pattern_days`: weekly patterns keep positions 0..6 as
 *   weekdays (0 = Sunday, as `weekday()` counts), rotations keep their cycle positions from 0;
 *   a NULL shift is a day off.
 * - `calendar_assignments`: which pattern an employee follows from..to (to NULL: open-ended).
 *   Employee ids are not a foreign key to the directory: schedules may be imported before the
 *   people they name, and the planner treats an assignment without an employee as unused.
 * - `calendar_overrides` and `calendar_override_years`: the local overrides file's content,
 *   replaced as a whole on each import; `site` NULL means every site.
 * - `calendar_version`: one counter bumped by every change, so planners notice re-imports made by
 *   any process sharing the database.
 */
export const CALENDAR_MIGRATIONS: readonly Migration[] = [
  {
    name: 'calendar-1',
    sql: `
      CREATE TABLE calendar_shifts (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        start_minute INTEGER NOT NULL CHECK (start_minute BETWEEN 0 AND 1439),
        end_minute INTEGER NOT NULL CHECK (end_minute BETWEEN 0 AND 1440),
        grace_late_minutes INTEGER NOT NULL CHECK (grace_late_minutes >= 0),
        grace_early_minutes INTEGER NOT NULL CHECK (grace_early_minutes >= 0),
        window_before_minutes INTEGER NOT NULL CHECK (window_before_minutes >= 0),
        window_after_minutes INTEGER NOT NULL CHECK (window_after_minutes >= 0)
      ) STRICT;

      CREATE TABLE calendar_patterns (
        id TEXT PRIMARY KEY,
        name TEXT,
        type TEXT NOT NULL CHECK (type IN ('weekly', 'rotation')),
        statutory INTEGER NOT NULL CHECK (statutory IN (0, 1)),
        anchor TEXT,
        make_up_shift TEXT REFERENCES calendar_shifts (id),
        CHECK ((type = 'rotation') = (anchor IS NOT NULL))
      ) STRICT;

      CREATE TABLE calendar_pattern_days (
        pattern_id TEXT NOT NULL REFERENCES calendar_patterns (id) ON DELETE CASCADE,
        position INTEGER NOT NULL CHECK (position >= 0),
        shift_id TEXT REFERENCES calendar_shifts (id),
        PRIMARY KEY (pattern_id, position)
      ) STRICT;

      CREATE TABLE calendar_assignments (
        employee_id TEXT NOT NULL,
        from_date TEXT NOT NULL,
        to_date TEXT CHECK (to_date IS NULL OR to_date >= from_date),
        pattern_id TEXT NOT NULL REFERENCES calendar_patterns (id),
        PRIMARY KEY (employee_id, from_date)
      ) STRICT;
      CREATE INDEX calendar_assignments_pattern ON calendar_assignments (pattern_id);

      CREATE TABLE calendar_overrides (
        date TEXT NOT NULL,
        site TEXT,
        kind TEXT NOT NULL CHECK (kind IN ('holiday', 'workday', 'rest')),
        name TEXT NOT NULL
      ) STRICT;
      CREATE UNIQUE INDEX calendar_overrides_day ON calendar_overrides (date, ifnull(site, ''));

      CREATE TABLE calendar_override_years (
        year INTEGER PRIMARY KEY
      ) STRICT;

      CREATE TABLE calendar_version (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        version INTEGER NOT NULL
      ) STRICT;
      INSERT INTO calendar_version (id, version) VALUES (1, 0);
    `,
  },
];

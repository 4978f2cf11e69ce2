import type { Migration } from '../db/migration.js';

/**
 * The cases module's tables.
 *
 * - `case_policies`: every policy version the hub ran with, its canonical JSON and SHA-256; a
 *   case refers to the version it opened under and keeps it to the end.
 * - `cases`: one absence episode of one employee, keyed by the first missed shift; at most one
 *   episode not resolved per employee. `absent_days` counts the episode's days judged absent (a
 *   punch ends an episode, so they are the run the reminders speak of).
 * - `case_steps`: the durable timers. One row per (case, step key) — a daily step has one key per
 *   day — so a step fires at most once, whatever restarts or second hub processes do: firing is
 *   an UPDATE from `scheduled` to `fired` in the transaction that records what the step did.
 * - `case_timeline` (until cases-2): what happened to a case, in order, for HR. It repeated the
 *   case's entries in the evidence log line for line; since cases-2 the timeline is read from
 *   the evidence log and the steps (timeline.ts), and `case_steps.scheduled_at` says when each
 *   step was scheduled. Since cases-2 `case_steps` is a rowid table in the order steps were
 *   scheduled, with (case_id, step_key) unique beside it.
 * - `case_tasks`, `case_notifications` (what a step said: template, subject and text, once; since
 *   channels-3) with `case_messages` (the outbox: one narrow delivery row per recipient and
 *   channel, pointing at its notification) and `case_notices` (legal documents: drafted from the facts, rendered to HTML when
 *   an HR user approves them, printed to PDF after; both kept in the evidence log by SHA-256),
 *   and `case_mailings`, the registered letter each went out as (carrier, tracking number, the
 *   address on the envelope, the date it was posted).
 * - `case_feed`: detection's changes that matter to cases (no-shows and thresholds raised,
 *   resolved or withdrawn; days classified absent or no longer absent), written by triggers in
 *   the transaction that changes them, read in order by the case engine with `case_cursor`:
 *   nothing detection does is missed by a crash between the two.
 */
export const CASES_MIGRATIONS: readonly Migration[] = [
  {
    name: 'cases-1',
    sql: `
      CREATE TABLE case_policies (
        policy_id  INTEGER PRIMARY KEY,
        name       TEXT    NOT NULL,
        version    INTEGER NOT NULL,
        body       TEXT    NOT NULL,
        sha256     TEXT    NOT NULL,
        loaded_at  INTEGER NOT NULL,
        UNIQUE (name, version)
      ) STRICT;

      CREATE TABLE cases (
        case_id        INTEGER PRIMARY KEY,
        employee_id    TEXT    NOT NULL,
        site_id        TEXT    NOT NULL,
        first_date     TEXT    NOT NULL,
        first_shift_id TEXT    NOT NULL,
        shift_start_ms INTEGER NOT NULL,
        policy_id      INTEGER NOT NULL REFERENCES case_policies (policy_id),
        state          TEXT    NOT NULL CHECK (state = 'open' OR state = 'acknowledged' OR state = 'resolved'),
        paused_until   INTEGER,
        absent_days    INTEGER NOT NULL DEFAULT 0,
        resolution     TEXT    CHECK (resolution IS NULL OR resolution = 'returned' OR resolution = 'leave' OR resolution = 'employment_ended' OR resolution = 'closed_by_hr'),
        resolution_note TEXT,
        opened_at      INTEGER NOT NULL,
        resolved_at    INTEGER,
        updated_at     INTEGER NOT NULL,
        UNIQUE (employee_id, first_date, first_shift_id),
        CHECK ((state = 'resolved') = (resolution IS NOT NULL))
      ) STRICT;
      CREATE UNIQUE INDEX cases_one_active ON cases (employee_id) WHERE state <> 'resolved';
      CREATE INDEX cases_state ON cases (state, case_id);

      CREATE TABLE case_steps (
        case_id   INTEGER NOT NULL REFERENCES cases (case_id),
        step_key  TEXT    NOT NULL,
        step_id   TEXT    NOT NULL,
        due_ms    INTEGER NOT NULL,
        state     TEXT    NOT NULL CHECK (state = 'scheduled' OR state = 'fired' OR state = 'skipped' OR state = 'cancelled'),
        outcome   TEXT,
        fired_at  INTEGER,
        PRIMARY KEY (case_id, step_key)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX case_steps_due ON case_steps (due_ms, case_id) WHERE state = 'scheduled';

      CREATE TABLE case_timeline (
        entry_id  INTEGER PRIMARY KEY,
        case_id   INTEGER NOT NULL REFERENCES cases (case_id),
        at_ms     INTEGER NOT NULL,
        kind      TEXT    NOT NULL,
        step_key  TEXT,
        detail    TEXT    NOT NULL
      ) STRICT;
      CREATE INDEX case_timeline_case ON case_timeline (case_id, entry_id);

      CREATE TABLE case_tasks (
        task_id    INTEGER PRIMARY KEY,
        case_id    INTEGER NOT NULL REFERENCES cases (case_id),
        step_key   TEXT    NOT NULL,
        title      TEXT    NOT NULL,
        due_ms     INTEGER,
        state      TEXT    NOT NULL CHECK (state = 'open' OR state = 'done' OR state = 'cancelled'),
        created_at INTEGER NOT NULL,
        closed_at  INTEGER,
        closed_by  TEXT,
        note       TEXT,
        UNIQUE (case_id, step_key, title)
      ) STRICT;

      CREATE TABLE case_messages (
        message_id   INTEGER PRIMARY KEY,
        case_id      INTEGER NOT NULL REFERENCES cases (case_id),
        step_key     TEXT    NOT NULL,
        role         TEXT    NOT NULL,
        recipient_id TEXT,
        channel      TEXT    NOT NULL,
        template     TEXT    NOT NULL,
        subject      TEXT,
        text         TEXT    NOT NULL,
        state        TEXT    NOT NULL CHECK (state = 'queued' OR state = 'sent' OR state = 'failed' OR state = 'delivered' OR state = 'read' OR state = 'undeliverable'),
        attempts     INTEGER NOT NULL DEFAULT 0,
        next_try_ms  INTEGER,
        last_error   TEXT,
        created_at   INTEGER NOT NULL,
        updated_at   INTEGER NOT NULL,
        UNIQUE (case_id, step_key, role, channel)
      ) STRICT;
      CREATE INDEX case_messages_due ON case_messages (next_try_ms) WHERE state = 'queued';

      CREATE TABLE case_notices (
        notice_id     INTEGER PRIMARY KEY,
        case_id       INTEGER NOT NULL REFERENCES cases (case_id),
        step_key      TEXT    NOT NULL,
        kind          TEXT    NOT NULL CHECK (kind = 'return_to_work' OR kind = 'termination'),
        state         TEXT    NOT NULL CHECK (state = 'draft' OR state = 'approved' OR state = 'rejected' OR state = 'sent' OR state = 'delivered' OR state = 'refused' OR state = 'returned'),
        deliver       TEXT    NOT NULL,
        deadline_days INTEGER,
        facts         TEXT    NOT NULL,
        created_at    INTEGER NOT NULL,
        approved_by   TEXT,
        approved_at   INTEGER,
        delivered_date TEXT,
        html          TEXT,
        html_sha256   TEXT,
        pdf_sha256    TEXT,
        updated_at    INTEGER NOT NULL,
        UNIQUE (case_id, kind),
        CHECK ((state = 'draft' OR state = 'rejected') = (html IS NULL))
      ) STRICT;

      CREATE TABLE case_mailings (
        notice_id       INTEGER PRIMARY KEY REFERENCES case_notices (notice_id),
        carrier         TEXT    NOT NULL,
        tracking_number TEXT    NOT NULL,
        address         TEXT    NOT NULL,
        sent_date       TEXT    NOT NULL,
        recorded_by     TEXT    NOT NULL,
        recorded_at     INTEGER NOT NULL
      ) STRICT;

      CREATE TABLE case_feed (
        seq         INTEGER PRIMARY KEY AUTOINCREMENT,
        source      TEXT    NOT NULL CHECK (source = 'event' OR source = 'instance'),
        employee_id TEXT    NOT NULL,
        kind        TEXT    NOT NULL,
        date        TEXT    NOT NULL,
        shift_id    TEXT    NOT NULL,
        state       TEXT    NOT NULL,
        event_id    INTEGER,
        reason      TEXT
      ) STRICT;
      CREATE TABLE case_cursor (
        id       INTEGER PRIMARY KEY CHECK (id = 1),
        feed_seq INTEGER NOT NULL
      ) STRICT;
      INSERT INTO case_cursor (id, feed_seq) VALUES (1, 0);

      CREATE TRIGGER case_feed_event_raised AFTER INSERT ON detection_events BEGIN
        INSERT INTO case_feed (source, employee_id, kind, date, shift_id, state, event_id, reason)
        VALUES ('event', NEW.employee_id, NEW.kind, NEW.date, NEW.shift_id, NEW.state, NEW.event_id, NEW.reason);
      END;
      CREATE TRIGGER case_feed_event_changed AFTER UPDATE OF state ON detection_events WHEN NEW.state IS NOT OLD.state BEGIN
        INSERT INTO case_feed (source, employee_id, kind, date, shift_id, state, event_id, reason)
        VALUES ('event', NEW.employee_id, NEW.kind, NEW.date, NEW.shift_id, NEW.state, NEW.event_id, NEW.reason);
      END;
      CREATE TRIGGER case_feed_absent_stored AFTER INSERT ON detection_instances WHEN NEW.status = 'absent' BEGIN
        INSERT INTO case_feed (source, employee_id, kind, date, shift_id, state)
        VALUES ('instance', NEW.employee_id, 'absent', NEW.date, NEW.shift_id, NEW.status);
      END;
      CREATE TRIGGER case_feed_absent_changed AFTER UPDATE OF status ON detection_instances
        WHEN (NEW.status = 'absent') <> (OLD.status = 'absent') BEGIN
        INSERT INTO case_feed (source, employee_id, kind, date, shift_id, state)
        VALUES ('instance', NEW.employee_id, 'absent', NEW.date, NEW.shift_id, NEW.status);
      END;
      CREATE TRIGGER case_feed_absent_removed AFTER DELETE ON detection_instances WHEN OLD.status = 'absent' BEGIN
        INSERT INTO case_feed (source, employee_id, kind, date, shift_id, state)
        VALUES ('instance', OLD.employee_id, 'absent', OLD.date, OLD.shift_id, 'removed');
      END;
    `,
  },
  {
    // case_steps becomes a rowid table: rows in the order they were scheduled, so a run's new steps
    // and the ones it settles sit on a few adjacent pages; keyed by (case_id, step_key), a run
    // touching ten thousand cases rewrote nearly every page of the table at each commit.
    name: 'cases-2',
    sql: `
      DROP TABLE case_timeline;
      CREATE TABLE case_steps_2 (
        step_row     INTEGER PRIMARY KEY,
        case_id      INTEGER NOT NULL REFERENCES cases (case_id),
        step_key     TEXT    NOT NULL,
        step_id      TEXT    NOT NULL,
        due_ms       INTEGER NOT NULL,
        state        TEXT    NOT NULL CHECK (state = 'scheduled' OR state = 'fired' OR state = 'skipped' OR state = 'cancelled'),
        outcome      TEXT,
        fired_at     INTEGER,
        scheduled_at INTEGER,
        UNIQUE (case_id, step_key)
      ) STRICT;
      INSERT INTO case_steps_2 (case_id, step_key, step_id, due_ms, state, outcome, fired_at)
        SELECT case_id, step_key, step_id, due_ms, state, outcome, fired_at FROM case_steps ORDER BY due_ms, case_id, step_key;
      DROP TABLE case_steps;
      ALTER TABLE case_steps_2 RENAME TO case_steps;
      CREATE INDEX case_steps_due ON case_steps (due_ms, case_id) WHERE state = 'scheduled';
    `,
  },
  {
    // A day the employee came to work (classified present, late, early leave or with a single
    // punch) while their case is open: the case engine resolves it as returned. Without it an
    // employee back on time the next morning raised no no-show to resolve, and the ladder went on.
    // Only employees with an open case are fed (one look-up in cases_one_active per instance).
    name: 'cases-3',
    sql: `
      CREATE TRIGGER case_feed_attended_stored AFTER INSERT ON detection_instances
        WHEN (NEW.status = 'present' OR NEW.status = 'late' OR NEW.status = 'early_leave' OR NEW.status = 'missing_punch')
          AND EXISTS (SELECT 1 FROM cases WHERE employee_id = NEW.employee_id AND state <> 'resolved') BEGIN
        INSERT INTO case_feed (source, employee_id, kind, date, shift_id, state)
        VALUES ('instance', NEW.employee_id, 'attended', NEW.date, NEW.shift_id, NEW.status);
      END;
      CREATE TRIGGER case_feed_attended_changed AFTER UPDATE OF status ON detection_instances
        WHEN (NEW.status = 'present' OR NEW.status = 'late' OR NEW.status = 'early_leave' OR NEW.status = 'missing_punch')
          AND NOT (OLD.status = 'present' OR OLD.status = 'late' OR OLD.status = 'early_leave' OR OLD.status = 'missing_punch')
          AND EXISTS (SELECT 1 FROM cases WHERE employee_id = NEW.employee_id AND state <> 'resolved') BEGIN
        INSERT INTO case_feed (source, employee_id, kind, date, shift_id, state)
        VALUES ('instance', NEW.employee_id, 'attended', NEW.date, NEW.shift_id, NEW.status);
      END;
    `,
  },
];

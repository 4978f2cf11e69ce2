import type { Migration } from '../../db/migration.js';

/**
 * The outbox's own tables, beside `case_messages` (whose state the outbox moves):
 *
 * - `case_message_attempts`: every attempt to send a message, numbered from 1: when, on which
 *   channel, the request and response as sent and received (secrets redacted, bodies cut to a
 *   few KB) and how it ended. An attempt is written `pending` in the transaction that claims the
 *   message, before anything goes out, and finished in the one that records the outcome; one
 *   still `pending` when the message is claimed again is marked `abandoned` (the hub stopped in
 *   between, and the message is sent again with the same idempotency key).
 * - `case_message_receipts`: when a message was sent, delivered and read, and by whose word
 *   (a channel's callback, an HR user), and when its unread copy went to the manager. Each is
 *   set once: a receipt repeated or arriving late changes nothing.
 *
 * channels-2 rebuilds `case_messages` (and, to keep their references, these two tables) without
 * its UNIQUE (case_id, step_key, role, channel). That index took every message in case order, so
 * a run queueing reminders for ten thousand cases rewrote most of its pages at each commit; a
 * step fires once (its timer row says so), and an unread message is escalated once (its receipt
 * says so), so nothing relied on it for uniqueness. A plain index on case_id, a quarter of the
 * size, lists a case's messages.
 *
 * channels-3 splits the outbox in two. `case_notifications` holds what a step said, once: the
 * case, the step, the template, the subject and the text. `case_messages` keeps one narrow row per
 * recipient and channel (who, how, and the sending state the outbox moves), pointing at its
 * notification. A daily reminder to an employee and their manager on two channels was four copies
 * of its text; a month of reminders for ten thousand cases wrote a million of them. Message ids do
 * not change, so attempts and receipts keep theirs (the two tables are rebuilt once more to refer
 * to the new table). Messages with the same case, step, template, subject and text become one
 * notification.
 */
export const CHANNEL_MIGRATIONS: readonly Migration[] = [
  {
    name: 'channels-1',
    sql: `
      CREATE TABLE case_message_attempts (
        message_id  INTEGER NOT NULL REFERENCES case_messages (message_id),
        attempt     INTEGER NOT NULL,
        channel     TEXT    NOT NULL,
        started_at  INTEGER NOT NULL,
        finished_at INTEGER,
        outcome     TEXT    NOT NULL CHECK (outcome IN ('pending', 'ok', 'retryable', 'permanent', 'abandoned')),
        request     TEXT,
        response    TEXT,
        error       TEXT,
        duration_ms INTEGER,
        PRIMARY KEY (message_id, attempt)
      ) STRICT;

      CREATE TABLE case_message_receipts (
        message_id          INTEGER PRIMARY KEY REFERENCES case_messages (message_id),
        sent_at             INTEGER,
        delivered_at        INTEGER,
        delivered_source    TEXT,
        read_at             INTEGER,
        read_source         TEXT,
        unread_escalated_at INTEGER
      ) STRICT;
      CREATE INDEX case_message_receipts_unread ON case_message_receipts (sent_at) WHERE read_at IS NULL AND unread_escalated_at IS NULL;
    `,
  },
  {
    name: 'channels-2',
    sql: `
      CREATE TABLE case_messages_2 (
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
        updated_at   INTEGER NOT NULL
      ) STRICT;
      INSERT INTO case_messages_2 SELECT message_id, case_id, step_key, role, recipient_id, channel, template, subject, text, state, attempts, next_try_ms, last_error, created_at, updated_at
        FROM case_messages;

      CREATE TABLE case_message_attempts_2 (
        message_id  INTEGER NOT NULL REFERENCES case_messages_2 (message_id),
        attempt     INTEGER NOT NULL,
        channel     TEXT    NOT NULL,
        started_at  INTEGER NOT NULL,
        finished_at INTEGER,
        outcome     TEXT    NOT NULL CHECK (outcome IN ('pending', 'ok', 'retryable', 'permanent', 'abandoned')),
        request     TEXT,
        response    TEXT,
        error       TEXT,
        duration_ms INTEGER,
        PRIMARY KEY (message_id, attempt)
      ) STRICT;
      INSERT INTO case_message_attempts_2 SELECT * FROM case_message_attempts;

      CREATE TABLE case_message_receipts_2 (
        message_id          INTEGER PRIMARY KEY REFERENCES case_messages_2 (message_id),
        sent_at             INTEGER,
        delivered_at        INTEGER,
        delivered_source    TEXT,
        read_at             INTEGER,
        read_source         TEXT,
        unread_escalated_at INTEGER
      ) STRICT;
      INSERT INTO case_message_receipts_2 SELECT * FROM case_message_receipts;

      DROP TABLE case_message_attempts;
      DROP TABLE case_message_receipts;
      DROP TABLE case_messages;
      -- Renaming a table rewrites the references to it: the children end up referring to case_messages.
      ALTER TABLE case_messages_2 RENAME TO case_messages;
      ALTER TABLE case_message_attempts_2 RENAME TO case_message_attempts;
      ALTER TABLE case_message_receipts_2 RENAME TO case_message_receipts;
      CREATE INDEX case_messages_case ON case_messages (case_id);
      CREATE INDEX case_messages_due ON case_messages (next_try_ms) WHERE state = 'queued';
      CREATE INDEX case_message_receipts_unread ON case_message_receipts (sent_at) WHERE read_at IS NULL AND unread_escalated_at IS NULL;
    `,
  },
  {
    name: 'channels-3',
    sql: `
      CREATE TABLE case_notifications (
        notification_id INTEGER PRIMARY KEY,
        case_id         INTEGER NOT NULL REFERENCES cases (case_id),
        step_key        TEXT    NOT NULL,
        template        TEXT    NOT NULL,
        subject         TEXT,
        text            TEXT    NOT NULL,
        created_at      INTEGER NOT NULL
      ) STRICT;
      INSERT INTO case_notifications (case_id, step_key, template, subject, text, created_at)
        SELECT case_id, step_key, template, subject, text, min(created_at) FROM case_messages
        GROUP BY case_id, step_key, template, subject, text ORDER BY min(message_id);

      CREATE TABLE case_messages_3 (
        message_id      INTEGER PRIMARY KEY,
        notification_id INTEGER NOT NULL REFERENCES case_notifications (notification_id),
        role            TEXT    NOT NULL,
        recipient_id    TEXT,
        channel         TEXT    NOT NULL,
        state           TEXT    NOT NULL CHECK (state = 'queued' OR state = 'sent' OR state = 'failed' OR state = 'delivered' OR state = 'read' OR state = 'undeliverable'),
        attempts        INTEGER NOT NULL DEFAULT 0,
        next_try_ms     INTEGER,
        last_error      TEXT,
        updated_at      INTEGER NOT NULL
      ) STRICT;
      INSERT INTO case_messages_3 (message_id, notification_id, role, recipient_id, channel, state, attempts, next_try_ms, last_error, updated_at)
        SELECT m.message_id, n.notification_id, m.role, m.recipient_id, m.channel, m.state, m.attempts, m.next_try_ms, m.last_error, m.updated_at
        FROM case_messages m JOIN case_notifications n
          ON n.case_id = m.case_id AND n.step_key = m.step_key AND n.template = m.template AND n.subject IS m.subject AND n.text = m.text;

      CREATE TABLE case_message_attempts_3 (
        message_id  INTEGER NOT NULL REFERENCES case_messages_3 (message_id),
        attempt     INTEGER NOT NULL,
        channel     TEXT    NOT NULL,
        started_at  INTEGER NOT NULL,
        finished_at INTEGER,
        outcome     TEXT    NOT NULL CHECK (outcome IN ('pending', 'ok', 'retryable', 'permanent', 'abandoned')),
        request     TEXT,
        response    TEXT,
        error       TEXT,
        duration_ms INTEGER,
        PRIMARY KEY (message_id, attempt)
      ) STRICT;
      INSERT INTO case_message_attempts_3 SELECT * FROM case_message_attempts;

      CREATE TABLE case_message_receipts_3 (
        message_id          INTEGER PRIMARY KEY REFERENCES case_messages_3 (message_id),
        sent_at             INTEGER,
        delivered_at        INTEGER,
        delivered_source    TEXT,
        read_at             INTEGER,
        read_source         TEXT,
        unread_escalated_at INTEGER
      ) STRICT;
      INSERT INTO case_message_receipts_3 SELECT * FROM case_message_receipts;

      DROP TABLE case_message_attempts;
      DROP TABLE case_message_receipts;
      DROP TABLE case_messages;
      ALTER TABLE case_messages_3 RENAME TO case_messages;
      ALTER TABLE case_message_attempts_3 RENAME TO case_message_attempts;
      ALTER TABLE case_message_receipts_3 RENAME TO case_message_receipts;
      -- A case's notifications, then their messages: the second grows at its end as messages are queued.
      CREATE INDEX case_notifications_case ON case_notifications (case_id);
      CREATE INDEX case_messages_notification ON case_messages (notification_id);
      CREATE INDEX case_messages_due ON case_messages (next_try_ms) WHERE state = 'queued';
      CREATE INDEX case_message_receipts_unread ON case_message_receipts (sent_at) WHERE read_at IS NULL AND unread_escalated_at IS NULL;
    `,
  },
];

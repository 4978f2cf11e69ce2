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
];

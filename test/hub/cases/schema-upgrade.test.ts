import { afterAll, describe, expect, it } from 'vitest';
import { openHubDatabase } from '../../../hub/db/database.js';
import { HUB_MIGRATIONS } from '../../../hub/db/migrations.js';
import { silent, tempDir } from '../../helpers/temp.js';

/**
 * A hub database written before cases-2, channels-2 and channels-3 (a case with its timeline
 * table, steps, queued messages with attempts and receipts) opens with the new schema and keeps
 * every message, attempt and receipt, their references intact; each message's text is kept once
 * per notification.
 */
describe('cases schema upgrade', () => {
  const dir = tempDir('cases-upgrade-');
  afterAll(() => dir.cleanup());

  it('drops the timeline table, rebuilds the steps and the outbox tables without losing a row or a reference', () => {
    const path = dir.file('hub.sqlite');
    const newer = new Set(['cases-2', 'channels-2', 'channels-3', 'evidence-2']);
    const old = openHubDatabase({ path, logger: silent, migrations: HUB_MIGRATIONS.filter((m) => !newer.has(m.name)) });
    old.exec(`
      INSERT INTO case_policies (policy_id, name, version, body, sha256, loaded_at) VALUES (1, 'default', 1, '{}', 'x', 0);
      INSERT INTO cases (case_id, employee_id, site_id, first_date, first_shift_id, shift_start_ms, policy_id, state, opened_at, updated_at)
        VALUES (7, 'E1', 'plant', '2026-06-15', 'day', 1, 1, 'open', 2, 2);
      INSERT INTO case_steps (case_id, step_key, step_id, due_ms, state) VALUES (7, 'first-reminder', 'first-reminder', 3, 'fired');
      INSERT INTO case_timeline (case_id, at_ms, kind, step_key, detail) VALUES (7, 2, 'opened', NULL, '{}');
      INSERT INTO case_messages (message_id, case_id, step_key, role, recipient_id, channel, template, subject, text, state, attempts, created_at, updated_at)
        VALUES (1, 7, 'first-reminder', 'employee', 'E1', 'sms', 'reminder-1', '考勤提醒', '王小明，您好', 'sent', 1, 3, 4),
               (2, 7, 'first-reminder', 'employee', 'E1', 'wecom', 'reminder-1', '考勤提醒', '王小明，您好', 'queued', 0, 3, 3),
               (3, 7, 'first-reminder', 'manager', 'M1', 'wecom', 'reminder-1', '考勤提醒', '王小明，您好', 'queued', 0, 3, 3),
               (4, 7, 'second-reminder', 'employee', 'E1', 'sms', 'reminder-2', NULL, '王小明，请回复', 'queued', 0, 5, 5);
      INSERT INTO case_message_attempts (message_id, attempt, channel, started_at, finished_at, outcome) VALUES (1, 1, 'sms', 3, 4, 'ok');
      INSERT INTO case_message_receipts (message_id, sent_at) VALUES (1, 4);
    `);
    old.close();

    const db = openHubDatabase({ path, logger: silent });
    try {
      const tables = db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table'").pluck().all() as string[];
      expect(tables).not.toContain('case_timeline');
      expect(tables.filter((t) => t.endsWith('_2') || t.endsWith('_3'))).toEqual([]);
      expect(db.prepare('SELECT step_key, state, scheduled_at FROM case_steps').all()).toEqual([{ step_key: 'first-reminder', state: 'fired', scheduled_at: null }]);
      // Still one row per (case, step key): a step fires at most once.
      expect(() => db.prepare("INSERT INTO case_steps (case_id, step_key, step_id, due_ms, state) VALUES (7, 'first-reminder', 'first-reminder', 9, 'scheduled')").run()).toThrow(/UNIQUE/);
      expect(db.prepare('SELECT notification_id, case_id, step_key, template, subject, text, created_at FROM case_notifications ORDER BY notification_id').all()).toEqual([
        { notification_id: 1, case_id: 7, step_key: 'first-reminder', template: 'reminder-1', subject: '考勤提醒', text: '王小明，您好', created_at: 3 },
        { notification_id: 2, case_id: 7, step_key: 'second-reminder', template: 'reminder-2', subject: null, text: '王小明，请回复', created_at: 5 },
      ]);
      expect(db.prepare('SELECT message_id, notification_id, role, recipient_id, channel, state, attempts, updated_at FROM case_messages ORDER BY message_id').all()).toEqual([
        { message_id: 1, notification_id: 1, role: 'employee', recipient_id: 'E1', channel: 'sms', state: 'sent', attempts: 1, updated_at: 4 },
        { message_id: 2, notification_id: 1, role: 'employee', recipient_id: 'E1', channel: 'wecom', state: 'queued', attempts: 0, updated_at: 3 },
        { message_id: 3, notification_id: 1, role: 'manager', recipient_id: 'M1', channel: 'wecom', state: 'queued', attempts: 0, updated_at: 3 },
        { message_id: 4, notification_id: 2, role: 'employee', recipient_id: 'E1', channel: 'sms', state: 'queued', attempts: 0, updated_at: 5 },
      ]);
      expect(db.prepare('SELECT message_id, attempt, outcome FROM case_message_attempts').all()).toEqual([{ message_id: 1, attempt: 1, outcome: 'ok' }]);
      expect(db.prepare('SELECT message_id, sent_at FROM case_message_receipts').all()).toEqual([{ message_id: 1, sent_at: 4 }]);
      // The children refer to the rebuilt table, and the database's own check finds nothing dangling.
      const refs = (table: string): string[] => (db.prepare(`SELECT "table" FROM pragma_foreign_key_list('${table}')`).pluck().all() as string[]);
      expect(refs('case_message_attempts')).toEqual(['case_messages']);
      expect(refs('case_message_receipts')).toEqual(['case_messages']);
      expect(refs('case_messages')).toEqual(['case_notifications']);
      expect(db.prepare('PRAGMA foreign_key_check').all()).toEqual([]);
      expect(() => db.prepare("INSERT INTO case_message_attempts (message_id, attempt, channel, started_at, outcome) VALUES (99, 1, 'sms', 5, 'pending')").run()).toThrow(/FOREIGN KEY/);
      const indexes = db.prepare("SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'case_messages'").pluck().all() as string[];
      expect(indexes.sort()).toEqual(['case_messages_due', 'case_messages_notification']);
    } finally {
      db.close();
    }
  });
});

import type { Statement } from 'better-sqlite3';
import type { HubDatabase } from '../db/database.js';

/**
 * The calendar's change counter. Every import and assignment change bumps it inside its own
 * transaction, so a planner in any process sharing the database sees a change by reading one row.
 */
export function calendarVersion(db: HubDatabase): number {
  return statements(db).read.get() as number;
}

export function bumpCalendarVersion(db: HubDatabase): void {
  statements(db).bump.run();
}

// Prepared once per database: the planner reads the counter on every call.
const prepared = new WeakMap<HubDatabase, { read: Statement; bump: Statement }>();

function statements(db: HubDatabase): { read: Statement; bump: Statement } {
  let sql = prepared.get(db);
  if (sql === undefined) {
    sql = {
      read: db.prepare('SELECT version FROM calendar_version WHERE id = 1').pluck(),
      bump: db.prepare('UPDATE calendar_version SET version = version + 1 WHERE id = 1'),
    };
    prepared.set(db, sql);
  }
  return sql;
}

import { onTestFinished } from 'vitest';
import { openHubDatabase, type HubDatabase } from '../../../hub/db/database.js';
import { Directory } from '../../../hub/directory/directory.js';
import { DIRECTORY_MIGRATIONS } from '../../../hub/directory/schema.js';
import { LEAVE_MIGRATIONS } from '../../../hub/leave/schema.js';
import { silent, tempDir } from '../../helpers/temp.js';

/** A fresh hub database with the directory and leave tables, closed and removed when the test ends. */
export function directoryDb(): HubDatabase {
  const tmp = tempDir('rollcall-directory-');
  const db = openHubDatabase({ path: tmp.file('hub.db'), logger: silent, synchronous: 'NORMAL', migrations: [...DIRECTORY_MIGRATIONS, ...LEAVE_MIGRATIONS] });
  onTestFinished(() => {
    db.close();
    tmp.cleanup();
  });
  return db;
}

/** A directory on a fresh database whose clock reads `clock.ms` (advance it between changes). */
export function testDirectory(start = Date.parse('2026-03-01T09:00:00+08:00')): { db: HubDatabase; directory: Directory; clock: { ms: number } } {
  const db = directoryDb();
  const clock = { ms: start };
  return { db, clock, directory: new Directory({ db, logger: silent, now: () => clock.ms }) };
}

/** The problems of a HubError thrown by `fn` (fails the test when nothing is thrown). */
export function problemsOf(fn: () => unknown): { code: string; message: string; problems: { row: number; field: string; message: string }[] } {
  try {
    fn();
  } catch (err) {
    const e = err as { code: string; message: string; problems: { row: number; field: string; message: string }[] };
    return { code: e.code, message: e.message, problems: [...e.problems] };
  }
  throw new Error('expected a HubError, nothing was thrown');
}

export const HEADER = 'id,name,department,manager,site,hire_date,end_date,terminal_ids,phone,email,chat_id,postal_address,emergency_name,emergency_phone,emergency_relation';

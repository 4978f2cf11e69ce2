import { onTestFinished } from 'vitest';
import { openHubDatabase, type HubDatabase } from '../../../hub/db/database.js';
import { CALENDAR_MIGRATIONS } from '../../../hub/calendar/schema.js';
import { silent, tempDir } from '../../helpers/temp.js';

/** A fresh calendar database in a temp folder, closed and removed when the test ends. */
export function calendarDb(): HubDatabase {
  const tmp = tempDir('rollcall-calendar-');
  const db = openHubDatabase({ path: tmp.file('hub.db'), logger: silent, synchronous: 'NORMAL', migrations: CALENDAR_MIGRATIONS });
  onTestFinished(() => {
    db.close();
    tmp.cleanup();
  });
  return db;
}

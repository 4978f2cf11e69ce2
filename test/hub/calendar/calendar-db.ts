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

/** A year the package lacks, declared with (an illustration of) its days. */
export const DECLARED_2027 = [
  'years: [2027]',
  'days:',
  "  - { date: 2027-01-01, kind: holiday, name: New Year's Day }",
  '  - { date: 2027-02-06, kind: workday, name: Spring Festival make-up }',
].join('\n');

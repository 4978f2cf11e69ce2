import { readFileSync } from 'node:fs';
import type { HubDatabase } from '../../../hub/db/database.js';
import type { Directory } from '../../../hub/directory/directory.js';
import { LeaveStore } from '../../../hub/leave/store.js';
import type { LeaveChange } from '../../../hub/leave/types.js';
import { silent } from '../../helpers/temp.js';
import { testDirectory } from '../directory/directory-db.js';

export const LEAVE_FIXTURE = readFileSync(new URL('../../../fixtures/hub/leave.example.csv', import.meta.url));
const EMPLOYEES = readFileSync(new URL('../../../fixtures/hub/employees.example.csv', import.meta.url));

/** The example company in a fresh database, a leave store on it, and every change it announced. */
export function leaveWorld(start = Date.parse('2026-03-01T09:00:00+08:00')): {
  db: HubDatabase;
  directory: Directory;
  leave: LeaveStore;
  clock: { ms: number };
  changes: LeaveChange[];
} {
  const { db, directory, clock } = testDirectory(start);
  directory.importEmployees(EMPLOYEES, { fileName: 'employees.example.csv' });
  const leave = new LeaveStore({ db, logger: silent, now: () => clock.ms });
  const changes: LeaveChange[] = [];
  leave.onChange((c) => changes.push(c));
  return { db, directory, leave, clock, changes };
}

export const LEAVE_HEAD = 'employee,kind,from,to,from_time,to_time,reason,approved_by,approved_at';

import { onTestFinished } from 'vitest';
import { Accounts, type Account } from '../../../hub/auth/accounts.js';
import type { Role } from '../../../hub/auth/roles.js';
import { AUTH_MIGRATIONS } from '../../../hub/auth/schema.js';
import { openHubDatabase, type HubDatabase } from '../../../hub/db/database.js';
import { silent, tempDir } from '../../helpers/temp.js';

export const T0 = Date.parse('2026-03-01T09:00:00+08:00');
export const PASSWORD = 'correct horse battery';

/** A fresh hub database with the auth tables and an account store on it, removed when the test ends. */
export function authDb(): { db: HubDatabase; accounts: Accounts } {
  const tmp = tempDir('rollcall-auth-');
  const db = openHubDatabase({ path: tmp.file('hub.db'), logger: silent, synchronous: 'NORMAL', migrations: AUTH_MIGRATIONS });
  onTestFinished(() => {
    db.close();
    tmp.cleanup();
  });
  return { db, accounts: new Accounts(db) };
}

/** Adds `username` with the test password. */
export function addUser(accounts: Accounts, username: string, role: Role, atMs = T0): Account {
  return accounts.create({ username, role, password: PASSWORD }, atMs);
}

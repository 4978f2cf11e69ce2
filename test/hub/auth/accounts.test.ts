import { describe, expect, it } from 'vitest';
import { DUMMY_PASSWORD_HASH } from '../../../hub/auth/accounts.js';
import { ROLES, isRole } from '../../../hub/auth/roles.js';
import { hashPassword, parsePasswordHash } from '../../../hub/broker/password-hash.js';
import { openHubDatabase } from '../../../hub/db/database.js';
import { silent, tempDir } from '../../helpers/temp.js';
import { hubErrorOf } from '../hub-error.js';
import { addUser, authDb, PASSWORD, T0 } from './auth-db.js';

describe('accounts', () => {
  it('creates accounts and lists them by user name, finds them by any case and by id', () => {
    const { accounts } = authDb();
    const zoe = accounts.create({ username: 'zoe', displayName: '  Zoe Wang ', role: 'hr', password: PASSWORD }, T0);
    const alice = addUser(accounts, 'alice', 'admin', T0 + 1000);
    expect(zoe).toEqual({ userId: zoe.userId, username: 'zoe', displayName: 'Zoe Wang', role: 'hr', disabled: false, createdAtMs: T0, updatedAtMs: T0 });
    expect(alice.displayName).toBe('alice');
    expect(accounts.list().map((a) => a.username)).toEqual(['alice', 'zoe']);
    expect(accounts.get('ALICE')).toEqual(alice);
    expect(accounts.get(' Zoe ')).toEqual(zoe);
    expect(accounts.get('nobody')).toBeUndefined();
    expect(accounts.byId(zoe.userId)).toEqual(zoe);
    expect(accounts.byId(999)).toBeUndefined();
    expect(accounts.count()).toBe(2);
  });

  it('stores user names lower-case and keeps only a scrypt hash of the password', () => {
    const { db, accounts } = authDb();
    const a = accounts.create({ username: '  Li.Mei_2 ', role: 'facilities', password: PASSWORD }, T0);
    expect(a.username).toBe('li.mei_2');
    const row = db.prepare('SELECT * FROM auth_users').get() as Record<string, unknown>;
    expect(row.username).toBe('li.mei_2');
    expect(row.password_hash).toMatch(/^scrypt\$16384\$8\$1\$/);
    expect(JSON.stringify(row)).not.toContain(PASSWORD);
  });

  it('refuses bad user names, roles, passwords and display names, listing every problem', () => {
    const { accounts } = authDb();
    for (const username of ['a', 'x'.repeat(41), '-bob', '.bob', 'bob smith', 'bob@example.com', 'ä', '']) {
      const e = hubErrorOf(() => accounts.create({ username, role: 'hr', password: PASSWORD }, T0));
      expect(e.code).toBe('INVALID_INPUT');
      expect(e.problems.map((p) => p.field)).toEqual(['username']);
      expect(e.message).toMatch(/is not a valid user name: use 2 to 40 letters, digits, "\.", "_" or "-", starting with a letter or digit/);
    }
    expect(accounts.create({ username: 'x'.repeat(40), role: 'hr', password: PASSWORD }, T0).username).toHaveLength(40);
    expect(accounts.create({ username: '7s', role: 'hr', password: PASSWORD }, T0).username).toBe('7s');

    const all = hubErrorOf(() => accounts.create({ username: 'Bob Smith', role: 'boss' as never, password: 'short', displayName: 'x'.repeat(101) }, T0));
    expect(all.problems).toEqual([
      { row: 1, field: 'username', message: expect.stringMatching(/^username: "Bob Smith" is not a valid user name/) as unknown },
      { row: 1, field: 'role', message: 'role: "boss" is not a role: use hr, facilities or admin' },
      { row: 1, field: 'password', message: 'password: use at least 10 characters (this one has 5)' },
      { row: 1, field: 'displayName', message: 'displayName: use at most 100 characters' },
    ]);
    expect(all.message).toMatch(/^the account is not valid: username: .*; role: .*; password: .*; displayName: /);

    const password = (p: string) => hubErrorOf(() => accounts.create({ username: 'carol', role: 'hr', password: p }, T0)).message;
    expect(password('123456789')).toMatch(/at least 10 characters \(this one has 9\)/);
    expect(password('p'.repeat(201))).toMatch(/at most 200 characters \(this one has 201\)/);
    expect(password(' \t'.repeat(6))).toMatch(/spaces only/);
    expect(hubErrorOf(() => accounts.create({ username: 'carol', role: 'hr', password: PASSWORD, displayName: 'two\nlines' }, T0)).message).toMatch(/no control characters/);
    // Ten characters, counted as characters rather than UTF-16 units, are enough.
    expect(accounts.create({ username: 'carol', role: 'hr', password: '密码密码密码密码密码' }, T0).username).toBe('carol');
    expect(accounts.create({ username: 'dave', role: 'hr', password: 'p'.repeat(200) }, T0).username).toBe('dave');
    expect(accounts.count()).toBe(4);
  });

  it('refuses a user name that is taken, whatever its case', () => {
    const { accounts } = authDb();
    addUser(accounts, 'alice', 'admin');
    const e = hubErrorOf(() => addUser(accounts, 'Alice', 'hr'));
    expect(e.code).toBe('CONFLICT');
    expect(e.message).toBe('the user name alice is taken');
    expect(accounts.count()).toBe(1);
  });

  it('verifies the right password of an enabled account, and nothing else', () => {
    const { accounts } = authDb();
    const alice = addUser(accounts, 'alice', 'admin');
    addUser(accounts, 'bob', 'hr');
    expect(accounts.verify('alice', PASSWORD)).toEqual(alice);
    expect(accounts.verify(' ALICE', PASSWORD)).toEqual(alice);
    expect(accounts.verify('alice', `${PASSWORD} `)).toBeUndefined();
    expect(accounts.verify('alice', '')).toBeUndefined();
    expect(accounts.verify('nobody', PASSWORD)).toBeUndefined();
    expect(accounts.verify('not a name!', PASSWORD)).toBeUndefined();
    expect(accounts.verify('alice', 'p'.repeat(100_000))).toBeUndefined();
    accounts.setDisabled('bob', true, T0 + 1);
    expect(accounts.verify('bob', PASSWORD)).toBeUndefined();
    accounts.setDisabled('bob', false, T0 + 2);
    expect(accounts.verify('bob', PASSWORD)?.username).toBe('bob');
  });

  it('checks unknown names against a dummy hash that costs what a real one does', () => {
    const dummy = parsePasswordHash(DUMMY_PASSWORD_HASH);
    const real = parsePasswordHash(hashPassword(PASSWORD));
    expect(dummy).not.toBeNull();
    expect({ n: dummy!.n, r: dummy!.r, p: dummy!.p, length: dummy!.hash.length }).toEqual({ n: real!.n, r: real!.r, p: real!.p, length: real!.hash.length });
  });

  it('changes passwords and display names, refusing bad ones and unknown users', () => {
    const { accounts } = authDb();
    addUser(accounts, 'alice', 'admin');
    const changed = accounts.setPassword('Alice', 'a new long passphrase', T0 + 5000);
    expect(changed.updatedAtMs).toBe(T0 + 5000);
    expect(accounts.verify('alice', PASSWORD)).toBeUndefined();
    expect(accounts.verify('alice', 'a new long passphrase')?.username).toBe('alice');
    expect(hubErrorOf(() => accounts.setPassword('alice', 'short', T0))).toMatchObject({ code: 'INVALID_INPUT', message: expect.stringMatching(/at least 10 characters/) as unknown });
    expect(hubErrorOf(() => accounts.setPassword('nobody', PASSWORD, T0))).toMatchObject({ code: 'NOT_FOUND', message: 'no user nobody' });
    expect(accounts.setDisplayName('alice', ' Alice Liang ', T0 + 6000)).toMatchObject({ displayName: 'Alice Liang', updatedAtMs: T0 + 6000 });
    expect(accounts.setDisplayName('alice', '', T0 + 7000).displayName).toBe('alice');
    expect(hubErrorOf(() => accounts.setDisplayName('alice', 'x'.repeat(101), T0)).code).toBe('INVALID_INPUT');
  });
});

describe('the last enabled admin', () => {
  it('cannot be demoted or disabled; another admin first makes it possible', () => {
    const { accounts } = authDb();
    addUser(accounts, 'alice', 'admin');
    addUser(accounts, 'bob', 'hr');
    for (const change of [() => accounts.setRole('alice', 'hr', T0 + 1), () => accounts.setDisabled('alice', true, T0 + 1)]) {
      const e = hubErrorOf(change);
      expect(e.code).toBe('CONFLICT');
      expect(e.message).toBe('alice is the last enabled admin; make another account admin first');
    }
    expect(accounts.get('alice')).toMatchObject({ role: 'admin', disabled: false, updatedAtMs: T0 });
    expect(accounts.setRole('alice', 'admin', T0 + 1).role).toBe('admin');

    accounts.setRole('bob', 'admin', T0 + 2);
    expect(accounts.setRole('alice', 'facilities', T0 + 3)).toMatchObject({ role: 'facilities', updatedAtMs: T0 + 3 });
    expect(hubErrorOf(() => accounts.setDisabled('bob', true, T0 + 4)).code).toBe('CONFLICT');
    accounts.setRole('alice', 'admin', T0 + 5);
    expect(accounts.setDisabled('bob', true, T0 + 6)).toMatchObject({ disabled: true, role: 'admin' });
    // A disabled admin does not count: alice is the last enabled one again.
    expect(hubErrorOf(() => accounts.setRole('alice', 'hr', T0 + 7)).code).toBe('CONFLICT');
    expect(accounts.setDisabled('bob', false, T0 + 8).disabled).toBe(false);
    expect(accounts.setDisabled('alice', true, T0 + 9).disabled).toBe(true);
  });

  it('does not hold up changes in a hub that has no admin yet, nor a disabled admin', () => {
    const { accounts } = authDb();
    addUser(accounts, 'bob', 'hr');
    addUser(accounts, 'carol', 'admin');
    addUser(accounts, 'dave', 'admin');
    expect(accounts.setRole('bob', 'facilities', T0 + 1).role).toBe('facilities');
    expect(accounts.setDisabled('bob', true, T0 + 2).disabled).toBe(true);
    accounts.setDisabled('carol', true, T0 + 3);
    expect(accounts.setRole('carol', 'hr', T0 + 4).role).toBe('hr');
    expect(hubErrorOf(() => accounts.setRole('dave', 'hr', T0 + 5)).code).toBe('CONFLICT');
  });

  it('refuses unknown roles and users', () => {
    const { accounts } = authDb();
    addUser(accounts, 'alice', 'admin');
    expect(hubErrorOf(() => accounts.setRole('alice', 'root' as never, T0))).toMatchObject({ code: 'INVALID_INPUT', message: 'the account is not valid: role: "root" is not a role: use hr, facilities or admin' });
    expect(hubErrorOf(() => accounts.setRole('nobody', 'hr', T0)).code).toBe('NOT_FOUND');
    expect(hubErrorOf(() => accounts.setDisabled('nobody', true, T0)).code).toBe('NOT_FOUND');
  });
});

describe('disabling an account', () => {
  it('ends its sessions in the same change, and enabling it does not bring them back', () => {
    const { db, accounts } = authDb();
    addUser(accounts, 'alice', 'admin');
    const bob = addUser(accounts, 'bob', 'hr');
    const insert = db.prepare('INSERT INTO auth_sessions (token_hash, user_id, csrf_token, created_at, expires_at, last_seen_at) VALUES (randomblob(32), ?, ?, ?, ?, ?)');
    insert.run(bob.userId, 'c1', T0, T0 + 1000, T0);
    insert.run(bob.userId, 'c2', T0, T0 + 1000, T0);
    insert.run(accounts.get('alice')!.userId, 'c3', T0, T0 + 1000, T0);
    expect(accounts.setDisabled('bob', true, T0 + 1)).toMatchObject({ disabled: true, updatedAtMs: T0 + 1 });
    const left = () => db.prepare('SELECT csrf_token FROM auth_sessions ORDER BY csrf_token').pluck().all();
    expect(left()).toEqual(['c3']);
    // Disabling again changes nothing, not even the time.
    expect(accounts.setDisabled('bob', true, T0 + 2).updatedAtMs).toBe(T0 + 1);
    expect(accounts.setDisabled('bob', false, T0 + 3)).toMatchObject({ disabled: false, updatedAtMs: T0 + 3 });
    expect(left()).toEqual(['c3']);
  });
});

describe('the auth schema', () => {
  it('is part of every hub database, and refuses a role the code does not know', () => {
    const tmp = tempDir('rollcall-auth-schema-');
    const db = openHubDatabase({ path: tmp.file('hub.db'), logger: silent, synchronous: 'NORMAL' });
    try {
      expect(db.prepare("SELECT name FROM schema_migrations WHERE name LIKE 'auth-%'").pluck().all()).toEqual(['auth-1']);
      const insert = db.prepare('INSERT INTO auth_users (username, display_name, role, password_hash, created_at, updated_at) VALUES (?, ?, ?, ?, 0, 0)');
      for (const role of ROLES) insert.run(`u-${role}`, role, role, 'x');
      expect(() => insert.run('u-root', 'root', 'root', 'x')).toThrow(/CHECK constraint failed/);
      expect(() => db.prepare("INSERT INTO auth_sessions VALUES (x'00', 1, 'c', 0, 0, 0)").run()).toThrow(/CHECK constraint failed/);
      expect(() => db.prepare("INSERT INTO auth_sessions VALUES (randomblob(32), 999, 'c', 0, 0, 0)").run()).toThrow(/FOREIGN KEY constraint failed/);
    } finally {
      db.close();
      tmp.cleanup();
    }
  });

  it('knows the roles', () => {
    expect(ROLES).toEqual(['hr', 'facilities', 'admin']);
    expect(ROLES.every(isRole)).toBe(true);
    for (const v of ['HR', 'root', '', undefined, 1, null, {}]) expect(isRole(v)).toBe(false);
  });
});

import { writeFileSync } from 'node:fs';
import { PassThrough, Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runUserCommand } from '../../cli/user-command.js';
import { Accounts } from '../../hub/auth/accounts.js';
import { Sessions } from '../../hub/auth/sessions.js';
import { openHubDatabase } from '../../hub/db/database.js';
import { silent, tempDir } from '../helpers/temp.js';

let dir: ReturnType<typeof tempDir>;
beforeEach(() => {
  dir = tempDir('rollcall-user-cli-');
  writeFileSync(dir.file('hub.yaml'), ['database: { path: ./hub.sqlite, synchronous: NORMAL }', 'sites:', '  - { id: plant, timeZone: Asia/Shanghai }'].join('\n'));
});
afterEach(() => dir.cleanup());

/** Runs `rollcall hub user ...` in this process with `stdin` as standard input; resolves to what it printed. */
async function user(args: string[], stdin = ''): Promise<string> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  await runUserCommand([...args, '--config', dir.file('hub.yaml')], { stdin: Readable.from([Buffer.from(stdin)]), stdout: out, stderr: new PassThrough() });
  return Buffer.concat(chunks).toString('utf8');
}

/** The hub's database as the CLI left it, for `fn`. */
function withDb<T>(fn: (accounts: Accounts, sessions: Sessions) => T): T {
  const db = openHubDatabase({ path: dir.file('hub.sqlite'), logger: silent, synchronous: 'NORMAL' });
  try {
    const accounts = new Accounts(db);
    return fn(accounts, new Sessions(db, accounts));
  } finally {
    db.close();
  }
}

describe('rollcall hub user', () => {
  it('adds accounts from standard input or a password file and lists them', async () => {
    expect(await user(['list'])).toBe('no users yet; add one with: rollcall hub user add USERNAME --role admin\n');
    expect(await user(['add', 'Alice', '--role', 'admin', '--name', 'Alice Liang'], 'correct horse battery\nignored second line\n')).toBe('user alice added (admin, Alice Liang)\n');
    writeFileSync(dir.file('bob.txt'), 'bob has a long password\r\n');
    expect(await user(['add', 'bob', '--role', 'hr', '--password-file', dir.file('bob.txt')])).toBe('user bob added (hr)\n');
    expect(await user(['add', 'carol', '--role', 'facilities'], 'no newline at the end')).toBe('user carol added (facilities)\n');
    const lines = (await user(['list'])).trimEnd().split('\n');
    expect(lines[0]).toMatch(/^username\s+name\s+role\s+state\s+created$/);
    expect(lines.slice(2).map((l) => l.split(/\s{2,}/).slice(0, 4))).toEqual([
      ['alice', 'Alice Liang', 'admin', 'enabled'],
      ['bob', 'bob', 'hr', 'enabled'],
      ['carol', 'carol', 'facilities', 'enabled'],
    ]);
    expect(lines[2]).toMatch(/\d{4}-\d\d-\d\d \d\d:\d\dZ$/);
    withDb((accounts) => {
      expect(accounts.verify('alice', 'correct horse battery')?.displayName).toBe('Alice Liang');
      expect(accounts.verify('bob', 'bob has a long password')?.role).toBe('hr');
      expect(accounts.verify('carol', 'no newline at the end')?.role).toBe('facilities');
    });
  });

  it('changes a password and signs out the account\'s sessions', async () => {
    await user(['add', 'alice', '--role', 'admin'], 'correct horse battery\n');
    withDb((accounts, sessions) => {
      const id = accounts.get('alice')!.userId;
      sessions.open(id, Date.now());
      sessions.open(id, Date.now());
    });
    expect(await user(['passwd', 'ALICE'], 'another long passphrase\n')).toBe('password of alice changed; 2 sessions signed out\n');
    expect(await user(['passwd', 'alice'], 'and yet another one\n')).toBe('password of alice changed\n');
    withDb((accounts) => {
      expect(accounts.verify('alice', 'correct horse battery')).toBeUndefined();
      expect(accounts.verify('alice', 'and yet another one')?.username).toBe('alice');
    });
  });

  it('changes roles, disables and enables, and keeps the last admin', async () => {
    await user(['add', 'alice', '--role', 'admin'], 'correct horse battery\n');
    await user(['add', 'bob', '--role', 'hr'], 'correct horse battery\n');
    await expect(user(['role', 'alice', 'hr'])).rejects.toMatchObject({ code: 'CONFLICT', message: 'alice is the last enabled admin; make another account admin first' });
    await expect(user(['disable', 'alice'])).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(await user(['role', 'bob', 'admin'])).toBe('bob is now admin\n');
    expect(await user(['role', 'alice', 'facilities'])).toBe('alice is now facilities\n');
    withDb((accounts, sessions) => void sessions.open(accounts.get('bob')!.userId, Date.now()));
    await expect(user(['disable', 'bob'])).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(await user(['disable', 'alice'])).toBe('alice disabled; its sessions are signed out\n');
    expect(await user(['list'])).toMatch(/alice\s+alice\s+facilities\s+disabled/);
    expect(await user(['enable', 'alice'])).toBe('alice enabled\n');
    withDb((accounts) => expect(accounts.verify('alice', 'correct horse battery')?.role).toBe('facilities'));
  });

  it('explains mistakes', async () => {
    expect(await user(['--help'])).toMatch(/^Usage: rollcall hub user add USERNAME --role hr\|facilities\|admin/);
    expect(await user([])).toMatch(/echo 'a long passphrase' \| rollcall hub user add alice --role admin/);
    await expect(user(['frobnicate'])).rejects.toThrow(/unknown hub user action "frobnicate"/);
    await expect(user(['add', 'alice'], 'correct horse battery\n')).rejects.toThrow(/hub user add: give --role hr\|facilities\|admin/);
    await expect(user(['add', 'alice', '--role', 'boss'], 'correct horse battery\n')).rejects.toThrow('"boss" is not a role: use hr, facilities, admin');
    await expect(user(['add', '--role', 'hr'])).rejects.toThrow(/give the user name/);
    await expect(user(['add', 'alice', '--role', 'hr'], 'short\n')).rejects.toMatchObject({ name: 'CliError', exitCode: 2, message: 'the account is not valid: password: use at least 10 characters (this one has 5)' });
    await expect(user(['add', 'al ice', '--role', 'hr'], 'correct horse battery\n')).rejects.toMatchObject({ name: 'CliError', message: expect.stringMatching(/"al ice" is not a valid user name/) as unknown });
    await expect(user(['add', 'alice', '--role', 'hr'])).rejects.toThrow(/no password: give --password-file FILE, or the password on standard input/);
    await expect(user(['add', 'alice', '--role', 'hr', '--password-file', dir.file('missing.txt')])).rejects.toMatchObject({ name: 'CliError', exitCode: 1, message: expect.stringMatching(/cannot read .*missing\.txt/) as unknown });
    await user(['add', 'alice', '--role', 'admin'], 'correct horse battery\n');
    await expect(user(['add', 'ALICE', '--role', 'hr'])).rejects.toMatchObject({ code: 'CONFLICT', message: 'the user name alice is taken' });
    await expect(user(['passwd', 'nobody'], 'correct horse battery\n')).rejects.toMatchObject({ code: 'NOT_FOUND', message: 'no user nobody; see rollcall hub user list' });
    await expect(user(['role', 'nobody', 'hr'])).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(user(['role', 'alice'])).rejects.toThrow(/give the user name and the role/);
    await expect(user(['list', 'extra'])).rejects.toThrow(/give no arguments/);
    await expect(user(['list', '--colour'])).rejects.toMatchObject({ code: 'ERR_PARSE_ARGS_UNKNOWN_OPTION' });
  });
});

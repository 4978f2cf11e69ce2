import type { Statement } from 'better-sqlite3';
import { hashPassword, verifyPassword } from '../broker/password-hash.js';
import { writeImmediate, type HubDatabase } from '../db/database.js';
import { HubError, type InputProblem } from '../errors.js';
import { isRole, ROLES, type Role } from './roles.js';

export interface Account {
  userId: number;
  /** Lower-case, 2-40 of `a-z 0-9 . _ -`, starting with a letter or digit. */
  username: string;
  displayName: string;
  role: Role;
  disabled: boolean;
  createdAtMs: number;
  updatedAtMs: number;
}

export interface NewAccount {
  /** Taken case-insensitively: `Alice` is stored as `alice`. */
  username: string;
  /** Default: the user name. */
  displayName?: string;
  role: Role;
  password: string;
}

export const USERNAME_PATTERN = /^[a-z0-9][a-z0-9._-]{1,39}$/;
export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_MAX_LENGTH = 200;
export const DISPLAY_NAME_MAX_LENGTH = 100;

/**
 * What `verify` checks an unknown user name against, so that a wrong name costs the same scrypt
 * as a wrong password. No password hashes to it; its parameters are those `hashPassword` uses
 * (a test keeps them in step).
 */
export const DUMMY_PASSWORD_HASH = 'scrypt$16384$8$1$V1W8265sfiDztEz2gqNITQ==$89FzrjHcduEIAg+t7lxoNHj5R62B/atxT1r0v2XuxbU=';

interface AccountRow {
  user_id: number;
  username: string;
  display_name: string;
  role: string;
  password_hash: string;
  disabled_at: number | null;
  created_at: number;
  updated_at: number;
}

const WHO = 'the account store';

/**
 * The hub's local accounts: who may sign in to the dashboard and API, with which role. Accounts
 * are disabled, never deleted. Changes that could lock everyone out of account management (the
 * last enabled admin demoted or disabled) are refused with CONFLICT; the check and the change run
 * in one IMMEDIATE transaction, so two processes cannot each remove one of the last two admins.
 * Passwords are hashed before the transaction starts: scrypt is slow and must not hold the lock.
 */
export class Accounts {
  private readonly db: HubDatabase;
  private readonly byName: Statement<[string], AccountRow>;
  private readonly byUserId: Statement<[number], AccountRow>;
  private readonly all: Statement<[], AccountRow>;
  private readonly counted: Statement<[], { n: number }>;
  private readonly insert: Statement<[string, string, string, string, number, number]>;
  private readonly updatePassword: Statement<[string, number, number]>;
  private readonly updateDisplayName: Statement<[string, number, number]>;
  private readonly updateRole: Statement<[string, number, number]>;
  private readonly updateDisabled: Statement<[number | null, number, number]>;
  private readonly otherEnabledAdmins: Statement<[number], { n: number }>;
  private readonly endSessions: Statement<[number]>;

  constructor(db: HubDatabase) {
    this.db = db;
    this.byName = db.prepare('SELECT * FROM auth_users WHERE username = ?');
    this.byUserId = db.prepare('SELECT * FROM auth_users WHERE user_id = ?');
    this.all = db.prepare('SELECT * FROM auth_users ORDER BY username');
    this.counted = db.prepare('SELECT count(*) AS n FROM auth_users');
    this.insert = db.prepare(`
      INSERT INTO auth_users (username, display_name, role, password_hash, created_at, updated_at)
      VALUES (?, ?, ?, ?, ?, ?)`);
    this.updatePassword = db.prepare('UPDATE auth_users SET password_hash = ?, updated_at = ? WHERE user_id = ?');
    this.updateDisplayName = db.prepare('UPDATE auth_users SET display_name = ?, updated_at = ? WHERE user_id = ?');
    this.updateRole = db.prepare('UPDATE auth_users SET role = ?, updated_at = ? WHERE user_id = ?');
    this.updateDisabled = db.prepare('UPDATE auth_users SET disabled_at = ?, updated_at = ? WHERE user_id = ?');
    this.otherEnabledAdmins = db.prepare("SELECT count(*) AS n FROM auth_users WHERE role = 'admin' AND disabled_at IS NULL AND user_id <> ?");
    this.endSessions = db.prepare('DELETE FROM auth_sessions WHERE user_id = ?');
  }

  /** Adds an account; CONFLICT when the user name is taken, INVALID_INPUT listing every bad field. */
  create(a: NewAccount, atMs: number): Account {
    const problems: InputProblem[] = [];
    const username = typeof a.username === 'string' ? normaliseUsername(a.username) : '';
    const nameProblem = usernameProblem(a.username);
    if (nameProblem !== undefined) problems.push(problem('username', nameProblem));
    if (!isRole(a.role)) problems.push(problem('role', roleProblem(a.role)));
    const passwordIssue = passwordProblem(a.password);
    if (passwordIssue !== undefined) problems.push(problem('password', passwordIssue));
    const displayName = typeof a.displayName === 'string' && a.displayName.trim() !== '' ? a.displayName.trim() : username;
    const displayIssue = a.displayName === undefined ? undefined : displayNameProblem(a.displayName);
    if (displayIssue !== undefined) problems.push(problem('displayName', displayIssue));
    if (problems.length > 0) throw invalid(problems);

    const hash = hashPassword(a.password);
    const userId = writeImmediate(this.db, WHO, `add user ${username}`, () => {
      if (this.byName.get(username) !== undefined) throw new HubError('CONFLICT', `the user name ${username} is taken`);
      return Number(this.insert.run(username, displayName, a.role, hash, atMs, atMs).lastInsertRowid);
    });
    return toAccount(this.byUserId.get(userId)!);
  }

  /** Every account, enabled or not, by user name. */
  list(): Account[] {
    return this.all.all().map(toAccount);
  }

  /** The account of a user name (any case), or undefined. */
  get(username: string): Account | undefined {
    const row = this.row(username);
    return row === undefined ? undefined : toAccount(row);
  }

  byId(userId: number): Account | undefined {
    const row = this.byUserId.get(userId);
    return row === undefined ? undefined : toAccount(row);
  }

  /** Sets a new password. The account's sessions stay open; end them with Sessions.closeAllOf if the old one leaked. */
  setPassword(username: string, password: string, atMs: number): Account {
    const issue = passwordProblem(password);
    if (issue !== undefined) throw invalid([problem('password', issue)]);
    const hash = hashPassword(password);
    return this.change(username, 'set the password of', (row) => {
      this.updatePassword.run(hash, atMs, row.user_id);
    });
  }

  /** Changes the name shown for the account; an empty one shows the user name. */
  setDisplayName(username: string, displayName: string, atMs: number): Account {
    const issue = displayNameProblem(displayName);
    if (issue !== undefined) throw invalid([problem('displayName', issue)]);
    return this.change(username, 'rename', (row) => {
      const shown = displayName.trim() === '' ? row.username : displayName.trim();
      if (shown !== row.display_name) this.updateDisplayName.run(shown, atMs, row.user_id);
    });
  }

  /** Changes the role; CONFLICT when it would demote the last enabled admin. */
  setRole(username: string, role: Role, atMs: number): Account {
    if (!isRole(role)) throw invalid([problem('role', roleProblem(role))]);
    return this.change(username, 'change the role of', (row) => {
      if (row.role === role) return;
      this.guardLastAdmin(row, role, row.disabled_at !== null);
      this.updateRole.run(role, atMs, row.user_id);
    });
  }

  /**
   * Disables or enables an account. Disabling ends its sessions in the same transaction, and is
   * refused (CONFLICT) for the last enabled admin.
   */
  setDisabled(username: string, disabled: boolean, atMs: number): Account {
    return this.change(username, disabled ? 'disable' : 'enable', (row) => {
      if ((row.disabled_at !== null) !== disabled) {
        this.guardLastAdmin(row, row.role, disabled);
        this.updateDisabled.run(disabled ? atMs : null, atMs, row.user_id);
      }
      if (disabled) this.endSessions.run(row.user_id);
    });
  }

  /**
   * The account when the password is right and the account enabled, else undefined. Costs one
   * scrypt whether or not the user exists (an unknown name is checked against a fixed dummy hash),
   * so timing does not tell names apart.
   */
  verify(username: string, password: string): Account | undefined {
    const row = typeof username === 'string' && usernameProblem(username) === undefined ? this.row(username) : undefined;
    // A password too long for any account (200 characters are at most 400 UTF-16 units) is not
    // hashed as given, but scrypt still runs, on an empty one.
    const plausible = typeof password === 'string' && password.length <= PASSWORD_MAX_LENGTH * 2;
    const right = verifyPassword(plausible ? password : '', row?.password_hash ?? DUMMY_PASSWORD_HASH);
    if (row === undefined || !plausible || !right || row.disabled_at !== null) return undefined;
    return toAccount(row);
  }

  count(): number {
    return this.counted.get()!.n;
  }

  private row(username: string): AccountRow | undefined {
    return typeof username === 'string' ? this.byName.get(normaliseUsername(username)) : undefined;
  }

  /** Runs `work` on the current row of `username` in one IMMEDIATE transaction; NOT_FOUND when there is none. */
  private change(username: string, what: string, work: (row: AccountRow) => void): Account {
    const name = normaliseUsername(username);
    return writeImmediate(this.db, WHO, `${what} user ${name}`, () => {
      const row = this.byName.get(name);
      if (row === undefined) throw new HubError('NOT_FOUND', `no user ${name}`);
      work(row);
      return toAccount(this.byUserId.get(row.user_id)!);
    });
  }

  /**
   * Refuses a change that takes the last enabled admin away. A hub with no enabled admin at all
   * (accounts made before any admin) is left to the command line, which can always add one.
   */
  private guardLastAdmin(row: AccountRow, role: string, disabled: boolean): void {
    const isAdmin = row.role === 'admin' && row.disabled_at === null;
    const staysAdmin = role === 'admin' && !disabled;
    if (!isAdmin || staysAdmin) return;
    if (this.otherEnabledAdmins.get(row.user_id)!.n === 0) {
      throw new HubError('CONFLICT', `${row.username} is the last enabled admin; make another account admin first`);
    }
  }
}

/** Trimmed and lower-cased; the form user names are stored and looked up in. */
export function normaliseUsername(username: string): string {
  return username.trim().toLowerCase();
}

/** Why a user name (before normalising) cannot be used, or undefined when it can. */
export function usernameProblem(username: unknown): string | undefined {
  if (typeof username !== 'string') return 'give a user name';
  const name = normaliseUsername(username);
  if (USERNAME_PATTERN.test(name)) return undefined;
  return `"${username}" is not a valid user name: use 2 to 40 letters, digits, ".", "_" or "-", starting with a letter or digit`;
}

/** Why a password cannot be used, or undefined when it can. */
export function passwordProblem(password: unknown): string | undefined {
  if (typeof password !== 'string') return 'give a password';
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH) return `use at least ${PASSWORD_MIN_LENGTH} characters (this one has ${length})`;
  if (length > PASSWORD_MAX_LENGTH) return `use at most ${PASSWORD_MAX_LENGTH} characters (this one has ${length})`;
  if (password.trim() === '') return 'use something other than spaces only';
  return undefined;
}

function displayNameProblem(displayName: unknown): string | undefined {
  if (typeof displayName !== 'string') return 'give the display name as text';
  if ([...displayName.trim()].length > DISPLAY_NAME_MAX_LENGTH) return `use at most ${DISPLAY_NAME_MAX_LENGTH} characters`;
  if (/[\u0000-\u001f\u007f]/.test(displayName)) return 'use no control characters (line breaks, tabs)';
  return undefined;
}

function roleProblem(role: unknown): string {
  return `"${String(role)}" is not a role: use ${ROLES.slice(0, -1).join(', ')} or ${ROLES.at(-1)}`;
}

function problem(field: string, text: string): InputProblem {
  return { row: 1, field, message: `${field}: ${text}` };
}

function invalid(problems: readonly InputProblem[]): HubError {
  return new HubError('INVALID_INPUT', `the account is not valid: ${problems.map((p) => p.message).join('; ')}`, { problems });
}

function toAccount(r: AccountRow): Account {
  return {
    userId: r.user_id,
    username: r.username,
    displayName: r.display_name,
    role: r.role as Role,
    disabled: r.disabled_at !== null,
    createdAtMs: r.created_at,
    updatedAtMs: r.updated_at,
  };
}

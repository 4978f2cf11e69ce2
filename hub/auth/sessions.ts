import type { Statement } from 'better-sqlite3';
import { createHash, randomBytes } from 'node:crypto';
import type { HubDatabase } from '../db/database.js';
import { HubError } from '../errors.js';
import type { Account, Accounts } from './accounts.js';

export interface SessionLimits {
  /** How long a session lives after sign-in, however busy. */
  ttlMs: number;
  /** How long a session lives without a request. */
  idleMs: number;
}

export const DEFAULT_SESSION_LIMITS: SessionLimits = { ttlMs: 12 * 60 * 60_000, idleMs: 30 * 60_000 };

/**
 * `last_seen_at` is written at most this often per session: a dashboard polling every few seconds
 * would otherwise write to the database on every request. The idle timeout counts from the last
 * write, so it may end a session up to this much early.
 */
export const LAST_SEEN_RESOLUTION_MS = 60_000;

export interface Session {
  account: Account;
  /** Sent back by the client with every unsafe request (a header the browser does not add by itself). */
  csrfToken: string;
  createdAtMs: number;
  expiresAtMs: number;
  lastSeenAtMs: number;
}

interface SessionRow {
  user_id: number;
  csrf_token: string;
  created_at: number;
  expires_at: number;
  last_seen_at: number;
}

/** 32 bytes in base64url, unpadded: what `open` hands out. */
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/**
 * Signed-in sessions, kept in the database so that every hub process sharing it knows them and a
 * restart signs no one out. The client holds a random token; the table holds only its SHA-256,
 * so reading the database (a backup, a support copy) does not let anyone in. A session ends at
 * its absolute expiry, after `idleMs` without use, when closed, or when its account is disabled
 * or gone.
 */
export class Sessions {
  private readonly accounts: Accounts;
  private readonly limits: SessionLimits;
  private readonly insert: Statement<[Buffer, number, string, number, number, number]>;
  private readonly byHash: Statement<[Buffer], SessionRow>;
  private readonly touch: Statement<[number, Buffer, number]>;
  private readonly remove: Statement<[Buffer]>;
  private readonly removeAllOf: Statement<[number]>;
  private readonly removeDead: Statement<[number, number]>;

  constructor(db: HubDatabase, accounts: Accounts, limits: SessionLimits = DEFAULT_SESSION_LIMITS) {
    for (const [name, value] of Object.entries(limits)) {
      if (!Number.isSafeInteger(value) || value <= 0) throw new HubError('INVALID_INPUT', `session limit ${name} must be a positive number of milliseconds, not ${String(value)}`);
    }
    this.accounts = accounts;
    this.limits = { ...limits };
    this.insert = db.prepare(`
      INSERT INTO auth_sessions (token_hash, user_id, csrf_token, created_at, expires_at, last_seen_at)
      VALUES (?, ?, ?, ?, ?, ?)`);
    this.byHash = db.prepare('SELECT user_id, csrf_token, created_at, expires_at, last_seen_at FROM auth_sessions WHERE token_hash = ?');
    this.touch = db.prepare('UPDATE auth_sessions SET last_seen_at = ? WHERE token_hash = ? AND last_seen_at < ?');
    this.remove = db.prepare('DELETE FROM auth_sessions WHERE token_hash = ?');
    this.removeAllOf = db.prepare('DELETE FROM auth_sessions WHERE user_id = ?');
    this.removeDead = db.prepare(`
      DELETE FROM auth_sessions WHERE expires_at <= ? OR last_seen_at <= ?
        OR user_id IN (SELECT user_id FROM auth_users WHERE disabled_at IS NOT NULL)`);
  }

  /**
   * A new session for an enabled account: the token (32 random bytes, base64url) goes to the
   * client; only its SHA-256 is stored. NOT_FOUND for an unknown account, UNAUTHORIZED for a
   * disabled one.
   */
  open(userId: number, nowMs: number): { token: string; session: Session } {
    const account = this.accounts.byId(userId);
    if (account === undefined) throw new HubError('NOT_FOUND', `no user with id ${userId}`);
    if (account.disabled) throw new HubError('UNAUTHORIZED', `the account ${account.username} is disabled`);
    const token = randomBytes(32).toString('base64url');
    const csrfToken = randomBytes(32).toString('base64url');
    const expiresAtMs = nowMs + this.limits.ttlMs;
    try {
      this.insert.run(tokenHash(token), userId, csrfToken, nowMs, expiresAtMs, nowMs);
    } catch (err) {
      throw new HubError('STORE', `cannot open a session for ${account.username}: ${(err as Error).message}`, { cause: err });
    }
    return { token, session: { account, csrfToken, createdAtMs: nowMs, expiresAtMs, lastSeenAtMs: nowMs } };
  }

  /**
   * The live session of a token, or undefined (unknown, expired, idle too long, account disabled
   * or gone). Moves last_seen forward, writing at most once a minute per session.
   */
  find(token: string, nowMs: number): Session | undefined {
    if (typeof token !== 'string' || !TOKEN_PATTERN.test(token)) return undefined;
    const hash = tokenHash(token);
    const row = this.byHash.get(hash);
    if (row === undefined || !this.live(row, nowMs)) return undefined;
    const account = this.accounts.byId(row.user_id);
    if (account === undefined || account.disabled) return undefined;
    let lastSeenAtMs = row.last_seen_at;
    if (nowMs - lastSeenAtMs >= LAST_SEEN_RESOLUTION_MS) {
      // Only ever forward: another process may have written a later time meanwhile.
      this.touch.run(nowMs, hash, nowMs);
      lastSeenAtMs = nowMs;
    }
    return { account, csrfToken: row.csrf_token, createdAtMs: row.created_at, expiresAtMs: row.expires_at, lastSeenAtMs };
  }

  /** Ends the session of a token (sign-out); false when there was none. */
  close(token: string): boolean {
    if (typeof token !== 'string' || !TOKEN_PATTERN.test(token)) return false;
    return this.remove.run(tokenHash(token)).changes > 0;
  }

  /** Ends every session of an account; returns how many there were. */
  closeAllOf(userId: number): number {
    return this.removeAllOf.run(userId).changes;
  }

  /** Deletes expired and idle sessions, and any left of disabled accounts; returns how many. */
  prune(nowMs: number): number {
    return this.removeDead.run(nowMs, nowMs - this.limits.idleMs).changes;
  }

  private live(row: SessionRow, nowMs: number): boolean {
    return nowMs < row.expires_at && nowMs < row.last_seen_at + this.limits.idleMs;
  }
}

function tokenHash(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

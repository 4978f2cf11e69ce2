import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SESSION_LIMITS, LAST_SEEN_RESOLUTION_MS, Sessions } from '../../../hub/auth/sessions.js';
import { hubErrorOf } from '../hub-error.js';
import { addUser, authDb, T0 } from './auth-db.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

function world() {
  const { db, accounts } = authDb();
  const alice = addUser(accounts, 'alice', 'admin');
  const bob = addUser(accounts, 'bob', 'hr');
  const sessions = new Sessions(db, accounts);
  const lastSeen = (token: string) => db.prepare('SELECT last_seen_at FROM auth_sessions WHERE token_hash = ?').pluck().get(sha256(token));
  const stored = () => db.prepare('SELECT count(*) FROM auth_sessions').pluck().get();
  return { db, accounts, sessions, alice, bob, lastSeen, stored };
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

describe('sessions', () => {
  it('opens a session whose token finds it again, with the account and a CSRF token', () => {
    const { sessions, alice, bob } = world();
    expect(DEFAULT_SESSION_LIMITS).toEqual({ ttlMs: 12 * HOUR, idleMs: 30 * MINUTE });
    const { token, session } = sessions.open(alice.userId, T0);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(session).toEqual({ account: alice, csrfToken: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) as unknown, createdAtMs: T0, expiresAtMs: T0 + 12 * HOUR, lastSeenAtMs: T0 });
    expect(session.csrfToken).not.toBe(token);
    expect(sessions.find(token, T0 + 1000)).toEqual(session);
    const other = sessions.open(bob.userId, T0);
    expect(other.token).not.toBe(token);
    expect(sessions.find(other.token, T0)?.account.username).toBe('bob');
  });

  it('stores only the SHA-256 of the token', () => {
    const { db, sessions, alice } = world();
    const { token, session } = sessions.open(alice.userId, T0);
    const rows = db.prepare('SELECT * FROM auth_sessions').all() as Record<string, unknown>[];
    expect(rows).toHaveLength(1);
    expect(rows[0]).toEqual({ token_hash: sha256(token), user_id: alice.userId, csrf_token: session.csrfToken, created_at: T0, expires_at: T0 + 12 * HOUR, last_seen_at: T0 });
    const everything = Object.values(rows[0]!).map((v) => (Buffer.isBuffer(v) ? `${v.toString('base64url')} ${v.toString('latin1')}` : String(v))).join(' ');
    expect(everything).not.toContain(token);
  });

  it('finds nothing for an unknown, malformed or closed token', () => {
    const { sessions, alice } = world();
    const { token } = sessions.open(alice.userId, T0);
    const altered = `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;
    for (const t of ['', 'x', `${token}x`, ` ${token}`, altered, undefined as never]) {
      expect(sessions.find(t, T0)).toBeUndefined();
    }
    expect(sessions.close(token)).toBe(true);
    expect(sessions.close(token)).toBe(false);
    expect(sessions.close('not a token')).toBe(false);
    expect(sessions.find(token, T0)).toBeUndefined();
  });

  it('ends a session at its absolute expiry however busy it is', () => {
    const { sessions, alice } = world();
    const { token } = sessions.open(alice.userId, T0);
    for (let t = T0; t < T0 + 12 * HOUR; t += 10 * MINUTE) expect(sessions.find(token, t)).toBeDefined();
    expect(sessions.find(token, T0 + 12 * HOUR - 1)).toBeDefined();
    expect(sessions.find(token, T0 + 12 * HOUR)).toBeUndefined();
  });

  it('ends a session idle for 30 minutes, counted from the last time it was seen', () => {
    const { sessions, alice } = world();
    const { token } = sessions.open(alice.userId, T0);
    expect(sessions.find(token, T0 + 29 * MINUTE)?.lastSeenAtMs).toBe(T0 + 29 * MINUTE);
    expect(sessions.find(token, T0 + 59 * MINUTE - 1)).toBeDefined();
    expect(sessions.find(token, T0 + 89 * MINUTE - 1)).toBeUndefined();
    const quiet = sessions.open(alice.userId, T0).token;
    expect(sessions.find(quiet, T0 + 30 * MINUTE)).toBeUndefined();
  });

  it('writes last_seen at most once a minute, only forward', () => {
    const { sessions, alice, lastSeen } = world();
    expect(LAST_SEEN_RESOLUTION_MS).toBe(MINUTE);
    const { token } = sessions.open(alice.userId, T0);
    expect(sessions.find(token, T0 + 10_000)?.lastSeenAtMs).toBe(T0);
    expect(sessions.find(token, T0 + 59_999)?.lastSeenAtMs).toBe(T0);
    expect(lastSeen(token)).toBe(T0);
    expect(sessions.find(token, T0 + 60_000)?.lastSeenAtMs).toBe(T0 + 60_000);
    expect(lastSeen(token)).toBe(T0 + 60_000);
    expect(sessions.find(token, T0 + 90_000)?.lastSeenAtMs).toBe(T0 + 60_000);
    expect(lastSeen(token)).toBe(T0 + 60_000);
    // A clock behind the stored time (another process's) moves nothing back.
    expect(sessions.find(token, T0 + 1000)?.lastSeenAtMs).toBe(T0 + 60_000);
    expect(lastSeen(token)).toBe(T0 + 60_000);
    // Because the last write counts, a session used only within its first minute idles out from the open.
    const early = sessions.open(alice.userId, T0).token;
    expect(sessions.find(early, T0 + 59_000)).toBeDefined();
    expect(sessions.find(early, T0 + 30 * MINUTE)).toBeUndefined();
  });

  it('finds nothing once the account is disabled, and refuses to open one for a disabled or unknown account', () => {
    const { accounts, sessions, bob, stored } = world();
    const { token } = sessions.open(bob.userId, T0);
    accounts.setDisabled('bob', true, T0 + 1);
    expect(sessions.find(token, T0 + 2)).toBeUndefined();
    expect(stored()).toBe(0);
    expect(hubErrorOf(() => sessions.open(bob.userId, T0 + 3))).toMatchObject({ code: 'UNAUTHORIZED', message: 'the account bob is disabled' });
    expect(hubErrorOf(() => sessions.open(999, T0)).code).toBe('NOT_FOUND');
    accounts.setDisabled('bob', false, T0 + 4);
    expect(sessions.find(token, T0 + 5)).toBeUndefined();
    expect(sessions.find(sessions.open(bob.userId, T0 + 5).token, T0 + 6)?.account.disabled).toBe(false);
  });

  it('sees a role change at once', () => {
    const { accounts, sessions, bob } = world();
    const { token } = sessions.open(bob.userId, T0);
    accounts.setRole('bob', 'facilities', T0 + 1);
    expect(sessions.find(token, T0 + 2)?.account.role).toBe('facilities');
  });

  it('closes every session of one account', () => {
    const { sessions, alice, bob, stored } = world();
    const a1 = sessions.open(alice.userId, T0).token;
    const a2 = sessions.open(alice.userId, T0).token;
    const b = sessions.open(bob.userId, T0).token;
    expect(sessions.closeAllOf(alice.userId)).toBe(2);
    expect(sessions.closeAllOf(alice.userId)).toBe(0);
    expect([a1, a2, b].map((t) => sessions.find(t, T0) !== undefined)).toEqual([false, false, true]);
    expect(stored()).toBe(1);
  });

  it('prunes expired and idle sessions and keeps live ones', () => {
    const { db, sessions, alice, bob, stored } = world();
    const busy = sessions.open(alice.userId, T0).token;
    const idle = sessions.open(alice.userId, T0 + 11 * HOUR).token;
    sessions.open(bob.userId, T0 + 11 * HOUR + 20 * MINUTE);
    for (let t = T0; t <= T0 + 11 * HOUR + 30 * MINUTE; t += 10 * MINUTE) sessions.find(busy, t);
    // Left behind by a disabled account's change in another process, say.
    db.prepare("UPDATE auth_users SET disabled_at = ? WHERE username = 'bob'").run(T0);
    expect(sessions.prune(T0 + 11 * HOUR + 30 * MINUTE)).toBe(2);
    expect(sessions.find(busy, T0 + 11 * HOUR + 31 * MINUTE)).toBeDefined();
    expect(sessions.find(idle, T0 + 11 * HOUR + 31 * MINUTE)).toBeUndefined();
    expect(stored()).toBe(1);
    expect(sessions.prune(T0 + 12 * HOUR)).toBe(1);
    expect(sessions.prune(T0 + 12 * HOUR)).toBe(0);
    expect(stored()).toBe(0);
  });

  it('takes other limits, and refuses ones that make no sense', () => {
    const { db, accounts, alice } = world();
    const short = new Sessions(db, accounts, { ttlMs: 10 * MINUTE, idleMs: 2 * MINUTE });
    const { token, session } = short.open(alice.userId, T0);
    expect(session.expiresAtMs).toBe(T0 + 10 * MINUTE);
    expect(short.find(token, T0 + 2 * MINUTE - 1)).toBeDefined();
    expect(short.find(token, T0 + 4 * MINUTE - 1)).toBeUndefined();
    expect(hubErrorOf(() => new Sessions(db, accounts, { ttlMs: 0, idleMs: MINUTE })).message).toMatch(/ttlMs must be a positive number of milliseconds/);
    expect(hubErrorOf(() => new Sessions(db, accounts, { ttlMs: HOUR, idleMs: Number.NaN })).message).toMatch(/idleMs/);
  });
});

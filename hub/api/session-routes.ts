import { z } from 'zod';
import type { Account, Accounts } from '../auth/accounts.js';
import type { Sessions } from '../auth/sessions.js';
import type { SignInLimiter } from '../auth/sign-in-limiter.js';
import { HubError } from '../errors.js';
import { actorFacts, type ActionLog } from './action-log.js';
import { SESSION_COOKIE } from './authenticate.js';
import type { Reply, Route } from './route.js';

export interface SessionRouteOptions {
  accounts: Accounts;
  sessions: Sessions;
  /** Failures per user name. */
  limiter: SignInLimiter;
  /** Failures per address: a larger allowance, since a factory's staff may share one address. */
  addressLimiter: SignInLimiter;
  actions: ActionLog;
  /** Mark the cookie Secure (the hub is reached over HTTPS, through a proxy that terminates TLS). */
  secureCookies: boolean;
  now: () => number;
}

const SignIn = z.strictObject({ username: z.string().min(1).max(100), password: z.string().min(1).max(1000) });

/** What the page knows of its user: name, role, the CSRF token to send back, and when the session ends. */
function me(p: { account: Account; csrfToken: string; expiresAtMs: number }): unknown {
  return { username: p.account.username, displayName: p.account.displayName, role: p.account.role, csrfToken: p.csrfToken, expiresAt: new Date(p.expiresAtMs).toISOString() };
}

function cookie(value: string, maxAgeSeconds: number, secure: boolean): string {
  return `${SESSION_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAgeSeconds}${secure ? '; Secure' : ''}`;
}

/**
 * Signing in and out. Failed sign-ins are counted per user name, and per address with four times
 * the allowance; past either limit sign-ins are refused until the window has passed, with
 * Retry-After, whether or not the password would now be right. Every sign-in, refusal and
 * sign-out is recorded.
 */
export function sessionRoutes(o: SessionRouteOptions): Route[] {
  return [
    {
      method: 'POST', path: '/api/v1/session', access: 'public', tag: 'session', audit: false, body: SignIn,
      summary: 'Sign in with a local account; sets the session cookie and returns the CSRF token',
      handle: async (ctx): Promise<Reply> => {
        const { username, password } = await ctx.body(SignIn);
        const name = username.trim().toLowerCase();
        const user = [`user:${name}`];
        const address = [`ip:${ctx.ip}`];
        const nowMs = o.now();
        const gates = [o.limiter.check(user, nowMs), o.addressLimiter.check(address, nowMs)];
        const wait = Math.max(0, ...gates.map((g) => (g.allowed ? 0 : g.retryAfterMs)));
        if (wait > 0) {
          const seconds = Math.ceil(wait / 1000);
          o.actions.record('api.sign_in_refused', nowMs, { username: name, reason: 'rate_limited', ip: ctx.ip });
          throw new HubError('RATE_LIMITED', `too many failed sign-ins; try again in ${Math.ceil(seconds / 60)} minute(s)`, { retryAfterMs: wait });
        }
        const account = o.accounts.verify(name, password);
        if (account === undefined) {
          o.limiter.failed(user, nowMs);
          o.addressLimiter.failed(address, nowMs);
          o.actions.record('api.sign_in_refused', nowMs, { username: name, reason: 'wrong_credentials', ip: ctx.ip });
          throw new HubError('UNAUTHORIZED', 'wrong user name or password, or the account is disabled');
        }
        o.limiter.succeeded(user);
        const opened = o.sessions.open(account.userId, nowMs);
        o.actions.record('api.signed_in', nowMs, { user: account.username, role: account.role, ip: ctx.ip });
        const maxAge = Math.max(0, Math.floor((opened.session.expiresAtMs - nowMs) / 1000));
        return { json: me(opened.session), headers: { 'set-cookie': cookie(opened.token, maxAge, o.secureCookies) } };
      },
    },
    {
      method: 'GET', path: '/api/v1/session', access: 'signed-in', tag: 'session',
      summary: 'The signed-in user, role and CSRF token',
      handle: (ctx) => {
        const p = ctx.principal;
        if (p?.kind !== 'session') throw new HubError('INVALID_INPUT', 'an API token has no session');
        return { json: me(p) };
      },
    },
    {
      method: 'DELETE', path: '/api/v1/session', access: 'signed-in', tag: 'session', audit: false, produces: 'none',
      summary: 'Sign out: ends the session and clears the cookie',
      handle: (ctx) => {
        const p = ctx.principal;
        if (p?.kind === 'session') {
          o.sessions.close(p.token);
          o.actions.record('api.signed_out', o.now(), actorFacts(p, ctx.ip));
        }
        return { status: 204, headers: { 'set-cookie': cookie('', 0, o.secureCookies) } };
      },
    },
  ];
}

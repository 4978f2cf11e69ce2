import type { IncomingMessage } from 'node:http';
import type { Sessions } from '../auth/sessions.js';
import { sameSecret } from '../broker/password-hash.js';
import { HubError } from '../errors.js';
import type { Access, Principal } from './route.js';

/** The session cookie: HttpOnly, SameSite=Strict, for the whole site. */
export const SESSION_COOKIE = 'rollcall_session';

/** Methods that change something: a session must prove them with its CSRF token. */
const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * The caller, from a bearer token (when `token` is set) or the session cookie. A bearer header that
 * is wrong is refused outright, even with a good cookie beside it: a client that sends one meant
 * to use it.
 */
export function principalOf(req: IncomingMessage, sessions: Sessions, token: string | undefined, nowMs: number): Principal | undefined {
  const header = req.headers.authorization;
  if (header !== undefined) {
    const given = Buffer.from(header.startsWith('Bearer ') ? header.slice(7) : '');
    if (token === undefined || !sameSecret(given, Buffer.from(token))) {
      throw new HubError('UNAUTHORIZED', token === undefined ? 'this hub takes no bearer tokens (api.tokenFile is not set); sign in' : 'missing or wrong bearer token');
    }
    const who = req.headers['x-rollcall-user'];
    return { kind: 'token', name: typeof who === 'string' && who.trim() !== '' ? who.trim().slice(0, 100) : 'api-token' };
  }
  const cookie = cookieValue(req, SESSION_COOKIE);
  if (cookie === undefined) return undefined;
  const session = sessions.find(cookie, nowMs);
  if (session === undefined) return undefined;
  return { kind: 'session', account: session.account, csrfToken: session.csrfToken, token: cookie, expiresAtMs: session.expiresAtMs };
}

/** Refuses a caller the route's access does not admit: 401 when nobody is signed in, 403 for a role the route does not take. */
export function authorize(access: Access, principal: Principal | undefined, what: string): void {
  if (access === 'public') return;
  if (principal === undefined) throw new HubError('UNAUTHORIZED', 'sign in first (or your session has expired)');
  if (access === 'signed-in' || principal.kind === 'token') return;
  if (!access.includes(principal.account.role)) {
    throw new HubError('FORBIDDEN', `the ${principal.account.role} role cannot ${what}; it is for ${access.join(' or ')}`);
  }
}

/**
 * A state-changing request whose browser names an `Origin` must come from this server's pages
 * (signing in included: no other site can sign a browser in to an account of its choosing). On
 * a session it must also carry the session's CSRF token in `x-csrf-token`, which a page on
 * another site cannot read. Token callers send no cookies, so a forged request cannot borrow them.
 */
export function checkCsrf(req: IncomingMessage, principal: Principal | undefined): void {
  if (SAFE.has(req.method ?? 'GET')) return;
  const origin = req.headers.origin;
  if (origin !== undefined && origin !== 'null') {
    let host: string | undefined;
    try {
      host = new URL(origin).host;
    } catch {
      host = undefined;
    }
    if (host !== req.headers.host) throw new HubError('FORBIDDEN', `a request from ${origin} cannot act on this hub`);
  }
  if (principal?.kind !== 'session') return;
  if (!sameSecret(Buffer.from(String(req.headers['x-csrf-token'] ?? '')), Buffer.from(principal.csrfToken))) {
    throw new HubError('FORBIDDEN', 'the x-csrf-token header is missing or wrong; reload the page and try again');
  }
}

export function cookieValue(req: IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

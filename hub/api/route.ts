import type { IncomingMessage, ServerResponse } from 'node:http';
import type { z } from 'zod';
import type { Account } from '../auth/accounts.js';
import type { Role } from '../auth/roles.js';
import { HubError } from '../errors.js';
import type { LiveTopic } from './live-events.js';

/**
 * Who is asking. A signed-in user acts under their account's role; the API token
 * (`api.tokenFile`) is the integrations' credential (a delivery-receipt callback, a script) and
 * holds every role, acting as the name the caller gives in `x-rollcall-user`.
 */
export type Principal =
  | { kind: 'session'; account: Account; csrfToken: string; token: string; expiresAtMs: number }
  | { kind: 'token'; name: string };

/** Who may call a route: the listed roles, any signed-in user or token, or anyone (signing in, the page itself). */
export type Access = readonly Role[] | 'signed-in' | 'public';

export interface Reply {
  status?: number;
  json?: unknown;
  file?: { body: Buffer; contentType: string; name: string; inline?: boolean };
  text?: { body: string; contentType: string };
  headers?: Record<string, string>;
}

export interface RouteContext {
  req: IncomingMessage;
  /** For routes that answer by streaming (server-sent events); such a handler returns `undefined`. */
  res: ServerResponse;
  url: URL;
  /** The path's `{name}` segments, decoded. */
  params: Record<string, string>;
  /** Undefined only on public routes. */
  principal: Principal | undefined;
  /** The request body parsed as JSON (bounded) and checked against `schema`, or INVALID_INPUT naming each field. */
  body<T>(schema: z.ZodType<T>): Promise<T>;
  /** The name actions are recorded under: the account's user name, or what a token caller gave. */
  actor: string;
  /** The client's address, as the socket reports it. */
  ip: string;
}

export interface Route {
  method: 'GET' | 'POST' | 'DELETE';
  /** `/api/v1/cases/{id}`; a `{name}` matches one path segment. */
  path: string;
  access: Access;
  /** One line for the OpenAPI document. */
  summary: string;
  tag: string;
  /** Documented query parameters (name → description); handlers read and check them. */
  query?: Record<string, string>;
  /** The body's schema, for the OpenAPI document (handlers parse with it through `ctx.body`). */
  body?: z.ZodType;
  /** What a success returns, for the document: `json` (default), a download, HTML, an event stream, text, or nothing. */
  produces?: 'json' | 'file' | 'html' | 'event-stream' | 'text' | 'none';
  /** What live pages are told changed after the route succeeds (server-sent events). */
  changes?: LiveTopic;
  /** A state-changing route recorded in the evidence log (every POST and DELETE is, unless it records itself). */
  audit?: false;
  handle(ctx: RouteContext): Promise<Reply | undefined> | Reply | undefined;
}

/** Refuses with 404: the record a route was asked for does not exist. */
export function notFound(message: string): never {
  throw new HubError('NOT_FOUND', message);
}

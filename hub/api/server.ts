import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { z } from 'zod';
import { packageVersion } from '../../agent/version.js';
import { Accounts } from '../auth/accounts.js';
import { DEFAULT_SESSION_LIMITS, Sessions, type SessionLimits } from '../auth/sessions.js';
import { DEFAULT_LIMITER_OPTIONS, SignInLimiter } from '../auth/sign-in-limiter.js';
import type { HubSite } from '../config/load.js';
import { HubError, type HubErrorCode } from '../errors.js';
import type { EvidenceLog } from '../evidence/log.js';
import { zone, type Zone } from '../time/zone.js';
import type { HubModules } from '../wiring/modules.js';
import { ActionLog, actorFacts } from './action-log.js';
import { adminRoutes, type AdminRouteOptions } from './admin-routes.js';
import { authorize, checkCsrf, principalOf } from './authenticate.js';
import { caseRoutes, type CaseRouteOptions } from './case-routes.js';
import { facilitiesRoutes } from './facilities-routes.js';
import { LiveEvents } from './live-events.js';
import { openApiDocument } from './openapi.js';
import { reportRoutes } from './report-routes.js';
import { notFound, type Principal, type Reply, type Route, type RouteContext } from './route.js';
import { Router } from './router.js';
import { sessionRoutes } from './session-routes.js';
import { dashboardDir, staticFile } from './static-files.js';

export interface ApiOptions {
  host: string;
  port: number;
  /** Bearer token integrations send (api.tokenFile); it holds every role. */
  token?: string;
  sites: readonly HubSite[];
  modules: HubModules;
  /** Cases, their notices and the outbox's receipts (absent: no case routes). */
  cases?: Omit<CaseRouteOptions, 'directory' | 'now'>;
  /** Where actions are recorded (sign-ins, approvals, every change made over the API). */
  evidence?: EvidenceLog;
  /** Session lifetimes; the cookie's Secure flag (set when users reach the hub over HTTPS). */
  sessions?: Partial<SessionLimits> & { secureCookies?: boolean };
  /** Failed sign-ins allowed per user name and per address in `windowMs`. */
  signIn?: { maxFailures?: number; windowMs?: number };
  /** Live updates: the hub publishes to it; the API streams it. One is made when absent. */
  events?: LiveEvents;
  /** Prometheus text for /metrics. */
  metrics?: () => string;
  /** The admin's views: configuration (without secrets) and policy. */
  admin?: Pick<AdminRouteOptions, 'config' | 'policy'>;
  /** The dashboard's files; found in the package when absent, none served when null. */
  dashboard?: string | null;
  now?: () => number;
  logger: Logger;
}

export interface RunningApi {
  url: string;
  events: LiveEvents;
  accounts: Accounts;
  router: Router;
  close(): Promise<void>;
}

const MAX_BODY = 1 << 20;
/** An address may fail this many times more than one user name: a site's staff often share one. */
const ADDRESS_ALLOWANCE = 4;
const STATUS_OF: Partial<Record<HubErrorCode, number>> = { UNAUTHORIZED: 401, FORBIDDEN: 403, NOT_FOUND: 404, INVALID_INPUT: 400, CALENDAR: 400, CONFLICT: 409, RATE_LIMITED: 429 };
const SECURITY_HEADERS = {
  'content-security-policy': "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

/**
 * The hub's HTTP API and dashboard. Every route names who may call it (route.ts): a signed-in
 * user of a role (local accounts, session cookie, CSRF token on every change) or the API token.
 * Every change made through it is recorded in the evidence log. Errors are
 * `{error: {code, message, problems}}` with the HTTP status the code calls for.
 */
export async function startApi(options: ApiOptions): Promise<RunningApi> {
  const { modules: m, logger } = options;
  const now = options.now ?? Date.now;
  const zones = new Map<string, Zone>(options.sites.map((s) => [s.id, zone(s.timeZone)]));
  const zoneOf = (site: string): Zone => zones.get(site) ?? notFound(`no site ${site}`);
  const accounts = new Accounts(m.db);
  const sessions = new Sessions(m.db, accounts, { ...DEFAULT_SESSION_LIMITS, ...pick(options.sessions) });
  const limiter = new SignInLimiter(options.signIn ?? {});
  const perAddress = options.signIn?.maxFailures ?? DEFAULT_LIMITER_OPTIONS.maxFailures;
  const addressLimiter = new SignInLimiter({ ...options.signIn, maxFailures: perAddress * ADDRESS_ALLOWANCE });
  const actions = new ActionLog(options.evidence, logger);
  const events = options.events ?? new LiveEvents();
  const dashboard = options.dashboard === null ? undefined : (options.dashboard ?? dashboardDir());
  if (dashboard === undefined && options.dashboard !== null) logger.warn('the dashboard\'s files are not in this installation; the API answers without it');

  const routes: Route[] = [
    ...sessionRoutes({ accounts, sessions, limiter, addressLimiter, actions, secureCookies: options.sessions?.secureCookies ?? false, now }),
    ...reportRoutes({ sites: options.sites, modules: m, zoneOf, now }),
    ...(options.cases === undefined ? [] : caseRoutes({ ...options.cases, directory: m.directory, now })),
    ...facilitiesRoutes({ sites: options.sites, modules: m, zoneOf, now, ...(options.metrics === undefined ? {} : { metrics: options.metrics }) }),
    ...adminRoutes({ db: m.db, accounts, sessions, now, ...options.admin }),
    events.route(),
  ];
  routes.push({
    method: 'GET', path: '/api/v1/openapi.json', access: 'public', tag: 'overview',
    summary: 'This document',
    handle: () => ({ json: document }),
  });
  const router = new Router(routes);
  const document = openApiDocument(routes, packageVersion());

  const server = createServer((req, res) => {
    void handle(req, res).catch((err: unknown) => logger.error({ err }, 'API handler failed'));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://hub');
    const method = req.method ?? 'GET';
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) res.setHeader(k, v);
    const ip = req.socket.remoteAddress ?? '';
    let principal: Principal | undefined;
    let route: Route | undefined;
    let params: Record<string, string> = {};
    try {
      const match = router.match(method, url.pathname);
      if (match.kind === 'no-route') {
        const file = dashboard !== undefined && (method === 'GET' || method === 'HEAD') && !url.pathname.startsWith('/api/') ? staticFile(dashboard, url.pathname) : undefined;
        if (file !== undefined) {
          res.writeHead(200, { 'content-type': file.contentType, 'cache-control': 'no-cache' });
          res.end(method === 'HEAD' ? undefined : file.body);
          return;
        }
        return send(res, 404, { error: { code: 'NOT_FOUND', message: `no route ${url.pathname}`, problems: [] } });
      }
      if (match.kind === 'wrong-method') {
        res.setHeader('allow', match.allowed.join(', '));
        return send(res, 405, { error: { code: 'METHOD', message: `${method} is not allowed on ${url.pathname}`, problems: [] } });
      }
      route = match.route;
      params = match.params;
      principal = principalOf(req, sessions, options.token, now());
      authorize(route.access, principal, `${method} ${route.path}`);
      checkCsrf(req, principal);
      const ctx: RouteContext = { req, res, url, params, principal, ip, actor: actorName(principal), body: (schema) => parsedBody(req, schema) };
      const reply = await route.handle(ctx);
      if (reply === undefined) return;
      audit(route, method, url, params, principal, ip, reply.status ?? 200);
      if (route.changes !== undefined) events.publish(route.changes);
      write(res, reply);
    } catch (err) {
      if (err instanceof HubError) {
        const status = STATUS_OF[err.code] ?? 500;
        // Refusals of someone signed in (or holding the token) are kept; anonymous ones are not, or
        // anyone who can reach the port could fill the append-only log.
        if (route !== undefined && principal !== undefined && (err.code === 'FORBIDDEN' || method !== 'GET')) audit(route, method, url, params, principal, ip, status, err.message);
        if (err.retryAfterMs !== undefined) res.setHeader('retry-after', String(Math.ceil(err.retryAfterMs / 1000)));
        send(res, status, { error: { code: err.code, message: err.message, problems: err.problems } });
      } else {
        logger.error({ err, path: url.pathname }, 'API request failed');
        send(res, 500, { error: { code: 'INTERNAL', message: 'the hub could not answer; see its log', problems: [] } });
      }
    }
  }

  /** Records a change made (or refused) over the API; reads are not actions, refusals of them are. */
  function audit(route: Route, method: string, url: URL, params: Record<string, string>, principal: Principal | undefined, ip: string, status: number, refusal?: string): void {
    if (route.audit === false || (method === 'GET' && refusal === undefined)) return;
    actions.record(refusal === undefined ? 'api.action' : 'api.refused', now(), {
      ...actorFacts(principal, ip), method, path: url.pathname, route: route.path, params, status, ...(refusal === undefined ? {} : { reason: refusal }),
    });
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : options.port;
  const url = `http://${options.host.includes(':') ? `[${options.host}]` : options.host}:${port}`;
  logger.info({ url, dashboard: dashboard !== undefined }, 'API listening');
  return {
    url, events, accounts, router,
    close: () => {
      events.close();
      return closeServer(server);
    },
  };
}

function actorName(p: Principal | undefined): string {
  if (p === undefined) return 'anonymous';
  return p.kind === 'token' ? p.name : p.account.username;
}

function write(res: ServerResponse, reply: Reply): void {
  for (const [k, v] of Object.entries(reply.headers ?? {})) res.setHeader(k, v);
  if (reply.file !== undefined) {
    const name = reply.file.name.replace(/[^A-Za-z0-9._-]/g, '_');
    res.writeHead(reply.status ?? 200, { 'content-type': reply.file.contentType, 'content-disposition': `${reply.file.inline === true ? 'inline' : 'attachment'}; filename="${name}"`, 'cache-control': 'no-store' });
    res.end(reply.file.body);
  } else if (reply.text !== undefined) {
    res.writeHead(reply.status ?? 200, { 'content-type': reply.text.contentType, 'cache-control': 'no-store' });
    res.end(reply.text.body);
  } else if (reply.status === 204) {
    res.writeHead(204);
    res.end();
  } else send(res, reply.status ?? 200, reply.json);
}

async function parsedBody<T>(req: IncomingMessage, schema: z.ZodType<T>): Promise<T> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new HubError('INVALID_INPUT', 'the request body is over 1 MiB');
    chunks.push(chunk as Buffer);
  }
  let raw: unknown;
  try {
    const text = Buffer.concat(chunks).toString('utf8');
    raw = text.trim() === '' ? {} : JSON.parse(text);
  } catch {
    throw new HubError('INVALID_INPUT', 'the request body is not JSON');
  }
  const result = schema.safeParse(raw);
  if (result.success) return result.data;
  throw new HubError('INVALID_INPUT', 'the request body does not fit', {
    problems: result.error.issues.map((i) => ({ row: 0, field: i.path.join('.') || '(body)', message: i.message })),
  });
}

function send(res: ServerResponse, status: number, json: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(JSON.stringify(json));
}

function pick(o: (Partial<SessionLimits> & { secureCookies?: boolean }) | undefined): Partial<SessionLimits> {
  return { ...(o?.ttlMs === undefined ? {} : { ttlMs: o.ttlMs }), ...(o?.idleMs === undefined ? {} : { idleMs: o.idleMs }) };
}

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

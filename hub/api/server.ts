import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import type { Logger } from 'pino';
import type { HubSite } from '../config/load.js';
import { HubError } from '../errors.js';
import { caseRoutes, type CaseRouteOptions } from './case-routes.js';
import { absencesTable, departmentsTable, noShowsTable } from '../reports/absence-tables.js';
import { writeReport } from '../reports/format/write-report.js';
import type { ReportFormat, ReportTable } from '../reports/format/table.js';
import type { NewLeave } from '../leave/types.js';
import { parseLocalDate } from '../time/local-date.js';
import { zone, type Zone } from '../time/zone.js';
import type { HubModules } from '../wiring/modules.js';

export interface ApiOptions {
  host: string;
  port: number;
  /** Bearer token every request must carry; without one, only clients on this machine are served. */
  token?: string;
  sites: readonly HubSite[];
  modules: HubModules;
  /** Cases, their notices and the outbox's receipts (absent: no case routes). */
  cases?: Omit<CaseRouteOptions, 'body' | 'actor'>;
  logger: Logger;
}

export interface RunningApi {
  url: string;
  close(): Promise<void>;
}

type Handler = (req: IncomingMessage, url: URL, params: string[]) => Promise<Reply> | Reply;
interface Reply {
  status?: number;
  json?: unknown;
  file?: { body: Buffer; contentType: string; name: string; inline?: boolean };
}

const MAX_BODY = 1 << 20;

/**
 * The hub's HTTP API (JSON): status, reports (JSON, or CSV/XLSX downloads), employees, leave,
 * and cases with their notices and message receipts (case-routes.ts).
 * Errors are `{error: {code, message, problems}}` with the HTTP status the code calls for.
 */
export async function startApi(options: ApiOptions): Promise<RunningApi> {
  const { modules: m, logger } = options;
  const zones = new Map<string, Zone>(options.sites.map((s) => [s.id, zone(s.timeZone)]));
  const zoneOf = (site: string): Zone => zones.get(site) ?? fail('NOT_FOUND', `no site ${site}`);
  const src = { reports: m.reports, directory: m.directory, zoneOf };
  const routes: Array<[string, RegExp, Handler]> = [
    ['GET', /^\/api\/v1\/status$/, () => ({ json: status(options.sites, m, zoneOf) })],
    ['GET', /^\/api\/v1\/reports\/absences$/, (_r, u) => report(absencesTable(src, period(u)), u)],
    ['GET', /^\/api\/v1\/reports\/departments$/, (_r, u) => report(departmentsTable(src, period(u)), u)],
    ['GET', /^\/api\/v1\/reports\/no-shows$/, (_r, u) => report(noShowsTable(src, { date: dateParam(u, 'date'), ...optional(u, 'site') }), u)],
    ['GET', /^\/api\/v1\/employees\/([^/]+)$/, (_r, _u, [id]) => ({ json: m.directory.getEmployee(id!) ?? fail('NOT_FOUND', `no employee ${id}`) })],
    ['GET', /^\/api\/v1\/employees\/([^/]+)\/history$/, (_r, _u, [id]) => ({ json: m.directory.history(id!) })],
    ['GET', /^\/api\/v1\/leave$/, (_r, u) => ({ json: m.leave.listLeave({ ...optional(u, 'employeeId'), ...optionalDate(u, 'from'), ...optionalDate(u, 'to') }) })],
    ['POST', /^\/api\/v1\/leave$/, async (r) => ({ status: 201, json: m.leave.addLeave((await body(r)) as NewLeave, actor(r)) })],
    ['POST', /^\/api\/v1\/leave\/(\d+)\/cancel$/, (r, _u, [id]) => ({ json: m.leave.cancelLeave(Number(id), actor(r)) })],
    ['GET', /^\/api\/v1\/dead-letters$/, () => ({ json: m.punches.deadLetters({ limit: 500 }).map((d) => ({ ...d, payload: d.payload.toString('utf8') })) })],
    ...(options.cases === undefined ? [] : caseRoutes({ ...options.cases, body, actor })),
  ];

  const server = createServer((req, res) => {
    void handle(req, res).catch((err: unknown) => logger.error({ err }, 'API handler failed'));
  });
  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://hub');
    try {
      if (!allowed(req, options.token)) throw new HubError('UNAUTHORIZED', options.token === undefined ? 'this API answers only on this machine until api.tokenFile is set' : 'missing or wrong bearer token');
      const match = routes.map(([method, re, h]) => ({ method, m: re.exec(url.pathname), h })).filter((r) => r.m !== null);
      if (match.length === 0) return send(res, 404, { error: { code: 'NOT_FOUND', message: `no route ${url.pathname}` } });
      const route = match.find((r) => r.method === req.method);
      if (route === undefined) return send(res, 405, { error: { code: 'METHOD', message: `${req.method} is not allowed on ${url.pathname}` } });
      const reply = await route.h(req, url, route.m!.slice(1).map((p) => decodeURIComponent(p)));
      if (reply.file !== undefined) {
        res.writeHead(200, { 'content-type': reply.file.contentType, 'content-disposition': `${reply.file.inline === true ? 'inline' : 'attachment'}; filename="${reply.file.name}"` });
        res.end(reply.file.body);
      } else send(res, reply.status ?? 200, reply.json);
    } catch (err) {
      if (err instanceof HubError) {
        const statusCode = err.code === 'UNAUTHORIZED' ? 401 : err.code === 'NOT_FOUND' ? 404 : err.code === 'INVALID_INPUT' || err.code === 'CALENDAR' ? 400 : 500;
        send(res, statusCode, { error: { code: err.code, message: err.message, problems: err.problems } });
      } else {
        logger.error({ err, path: url.pathname }, 'API request failed');
        send(res, 500, { error: { code: 'INTERNAL', message: 'the hub could not answer; see its log' } });
      }
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : options.port;
  const url = `http://${options.host.includes(':') ? `[${options.host}]` : options.host}:${port}`;
  logger.info({ url }, 'API listening');
  return { url, close: () => closeServer(server) };
}

function status(sites: readonly HubSite[], m: HubModules, zoneOf: (site: string) => Zone): unknown {
  return {
    sites: sites.map((s) => {
      const z = zoneOf(s.id);
      const watermark = m.health.watermark(s.id, s.gateways.map((g) => g.id));
      return {
        site: s.id,
        name: s.name ?? null,
        timeZone: s.timeZone,
        watermark: watermark === null ? null : z.format(watermark),
        punches: m.punches.count(s.id),
        gateways: m.health.gateways(s.id).map((g) => ({ ...g, at: z.format(g.atMs) })),
        terminals: m.health.terminals(s.id).map((t) => ({ ...t.health, deliveredThrough: t.deliveredThroughMs === null ? null : z.format(t.deliveredThroughMs), retired: t.retiredMs !== null })),
      };
    }),
    deadLetters: m.punches.deadLetters({ limit: 10_000 }).length,
  };
}

function report(table: ReportTable, url: URL): Reply {
  const format = (url.searchParams.get('format') ?? 'json') as ReportFormat;
  if (!['csv', 'xlsx', 'json'].includes(format)) fail('INVALID_INPUT', `format must be csv, xlsx or json, not "${format}"`);
  if (format === 'json') return { json: table };
  const written = writeReport(table, format);
  return { file: { body: written.body, contentType: written.contentType, name: `${table.title.replace(/[^A-Za-z0-9-]+/g, '-')}.${written.extension}` } };
}

function period(url: URL): { from: string; to: string; site?: string; department?: string } {
  return { from: dateParam(url, 'from'), to: dateParam(url, 'to'), ...optional(url, 'site'), ...optional(url, 'department') };
}

function dateParam(url: URL, name: string): string {
  const v = url.searchParams.get(name);
  if (v === null) fail('INVALID_INPUT', `query parameter ${name}=YYYY-MM-DD is required`);
  return parseLocalDate(v);
}

function optional<K extends string>(url: URL, name: K): Partial<Record<K, string>> {
  const v = url.searchParams.get(name);
  return v === null ? {} : ({ [name]: v } as Record<K, string>);
}

function optionalDate<K extends string>(url: URL, name: K): Partial<Record<K, string>> {
  const v = url.searchParams.get(name);
  return v === null ? {} : ({ [name]: parseLocalDate(v) } as Record<K, string>);
}

function actor(req: IncomingMessage): string {
  const who = req.headers['x-rollcall-user'];
  return typeof who === 'string' && who.trim() !== '' ? who.trim().slice(0, 100) : 'api';
}

async function body(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) fail('INVALID_INPUT', 'the request body is over 1 MiB');
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    return fail('INVALID_INPUT', 'the request body is not JSON');
  }
}

function allowed(req: IncomingMessage, token: string | undefined): boolean {
  if (token === undefined) {
    const from = req.socket.remoteAddress ?? '';
    return from === '127.0.0.1' || from === '::1' || from === '::ffff:127.0.0.1';
  }
  const header = req.headers.authorization ?? '';
  const given = Buffer.from(header.startsWith('Bearer ') ? header.slice(7) : '');
  const want = Buffer.from(token);
  return given.length === want.length && timingSafeEqual(given, want);
}

function send(res: ServerResponse, status: number, json: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(json));
}

function fail(code: 'NOT_FOUND' | 'INVALID_INPUT', message: string): never {
  throw new HubError(code, message);
}

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

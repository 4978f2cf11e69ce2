import type { HubSite } from '../config/load.js';
import { HubError } from '../errors.js';
import type { NewLeave } from '../leave/types.js';
import { absencesTable, departmentsTable, noShowsTable } from '../reports/absence-tables.js';
import type { ReportFormat, ReportTable } from '../reports/format/table.js';
import { writeReport } from '../reports/format/write-report.js';
import { datesBetween, dayNumber, type LocalDate } from '../time/local-date.js';
import type { Zone } from '../time/zone.js';
import type { HubModules } from '../wiring/modules.js';
import { z } from 'zod';
import { dateParam, optional, optionalDate } from './query-params.js';
import { notFound, type Reply, type Route } from './route.js';

export interface ReportRouteOptions {
  sites: readonly HubSite[];
  modules: HubModules;
  zoneOf(site: string): Zone;
  now: () => number;
}

const PERIOD = { from: 'first date, YYYY-MM-DD', to: 'last date, YYYY-MM-DD', site: 'one site (optional)', department: 'one department (optional)', format: 'json (default), csv or xlsx' };
/** The longest period a trend is drawn over. */
const MAX_TREND_DAYS = 366;
/** The leave body's shape is checked by the leave module, which names each field; this is for the document. */
const LeaveBody = z.object({ employee: z.string(), kind: z.string(), from: z.string(), to: z.string().optional(), note: z.string().optional() });

/**
 * What HR reads and records outside cases: the site overview, today's date at each site, the
 * absence reports (JSON tables, CSV and XLSX), the daily trend, employees and leave; and the
 * dead letters for the admin.
 */
export function reportRoutes(o: ReportRouteOptions): Route[] {
  const m = o.modules;
  const src = { reports: m.reports, directory: m.directory, zoneOf: o.zoneOf };
  return [
    {
      method: 'GET', path: '/api/v1/status', access: 'signed-in', tag: 'overview',
      summary: 'Each site: watermark, punches stored, gateways and terminals; dead letters',
      handle: () => ({ json: status(o) }),
    },
    {
      method: 'GET', path: '/api/v1/today', access: 'signed-in', tag: 'overview',
      summary: 'Today\'s date and the time now at each site',
      handle: () => ({
        json: {
          sites: o.sites.map((s) => {
            const z = o.zoneOf(s.id);
            const nowMs = o.now();
            return { site: s.id, name: s.name ?? null, timeZone: s.timeZone, today: z.local(nowMs).date, now: z.format(nowMs) };
          }),
        },
      }),
    },
    {
      method: 'GET', path: '/api/v1/reports/absences', access: ['hr'], tag: 'reports', query: PERIOD, produces: 'file',
      summary: 'Absent days per employee over a period (JSON table, CSV or XLSX)',
      handle: (ctx) => report(absencesTable(src, period(ctx.url)), ctx.url),
    },
    {
      method: 'GET', path: '/api/v1/reports/departments', access: ['hr'], tag: 'reports', query: PERIOD, produces: 'file',
      summary: 'Absenteeism by department over a period (JSON table, CSV or XLSX)',
      handle: (ctx) => report(departmentsTable(src, period(ctx.url)), ctx.url),
    },
    {
      method: 'GET', path: '/api/v1/reports/no-shows', access: ['hr'], tag: 'reports', produces: 'file',
      query: { date: 'the day, YYYY-MM-DD', site: 'one site (optional)', format: 'json (default), csv or xlsx' },
      summary: 'The no-shows of one day (JSON table, CSV or XLSX)',
      handle: (ctx) => report(noShowsTable(src, { date: dateParam(ctx.url, 'date'), ...optional(ctx.url, 'site') }), ctx.url),
    },
    {
      method: 'GET', path: '/api/v1/reports/trend', access: ['hr'], tag: 'reports', query: { from: PERIOD.from, to: PERIOD.to, site: PERIOD.site, department: PERIOD.department },
      summary: 'Absent days and no-shows per day over a period (for the trend chart)',
      handle: (ctx) => ({ json: trend(o, period(ctx.url)) }),
    },
    {
      method: 'GET', path: '/api/v1/employees/{id}', access: ['hr'], tag: 'people',
      summary: 'One employee as the directory holds them',
      handle: (ctx) => ({ json: m.directory.getEmployee(ctx.params.id!) ?? notFound(`no employee ${ctx.params.id}`) }),
    },
    {
      method: 'GET', path: '/api/v1/employees/{id}/history', access: ['hr'], tag: 'people',
      summary: 'The directory\'s changes to one employee',
      handle: (ctx) => ({ json: m.directory.history(ctx.params.id!) }),
    },
    {
      method: 'GET', path: '/api/v1/leave', access: ['hr'], tag: 'people', query: { employeeId: 'one employee (optional)', from: 'YYYY-MM-DD (optional)', to: 'YYYY-MM-DD (optional)' },
      summary: 'Leave recorded, by employee and period',
      handle: (ctx) => ({ json: m.leave.listLeave({ ...optional(ctx.url, 'employeeId'), ...optionalDate(ctx.url, 'from'), ...optionalDate(ctx.url, 'to') }) }),
    },
    {
      method: 'POST', path: '/api/v1/leave', access: ['hr'], tag: 'people', body: LeaveBody,
      summary: 'Record approved leave',
      handle: async (ctx) => ({ status: 201, json: m.leave.addLeave((await ctx.body(z.unknown())) as NewLeave, ctx.actor) }),
    },
    {
      method: 'POST', path: '/api/v1/leave/{id}/cancel', access: ['hr'], tag: 'people',
      summary: 'Cancel recorded leave',
      handle: (ctx) => ({ json: m.leave.cancelLeave(Number(ctx.params.id), ctx.actor) }),
    },
    {
      method: 'GET', path: '/api/v1/dead-letters', access: ['admin'], tag: 'admin',
      summary: 'MQTT messages the hub could not take, with why',
      handle: () => ({ json: m.punches.deadLetters({ limit: 500 }).map((d) => ({ ...d, payload: d.payload.toString('utf8') })) }),
    },
  ];
}

function status(o: ReportRouteOptions): unknown {
  const m = o.modules;
  return {
    sites: o.sites.map((s) => {
      const z = o.zoneOf(s.id);
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
    deadLetters: m.punches.deadLettersWaiting(),
  };
}

/** Absent days (as classified) and no-shows per day of the period, for a site or department or all. */
function trend(o: ReportRouteOptions, q: ReturnType<typeof period>): unknown {
  const count = dayNumber(q.to) - dayNumber(q.from) + 1;
  if (count < 1) throw new HubError('INVALID_INPUT', `the period ends (${q.to}) before it starts (${q.from})`);
  if (count > MAX_TREND_DAYS) throw new HubError('INVALID_INPUT', `a trend covers at most ${MAX_TREND_DAYS} days; ${q.from} to ${q.to} is ${count}`);
  const days = [...datesBetween(q.from, q.to)];
  const absent = new Map<LocalDate, number>();
  for (const e of o.modules.reports.absences(q)) for (const d of e.absentDates) absent.set(d, (absent.get(d) ?? 0) + 1);
  // The same people miss many days: each is looked up in the directory once per request.
  const departments = new Map<string, string | null | undefined>();
  const inDepartment = (employeeId: string): boolean => {
    if (q.department === undefined) return true;
    if (!departments.has(employeeId)) departments.set(employeeId, o.modules.directory.getEmployee(employeeId)?.department);
    return departments.get(employeeId) === q.department;
  };
  return {
    from: q.from,
    to: q.to,
    site: q.site ?? null,
    department: q.department ?? null,
    days: days.map((date) => ({
      date,
      absent: absent.get(date) ?? 0,
      noShows: o.modules.reports.dailyNoShows({ date, ...(q.site === undefined ? {} : { site: q.site }) }).filter((e) => inDepartment(e.employeeId)).length,
    })),
  };
}

function report(table: ReportTable, url: URL): Reply {
  const format = (url.searchParams.get('format') ?? 'json') as ReportFormat;
  if (!['csv', 'xlsx', 'json'].includes(format)) throw new HubError('INVALID_INPUT', `format must be csv, xlsx or json, not "${format}"`);
  if (format === 'json') return { json: table };
  const written = writeReport(table, format);
  return { file: { body: written.body, contentType: written.contentType, name: `${table.title.replace(/[^A-Za-z0-9-]+/g, '-')}.${written.extension}` } };
}

function period(url: URL): { from: LocalDate; to: LocalDate; site?: string; department?: string } {
  return { from: dateParam(url, 'from'), to: dateParam(url, 'to'), ...optional(url, 'site'), ...optional(url, 'department') };
}

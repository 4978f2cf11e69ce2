import type { HubSite } from '../config/load.js';
import { HubError } from '../errors.js';
import { EXPOSITION_CONTENT_TYPE } from '../metrics/exposition.js';
import type { Zone } from '../time/zone.js';
import type { HubModules } from '../wiring/modules.js';
import { facilitiesView } from './facilities-view.js';
import { instant, required } from './query-params.js';
import type { Route } from './route.js';

export interface FacilitiesRouteOptions {
  sites: readonly HubSite[];
  modules: HubModules;
  zoneOf(site: string): Zone;
  now: () => number;
  /** The Prometheus exposition text, when the hub offers metrics. */
  metrics?: () => string;
}

const FACILITIES = ['facilities', 'admin'] as const;
const DAY_MS = 86_400_000;
/** The longest history one request reads. */
const MAX_HISTORY_DAYS = 92;

/** Terminals and gateways for facilities staff (and the admin): state, alerts, history, metrics. */
export function facilitiesRoutes(o: FacilitiesRouteOptions): Route[] {
  const routes: Route[] = [
    {
      method: 'GET', path: '/api/v1/facilities', access: FACILITIES, tag: 'facilities',
      summary: 'Every gateway and terminal: online state, last punch, clock drift, storage fill, firmware, agent backlog; and the alerts',
      handle: () => ({ json: facilitiesView(o.sites, o.modules, o.zoneOf, o.now()) }),
    },
    {
      method: 'GET', path: '/api/v1/facilities/history', access: FACILITIES, tag: 'facilities',
      query: { site: 'the site', terminal: 'the terminal\'s serial number', from: 'ISO 8601 time or epoch ms (default: 7 days ago)', to: 'ISO 8601 time or epoch ms (default: now)' },
      summary: 'One terminal\'s health over time (online, drift, storage, backlog), for its uptime chart',
      handle: (ctx) => {
        const site = required(ctx.url, 'site');
        const terminal = required(ctx.url, 'terminal');
        o.zoneOf(site);
        const toMs = instant(ctx.url, 'to') ?? o.now();
        const fromMs = instant(ctx.url, 'from') ?? toMs - 7 * DAY_MS;
        if (fromMs > toMs) throw new HubError('INVALID_INPUT', 'from is after to');
        if (toMs - fromMs > MAX_HISTORY_DAYS * DAY_MS) throw new HubError('INVALID_INPUT', `history covers at most ${MAX_HISTORY_DAYS} days per request`);
        const points = o.modules.health.terminalHistory(site, terminal, fromMs, toMs);
        return { json: { site, terminal, fromMs, toMs, points } };
      },
    },
  ];
  if (o.metrics !== undefined) {
    const metrics = o.metrics;
    routes.push({
      method: 'GET', path: '/metrics', access: FACILITIES, tag: 'facilities', produces: 'text',
      summary: 'Prometheus metrics (text exposition format): ingest, backlog, terminals online, cases',
      handle: () => ({ text: { body: metrics(), contentType: EXPOSITION_CONTENT_TYPE } }),
    });
  }
  return routes;
}

import type { HubSite } from '../config/load.js';
import { storageFill, type GatewayStatusRow, type TerminalHealthRow } from '../ingest/health-store.js';
import type { Zone } from '../time/zone.js';
import type { HubModules } from '../wiring/modules.js';

/** Storage fill from which a terminal is flagged, and from which the flag is critical. */
export const STORAGE_WARNING = 0.9;
export const STORAGE_CRITICAL = 0.97;
/** Clock drift (seconds, either way) from which a terminal is flagged. */
export const DRIFT_WARNING_SECONDS = 60;
/** How far back the last punch of each terminal is looked for (a bounded read of the punches' time index). */
const LAST_PUNCH_WINDOW_MS = 48 * 3_600_000;

export interface FacilityAlert {
  severity: 'critical' | 'warning';
  kind: 'gateway_offline' | 'terminal_offline' | 'storage_nearly_full' | 'clock_drift' | 'terminal_alarm';
  site: string;
  gateway: string;
  deviceSerial: string | null;
  message: string;
  since: string;
}

/**
 * What facilities staff see: every gateway and terminal with its state, and the alerts that need a
 * person. Nothing about employees: terminals' counts and clocks only.
 */
export function facilitiesView(sites: readonly HubSite[], m: HubModules, zoneOf: (site: string) => Zone, nowMs: number): unknown {
  const alerts: FacilityAlert[] = [];
  const out = sites.map((s) => {
    const z = zoneOf(s.id);
    const watermark = m.health.watermark(s.id, s.gateways.map((g) => g.id));
    const punched = m.punches.lastPunchPerTerminal(s.id, nowMs - LAST_PUNCH_WINDOW_MS);
    const gateways = m.health.gateways(s.id);
    for (const g of gateways) alerts.push(...gatewayAlerts(g, z));
    const terminals = m.health.terminals(s.id).filter((t) => t.retiredMs === null);
    for (const t of terminals) alerts.push(...terminalAlerts(t, z));
    return {
      site: s.id,
      name: s.name ?? null,
      timeZone: s.timeZone,
      watermark: watermark === null ? null : z.format(watermark),
      gateways: gateways.map((g) => ({ gateway: g.gateway, state: g.state, at: z.format(g.atMs), version: g.version, backlog: g.backlog, alarms: g.alarms })),
      terminals: terminals.map((t) => {
        const h = t.health;
        const at = punched.get(t.deviceSerial);
        return {
          gateway: t.gateway, deviceSerial: t.deviceSerial, name: t.name, online: t.online, at: z.format(t.atMs),
          lastSeen: h.lastSeen, lastPunchAt: at === undefined ? null : z.format(at), clockDriftSeconds: h.clockDriftSeconds,
          records: h.records, capacity: h.recordCapacity, storageFill: fill(t), firmware: h.firmware, platform: h.platform,
          backlog: h.backlog, alarms: h.alarms, deliveredThrough: t.deliveredThroughMs === null ? null : z.format(t.deliveredThroughMs),
        };
      }),
    };
  });
  const rank = { critical: 0, warning: 1 };
  alerts.sort((a, b) => rank[a.severity] - rank[b.severity] || a.site.localeCompare(b.site) || a.gateway.localeCompare(b.gateway) || (a.deviceSerial ?? '').localeCompare(b.deviceSerial ?? ''));
  return { sites: out, alerts };
}

/** Storage fill for people to read: a terminal counting more records than its capacity shows full. */
function fill(t: TerminalHealthRow): number | null {
  const f = storageFill(t.health);
  return f === null ? null : Math.min(1, f);
}

function gatewayAlerts(g: GatewayStatusRow, z: Zone): FacilityAlert[] {
  if (g.state !== 'offline') return [];
  return [{ severity: 'critical', kind: 'gateway_offline', site: g.site, gateway: g.gateway, deviceSerial: null, message: `gateway ${g.gateway} is offline: no punches from its terminals reach the hub`, since: z.format(g.atMs) }];
}

function terminalAlerts(t: TerminalHealthRow, z: Zone): FacilityAlert[] {
  const base = { site: t.site, gateway: t.gateway, deviceSerial: t.deviceSerial };
  const label = `terminal ${t.name === '' ? t.deviceSerial : `${t.name} (${t.deviceSerial})`}`;
  const since = z.format(t.atMs);
  const out: FacilityAlert[] = [];
  if (!t.online) out.push({ ...base, severity: 'critical', kind: 'terminal_offline', message: `${label} is offline`, since: t.health.lastSeen ?? since });
  const f = fill(t);
  if (f !== null && f >= STORAGE_WARNING) {
    out.push({ ...base, severity: f >= STORAGE_CRITICAL ? 'critical' : 'warning', kind: 'storage_nearly_full', message: `${label} storage is ${Math.round(f * 100)}% full (${t.health.records} of ${t.health.recordCapacity} records)`, since });
  }
  const drift = t.health.clockDriftSeconds;
  if (drift !== null && Math.abs(drift) >= DRIFT_WARNING_SECONDS) {
    out.push({ ...base, severity: 'warning', kind: 'clock_drift', message: `${label} clock is ${Math.abs(Math.round(drift))} s ${drift > 0 ? 'ahead' : 'behind'}`, since });
  }
  for (const alarm of t.health.alarms) out.push({ ...base, severity: 'warning', kind: 'terminal_alarm', message: `${label}: ${alarm}`, since });
  return out;
}

import type { Statement } from 'better-sqlite3';
import type { GatewayStatus, TerminalHealth } from '../../protocols/mqtt/contract.js';
import type { HubDatabase } from '../db/database.js';

const HISTORY_EVERY_MS = 15 * 60_000;

export interface TerminalHealthRow {
  site: string;
  gateway: string;
  deviceSerial: string;
  name: string;
  online: boolean;
  atMs: number;
  deliveredThroughMs: number | null;
  retiredMs: number | null;
  health: TerminalHealth;
}

export interface GatewayStatusRow {
  site: string;
  gateway: string;
  epoch: number;
  state: 'online' | 'offline';
  atMs: number;
  version: string | null;
  backlog: number | null;
  alarms: string[];
}

/** A terminal's attendance records over its record capacity, when it reports both (and a capacity above 0). */
export function storageFill(h: Pick<TerminalHealth, 'records' | 'recordCapacity'>): number | null {
  return h.records === null || h.recordCapacity === null || h.recordCapacity <= 0 ? null : h.records / h.recordCapacity;
}

/**
 * Gateway status and terminal health from the retained topics, latest and history, and from them
 * each site's sync watermark: the moment up to which every terminal of the site is known to have
 * delivered all its punches.
 */
export class HealthStore {
  private readonly getStatus: Statement;
  private readonly putStatus: Statement;
  private readonly addStatusHistory: Statement;
  private readonly getHealth: Statement;
  private readonly putHealth: Statement;
  private readonly lastHistory: Statement;
  private readonly addHealthHistory: Statement;

  constructor(private readonly db: HubDatabase) {
    this.getStatus = db.prepare('SELECT epoch, state, at_ms FROM gateway_status WHERE site = ? AND gateway = ?');
    this.putStatus = db.prepare(
      `INSERT INTO gateway_status (site, gateway, epoch, state, at_ms, version, backlog, alarms, updated_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (site, gateway) DO UPDATE SET epoch = excluded.epoch, state = excluded.state, at_ms = excluded.at_ms, version = excluded.version,
         backlog = excluded.backlog, alarms = excluded.alarms, updated_ms = excluded.updated_ms`,
    );
    this.addStatusHistory = db.prepare('INSERT OR IGNORE INTO gateway_status_history (site, gateway, epoch, state, at_ms, stale) VALUES (?, ?, ?, ?, ?, ?)');
    this.getHealth = db.prepare('SELECT at_ms, delivered_through_ms, payload FROM terminal_health WHERE site = ? AND device_serial = ?');
    this.putHealth = db.prepare(
      `INSERT INTO terminal_health (site, gateway, device_serial, name, online, at_ms, delivered_through_ms, payload, updated_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (site, device_serial) DO UPDATE SET gateway = excluded.gateway, name = excluded.name, online = excluded.online, at_ms = excluded.at_ms,
         delivered_through_ms = excluded.delivered_through_ms, payload = excluded.payload, updated_ms = excluded.updated_ms`,
    );
    this.lastHistory = db.prepare('SELECT max(at_ms) AS at FROM terminal_health_history WHERE site = ? AND device_serial = ?');
    this.addHealthHistory = db.prepare(
      `INSERT OR IGNORE INTO terminal_health_history (site, device_serial, at_ms, online, clock_drift_s, records, capacity, backlog, firmware, alarms)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
  }

  /**
   * Records a gateway status. A status from an older epoch than the one on record is a stale Will
   * or a late retained message: it goes to history marked stale and does not change the state.
   * Returns false for such a stale status.
   */
  recordStatus(site: string, status: GatewayStatus, nowMs: number): boolean {
    const atMs = Date.parse(status.at);
    return this.db.transaction(() => {
      const current = this.getStatus.get(site, status.gateway) as { epoch: number; state: string; at_ms: number } | undefined;
      const stale = current !== undefined && (status.epoch < current.epoch || (status.epoch === current.epoch && atMs < current.at_ms));
      const changed = current === undefined || current.state !== status.state || current.epoch !== status.epoch;
      if (stale || changed) this.addStatusHistory.run(site, status.gateway, status.epoch, status.state, atMs, stale ? 1 : 0);
      if (stale) return false;
      this.putStatus.run(site, status.gateway, status.epoch, status.state, atMs, status.version ?? null, status.backlog ?? null, JSON.stringify(status.alarms ?? []), nowMs);
      return true;
    }).immediate();
  }

  /**
   * Records a terminal's health. Its delivered-through moment advances to `syncedThrough` when the
   * report says nothing of that terminal waits at the edge (backlog 0); it never goes back.
   * An older report than the one on record is ignored (false).
   */
  recordHealth(site: string, health: TerminalHealth, nowMs: number): boolean {
    const atMs = Date.parse(health.at);
    return this.db.transaction(() => {
      const current = this.getHealth.get(site, health.deviceSerial) as { at_ms: number; delivered_through_ms: number | null; payload: string } | undefined;
      if (current !== undefined && atMs < current.at_ms) return false;
      let delivered = current?.delivered_through_ms ?? null;
      if (health.backlog === 0 && health.syncedThrough !== null) {
        const synced = Math.min(Date.parse(health.syncedThrough), atMs);
        delivered = delivered === null ? synced : Math.max(delivered, synced);
      }
      this.putHealth.run(site, health.gateway, health.deviceSerial, health.name, health.online ? 1 : 0, atMs, delivered, JSON.stringify(health), nowMs);
      const previous = current === undefined ? undefined : (JSON.parse(current.payload) as TerminalHealth);
      const last = (this.lastHistory.get(site, health.deviceSerial) as { at: number | null }).at;
      const noticeable =
        previous === undefined ||
        previous.online !== health.online ||
        previous.firmware !== health.firmware ||
        JSON.stringify(previous.alarms) !== JSON.stringify(health.alarms);
      if (noticeable || last === null || atMs - last >= HISTORY_EVERY_MS) {
        this.addHealthHistory.run(site, health.deviceSerial, atMs, health.online ? 1 : 0, health.clockDriftSeconds, health.records, health.recordCapacity, health.backlog, health.firmware, JSON.stringify(health.alarms));
      }
      return true;
    }).immediate();
  }

  /**
   * The site's sync watermark: the earliest delivered-through moment over its terminals that are
   * not retired. Null while any of them has not reported one, or while a gateway the configuration
   * lists for the site has reported no terminal: then no alarm beyond a first reminder may fire.
   */
  watermark(site: string, configuredGateways: readonly string[]): number | null {
    const rows = this.db
      .prepare('SELECT gateway, delivered_through_ms AS d FROM terminal_health WHERE site = ? AND retired_ms IS NULL')
      .all(site) as Array<{ gateway: string; d: number | null }>;
    if (rows.length === 0) return null;
    const reporting = new Set(rows.map((r) => r.gateway));
    if (configuredGateways.some((g) => !reporting.has(g))) return null;
    let min = Number.POSITIVE_INFINITY;
    for (const r of rows) {
      if (r.d === null) return null;
      min = Math.min(min, r.d);
    }
    return min;
  }

  /** Takes a terminal out of the watermark (removed or replaced hardware); it returns when it reports again after `atMs`. */
  retireTerminal(site: string, deviceSerial: string, atMs: number): boolean {
    return this.db.prepare('UPDATE terminal_health SET retired_ms = ? WHERE site = ? AND device_serial = ?').run(atMs, site, deviceSerial).changes > 0;
  }

  terminals(site?: string): TerminalHealthRow[] {
    const rows = (
      site === undefined
        ? this.db.prepare('SELECT * FROM terminal_health ORDER BY site, device_serial').all()
        : this.db.prepare('SELECT * FROM terminal_health WHERE site = ? ORDER BY device_serial').all(site)
    ) as Array<{ site: string; gateway: string; device_serial: string; name: string; online: number; at_ms: number; delivered_through_ms: number | null; retired_ms: number | null; payload: string }>;
    return rows.map((r) => ({
      site: r.site, gateway: r.gateway, deviceSerial: r.device_serial, name: r.name, online: r.online === 1, atMs: r.at_ms,
      deliveredThroughMs: r.delivered_through_ms, retiredMs: r.retired_ms, health: JSON.parse(r.payload) as TerminalHealth,
    }));
  }

  gateways(site?: string): GatewayStatusRow[] {
    const rows = (
      site === undefined
        ? this.db.prepare('SELECT * FROM gateway_status ORDER BY site, gateway').all()
        : this.db.prepare('SELECT * FROM gateway_status WHERE site = ? ORDER BY gateway').all(site)
    ) as Array<{ site: string; gateway: string; epoch: number; state: 'online' | 'offline'; at_ms: number; version: string | null; backlog: number | null; alarms: string }>;
    return rows.map((r) => ({ site: r.site, gateway: r.gateway, epoch: r.epoch, state: r.state, atMs: r.at_ms, version: r.version, backlog: r.backlog, alarms: JSON.parse(r.alarms) as string[] }));
  }

  /** When gateway status or terminal health last changed (0: never), for noticing a change without reading it. */
  lastChangeMs(): number {
    return this.db.prepare('SELECT max(coalesce((SELECT max(updated_ms) FROM terminal_health), 0), coalesce((SELECT max(updated_ms) FROM gateway_status), 0))').pluck().get() as number;
  }

  terminalHistory(site: string, deviceSerial: string, fromMs: number, toMs: number): Array<{ atMs: number; online: boolean; clockDriftSeconds: number | null; records: number | null; capacity: number | null; backlog: number }> {
    const rows = this.db
      .prepare('SELECT at_ms, online, clock_drift_s, records, capacity, backlog FROM terminal_health_history WHERE site = ? AND device_serial = ? AND at_ms BETWEEN ? AND ? ORDER BY at_ms')
      .all(site, deviceSerial, fromMs, toMs) as Array<{ at_ms: number; online: number; clock_drift_s: number | null; records: number | null; capacity: number | null; backlog: number }>;
    return rows.map((r) => ({ atMs: r.at_ms, online: r.online === 1, clockDriftSeconds: r.clock_drift_s, records: r.records, capacity: r.capacity, backlog: r.backlog }));
  }
}

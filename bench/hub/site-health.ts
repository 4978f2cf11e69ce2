import type { HubDatabase } from '../../hub/db/database.js';

/**
 * The benchmarks' one terminal (SN1 at `site`, gateway gw1) reporting it has delivered everything
 * up to `atMs`: the site's watermark moves there, as a live gateway's health report would move it.
 */
export function reportHealth(db: HubDatabase, site: string, atMs: number): void {
  const at = new Date(atMs).toISOString();
  db.prepare(`INSERT INTO terminal_health (site, gateway, device_serial, name, online, at_ms, delivered_through_ms, payload, updated_ms)
    VALUES (?, 'gw1', 'SN1', 'gate', 1, ?, ?, ?, ?) ON CONFLICT (site, device_serial) DO UPDATE SET at_ms = excluded.at_ms, delivered_through_ms = excluded.delivered_through_ms`)
    .run(site, atMs, atMs, JSON.stringify({ at }), atMs);
}

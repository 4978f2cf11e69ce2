import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { GatewayStatus, TerminalHealth } from '../../../protocols/mqtt/contract.js';
import { openHubDatabase, type HubDatabase } from '../../../hub/db/database.js';
import { HealthStore } from '../../../hub/ingest/health-store.js';
import { INGEST_MIGRATIONS } from '../../../hub/ingest/schema.js';
import { silent, tempDir } from '../../helpers/temp.js';

const health = (serial: string, extra: Partial<TerminalHealth> = {}): TerminalHealth => ({
  v: 1, gateway: 'gw1', deviceSerial: serial, name: `Clock ${serial}`, endpoint: 'tcp://10.0.0.5:4370', online: true,
  lastSeen: '2026-11-23T09:00:00+08:00', syncedThrough: '2026-11-23T08:59:00+08:00', clockDriftSeconds: 1, records: 100, recordCapacity: 100_000,
  users: 10, userCapacity: 3000, firmware: 'Ver 6.60', platform: 'ZMM220', backlog: 0, lastError: null, alarms: [], at: '2026-11-23T09:00:00+08:00', ...extra,
});
const status = (epoch: number, state: 'online' | 'offline', at: string): GatewayStatus => ({ v: 1, gateway: 'gw1', epoch, state, at });
const ms = (iso: string): number => Date.parse(iso);

describe('terminal health, gateway status and the site sync watermark', () => {
  const dir = tempDir('health-');
  let db: HubDatabase;
  let store: HealthStore;
  beforeEach(() => {
    db = openHubDatabase({ path: dir.file(`hub-${Math.random()}.sqlite`), logger: silent, migrations: INGEST_MIGRATIONS });
    store = new HealthStore(db);
  });
  afterEach(() => db.close());
  afterAll(() => dir.cleanup());

  it('builds the watermark from terminals that report syncedThrough with nothing waiting at the edge', () => {
    expect(store.watermark('s1', ['gw1'])).toBeNull(); // nothing reported yet
    store.recordHealth('s1', health('A'), 0);
    store.recordHealth('s1', health('B', { syncedThrough: null }), 0); // B has never completed a read
    expect(store.watermark('s1', ['gw1'])).toBeNull();
    store.recordHealth('s1', health('B', { syncedThrough: '2026-11-23T08:30:00+08:00', at: '2026-11-23T09:00:05+08:00' }), 0);
    expect(store.watermark('s1', ['gw1'])).toBe(ms('2026-11-23T08:30:00+08:00'));
    // A backlog means punches before syncedThrough may still be at the edge: B's moment stays where it was.
    store.recordHealth('s1', health('B', { syncedThrough: '2026-11-23T09:10:00+08:00', backlog: 4, at: '2026-11-23T09:10:30+08:00' }), 0);
    expect(store.watermark('s1', ['gw1'])).toBe(ms('2026-11-23T08:30:00+08:00'));
    store.recordHealth('s1', health('B', { syncedThrough: '2026-11-23T09:10:00+08:00', backlog: 0, at: '2026-11-23T09:10:40+08:00' }), 0);
    expect(store.watermark('s1', ['gw1'])).toBe(ms('2026-11-23T08:59:00+08:00')); // now A is the earliest
  });

  it('holds the watermark while a gateway is offline, and while a configured gateway has never reported', () => {
    store.recordHealth('s1', health('A'), 0);
    expect(store.watermark('s1', ['gw1', 'gw2'])).toBeNull();
    expect(store.watermark('s1', ['gw1'])).toBe(ms('2026-11-23T08:59:00+08:00'));
    store.recordStatus('s1', status(4, 'offline', '2026-11-23T09:05:00+08:00'), 0);
    // No more health arrives from an offline gateway: the watermark cannot pass its last report.
    expect(store.watermark('s1', ['gw1'])).toBe(ms('2026-11-23T08:59:00+08:00'));
    expect(store.retireTerminal('s1', 'A', 1)).toBe(true);
    expect(store.watermark('s1', ['gw1'])).toBeNull();
  });

  it('never moves a terminal back on an older report and keeps history on changes only (or every 15 minutes)', () => {
    store.recordHealth('s1', health('A', { at: '2026-11-23T09:00:00+08:00' }), 0);
    expect(store.recordHealth('s1', health('A', { at: '2026-11-23T08:00:00+08:00', syncedThrough: '2026-11-23T07:00:00+08:00' }), 0)).toBe(false);
    store.recordHealth('s1', health('A', { at: '2026-11-23T09:01:00+08:00', clockDriftSeconds: 2 }), 0);
    store.recordHealth('s1', health('A', { at: '2026-11-23T09:02:00+08:00', online: false }), 0);
    store.recordHealth('s1', health('A', { at: '2026-11-23T09:20:00+08:00', online: false, records: 120 }), 0);
    const history = store.terminalHistory('s1', 'A', 0, Date.now());
    expect(history.map((h) => [new Date(h.atMs).toISOString().slice(11, 16), h.online])).toEqual([['01:00', true], ['01:02', false], ['01:20', false]]);
    expect(store.terminals('s1')[0]).toMatchObject({ deviceSerial: 'A', online: false, deliveredThroughMs: ms('2026-11-23T08:59:00+08:00') });
  });

  it('ignores a stale Will from an older epoch but records it as stale', () => {
    expect(store.recordStatus('s1', status(5, 'online', '2026-11-23T09:00:00+08:00'), 0)).toBe(true);
    expect(store.recordStatus('s1', status(4, 'offline', '2026-11-23T09:01:00+08:00'), 0)).toBe(false);
    expect(store.gateways('s1')).toEqual([expect.objectContaining({ gateway: 'gw1', epoch: 5, state: 'online' })]);
    expect(db.prepare('SELECT epoch, state, stale FROM gateway_status_history ORDER BY rowid').all()).toEqual([
      { epoch: 5, state: 'online', stale: 0 },
      { epoch: 4, state: 'offline', stale: 1 },
    ]);
  });
});

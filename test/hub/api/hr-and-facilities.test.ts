import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyBundle } from '../../../hub/evidence/bundle-verify.js';
import { listen } from '../../helpers/event-stream.js';
import { terminalHealth } from '../cases/story-harness.js';
import { ApiWorld, at, clientFor, type Client } from './api-world.js';

/** What HR and facilities read: the case list's ladder column, a case's bundle, the trend, terminals and their alerts. */
describe('API views for HR and facilities', () => {
  const world = new ApiWorld();
  let hr: Client;
  let facilities: Client;
  beforeAll(async () => {
    await world.start();
    hr = await clientFor(world.url, 'hr');
    facilities = await clientFor(world.url, 'facilities');
  }, 60_000);
  afterAll(() => world.close());

  it('lists open cases with the employee, the last step fired and the next one due', async () => {
    const list = (await (await hr.call('GET', '/api/v1/cases?state=open')).json()) as Array<Record<string, unknown>>;
    expect(list).toEqual([
      expect.objectContaining({
        employeeId: 'E1', employeeName: '王小明', department: '生产部', firstDate: '2026-06-15', absentDays: 3,
        lastStep: { stepKey: 'daily-reminder@2026-06-18', title: 'Daily reminder (09:00)', firedAt: at('2026-06-18T09:06') },
        nextStep: { stepKey: 'daily-reminder@2026-06-19', title: 'Daily reminder (09:00)', dueMs: at('2026-06-19T09:00'), due: '2026-06-19T01:00:00.000Z' },
      }),
    ]);
  });

  it('hands over a case\'s evidence bundle as a tar that unpacks to a bundle the verifier accepts', async () => {
    const res = await hr.call('GET', '/api/v1/cases/1/bundle');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/x-tar');
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="case-1-evidence.tar"');
    const dir = mkdtempSync(join(tmpdir(), 'bundle-tar-'));
    try {
      writeFileSync(join(dir, 'b.tar'), Buffer.from(await res.arrayBuffer()));
      execFileSync('tar', ['-xf', join(dir, 'b.tar'), '-C', dir]);
      expect(readdirSync(join(dir, 'case-1-evidence')).sort()).toEqual(expect.arrayContaining(['VERIFY.html', 'bundle.json', 'checkpoint.sig', 'checkpoint.txt', 'entries', 'public-key.pem']));
      const verdict = verifyBundle(join(dir, 'case-1-evidence'));
      expect(verdict).toMatchObject({ ok: true });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('draws the trend: absent days and no-shows per day of the period', async () => {
    const trend = (await (await hr.call('GET', '/api/v1/reports/trend?from=2026-06-12&to=2026-06-18')).json()) as { days: Array<{ date: string; absent: number; noShows: number }> };
    expect(trend.days.map((d) => `${d.date} ${d.absent} ${d.noShows}`)).toEqual([
      '2026-06-12 0 0', '2026-06-13 0 0', '2026-06-14 0 0', '2026-06-15 1 1', '2026-06-16 1 1', '2026-06-17 1 1', '2026-06-18 0 1',
    ]);
    const inDepartment = async (department: string): Promise<string[]> =>
      ((await (await hr.call('GET', `/api/v1/reports/trend?from=2026-06-15&to=2026-06-18&department=${encodeURIComponent(department)}`)).json()) as typeof trend).days.map((d) => `${d.absent} ${d.noShows}`);
    expect(await inDepartment('生产部')).toEqual(['1 1', '1 1', '1 1', '0 1']);
    expect(await inDepartment('仓储部')).toEqual(['0 0', '0 0', '0 0', '0 0']);
    expect((await hr.call('GET', '/api/v1/reports/trend?from=2026-06-18&to=2026-06-01')).status).toBe(400);
    expect((await hr.call('GET', '/api/v1/reports/trend?from=2025-01-01&to=2026-06-01')).status).toBe(400);
  });

  it('shows facilities the terminals with their state and raises alerts for offline, full and drifting ones', async () => {
    const view = (await (await facilities.call('GET', '/api/v1/facilities')).json()) as { sites: Array<{ terminals: Array<Record<string, unknown>> }>; alerts: unknown[] };
    expect(view.sites[0]!.terminals).toEqual([expect.objectContaining({ deviceSerial: 'SN1', online: true, firmware: 'Ver 6.60', storageFill: 0, lastPunchAt: '2026-06-18T08:55:00+08:00' })]);
    expect(view.alerts).toEqual([]);
    world.story.hub.health.recordHealth('plant', terminalHealth(world.story.now, {
      deviceSerial: 'SN2', name: 'Dock', endpoint: 'tcp://10.0.0.6:4370', online: false, syncedThrough: null, clockDriftSeconds: -95, records: 96_000, lastError: 'timeout',
    }), world.story.now);
    const later = (await (await facilities.call('GET', '/api/v1/facilities')).json()) as { alerts: Array<{ severity: string; kind: string; deviceSerial: string }> };
    expect(later.alerts.map((a) => `${a.severity} ${a.kind} ${a.deviceSerial}`)).toEqual(['critical terminal_offline SN2', 'warning storage_nearly_full SN2', 'warning clock_drift SN2']);
    const history = (await (await facilities.call('GET', '/api/v1/facilities/history?site=plant&terminal=SN1')).json()) as { points: Array<{ online: boolean }> };
    expect(history.points.length).toBeGreaterThan(0);
    expect(history.points.every((p) => p.online)).toBe(true);
    expect((await facilities.call('GET', '/api/v1/facilities/history?site=plant&terminal=SN1&from=yesterday')).status).toBe(400);
  });

  it('tells live pages that cases changed when HR acts on one', async () => {
    const stream = listen(await hr.call('GET', '/api/v1/events'));
    await expect.poll(() => stream.heard()).toContain(': connected');
    expect((await hr.call('POST', '/api/v1/cases/1/acknowledge', { via: 'phone', text: '明天回来' })).status).toBe(200);
    await expect.poll(() => stream.heard()).toMatch(/event: cases\ndata: \{"at":\d+\}\n\n/);
    await stream.stop();
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi, type RunningApi } from '../../hub/api/server.js';
import { openHubDatabase, type HubDatabase } from '../../hub/db/database.js';
import { openModules, type HubModules } from '../../hub/wiring/modules.js';
import { silent, tempDir } from '../helpers/temp.js';

const SITES = [{ id: 'plant', timeZone: 'Asia/Shanghai', gateways: [{ id: 'gw1', password: 'x' }] }];
const DETECTION = { intervalSeconds: 60, thresholds: { consecutive: 3, monthly: 5 }, restBreaksRun: false, leaveBreaksRun: true };

describe('hub API', () => {
  const dir = tempDir('hub-api-');
  let db: HubDatabase;
  let modules: HubModules;
  let api: RunningApi;
  let open: RunningApi;
  beforeAll(async () => {
    db = openHubDatabase({ path: dir.file('hub.sqlite'), synchronous: 'NORMAL', logger: silent });
    modules = openModules({ db, config: { sites: SITES, detection: DETECTION }, logger: silent });
    modules.directory.importEmployees('id,name,department,manager,site,hire_date,end_date,terminal_ids\nA1,Ann,Ops,,plant,2020-01-01,,plant:1\n', { fileName: 'e.csv' });
    api = await startApi({ host: '127.0.0.1', port: 0, token: 's3cret-token', sites: SITES, modules, logger: silent });
    open = await startApi({ host: '127.0.0.1', port: 0, sites: SITES, modules, logger: silent });
  });
  afterAll(async () => {
    await api.close();
    await open.close();
    db.close();
    dir.cleanup();
  });

  const call = (path: string, init: RequestInit = {}, token: string | null = 's3cret-token') =>
    fetch(`${api.url}${path}`, { ...init, headers: { ...(token === null ? {} : { authorization: `Bearer ${token}` }), 'content-type': 'application/json', ...(init.headers ?? {}) } });

  it('refuses requests without the bearer token or a session, loopback clients too', async () => {
    expect((await call('/api/v1/status', {}, null)).status).toBe(401);
    const wrong = await call('/api/v1/status', {}, 's3cret-tokex');
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toEqual({ error: { code: 'UNAUTHORIZED', message: 'missing or wrong bearer token', problems: [] } });
    const anonymous = await fetch(`${open.url}/api/v1/status`);
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toMatchObject({ error: { code: 'UNAUTHORIZED', message: 'sign in first (or your session has expired)' } });
    const noTokens = await fetch(`${open.url}/api/v1/status`, { headers: { authorization: 'Bearer anything' } });
    expect(await noTokens.json()).toMatchObject({ error: { message: 'this hub takes no bearer tokens (api.tokenFile is not set); sign in' } });
  });

  it('records leave from a POST, lists and cancels it, with who did it', async () => {
    const created = await call('/api/v1/leave', { method: 'POST', body: JSON.stringify({ employee: 'A1', kind: '年假', from: '2026-11-02', to: '2026-11-03' }), headers: { 'x-rollcall-user': 'hr.li' } });
    expect(created.status).toBe(201);
    const leave = (await created.json()) as { id: number; approvedBy: string; kind: string };
    expect(leave).toMatchObject({ approvedBy: 'hr.li', kind: 'annual' });
    const listed = (await (await call('/api/v1/leave?employeeId=A1')).json()) as Array<{ id: number }>;
    expect(listed.map((l) => l.id)).toEqual([leave.id]);
    const cancelled = await call(`/api/v1/leave/${leave.id}/cancel`, { method: 'POST', headers: { 'x-rollcall-user': 'hr.wang' } });
    expect(await cancelled.json()).toMatchObject({ id: leave.id, status: 'cancelled', cancelledBy: 'hr.wang' });
  });

  it('counts the dead letters still waiting in the status, not the replayed ones', async () => {
    const first = modules.punches.deadLetter('rollcall/plant/gw1/punches', 'plant', 'gw1', 'not JSON', Buffer.from('{'), 1);
    modules.punches.deadLetter('rollcall/plant/gw1/punches', 'plant', 'gw1', 'not JSON', Buffer.from('}'), 2);
    expect(((await (await call('/api/v1/status')).json()) as { deadLetters: number }).deadLetters).toBe(2);
    modules.punches.markReplayed(first, 3);
    expect(((await (await call('/api/v1/status')).json()) as { deadLetters: number }).deadLetters).toBe(1);
  });

  it('answers bad requests with the problem and the right status', async () => {
    const invalid = await call('/api/v1/leave', { method: 'POST', body: JSON.stringify({ employee: 'NOBODY', kind: 'annual', from: '2026-11-02' }) });
    expect(invalid.status).toBe(400);
    expect(await invalid.json()).toMatchObject({ error: { code: 'INVALID_INPUT', problems: [expect.objectContaining({ field: 'employee' })] } });
    const notJson = await call('/api/v1/leave', { method: 'POST', body: '{"employee":' });
    expect(await notJson.json()).toMatchObject({ error: { code: 'INVALID_INPUT', message: 'the request body is not JSON' } });
    const huge = await call('/api/v1/leave', { method: 'POST', body: `"${'x'.repeat(1_100_000)}"` });
    expect(huge.status).toBe(400);
    expect((await call('/api/v1/nothing-here')).status).toBe(404);
    expect((await call('/api/v1/status', { method: 'DELETE' })).status).toBe(405);
    expect((await call('/api/v1/leave/999/cancel', { method: 'POST' })).status).toBe(404);
    expect((await call('/api/v1/reports/absences?from=2026-11-01')).status).toBe(400);
    expect((await call('/api/v1/reports/absences?from=2026-11-01&to=2026-11-30&format=pdf')).status).toBe(400);
  });

  it('serves reports as JSON tables and as CSV and XLSX downloads', async () => {
    const json = (await (await call('/api/v1/reports/absences?from=2026-11-01&to=2026-11-30')).json()) as { title: string; columns: unknown[]; rows: unknown[] };
    expect(json).toMatchObject({ title: 'Absences 2026-11-01 to 2026-11-30', rows: [] });
    const csv = await call('/api/v1/reports/departments?from=2026-11-01&to=2026-11-30&format=csv');
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(csv.headers.get('content-disposition')).toBe('attachment; filename="Absences-by-department-2026-11-01-to-2026-11-30.csv"');
    const xlsx = await call('/api/v1/reports/no-shows?date=2026-11-02&format=xlsx');
    expect(Buffer.from(await xlsx.arrayBuffer()).subarray(0, 2).toString()).toBe('PK');
  });
});

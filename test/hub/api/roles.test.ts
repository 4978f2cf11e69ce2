import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Route } from '../../../hub/api/route.js';
import { ROLES, type Role } from '../../../hub/auth/roles.js';
import { ApiWorld, clientFor, type Client } from './api-world.js';

/** A path of the route with its parameters filled in with something plausible. */
function pathOf(route: Route): string {
  const sample: Record<string, string> = { id: '1', file: '1.html', username: 'fac.wu' };
  const path = route.path.replace(/\{([a-zA-Z]+)\}/g, (_m, name: string) => sample[name] ?? 'x');
  // Reports need their query to get past the parameter checks; the role check comes first anyway.
  const query = route.path.startsWith('/api/v1/reports/') ? '?from=2026-06-01&to=2026-06-18&date=2026-06-15' : route.path === '/api/v1/facilities/history' ? '?site=plant&terminal=SN1' : '';
  return path + query;
}

/** The status a client gets for a route, the stream of live events read no further than its head. */
async function statusOf(client: Client, route: Route): Promise<number> {
  if (route.produces === 'event-stream') {
    const res = await client.call(route.method, pathOf(route));
    await res.body?.cancel();
    return res.status;
  }
  // Bodies that do not fit: a role allowed through gets a 400 and nothing changes.
  const res = await client.call(route.method, pathOf(route), route.method === 'GET' ? undefined : { unexpected: true });
  await res.arrayBuffer();
  return res.status;
}

describe('API: every route enforces its roles', () => {
  const world = new ApiWorld();
  const clients = new Map<Role | 'token' | 'anonymous', Client>();
  let routes: readonly Route[];

  beforeAll(async () => {
    await world.start();
    routes = world.api.router.routes;
    for (const who of [...ROLES, 'token', 'anonymous'] as const) clients.set(who, await clientFor(world.url, who));
  }, 60_000);
  afterAll(() => world.close());

  it('lists the routes the dashboard needs, each with its access', () => {
    const table = routes.map((r) => `${r.method} ${r.path} ${Array.isArray(r.access) ? r.access.join('+') : r.access}`);
    expect(table).toEqual(expect.arrayContaining([
      'POST /api/v1/session public',
      'GET /api/v1/cases hr',
      'POST /api/v1/notices/{id}/approve hr',
      'GET /api/v1/cases/{id}/bundle hr',
      'GET /api/v1/reports/trend hr',
      'GET /api/v1/facilities facilities+admin',
      'GET /metrics facilities+admin',
      'GET /api/v1/users admin',
      'POST /api/v1/users/{username} admin',
      'GET /api/v1/events signed-in',
      'GET /api/v1/openapi.json public',
    ]));
  });

  it('answers 401 to a caller who is not signed in, on every route but signing in and the document', async () => {
    const anonymous = clients.get('anonymous')!;
    for (const route of routes) {
      if (route.access === 'public' || (route.method === 'DELETE' && route.path === '/api/v1/session')) continue;
      expect(`${route.method} ${route.path} ${await statusOf(anonymous, route)}`).toBe(`${route.method} ${route.path} 401`);
    }
  });

  it('answers 403 to a role a route does not list, and lets the roles it lists through', async () => {
    const outcomes: string[] = [];
    const expected: string[] = [];
    for (const route of routes) {
      if (route.access === 'public' || route.path === '/api/v1/session') continue;
      for (const role of ROLES) {
        const allowed = route.access === 'signed-in' || route.access.includes(role);
        const status = await statusOf(clients.get(role)!, route);
        outcomes.push(`${role} ${route.method} ${route.path} ${status === 403 ? 'refused' : status === 401 ? 'unauthenticated' : 'through'}`);
        expected.push(`${role} ${route.method} ${route.path} ${allowed ? 'through' : 'refused'}`);
      }
    }
    expect(outcomes).toEqual(expected);
    expect(outcomes.length).toBeGreaterThan(60);
  }, 60_000);

  it('lets the API token through every route (integrations hold every role)', async () => {
    for (const route of routes) {
      if (route.path === '/api/v1/session') continue;
      expect([route.path, await statusOf(clients.get('token')!, route)]).not.toEqual([route.path, expect.toSatisfy((s: number) => s === 401 || s === 403)]);
    }
  });

  it('refuses a change from a session without its CSRF token, or from another origin', async () => {
    const hr = clients.get('hr')!;
    const noToken = await hr.call('POST', '/api/v1/cases/1/close', { note: 'x' }, { 'x-csrf-token': '' });
    expect(noToken.status).toBe(403);
    expect(await noToken.json()).toMatchObject({ error: { code: 'FORBIDDEN', message: expect.stringMatching(/x-csrf-token/) } });
    const elsewhere = await hr.call('POST', '/api/v1/cases/1/close', { note: 'x' }, { origin: 'https://evil.example' });
    expect(elsewhere.status).toBe(403);
    expect(await elsewhere.json()).toMatchObject({ error: { message: 'a request from https://evil.example cannot act on this hub' } });
    const foreignSignIn = await fetch(`${world.url}/api/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json', origin: 'https://evil.example' }, body: JSON.stringify({ username: 'hr.li', password: 'correct horse battery' }) });
    expect(foreignSignIn.status).toBe(403);
    // Nothing happened: the case is still open.
    expect(((await (await hr.call('GET', '/api/v1/cases/1')).json()) as { state: string }).state).toBe('open');
  });

  it('describes every route in the OpenAPI document with the roles that may call it', async () => {
    const doc = (await (await fetch(`${world.url}/api/v1/openapi.json`)).json()) as { openapi: string; paths: Record<string, Record<string, { 'x-roles': string[]; requestBody?: unknown }>> };
    expect(doc.openapi).toBe('3.1.0');
    for (const route of routes) {
      const op = doc.paths[route.path]?.[route.method.toLowerCase()];
      expect(op, `${route.method} ${route.path}`).toBeDefined();
      const roles = route.access === 'public' ? [] : route.access === 'signed-in' ? [...ROLES] : [...route.access];
      expect(op!['x-roles']).toEqual(roles);
      expect(op!.requestBody !== undefined).toBe(route.body !== undefined);
    }
  });
});

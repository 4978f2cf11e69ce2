import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiWorld, clientFor, PASSWORD, signIn, USERS } from './api-world.js';

/** The evidence log's API entries (kind and data), oldest first. */
function actionsIn(world: ApiWorld): Array<{ kind: string; data: Record<string, unknown> }> {
  const rows = world.story.db.prepare("SELECT body FROM evidence_entries WHERE kind LIKE 'api.%' ORDER BY idx").pluck().all() as string[];
  return rows.map((b) => JSON.parse(b) as { kind: string; data: Record<string, unknown> });
}

describe('API sessions: sign-in, limits, expiry, and every action in the evidence log', () => {
  const world = new ApiWorld();
  beforeAll(() => world.start({ idleMs: 30 * 60_000, maxFailures: 3 }), 60_000);
  afterAll(() => world.close());

  it('signs in with a local account: an HttpOnly SameSite=Strict cookie, the CSRF token, and who it is', async () => {
    const res = await signIn(world.url, 'HR.Li');
    expect(res.status).toBe(200);
    const cookie = res.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^rollcall_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict; Max-Age=43200$/);
    const me = (await res.json()) as Record<string, string>;
    expect(me).toMatchObject({ username: 'hr.li', displayName: '李人事', role: 'hr', csrfToken: expect.stringMatching(/^[A-Za-z0-9_-]{20,}$/) });
    // The token is not stored as given.
    const token = cookie.split(';')[0]!.split('=')[1]!;
    const stored = world.story.db.prepare('SELECT count(*) FROM auth_sessions WHERE token_hash = ? OR CAST(token_hash AS TEXT) = ?').pluck().get(Buffer.from(token), token);
    expect(stored).toBe(0);
    const again = await fetch(`${world.url}/api/v1/session`, { headers: { cookie: cookie.split(';')[0]! } });
    expect(await again.json()).toMatchObject({ username: 'hr.li', csrfToken: me.csrfToken });
  });

  it('refuses wrong passwords alike for known and unknown names, then limits the name, and the address at four times that', async () => {
    const wrong = await signIn(world.url, 'fac.wu', 'not the password');
    expect(wrong.status).toBe(401);
    const wrongBody = await wrong.json();
    expect(wrongBody).toEqual({ error: { code: 'UNAUTHORIZED', message: 'wrong user name or password, or the account is disabled', problems: [] } });
    expect(await (await signIn(world.url, 'nobody', 'not the password')).json()).toEqual(wrongBody);
    await signIn(world.url, 'fac.wu', 'still not it');
    await signIn(world.url, 'fac.wu', 'nor this');
    // Three failures for fac.wu: even the right password waits now.
    const limited = await signIn(world.url, 'fac.wu', PASSWORD);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(800);
    expect(await limited.json()).toMatchObject({ error: { code: 'RATE_LIMITED', message: expect.stringMatching(/try again in 1[45] minute/) } });
    // Another name from the same address still may: the address has failed 4 times of its 12.
    expect((await signIn(world.url, USERS.facilities.username.replace('wu', 'wu'), PASSWORD)).status).toBe(429);
    const refused = actionsIn(world).filter((a) => a.kind === 'api.sign_in_refused').map((a) => `${a.data.username} ${a.data.reason}`);
    expect(refused).toEqual(['fac.wu wrong_credentials', 'nobody wrong_credentials', 'fac.wu wrong_credentials', 'fac.wu wrong_credentials', 'fac.wu rate_limited', 'fac.wu rate_limited']);
    const other = new ApiWorld();
    await other.start({ maxFailures: 3 });
    try {
      expect((await signIn(other.url, USERS.hr.username)).status).toBe(200);
      for (let i = 0; i < 12; i++) expect((await signIn(other.url, `guess${i}`, 'wrong guess')).status).toBe(401);
      const fromAddress = await signIn(other.url, USERS.hr.username);
      expect(fromAddress.status).toBe(429);
    } finally {
      await other.close();
    }
  });

  it('ends a session after the idle time, and on signing out', async () => {
    const world2 = new ApiWorld();
    await world2.start({ idleMs: 10 * 60_000 });
    try {
      const hr = await clientFor(world2.url, 'hr');
      expect((await hr.call('GET', '/api/v1/cases')).status).toBe(200);
      world2.story.now += 9 * 60_000;
      expect((await hr.call('GET', '/api/v1/cases')).status).toBe(200);
      world2.story.now += 9 * 60_000;
      expect((await hr.call('GET', '/api/v1/cases')).status).toBe(200);
      world2.story.now += 11 * 60_000;
      const expired = await hr.call('GET', '/api/v1/cases');
      expect(expired.status).toBe(401);
      const admin = await clientFor(world2.url, 'admin');
      const out = await admin.call('DELETE', '/api/v1/session');
      expect(out.status).toBe(204);
      expect(out.headers.get('set-cookie')).toMatch(/^rollcall_session=; .*Max-Age=0/);
      expect((await admin.call('GET', '/api/v1/users')).status).toBe(401);
    } finally {
      await world2.close();
    }
  });

  it('records HR approving a notice, and a refused attempt, with who, role and address', async () => {
    const hr = await clientFor(world.url, 'hr');
    const detail = (await (await hr.call('GET', '/api/v1/cases/1')).json()) as { notices: Array<{ noticeId: number; state: string }> };
    const draft = detail.notices.find((n) => n.state === 'draft')!;
    const approved = await hr.call('POST', `/api/v1/notices/${draft.noticeId}/approve`, {});
    expect(approved.status).toBe(200);
    expect(await approved.json()).toMatchObject({ noticeId: draft.noticeId, state: 'approved', approvedBy: 'hr.li' });
    const admin = await clientFor(world.url, 'admin');
    expect((await admin.call('POST', '/api/v1/cases/1/close', { note: 'not mine to close' })).status).toBe(403);
    const entries = actionsIn(world);
    expect(entries.filter((e) => e.kind === 'api.action').map((e) => e.data)).toContainEqual(expect.objectContaining({
      user: 'hr.li', role: 'hr', via: 'session', ip: expect.stringMatching(/127\.0\.0\.1/), method: 'POST', path: `/api/v1/notices/${draft.noticeId}/approve`, status: 200,
    }));
    expect(entries.filter((e) => e.kind === 'api.refused').map((e) => e.data)).toContainEqual(expect.objectContaining({
      user: 'admin.zhao', role: 'admin', path: '/api/v1/cases/1/close', status: 403, reason: expect.stringMatching(/admin role cannot POST/),
    }));
    expect(entries.filter((e) => e.kind === 'api.signed_in').map((e) => e.data.user)).toEqual(expect.arrayContaining(['hr.li', 'admin.zhao']));
  });

  it('lets the admin add an account, change its role (which signs it out) and disable it', async () => {
    const admin = await clientFor(world.url, 'admin');
    const made = await admin.call('POST', '/api/v1/users', { username: 'HR.Wang', role: 'hr', password: 'another long passphrase', displayName: '王人事' });
    expect(made.status).toBe(201);
    expect(await made.json()).toMatchObject({ username: 'hr.wang', role: 'hr', disabled: false });
    expect((await admin.call('POST', '/api/v1/users', { username: 'hr.wang', role: 'hr', password: 'another long passphrase' })).status).toBe(409);
    const short = await admin.call('POST', '/api/v1/users', { username: 'x1', role: 'hr', password: 'short' });
    expect(short.status).toBe(400);
    const wang = await signIn(world.url, 'hr.wang', 'another long passphrase');
    const cookie = wang.headers.get('set-cookie')!.split(';')[0]!;
    expect((await fetch(`${world.url}/api/v1/cases`, { headers: { cookie } })).status).toBe(200);
    expect(await (await admin.call('POST', '/api/v1/users/hr.wang', { role: 'facilities' })).json()).toMatchObject({ role: 'facilities' });
    expect((await fetch(`${world.url}/api/v1/cases`, { headers: { cookie } })).status).toBe(401);
    expect(await (await admin.call('POST', '/api/v1/users/hr.wang', { disabled: true })).json()).toMatchObject({ disabled: true });
    expect((await signIn(world.url, 'hr.wang', 'another long passphrase')).status).toBe(401);
    const last = await admin.call('POST', '/api/v1/users/admin.zhao', { role: 'hr' });
    expect(last.status).toBe(409);
  });
});

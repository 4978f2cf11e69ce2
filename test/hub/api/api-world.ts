import { startApi, type RunningApi } from '../../../hub/api/server.js';
import type { Role } from '../../../hub/auth/roles.js';
import { silent } from '../../helpers/temp.js';
import { at, Story } from '../cases/story-harness.js';

export const PASSWORD = 'correct horse battery';
/** One account per role, as an admin would set them up. */
export const USERS: Record<Role, { username: string; displayName: string }> = {
  hr: { username: 'hr.li', displayName: '李人事' },
  facilities: { username: 'fac.wu', displayName: '吴设备' },
  admin: { username: 'admin.zhao', displayName: '赵管理' },
};
export const TOKEN = 'integration-token-0123456789';

/**
 * A seeded hub behind the real API: the case story's site where 王小明 (E1) stops coming on
 * Monday 2026-06-15 while the others punch, run through detection and the case ladder to the
 * morning of 2026-06-18 (reminders sent, the return-to-work notice drafted), and an account per
 * role. `now` is the story's clock, which sessions read too.
 */
export class ApiWorld {
  readonly story = new Story();
  api!: RunningApi;

  async start(options: { idleMs?: number; maxFailures?: number; dashboard?: null } = {}): Promise<this> {
    const s = this.story;
    s.attend(['2026-06-01', '2026-06-02', '2026-06-03', '2026-06-04', '2026-06-05', '2026-06-08', '2026-06-09', '2026-06-10', '2026-06-11', '2026-06-12']);
    s.attend(['2026-06-15', '2026-06-16', '2026-06-17', '2026-06-18'], ['E1']);
    s.at('2026-06-12T22:01');
    for (const day of ['2026-06-15', '2026-06-16', '2026-06-17']) {
      for (const time of ['09:06', '11:00', '13:00', '22:01']) s.at(`${day}T${time}`);
    }
    s.at('2026-06-18T09:06');
    this.api = await startApi({
      host: '127.0.0.1', port: 0, token: TOKEN, sites: [{ id: 'plant', name: '浦东工厂', timeZone: 'Asia/Shanghai', gateways: [{ id: 'gw1', password: 'unused' }] }],
      modules: s.hub, cases: { cases: s.cases, evidence: s.evidence }, evidence: s.evidence,
      sessions: { ...(options.idleMs === undefined ? {} : { idleMs: options.idleMs }) },
      signIn: { ...(options.maxFailures === undefined ? {} : { maxFailures: options.maxFailures }) },
      metrics: () => '# HELP rollcall_up 1\n# TYPE rollcall_up gauge\nrollcall_up 1\n',
      admin: { config: () => ({ sites: ['plant'] }), policy: () => s.cases.currentPolicy() },
      ...(options.dashboard === null ? { dashboard: null } : {}),
      now: () => s.now, logger: silent,
    });
    for (const [role, u] of Object.entries(USERS) as Array<[Role, { username: string; displayName: string }]>) {
      this.api.accounts.create({ username: u.username, displayName: u.displayName, role, password: PASSWORD }, s.now);
    }
    return this;
  }

  get url(): string {
    return this.api.url;
  }

  async close(): Promise<void> {
    await this.api.close();
    await this.story.close();
  }
}

/** A signed-in client: the session cookie and CSRF token, sent the way the dashboard sends them. */
export interface Client {
  role: Role | 'token' | 'anonymous';
  call(method: string, path: string, body?: unknown, extra?: Record<string, string>): Promise<Response>;
}

export async function signIn(url: string, username: string, password = PASSWORD): Promise<Response> {
  return fetch(`${url}/api/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
}

export async function clientFor(url: string, role: Role | 'token' | 'anonymous'): Promise<Client> {
  let headers: Record<string, string> = {};
  if (role === 'token') headers = { authorization: `Bearer ${TOKEN}`, 'x-rollcall-user': 'provider-callback' };
  else if (role !== 'anonymous') {
    const res = await signIn(url, USERS[role].username);
    if (res.status !== 200) throw new Error(`signing in as ${role} gave ${res.status}: ${await res.text()}`);
    const me = (await res.json()) as { csrfToken: string };
    headers = { cookie: res.headers.get('set-cookie')!.split(';')[0]!, 'x-csrf-token': me.csrfToken };
  }
  return {
    role,
    call: (method, path, body, extra = {}) =>
      fetch(`${url}${path}`, { method, headers: { 'content-type': 'application/json', ...headers, ...extra }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) }),
  };
}

export { at };

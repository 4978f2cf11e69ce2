import { z } from 'zod';
import type { Account, Accounts } from '../auth/accounts.js';
import { ROLES } from '../auth/roles.js';
import type { Sessions } from '../auth/sessions.js';
import type { HubDatabase } from '../db/database.js';
import { notFound, type Route } from './route.js';

export interface AdminRouteOptions {
  db: HubDatabase;
  accounts: Accounts;
  sessions: Sessions;
  now: () => number;
  /** The running configuration with secrets left out. */
  config?: () => unknown;
  /** The escalation policy new cases open under. */
  policy?: () => unknown;
}

const ADMIN = ['admin'] as const;
const Role = z.enum(ROLES as [typeof ROLES[number], ...Array<typeof ROLES[number]>]);
const NewUser = z.strictObject({ username: z.string(), displayName: z.string().optional(), role: Role, password: z.string() });
const UserChange = z.strictObject({ displayName: z.string().optional(), role: Role.optional(), disabled: z.boolean().optional(), password: z.string().optional() });

/** Without the password hash (which the account type does not carry anyway) and with dates readable. */
const shown = (a: Account): unknown => ({ ...a, createdAt: new Date(a.createdAtMs).toISOString(), updatedAt: new Date(a.updatedAtMs).toISOString() });

/** The admin's pages: local accounts and their roles, the configuration, the policy. */
export function adminRoutes(o: AdminRouteOptions): Route[] {
  const routes: Route[] = [
    {
      method: 'GET', path: '/api/v1/users', access: ADMIN, tag: 'admin',
      summary: 'The local accounts and their roles',
      handle: () => ({ json: o.accounts.list().map(shown) }),
    },
    {
      method: 'POST', path: '/api/v1/users', access: ADMIN, tag: 'admin', body: NewUser,
      summary: 'Add a local account (user name, role, password of 10 characters or more)',
      handle: async (ctx) => {
        const u = await ctx.body(NewUser);
        return { status: 201, json: shown(o.accounts.create({ username: u.username, role: u.role, password: u.password, ...(u.displayName === undefined ? {} : { displayName: u.displayName }) }, o.now())) };
      },
    },
    {
      method: 'POST', path: '/api/v1/users/{username}', access: ADMIN, tag: 'admin', body: UserChange,
      summary: 'Change an account: role, disabled, password (a new password or role ends its sessions)',
      handle: async (ctx) => {
        const change = await ctx.body(UserChange);
        const name = ctx.params.username!;
        const before = o.accounts.get(name) ?? notFound(`no user ${name}`);
        const nowMs = o.now();
        // All of the change or none: a refused step (the last admin) undoes the ones before it.
        o.db.transaction(() => {
          if (change.displayName !== undefined && change.displayName !== before.displayName) o.accounts.setDisplayName(name, change.displayName, nowMs);
          if (change.role !== undefined && change.role !== before.role) o.accounts.setRole(name, change.role, nowMs);
          if (change.disabled !== undefined && change.disabled !== before.disabled) o.accounts.setDisabled(name, change.disabled, nowMs);
          if (change.password !== undefined) o.accounts.setPassword(name, change.password, nowMs);
          // A new password or role must not leave a session open under the old one.
          if (change.password !== undefined || (change.role !== undefined && change.role !== before.role)) o.sessions.closeAllOf(before.userId);
        })();
        return { json: shown(o.accounts.get(name)!) };
      },
    },
  ];
  if (o.config !== undefined) {
    const config = o.config;
    routes.push({ method: 'GET', path: '/api/v1/config', access: ADMIN, tag: 'admin', summary: 'The running configuration (secrets left out)', handle: () => ({ json: config() }) });
  }
  if (o.policy !== undefined) {
    const policy = o.policy;
    routes.push({ method: 'GET', path: '/api/v1/policy', access: ['admin', 'hr'], tag: 'admin', summary: 'The escalation policy new cases open under', handle: () => ({ json: policy() }) });
  }
  return routes;
}

import { randomBytes } from 'node:crypto';
import type { HubSite } from '../config/load.js';
import { sameSecret, verifyPassword } from './password-hash.js';

/**
 * Who may connect to the embedded broker and what each may do. A gateway signs in as
 * `{site}/{gateway}` (or just `{gateway}` when no other site uses that id) with its own password,
 * and may publish only its own punches, status and terminal health, and subscribe only to its own
 * acks: a gateway cannot publish for another site or read anyone else's traffic. The hub's own
 * clients sign in with a secret made at start and may do anything.
 */
export type BrokerIdentity = { role: 'hub' } | { role: 'gateway'; site: string; gateway: string };

export const HUB_USERNAME = 'rollcall-hub';
/** Client ids the hub's own clients use; nobody else may take one (it would disconnect the hub). */
export const HUB_CLIENT_PREFIX = 'rollcall-hub';

interface Account {
  site: string;
  gateway: string;
  passwordHash?: string;
  password?: Buffer;
}

export class BrokerAccess {
  /** The password the hub's own MQTT clients use on the embedded broker. */
  readonly hubPassword = randomBytes(24).toString('base64url');
  private readonly accounts = new Map<string, Account>();
  private readonly bareIds = new Map<string, Account | null>();

  constructor(sites: readonly HubSite[]) {
    for (const site of sites) {
      for (const g of site.gateways) {
        const account: Account = { site: site.id, gateway: g.id };
        if (g.passwordHash !== undefined) account.passwordHash = g.passwordHash;
        if (g.password !== undefined) account.password = Buffer.from(g.password, 'utf8');
        this.accounts.set(`${site.id}/${g.id}`, account);
        // A bare gateway id is a username only while it is unambiguous.
        this.bareIds.set(g.id, this.bareIds.has(g.id) ? null : account);
      }
    }
  }

  /** The identity for a username and password, or null (wrong password, unknown user, reserved client id). */
  authenticate(clientId: string, username: string | undefined, password: Buffer | undefined): BrokerIdentity | null {
    if (username === undefined || password === undefined) return null;
    if (username === HUB_USERNAME) return sameSecret(password, Buffer.from(this.hubPassword)) ? { role: 'hub' } : null;
    if (clientId.startsWith(HUB_CLIENT_PREFIX)) return null;
    const account = this.accounts.get(username) ?? this.bareIds.get(username) ?? undefined;
    if (account === undefined) return null;
    const ok = account.passwordHash !== undefined ? verifyPassword(password, account.passwordHash) : account.password !== undefined && sameSecret(password, account.password);
    return ok ? { role: 'gateway', site: account.site, gateway: account.gateway } : null;
  }

  /** Null when allowed, else why not. */
  publishRefusal(identity: BrokerIdentity, topic: string): string | null {
    if (identity.role === 'hub') return null;
    const base = `rollcall/v1/${identity.site}/${identity.gateway}/`;
    if (!topic.startsWith(base)) return `gateway ${identity.site}/${identity.gateway} may publish only under ${base}`;
    const rest = topic.slice(base.length);
    if (rest === 'punches' || rest === 'status') return null;
    const levels = rest.split('/');
    if (levels.length === 3 && levels[0] === 'devices' && levels[2] === 'health' && levels[1] !== '') return null;
    return `gateway ${identity.site}/${identity.gateway} may not publish to ${topic}`;
  }

  /** Null when allowed, else why not. Gateways may subscribe only to their own ack topic. */
  subscribeRefusal(identity: BrokerIdentity, filter: string): string | null {
    if (identity.role === 'hub') return null;
    if (filter === `rollcall/v1/${identity.site}/${identity.gateway}/ack`) return null;
    return `gateway ${identity.site}/${identity.gateway} may subscribe only to its own ack topic`;
  }
}

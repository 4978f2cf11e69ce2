import type { Logger } from 'pino';
import type { EvidenceLog } from '../evidence/log.js';
import type { JsonValue } from '../evidence/canonical-json.js';
import type { Principal } from './route.js';

/** Who did something over the API, as the evidence log keeps it. */
export function actorFacts(principal: Principal | undefined, ip: string): { [key: string]: JsonValue } {
  if (principal === undefined) return { user: null, role: null, via: 'anonymous', ip };
  if (principal.kind === 'token') return { user: principal.name, role: null, via: 'api-token', ip };
  return { user: principal.account.username, role: principal.account.role, via: 'session', ip };
}

/**
 * Every action taken over the API goes into the evidence log (signing in and out, refused
 * sign-ins, each state-changing request with its outcome), so who did what, from where, is part
 * of the same signed record as the cases. Without an evidence log (a hub with no cases) they go
 * to the log only.
 */
export class ActionLog {
  constructor(
    private readonly evidence: EvidenceLog | undefined,
    private readonly logger: Logger,
  ) {}

  record(kind: string, atMs: number, data: { [key: string]: JsonValue }): void {
    this.logger.info({ kind, ...data }, 'API action');
    if (this.evidence === undefined) return;
    try {
      this.evidence.append({ kind, atMs, data });
    } catch (err) {
      // The action itself is done; losing its record must be loud, not fatal to the reply.
      this.logger.error({ err, kind }, 'could not record an API action in the evidence log');
    }
  }
}

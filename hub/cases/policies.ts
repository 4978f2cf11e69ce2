import { createHash } from 'node:crypto';
import { HubError } from '../errors.js';
import { checkPolicy } from './policy-file.js';
import type { Policy } from './policy-schema.js';
import type { CaseStore } from './store.js';

/** The policy versions the hub has run with; each case reads the one it opened under. */
export class PolicyVersions {
  private readonly byId = new Map<number, Policy>();

  constructor(private readonly store: CaseStore) {}

  /**
   * Records the policy the hub runs with now and returns its id. The same name and version with
   * other content is refused: a changed policy needs a new version, so open cases keep theirs.
   */
  register(policy: Policy, atMs: number): number {
    const body = stableJson(policy);
    const sha256 = createHash('sha256').update(body).digest('hex');
    return this.store.write(`record policy ${policy.name} version ${policy.version}`, () => {
      const known = this.store.policyId(policy.name, policy.version);
      if (known !== undefined) {
        if (known.sha256 !== sha256) {
          throw new HubError('CONFIG', `escalation policy "${policy.name}" version ${policy.version} differs from the one the hub already ran with that version; raise its version (open cases keep the version they started under)`);
        }
        this.byId.set(known.policyId, policy);
        return known.policyId;
      }
      const id = this.store.insertPolicy(policy.name, policy.version, body, sha256, atMs);
      this.byId.set(id, policy);
      return id;
    });
  }

  /** The policy a case opened under. */
  get(policyId: number): Policy {
    let policy = this.byId.get(policyId);
    if (policy === undefined) {
      const body = this.store.policyBody(policyId);
      if (body === undefined) throw new HubError('NOT_FOUND', `escalation policy #${policyId} is not stored`);
      policy = checkPolicy(JSON.parse(body) as unknown, `stored escalation policy #${policyId}`);
      this.byId.set(policyId, policy);
    }
    return policy;
  }
}

/** JSON with object keys in sorted order: the same policy always gives the same text and hash. */
function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  );
}

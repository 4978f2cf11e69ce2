import type { HubConfig } from './load.js';

/** Keys whose values are secrets wherever they appear: passwords, tokens, keys, webhook URLs with their keys in them. */
const SECRET = /password|secret|token|key|^url$|webhook|authorization/i;

/**
 * The running configuration as the admin may see it: every secret replaced by "(set)", and the
 * escalation policy left out (it has its own page). Keys are matched by name at any depth, so a
 * channel added later is covered without being listed here.
 */
export function shownConfig(config: HubConfig): unknown {
  const { cases, ...rest } = config;
  return { ...(redact(rest) as object), cases: { policyFile: cases.policyFile, chromiumPath: cases.chromiumPath ?? null } };
}

function redact(value: unknown, key = ''): unknown {
  if (key !== '' && SECRET.test(key) && value !== null && value !== undefined && typeof value !== 'boolean') return '(set)';
  if (Array.isArray(value)) return value.map((v) => redact(v));
  if (value instanceof Map) return redact(Object.fromEntries(value));
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redact(v, k)]));
  return value;
}

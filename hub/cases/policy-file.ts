import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseDocument, stringify } from 'yaml';
import { fileProblem, formatIssues, yamlErrorLine } from '../../agent/config/problems.js';
import { HubError } from '../errors.js';
import { DEFAULT_POLICY } from './default-policy.js';
import { PolicySchema, type Policy } from './policy-schema.js';

/**
 * Reads an escalation policy (YAML). Every failure is a HubError('CONFIG') naming the file and
 * listing every problem as `path.to.field: what is wrong; how to fix`.
 */
export function loadPolicyFile(path: string): Policy {
  const file = resolve(path);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new HubError('CONFIG', `cannot read the escalation policy ${file}: ${fileProblem(err)}`, { cause: err });
  }
  return parsePolicy(text, file);
}

export function parsePolicy(text: string, source = 'the escalation policy'): Policy {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new HubError('CONFIG', `${source} is not valid YAML:\n${doc.errors.map((e) => `  ${yamlErrorLine(e)}`).join('\n')}`);
  }
  const raw: unknown = doc.toJS();
  if (raw === null || raw === undefined) throw new HubError('CONFIG', `${source} is empty; start from \`rollcall hub policy --print-default\``);
  return checkPolicy(raw, source);
}

/** Validates a policy given as data. */
export function checkPolicy(raw: unknown, source = 'the escalation policy'): Policy {
  const result = PolicySchema.safeParse(raw, { reportInput: true });
  if (result.success) return result.data;
  const problems = formatIssues(PolicySchema, result.error.issues);
  const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
  throw new HubError('CONFIG', `${source} has ${count}:\n${problems.map((p) => `  ${p.text}`).join('\n')}`);
}

/** The policy shipped with the hub. */
export function defaultPolicy(): Policy {
  return checkPolicy(DEFAULT_POLICY, 'the default policy');
}

/** The shipped policy as YAML, the starting point for a company's own. */
export function defaultPolicyYaml(): string {
  return `# rollcall escalation policy. Raise "version" with every change: open cases keep the version they started with.\n${stringify(DEFAULT_POLICY, { lineWidth: 0 })}`;
}

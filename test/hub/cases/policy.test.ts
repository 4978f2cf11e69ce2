import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { CaseStore } from '../../../hub/cases/store.js';
import { PolicyVersions } from '../../../hub/cases/policies.js';
import { defaultPolicy, defaultPolicyYaml, loadPolicyFile, parsePolicy } from '../../../hub/cases/policy-file.js';
import { openHubDatabase } from '../../../hub/db/database.js';
import { silent, tempDir } from '../../helpers/temp.js';

describe('escalation policy files', () => {
  const dir = tempDir('policy-');
  afterAll(() => dir.cleanup());

  it('ships a default that validates and prints as YAML that reads back to the same policy', () => {
    const policy = defaultPolicy();
    expect(policy.steps.map((s) => s.id)).toEqual(['first-reminder', 'second-reminder', 'daily-reminder', 'return-to-work-notice', 'termination-draft']);
    expect(parsePolicy(defaultPolicyYaml())).toEqual(policy);
  });

  it('names every problem with its path: unknown keys, missing templates, a legal notice without approval, a deadline cut short', () => {
    const raw = parse(defaultPolicyYaml()) as { steps: Array<Record<string, unknown>>; templates: Record<string, unknown>; [k: string]: unknown };
    raw.colour = 'blue';
    raw.steps[0]!.actions = [{ notify: { to: ['employee'], channels: ['sms'], template: 'nope' } }];
    delete raw.steps[3]!.approval;
    raw.steps[4]!.at = { afterNoticeDelivered: { notice: 'return_to_work', days: 1 } };
    raw.steps[2]!.at = { dailyAt: '9:00' };
    const text = JSON.stringify(raw);
    expect(() => parsePolicy(text, 'policy.yaml')).toThrow(
      expect.objectContaining({
        code: 'CONFIG',
        message: expect.stringMatching(/^policy\.yaml has 5 problems:/),
      }),
    );
    let message = '';
    try {
      parsePolicy(text, 'policy.yaml');
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain('colour: unknown key');
    expect(message).toContain('steps[0].actions[0].notify.template: no template "nope" in templates');
    expect(message).toContain('steps[3].approval: a step that drafts a legal notice needs approval: hr');
    expect(message).toContain('steps[4].at.afterNoticeDelivered.days: 1 days is before the 3-day deadline the return_to_work notice gives');
    expect(message).toContain('steps[2].at');
  });

  it('refuses broken YAML, an empty file and a missing file with the file named', () => {
    expect(() => parsePolicy('steps: [a, b', 'p.yaml')).toThrow(/p\.yaml is not valid YAML/);
    expect(() => parsePolicy('', 'p.yaml')).toThrow(/p\.yaml is empty; start from `rollcall hub policy --print-default`/);
    expect(() => loadPolicyFile(dir.file('missing.yaml'))).toThrow(/cannot read the escalation policy .*missing\.yaml/);
  });

  it('keeps each version: the same name and version with other content is refused, a new version is stored beside it', () => {
    const db = openHubDatabase({ path: dir.file('hub.sqlite'), logger: silent });
    try {
      const versions = new PolicyVersions(new CaseStore(db));
      const v1 = defaultPolicy();
      const id1 = versions.register(v1, 1);
      expect(versions.register(defaultPolicy(), 2)).toBe(id1);
      const changed = { ...v1, company: '示例制造有限公司' };
      expect(() => versions.register(changed, 3)).toThrow(/version 1 differs from the one the hub already ran with that version; raise its version/);
      const id2 = versions.register({ ...changed, version: 2 }, 4);
      expect(id2).not.toBe(id1);
      expect(new PolicyVersions(new CaseStore(db)).get(id1).company).toBe('本公司');
      expect(new PolicyVersions(new CaseStore(db)).get(id2).company).toBe('示例制造有限公司');
    } finally {
      db.close();
    }
  });
});

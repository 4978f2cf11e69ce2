import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { loadHubConfig, parseHubConfig } from '../../hub/config/load.js';
import { defaultPolicyYaml } from '../../hub/cases/policy-file.js';
import { HubError } from '../../hub/errors.js';
import { tempDir } from '../helpers/temp.js';

const dir = tempDir('hub-config-');
afterAll(() => dir.cleanup());

function problem(text: string): string {
  try {
    parseHubConfig(text, dir.dir, 'hub.yaml');
  } catch (err) {
    expect(err).toBeInstanceOf(HubError);
    expect((err as HubError).code).toBe('CONFIG');
    return (err as HubError).message;
  }
  throw new Error('expected the configuration to be refused');
}

describe('hub configuration', () => {
  it('reads the example with defaults filled in and secrets read', () => {
    writeFileSync(dir.file('suzhou.txt'), 'pw\n');
    const text = readFileSync('fixtures/hub.example.yaml', 'utf8').replace('./secrets/suzhou-gw1.txt', './suzhou.txt');
    const config = parseHubConfig(text, dir.dir);
    expect(config.broker).toEqual({ kind: 'embedded', host: '0.0.0.0', port: 1883 });
    expect(config.database).toEqual({ path: dir.file('rollcall-hub.sqlite'), synchronous: 'FULL' });
    expect(config.sites.map((s) => [s.id, s.timeZone, s.gateways.map((g) => g.id)])).toEqual([
      ['shanghai-plant', 'Asia/Shanghai', ['gw1']],
      ['suzhou-warehouse', 'Asia/Shanghai', ['gw1']],
    ]);
    expect(config.sites[1]!.gateways[0]!.password).toBe('pw');
    expect(config.detection).toEqual({ intervalSeconds: 60, thresholds: { consecutive: 3, monthly: 5 }, restBreaksRun: false, leaveBreaksRun: true });
  });

  it('reads the example\'s api block once uncommented: sessions and sign-in limits in milliseconds, the token read', () => {
    writeFileSync(dir.file('suzhou.txt'), 'pw\n');
    writeFileSync(dir.file('api-token.txt'), 'tok-123\n');
    const lines = readFileSync('fixtures/hub.example.yaml', 'utf8').replace('./secrets/suzhou-gw1.txt', './suzhou.txt').split('\n');
    const start = lines.indexOf('# api:');
    expect(start).toBeGreaterThan(0);
    for (let i = start; i < lines.length && lines[i]!.startsWith('# '); i++) lines[i] = lines[i]!.slice(2).replace('./secrets/', './');
    const config = parseHubConfig(lines.join('\n'), dir.dir);
    expect(config.api).toEqual({
      host: '0.0.0.0', port: 8080, token: 'tok-123',
      sessions: { ttlMs: 12 * 3_600_000, idleMs: 30 * 60_000, secureCookies: false },
      signIn: { maxFailures: 5, windowMs: 15 * 60_000 },
    });
    expect(problem('api: { sessions: { idleMinutes: 0 }, signIn: { maxFailures: 0 } }')).toMatch(/api\.sessions\.idleMinutes: .*\n.*api\.signIn\.maxFailures: /s);
  });

  it('lists every problem of a broken file with its path and a fix', () => {
    const message = problem(
      [
        'broker: { embedded: {}, external: { url: "http://x" } }',
        'sites:',
        '  - { id: "a/b", timeZone: Mars/Olympus, gateways: [{ id: gw1 }, { id: gw1, passwordHash: "md5:abc" }] }',
        '  - { id: ok, timeZone: "+08:00" }',
        '  - { id: ok, timeZone: UTC }',
        'detection: { thresholds: { consecutive: 0 }, startDate: 2026-02-30 }',
        'colour: blue',
      ].join('\n'),
    );
    expect(message).toMatch(/^hub\.yaml has \d+ problems:/);
    for (const expected of [
      /broker\.external\.url: .*mqtt:\/\/host:1883/,
      /broker: choose one: broker\.embedded or broker\.external/,
      /sites\[0\]\.id: "a\/b" is not allowed; use letters, digits/,
      /sites\[0\]\.timeZone: unknown time zone; use an IANA name/,
      /sites\[0\]\.gateways\[0\]: give exactly one of passwordHash or passwordFile/,
      /sites\[0\]\.gateways\[1\]\.passwordHash: not a password hash; make one with `rollcall hub hash-password`/,
      /sites\[0\]\.gateways\[1\]\.id: gateway "gw1" is listed twice/,
      /sites\[2\]\.id: site "ok" is listed twice/,
      /detection\.thresholds\.consecutive: /,
      /detection\.startDate: write a date as YYYY-MM-DD/,
      /colour/,
    ]) expect(message).toMatch(expected);
  });

  it('runs cases under the shipped policy by default, or reads and checks the policy file named', () => {
    const base = 'sites: [{ id: plant, timeZone: Asia/Shanghai }]\n';
    expect(parseHubConfig(base, dir.dir).cases).toMatchObject({ policyFile: null, policy: { name: 'default', version: 1 } });
    writeFileSync(dir.file('policy.yaml'), defaultPolicyYaml().replace('name: default', 'name: acme').replace('version: 1', 'version: 4'));
    expect(parseHubConfig(`${base}cases: { policyFile: ./policy.yaml }\n`, dir.dir).cases).toMatchObject({ policyFile: dir.file('policy.yaml'), policy: { name: 'acme', version: 4 } });
    writeFileSync(dir.file('broken-policy.yaml'), 'name: acme\nversion: 0\n');
    expect(problem(`${base}cases: { policyFile: ./broken-policy.yaml }\n`)).toMatch(/broken-policy\.yaml has \d+ problems:\n  version: /);
    expect(problem(`${base}cases: { policyFile: ./nowhere.yaml }\n`)).toMatch(/cannot read the escalation policy .*nowhere\.yaml/);
  });

  it('gives each site its city\'s social-insurance cutoff day, and names a city without one', () => {
    const sites = 'sites:\n  - { id: plant, timeZone: Asia/Shanghai, city: 上海 }\n  - { id: depot, timeZone: Asia/Shanghai }\n';
    const config = parseHubConfig(`${sites}cases: { socialInsuranceCutoffDays: { 上海: 15 }, chromiumPath: /usr/bin/chromium }\n`, dir.dir);
    expect(config.sites.map((s) => [s.id, s.socialInsuranceCutoffDay])).toEqual([['plant', 15], ['depot', undefined]]);
    expect(config.cases.chromiumPath).toBe('/usr/bin/chromium');
    expect(problem(`${sites}cases: { socialInsuranceCutoffDays: { 苏州: 20 } }\n`)).toContain('sites[0].city: no cutoff day for "上海" in cases.socialInsuranceCutoffDays');
    expect(problem(`${sites}cases: { socialInsuranceCutoffDays: { 上海: 32 } }\n`)).toMatch(/cases\.socialInsuranceCutoffDays\.上海: /);
  });

  it('says what is wrong with unreadable YAML, an empty file, a missing file and missing secrets', async () => {
    expect(problem('sites: [\n  - {id: x')).toMatch(/^hub\.yaml is not valid YAML:\n  line \d+, column \d+: /);
    expect(problem('')).toMatch(/is empty; start from fixtures\/hub\.example\.yaml/);
    expect(problem('sites: []')).toMatch(/sites: needs at least 1 entries; the company.s sites/);
    expect(problem('sites: [{ id: s, timeZone: UTC, gateways: [{ id: g, passwordFile: ./nope.txt }] }]')).toMatch(
      /sites\[0\]\.gateways\[0\]\.passwordFile: cannot read .*nope\.txt: no such file; check the path \(relative paths start from /,
    );
    writeFileSync(dir.file('empty.txt'), '\n');
    expect(problem('sites: [{ id: s, timeZone: UTC, gateways: [{ id: g, passwordFile: ./empty.txt }] }]')).toMatch(/empty\.txt is empty; write the secret in it/);
    writeFileSync(dir.file('key.pem'), 'not pem');
    expect(problem('broker: { embedded: { tls: { keyFile: ./key.pem, certFile: ./key.pem } } }\nsites: [{ id: s, timeZone: UTC }]')).toMatch(/tls\.keyFile: .*is not a PEM file/);
    await expect(loadHubConfig(dir.file('missing.yaml'))).rejects.toThrow(/cannot read the configuration .*missing\.yaml: no such file/);
  });
});

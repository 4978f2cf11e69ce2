import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import { fileProblem, formatIssues, formatPath, yamlErrorLine, type Problem } from '../../agent/config/problems.js';
import { defaultPolicy, loadPolicyFile } from '../cases/policy-file.js';
import type { Policy } from '../cases/policy-schema.js';
import type { NotificationConfig } from '../cases/channels/config.js';
import { HubError } from '../errors.js';
import { missingChannelProblem, notificationConfig } from './channels.js';
import { HubConfigSchema, type DetectionConfig, type ParsedHubConfig } from './schema.js';

export interface GatewayConfig {
  id: string;
  /** One of them: an scrypt hash from the file, or the clear password read from passwordFile. */
  passwordHash?: string;
  password?: string;
}

export interface HubSite {
  id: string;
  name?: string;
  timeZone: string;
  gateways: GatewayConfig[];
  /** The day of the month of the site's city's social-insurance cutoff, when configured. */
  socialInsuranceCutoffDay?: number;
}

export type HubBrokerConfig =
  | { kind: 'embedded'; host: string; port: number; tls?: { port: number; key: string; cert: string }; websocket?: { port: number; path: string } }
  | {
      kind: 'external';
      url: string;
      username?: string;
      password?: string;
      clientId?: string;
      shareGroup: string | null;
      tls?: { ca?: string; cert?: string; key?: string; rejectUnauthorized: boolean };
    };

/** The configuration the hub runs with: defaults filled in, paths absolute, secret files read. */
export interface HubConfig {
  database: { path: string; synchronous: 'NORMAL' | 'FULL' };
  broker: HubBrokerConfig;
  sites: HubSite[];
  detection: DetectionConfig;
  /** The escalation policy new cases open under, the file it came from (null: the shipped one), and the Chromium that prints notices. */
  cases: { policy: Policy; policyFile: string | null; chromiumPath?: string };
  /** How messages leave the hub, and who HR and the union are; absent without a `channels` section (nothing is sent). */
  channels?: NotificationConfig;
  api?: {
    host: string;
    port: number;
    token?: string;
    sessions: { ttlMs: number; idleMs: number; secureCookies: boolean };
    signIn: { maxFailures: number; windowMs: number };
  };
  logLevel: ParsedHubConfig['logLevel'];
}

/**
 * Reads and validates `hub.yaml`. Every failure is a HubError('CONFIG') whose message names the
 * file and lists every problem, one per line, as `path.to.field: what is wrong; how to fix`.
 */
export async function loadHubConfig(path: string): Promise<HubConfig> {
  const file = resolve(path);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new HubError('CONFIG', `cannot read the configuration ${file}: ${fileProblem(err)}`, { cause: err });
  }
  return parseHubConfig(text, dirname(file), file);
}

export function parseHubConfig(text: string, baseDir: string, source = 'configuration'): HubConfig {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const lines = doc.errors.map((e) => `  ${yamlErrorLine(e)}`);
    throw new HubError('CONFIG', `${source} is not valid YAML:\n${lines.join('\n')}`);
  }
  const raw: unknown = doc.toJS();
  if (raw === null || raw === undefined) throw new HubError('CONFIG', `${source} is empty; start from fixtures/hub.example.yaml (database, broker, sites)`);
  const result = HubConfigSchema.safeParse(raw, { reportInput: true });
  const problems: Problem[] = result.success ? [] : formatIssues(HubConfigSchema, result.error.issues);
  const files = new Files(baseDir, problems);
  if (result.success) {
    const config = finish(result.data, files);
    if (problems.length === 0) return config;
  }
  const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
  throw new HubError('CONFIG', `${source} has ${count}:\n${problems.map((p) => `  ${p.text}`).join('\n')}`);
}

function finish(parsed: ParsedHubConfig, files: Files): HubConfig {
  const sites: HubSite[] = parsed.sites.map((site, i) => {
    const out: HubSite = { id: site.id, timeZone: site.timeZone, gateways: [] };
    if (site.name !== undefined) out.name = site.name;
    if (site.city !== undefined) {
      const day = parsed.cases.socialInsuranceCutoffDays[site.city];
      if (day !== undefined) out.socialInsuranceCutoffDay = day;
      else files.report({ path: ['sites', i, 'city'], text: `sites[${i}].city: no cutoff day for "${site.city}" in cases.socialInsuranceCutoffDays; add it (ask the city's social-insurance office) or leave city out` });
    }
    site.gateways.forEach((g, j) => {
      const gateway: GatewayConfig = { id: g.id };
      if (g.passwordHash !== undefined) gateway.passwordHash = g.passwordHash;
      if (g.passwordFile !== undefined) gateway.password = files.secret(g.passwordFile, ['sites', i, 'gateways', j, 'passwordFile']);
      out.gateways.push(gateway);
    });
    return out;
  });
  const config: HubConfig = {
    database: { path: files.path(parsed.database.path), synchronous: parsed.database.synchronous },
    broker: broker(parsed.broker, files),
    sites,
    detection: parsed.detection,
    cases: casesConfig(parsed.cases, files),
    logLevel: parsed.logLevel,
  };
  const channels = notificationConfig(parsed.channels, parsed.recipients, files);
  if (channels !== undefined) {
    config.channels = channels;
    const missing = missingChannelProblem(config.cases.policy, channels);
    if (missing !== undefined) files.report(missing);
  }
  if (parsed.api !== undefined) {
    const { sessions, signIn } = parsed.api;
    config.api = {
      host: parsed.api.host,
      port: parsed.api.port,
      sessions: { ttlMs: sessions.hours * 3_600_000, idleMs: sessions.idleMinutes * 60_000, secureCookies: sessions.secureCookies },
      signIn: { maxFailures: signIn.maxFailures, windowMs: signIn.windowMinutes * 60_000 },
    };
    if (parsed.api.tokenFile !== undefined) config.api.token = files.secret(parsed.api.tokenFile, ['api', 'tokenFile']);
  }
  return config;
}

/** The policy file read and checked now, so `rollcall hub check` and the hub's start report its problems. */
function casesConfig(parsed: ParsedHubConfig['cases'], files: Files): HubConfig['cases'] {
  const chromium = parsed.chromiumPath === undefined ? {} : { chromiumPath: files.path(parsed.chromiumPath) };
  if (parsed.policyFile === undefined) return { policy: defaultPolicy(), policyFile: null, ...chromium };
  const path = files.path(parsed.policyFile);
  return { policy: loadPolicyFile(path), policyFile: path, ...chromium };
}

function broker(parsed: ParsedHubConfig['broker'], files: Files): HubBrokerConfig {
  const ext = parsed.external;
  if (ext !== undefined) {
    const out: HubBrokerConfig = { kind: 'external', url: ext.url, shareGroup: ext.shareGroup };
    if (ext.username !== undefined) out.username = ext.username;
    if (ext.passwordFile !== undefined) out.password = files.secret(ext.passwordFile, ['broker', 'external', 'passwordFile']);
    if (ext.clientId !== undefined) out.clientId = ext.clientId;
    if (ext.tls !== undefined) {
      const tls: NonNullable<typeof out.tls> = { rejectUnauthorized: ext.tls.rejectUnauthorized };
      for (const key of ['ca', 'cert', 'key'] as const) {
        const path = ext.tls[`${key}File`];
        if (path !== undefined) tls[key] = files.pem(path, ['broker', 'external', 'tls', `${key}File`]);
      }
      out.tls = tls;
    }
    return out;
  }
  const emb = parsed.embedded ?? { host: '127.0.0.1', port: 1883 };
  const out: HubBrokerConfig = { kind: 'embedded', host: emb.host, port: emb.port };
  if (emb.tls !== undefined) {
    out.tls = {
      port: emb.tls.port,
      key: files.pem(emb.tls.keyFile, ['broker', 'embedded', 'tls', 'keyFile']),
      cert: files.pem(emb.tls.certFile, ['broker', 'embedded', 'tls', 'certFile']),
    };
  }
  if (emb.websocket !== undefined) out.websocket = { port: emb.websocket.port, path: emb.websocket.path };
  return out;
}

/** Reads the files a configuration names, collecting each failure as a problem. */
class Files {
  constructor(
    private readonly baseDir: string,
    private readonly problems: Problem[],
  ) {}

  path(p: string): string {
    return isAbsolute(p) ? p : resolve(this.baseDir, p);
  }

  secret(p: string, at: PropertyKey[]): string {
    const content = this.read(p, at).replace(/\r?\n$/, '');
    if (content === '' && !this.failed(at)) this.problems.push({ path: at, text: `${formatPath(at)}: ${this.path(p)} is empty; write the secret in it` });
    return content;
  }

  /** A problem found while resolving the configuration (not from a file). */
  report(problem: Problem): void {
    this.problems.push(problem);
  }

  pem(p: string, at: PropertyKey[]): string {
    const content = this.read(p, at);
    if (!this.failed(at) && !content.includes('-----BEGIN ')) {
      this.problems.push({ path: at, text: `${formatPath(at)}: ${this.path(p)} is not a PEM file (no "-----BEGIN" line)` });
    }
    return content;
  }

  private failed(at: PropertyKey[]): boolean {
    const key = formatPath(at);
    return this.problems.some((p) => formatPath(p.path) === key);
  }

  private read(p: string, at: PropertyKey[]): string {
    const file = this.path(p);
    try {
      return readFileSync(file, 'utf8');
    } catch (err) {
      const relative = isAbsolute(p) ? '' : ` (relative paths start from ${this.baseDir})`;
      this.problems.push({ path: at, text: `${formatPath(at)}: cannot read ${file}: ${fileProblem(err)}${relative}` });
      return '';
    }
  }
}

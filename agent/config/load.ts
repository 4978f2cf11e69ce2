import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { isMap, isScalar, isSeq, parseDocument, type Document } from 'yaml';
import { AgentError } from '../errors.js';
import { fileProblem, formatIssues, formatPath, yamlErrorLine, type Problem } from './problems.js';
import { AgentConfigSchema, type AgentConfig, type BrokerConfig, type ParsedAgentConfig } from './schema.js';

export interface ParseOptions {
  /** Names the configuration in messages (default "configuration"). */
  source?: string;
  /** Read passwordFile and the TLS files (default true); `agent status` needs none of them. */
  readSecrets?: boolean;
}

/**
 * Reads, parses and validates the agent's YAML configuration. Every failure is an
 * AgentError('CONFIG') whose message names the file and lists every problem found, one per
 * line, as `path.to.field: what is wrong; how to fix`.
 */
export async function loadConfig(path: string, options: Omit<ParseOptions, 'source'> = {}): Promise<AgentConfig> {
  const file = resolve(path);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new AgentError('CONFIG', `cannot read the configuration ${file}: ${fileProblem(err)}`, { cause: err });
  }
  return parseConfig(text, dirname(file), { ...options, source: file });
}

/** Parses and validates configuration text; relative paths are resolved against `baseDir`. */
export function parseConfig(text: string, baseDir: string, options: ParseOptions = {}): AgentConfig {
  const source = options.source ?? 'configuration';
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const lines = doc.errors.map((e) => {
      const snippet = e.message.split('\n').slice(1);
      return `${yamlErrorLine(e).replace(/:$/, '')}${snippet.filter((l) => l.trim() !== '').map((l) => `\n      ${l}`).join('')}`;
    });
    throw new AgentError('CONFIG', `${source} is not valid YAML:\n${lines.map((l) => `  ${l}`).join('\n')}`);
  }
  keepCardNumbersAsWritten(doc);
  const raw: unknown = doc.toJS();
  if (raw === null || raw === undefined) {
    throw new AgentError('CONFIG', `${source} is empty; start from fixtures/agent.example.yaml (site, gateway, utcOffset, broker and terminals)`);
  }

  const result = AgentConfigSchema.safeParse(raw, { reportInput: true });
  const problems = result.success ? [] : formatIssues(AgentConfigSchema, result.error.issues);
  const secrets = options.readSecrets === false ? { problems: [], files: new Map<string, string>() } : readSecretFiles(raw, baseDir);
  problems.push(...secrets.problems);
  if (!result.success || problems.length > 0) {
    const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
    const lines = inFileOrder(doc, problems).map((p) => `  ${p.text}`);
    throw new AgentError('CONFIG', `${source} has ${count}:\n${lines.join('\n')}`);
  }
  return finish(result.data, baseDir, secrets.files);
}

function finish(parsed: ParsedAgentConfig, baseDir: string, files: Map<string, string>): AgentConfig {
  const at = (p: string): string => (isAbsolute(p) ? p : resolve(baseDir, p));
  const { passwordFile, tls, ...rest } = parsed.broker;
  const broker: BrokerConfig = { ...rest };
  if (passwordFile !== undefined) broker.password = files.get('passwordFile');
  if (tls !== undefined) {
    broker.tls = { rejectUnauthorized: tls.rejectUnauthorized };
    for (const [key, content] of [['caFile', 'ca'], ['certFile', 'cert'], ['keyFile', 'key']] as const) {
      const path = tls[key];
      if (path === undefined) continue;
      broker.tls[key] = at(path);
      broker.tls[content] = files.get(key);
    }
  }
  return { ...parsed, outbox: { ...parsed.outbox, path: at(parsed.outbox.path) }, broker };
}

/**
 * Reads the broker's password file and TLS files named in the (possibly invalid) raw
 * configuration, so unreadable files are reported together with every other problem.
 */
function readSecretFiles(raw: unknown, baseDir: string): { problems: Problem[]; files: Map<string, string> } {
  const problems: Problem[] = [];
  const files = new Map<string, string>();
  const broker = field(raw, 'broker');
  const wanted: Array<[string, unknown, string[]]> = [['passwordFile', field(broker, 'passwordFile'), ['broker', 'passwordFile']]];
  const tls = field(broker, 'tls');
  for (const key of ['caFile', 'certFile', 'keyFile']) wanted.push([key, field(tls, key), ['broker', 'tls', key]]);
  for (const [key, value, path] of wanted) {
    if (typeof value !== 'string' || value === '') continue;
    const file = isAbsolute(value) ? value : resolve(baseDir, value);
    try {
      let content = readFileSync(file, 'utf8');
      if (key === 'passwordFile') content = content.replace(/\r?\n$/, '');
      if (content.trim() === '') problems.push({ path, text: `${formatPath(path)}: ${file} is empty; ${key === 'passwordFile' ? 'write the broker password in it' : 'it should hold a PEM file'}` });
      else if (key !== 'passwordFile' && !content.includes('-----BEGIN ')) {
        problems.push({ path, text: `${formatPath(path)}: ${file} is not a PEM file (no "-----BEGIN" line); convert it, e.g. openssl x509 -in cert.der -inform der -out cert.pem` });
      }
      files.set(key, content);
    } catch (err) {
      const relative = isAbsolute(value) ? '' : ` (relative paths start from ${baseDir})`;
      problems.push({ path, text: `${formatPath(path)}: cannot read ${file}: ${fileProblem(err)}${relative}` });
    }
  }
  return { problems, files };
}

/** Problems sorted by where they are in the file (a missing key: where its parent is), so the report reads top to bottom. */
function inFileOrder(doc: Document, problems: Problem[]): Problem[] {
  const offset = (path: PropertyKey[]): number => {
    for (let n = path.length; n > 0; n--) {
      const node = doc.getIn(path.slice(0, n), true) as { range?: [number, number, number] } | undefined;
      if (node?.range !== undefined) return node.range[0];
    }
    return -1;
  };
  return problems.map((p, i) => ({ p, i, at: offset(p.path) })).sort((a, b) => a.at - b.at || a.i - b.i).map((x) => x.p);
}

function field(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>)[key] : undefined;
}

/**
 * YAML reads `0012345` as the number 12345, which would silently drop a card number's leading
 * zeros: card numbers and user ids in `hidReaders[].cards` are taken exactly as written.
 */
function keepCardNumbersAsWritten(doc: Document): void {
  const readers = doc.get('hidReaders', true);
  if (!isSeq(readers)) return;
  for (const reader of readers.items) {
    if (!isMap(reader)) continue;
    const cards = reader.get('cards', true);
    if (!isMap(cards)) continue;
    for (const pair of cards.items) {
      for (const node of [pair.key, pair.value]) {
        if (isScalar(node) && typeof node.value === 'number' && typeof node.source === 'string') node.value = node.source;
      }
    }
  }
}

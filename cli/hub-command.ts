import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { hashPassword } from '../hub/broker/password-hash.js';
import { defaultPolicyYaml, loadPolicyFile } from '../hub/cases/policy-file.js';
import { loadHubConfig, type HubConfig } from '../hub/config/load.js';
import { openHubDatabase } from '../hub/db/database.js';
import { HealthStore } from '../hub/ingest/health-store.js';
import { startHub } from '../hub/hub.js';
import { zone } from '../hub/time/zone.js';
import { CliError } from './cli-error.js';
import { formatTable } from './output.js';

export const HUB_USAGE = `Usage: rollcall hub [run] [--config hub.yaml] [--client-id ID]
       rollcall hub check [--config hub.yaml]
       rollcall hub status [--config hub.yaml] [--json]
       rollcall hub hash-password < password.txt
       rollcall hub import <employees|leave|schedules|holidays> FILE [--config hub.yaml]
       rollcall hub user <add|list|passwd|role|disable|enable> ... [--config hub.yaml]
       rollcall hub policy --print-default | rollcall hub policy FILE

The hub: runs (or reaches) the MQTT broker, takes every gateway's punches, status and terminal
health into its SQLite database and acknowledges each stored batch.

Actions:
  run            start the hub (the default): JSON logs on stdout; Ctrl-C or SIGTERM stops it
  check          validate the configuration and print a summary (exit code 2 when it is broken)
  status         per site: sync watermark, gateways, terminals, punches stored, dead letters
  hash-password  read a gateway password on stdin and print its scrypt hash for
                 sites[].gateways[].passwordHash
  import         people, leave, schedules or holiday overrides (rollcall hub import --help)
  user           the accounts that sign in to the dashboard and API (rollcall hub user --help)
  policy         --print-default: the shipped escalation policy as YAML, to copy and change;
                 FILE: check an escalation policy and list its steps (exit code 2 when broken)

Options:
  -c, --config FILE   the configuration (default: hub.yaml in the current folder);
                      fixtures/hub.example.yaml documents every setting
  --client-id ID      this process's MQTT client id (several hub processes on one external
                      broker each need their own; keep it the same across restarts)
  --json              status: print JSON
  -h, --help          this help
`;

export async function runHubCommand(argv: string[]): Promise<void> {
  if (argv[0] === 'import') return (await import('./hub-data-command.js')).runImportCommand(argv.slice(1));
  if (argv[0] === 'user') return (await import('./user-command.js')).runUserCommand(argv.slice(1));
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      config: { type: 'string', short: 'c', default: 'hub.yaml' },
      'client-id': { type: 'string' },
      json: { type: 'boolean', default: false },
      'print-default': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const [action = 'run', ...extra] = positionals;
  if (values.help) {
    process.stdout.write(HUB_USAGE);
    return;
  }
  if (action === 'policy') return policy(values['print-default'], extra);
  if (extra.length > 0) throw new CliError(`unexpected argument "${extra[0]}"\n\n${HUB_USAGE}`);
  switch (action) {
    case 'run':
      return run(await loadHubConfig(values.config), values['client-id']);
    case 'check':
      return check(await loadHubConfig(values.config));
    case 'status':
      return status(await loadHubConfig(values.config), values.json);
    case 'hash-password':
      return hashFromStdin();
    default:
      throw new CliError(`unknown hub action "${action}"\n\n${HUB_USAGE}`);
  }
}

async function run(config: HubConfig, clientId: string | undefined): Promise<void> {
  const logger = pino({ level: config.logLevel, base: { component: 'hub' } });
  const hub = await startHub(config, { logger, ...(clientId === undefined ? {} : { clientId }) });
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  logger.info('stopping');
  await hub.stop();
}

function check(config: HubConfig): void {
  const broker = config.broker.kind === 'embedded'
    ? `embedded on ${config.broker.host}:${config.broker.port}${config.broker.tls === undefined ? '' : `, TLS on ${config.broker.tls.port}`}${config.broker.websocket === undefined ? '' : `, WebSocket on ${config.broker.websocket.port}${config.broker.websocket.path}`}`
    : `external ${config.broker.url.replace(/\/\/[^@/]*@/, '//***@')}${config.broker.shareGroup === null ? '' : ` (shared subscription group ${config.broker.shareGroup})`}`;
  const lines = [
    'configuration OK',
    `database: ${config.database.path} (synchronous ${config.database.synchronous})`,
    `broker: ${broker}`,
    ...config.sites.map((s) => `site ${s.id}: time zone ${s.timeZone}, gateways ${s.gateways.map((g) => g.id).join(', ') || '(none)'}`),
    `detection: every ${config.detection.intervalSeconds} s; thresholds ${config.detection.thresholds.consecutive} consecutive, ${config.detection.thresholds.monthly} per month`,
    `cases: policy ${config.cases.policy.name} version ${config.cases.policy.version} (${config.cases.policyFile ?? 'shipped with the hub'}), ${config.cases.policy.steps.length} steps`,
    `channels: ${config.channels === undefined ? 'none (case notifications wait in the outbox, unsent)' : Object.keys(config.channels.channels).join(', ')}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

function status(config: HubConfig, json: boolean): void {
  const db = openHubDatabase({ path: config.database.path, logger: pino({ level: 'silent' }) });
  try {
    const health = new HealthStore(db);
    const sites = config.sites.map((s) => {
      const z = zone(s.timeZone);
      const watermark = health.watermark(s.id, s.gateways.map((g) => g.id));
      const punches = (db.prepare('SELECT count(*) AS n, max(at_ms) AS last FROM punches WHERE site = ?').get(s.id) as { n: number; last: number | null });
      return {
        site: s.id,
        watermark: watermark === null ? null : z.format(watermark),
        punches: punches.n,
        lastPunch: punches.last === null ? null : z.format(punches.last),
        gateways: health.gateways(s.id).map((g) => ({ gateway: g.gateway, state: g.state, epoch: g.epoch, at: z.format(g.atMs), backlog: g.backlog })),
        terminals: health.terminals(s.id).map((t) => ({ serial: t.deviceSerial, name: t.name, gateway: t.gateway, online: t.online, deliveredThrough: t.deliveredThroughMs === null ? null : z.format(t.deliveredThroughMs), retired: t.retiredMs !== null })),
      };
    });
    const deadLetters = (db.prepare('SELECT count(*) AS n FROM dead_letters WHERE replayed_ms IS NULL').get() as { n: number }).n;
    if (json) {
      process.stdout.write(`${JSON.stringify({ sites, deadLetters }, null, 2)}\n`);
      return;
    }
    for (const s of sites) {
      process.stdout.write(`site ${s.site}: ${s.punches} punches (last ${s.lastPunch ?? 'none'}), watermark ${s.watermark ?? 'not known yet'}\n`);
      if (s.gateways.length > 0) process.stdout.write(`${formatTable(['gateway', 'state', 'epoch', 'since', 'backlog'], s.gateways.map((g) => [g.gateway, g.state, String(g.epoch), g.at, g.backlog === null ? '' : String(g.backlog)]))}\n`);
      if (s.terminals.length > 0) process.stdout.write(`${formatTable(['terminal', 'name', 'gateway', 'online', 'delivered through'], s.terminals.map((t) => [t.serial, t.name, t.gateway, t.online ? 'yes' : 'no', t.deliveredThrough ?? '']))}\n`);
    }
    process.stdout.write(`dead letters waiting: ${deadLetters}\n`);
  } finally {
    db.close();
  }
}

function policy(printDefault: boolean, files: readonly string[]): void {
  if (printDefault) {
    process.stdout.write(defaultPolicyYaml());
    return;
  }
  const [file, ...more] = files;
  if (file === undefined || more.length > 0) throw new CliError(`hub policy: give --print-default or one policy file\n\n${HUB_USAGE}`);
  const p = loadPolicyFile(file);
  const lines = [`policy ${p.name} version ${p.version} OK (${p.company})`, ...p.steps.map((s) => `  ${s.id}: ${s.title}${s.approval === 'hr' ? ' [needs HR approval]' : ''}`)];
  process.stdout.write(`${lines.join('\n')}\n`);
}

async function hashFromStdin(): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const password = Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
  if (password === '') throw new CliError('no password on stdin: echo -n "secret" | rollcall hub hash-password');
  process.stdout.write(`${hashPassword(password)}\n`);
}

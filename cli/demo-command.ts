import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { startAgent } from '../agent/agent.js';
import { parseConfig } from '../agent/config/load.js';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { DEMO_ACCOUNTS, DEMO_GATEWAY, DEMO_SITE, startDemoHub } from './demo-hub.js';
import { TerminalSimulator, startTcpServer } from '../fixtures/sim/index.js';
import { TcpTransport } from '../protocols/transport/tcp.js';
import { ZkClient } from '../protocols/zk/client/client.js';
import { formatLocal, formatUtcOffset } from '../protocols/zk/time.js';
import { backfillProgress } from './agent-command.js';
import { CliError } from './cli-error.js';
import { numberArg } from './number-arg.js';
import { formatTable } from './output.js';

export const DEMO_USAGE = `Usage: rollcall demo [options]

Runs a whole site on this machine: a simulated punch clock, the hub (embedded MQTT broker with the
gateway's own password, ingest into SQLite, detection, cases, the HTTP API and the dashboard with
an account per role) with the terminal's users as employees on an office week, and the edge agent
reading the clock and publishing to the hub.
Prints the terminal, the backfill of its history, and each realtime punch as the hub stores it,
until Ctrl-C.

Options:
  --port N         TCP port of the simulated terminal (default 4370, or a free one if taken)
  --mqtt-port N    port of the embedded MQTT broker (default 1883, or a free one if taken)
  --api-port N     port of the hub's HTTP API (default 8080, or a free one if taken)
  --records N      attendance records stored on the terminal (default 20000)
  --users N        enrolled users (default 300)
  --punch-rate R   realtime punches per second (default 0.5)
  --seed N         seed for the sample data (default 1)
  --once           exit after the first realtime punch reaches the hub (for scripts)
`;

export async function runDemoCommand(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string' },
      'mqtt-port': { type: 'string' },
      'api-port': { type: 'string' },
      records: { type: 'string', default: '20000' },
      users: { type: 'string', default: '300' },
      'punch-rate': { type: 'string', default: '0.5' },
      seed: { type: 'string', default: '1' },
      once: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(DEMO_USAGE);
    return;
  }
  const say = (text: string): void => void process.stdout.write(`${text}\n`);
  const logger = pino({ level: process.env.LOG_LEVEL ?? 'warn' }, pino.destination(2));
  const records = numberArg('records', values.records, 0);
  const dataDir = mkdtempSync(join(tmpdir(), 'rollcall-demo-'));
  const stack: Array<() => Promise<void> | void> = [() => rmSync(dataDir, { recursive: true, force: true })];
  const shutdown = async (): Promise<void> => {
    for (const step of stack.splice(0).reverse()) await step();
  };

  try {
    const sim = new TerminalSimulator({
      seed: numberArg('seed', values.seed, 0),
      users: numberArg('users', values.users, 1),
      records,
      punchRatePerSecond: numberArg('punch-rate', values['punch-rate'], 0, false),
      logger: logger.child({ component: 'sim' }),
    });
    stack.push(() => sim.close());
    const terminal = await onFreePort(values.port, DEFAULT_TERMINAL_PORT, 'terminal', say, (port) => startTcpServer(sim, { port, host: '127.0.0.1' }));
    stack.push(() => terminal.close());
    const terminalUrl = `zk+tcp://127.0.0.1:${terminal.port}`;
    say(`simulated terminal ${sim.serialNumber} on ${terminalUrl}`);
    await showTerminal(terminal.port, say);

    const mqttPort = await choosePort(values['mqtt-port'], DEFAULT_MQTT_PORT, 'MQTT broker', say);
    const apiPort = await choosePort(values['api-port'], DEFAULT_API_PORT, 'hub API', say);
    const gatewayPassword = randomBytes(12).toString('base64url');
    const dashboardPassword = `demo-${randomBytes(6).toString('hex')}`;
    const today = new Date(Date.now() + sim.clock.utcOffsetMinutes * 60_000).toISOString().slice(0, 10);
    const running = await startDemoHub({
      dataDir, mqttPort, apiPort, gatewayPassword, dashboardPassword, logger,
      timeZone: formatUtcOffset(sim.clock.utcOffsetMinutes),
      today,
      users: sim.state.users,
    });
    stack.push(() => running.stop());
    const hub = running.ingest;
    say(`hub: embedded MQTT broker on ${running.brokerUrl}, API on ${running.api?.url ?? '(off)'}, ${sim.state.users.length} employees on an office week`);

    const config = parseConfig(
      [
        `site: ${DEMO_SITE}`,
        `gateway: ${DEMO_GATEWAY}`,
        `utcOffset: "${formatUtcOffset(sim.clock.utcOffsetMinutes)}"`,
        'outbox: { path: ./outbox.sqlite, minFreeMB: 1 }',
        `broker: { url: "${running.brokerUrl}", username: ${DEMO_SITE}/${DEMO_GATEWAY}, passwordFile: ./gw1-password.txt }`,
        'terminals:',
        `  - { name: demo-terminal, url: "${terminalUrl}" }`,
      ].join('\n'),
      dataDir,
    );
    const progress = backfillProgress(process.stderr);
    const started = Date.now();
    const agent = await startAgent(config, { logger, onProgress: (p) => progress.update(p) });
    stack.push(() => agent.stop());
    say(`edge agent started (outbox ${config.outbox.path})`);

    await waitFor(() => hub.stats.stored >= records);
    progress.stop();
    say(`${hub.stats.stored} punches stored at the edge, published, stored by the hub and acknowledged in ${Date.now() - started} ms`);
    const api = running.api?.url;
    if (api !== undefined) {
      say(`\ndashboard: ${api}/  sign in as ${DEMO_ACCOUNTS.map(([name]) => name).join(', ')} (one per role) with the password ${dashboardPassword}`);
      say(`API: ${api}/api/v1/openapi.json (reports for HR, e.g. ${api}/api/v1/reports/no-shows?date=${today}, after signing in)`);
    }

    say('\nwaiting for realtime punches (Ctrl-C to stop)...');
    const delivered = new Promise<void>((resolve) => {
      hub.on('batch', (e) => {
        for (const p of e.punches) {
          if (p.source !== 'realtime') continue;
          say(`punch delivered: user ${p.userId} at ${p.at} from ${p.deviceSerial} (state ${p.state}, verify ${p.verify}, seq ${e.seqFrom})`);
          if (values.once) resolve();
        }
      });
    });
    const signalled = new Promise<void>((resolve) => {
      process.once('SIGINT', () => resolve());
      process.once('SIGTERM', () => resolve());
    });
    await Promise.race(values.once ? [delivered, signalled] : [signalled]);
  } finally {
    await shutdown();
  }
}

/** Device info, read with the rollcall client before the agent takes the terminal's connection. */
async function showTerminal(port: number, say: (text: string) => void): Promise<void> {
  const client = new ZkClient({ transport: new TcpTransport({ host: '127.0.0.1', port }) });
  await client.connect();
  try {
    const info = await client.getDeviceInfo();
    const sizes = await client.getFreeSizes();
    say(formatTable(['device', 'value'], [
      ['serial number', info.serialNumber],
      ['firmware', info.firmware],
      ['platform', info.platform],
      ['MAC', info.mac],
      ['clock', formatLocal(await client.getTime())],
      ['users', `${sizes.users} / ${sizes.userCapacity}`],
      ['records', `${sizes.records} / ${sizes.recordCapacity}`],
    ]));
  } finally {
    await client.disconnect();
  }
}

const DEFAULT_TERMINAL_PORT = 4370;
const DEFAULT_MQTT_PORT = 1883;
const DEFAULT_API_PORT = 8080;

/** The port given (it must be free), or the default one, or a free one when the default is taken. */
async function choosePort(given: string | undefined, fallback: number, what: string, say: (text: string) => void): Promise<number> {
  const probe = (port: number): Promise<number> =>
    new Promise((resolve, reject) => {
      const server = createServer();
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        const address = server.address();
        server.close(() => resolve(typeof address === 'object' && address !== null ? address.port : port));
      });
    });
  return onFreePort(given, fallback, what, say, probe);
}

/**
 * Listens on the port given, or on the default one; when the default is taken (a broker already
 * runs on 1883, say) a free port is used instead and said so. A port given explicitly must work.
 */
async function onFreePort<T>(given: string | undefined, fallback: number, what: string, say: (text: string) => void, listen: (port: number) => Promise<T>): Promise<T> {
  if (given !== undefined) {
    const port = Number(given);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new CliError(`${what} port must be 0..65535, got "${given}"`);
    try {
      return await listen(port);
    } catch (err) {
      throw new CliError(`cannot listen for the ${what} on port ${port}: ${(err as Error).message}`, 1);
    }
  }
  try {
    return await listen(fallback);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
    say(`port ${fallback} is taken: the ${what} uses a free port instead`);
    return listen(0);
  }
}

async function waitFor(done: () => boolean): Promise<void> {
  while (!done()) await new Promise((r) => setTimeout(r, 50));
}

import { once } from 'node:events';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { TcpTransport } from '../protocols/transport/tcp.js';
import { ZkClient } from '../protocols/zk/client/client.js';
import { formatLocal } from '../protocols/zk/time.js';
import { TerminalSimulator, startTcpServer } from '../fixtures/sim/index.js';
import { CliError } from './cli-error.js';
import { formatTable, progressBar } from './output.js';

export const DEMO_USAGE = `Usage: rollcall demo [options]

Starts a simulated punch clock on 127.0.0.1, reads it with the rollcall client (device info,
users, the whole attendance log with a progress bar) and then prints realtime punches as the
simulated staff clock in, until Ctrl-C.

Options:
  --port N         TCP port for the simulated terminal (default 4370; 0 picks a free one)
  --records N      attendance records stored on the terminal (default 20000)
  --users N        enrolled users (default 300)
  --punch-rate R   realtime punches per second (default 0.5)
  --seed N         seed for the sample data (default 1)
  --once           exit after the first realtime punch (for scripts)
`;

export async function runDemoCommand(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string', default: '4370' },
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
  const num = (flag: string, raw: string, min: number): number => {
    const n = Number(raw);
    if (!Number.isFinite(n) || n < min) throw new CliError(`--${flag} must be a number >= ${min}, got "${raw}"`);
    return n;
  };
  const logger = pino({ level: process.env.LOG_LEVEL ?? 'warn' });
  const sim = new TerminalSimulator({
    seed: num('seed', values.seed, 0),
    users: num('users', values.users, 1),
    records: num('records', values.records, 0),
    punchRatePerSecond: num('punch-rate', values['punch-rate'], 0),
    logger: logger.child({ component: 'sim' }),
  });
  const server = await startTcpServer(sim, { port: num('port', values.port, 0), host: '127.0.0.1' });
  const url = `zk+tcp://127.0.0.1:${server.port}`;
  const say = (text: string): void => void process.stdout.write(`${text}\n`);
  say(`simulated terminal listening on ${url}`);

  const client = new ZkClient({ transport: new TcpTransport({ host: '127.0.0.1', port: server.port }), logger: logger.child({ component: 'client' }) });
  const shutdown = async (): Promise<void> => {
    await client.disconnect().catch(() => undefined);
    sim.close();
    await server.close();
  };
  try {
    await client.connect();
    const info = await client.getDeviceInfo();
    const sizes = await client.getFreeSizes();
    say(formatTable(['device', 'value'], [
      ['serial number', info.serialNumber],
      ['firmware', info.firmware],
      ['platform', info.platform],
      ['name', info.name],
      ['MAC', info.mac],
      ['clock', formatLocal(await client.getTime())],
      ['users', `${sizes.users} / ${sizes.userCapacity}`],
      ['records', `${sizes.records} / ${sizes.recordCapacity}`],
    ]));
    const users = await client.getUsers();
    say(`\n${users.length} users, e.g. ${users.slice(0, 3).map((u) => `${u.userId} ${u.name}`).join(', ')}`);

    const bar = progressBar('reading attendance');
    const started = Date.now();
    let last: string | undefined;
    const summary = await client.readAttendance({
      onRecord: (r) => {
        last = `${r.userId} at ${r.time === undefined ? 'an impossible time' : formatLocal(r.time)}`;
      },
      onProgress: (p) => bar.update(p.receivedBytes, p.totalBytes, `${p.records} records`),
    });
    bar.stop();
    say(`${summary.records} records read in ${Date.now() - started} ms (${summary.recordSize}-byte format); latest: ${last ?? 'none'}`);

    client.on('attendance', (e) => say(`punch: user ${e.userId} at ${e.time === undefined ? '?' : formatLocal(e.time)} (state ${e.state}, verify ${e.verify})`));
    await client.startRealtime();
    say('\nwaiting for realtime punches (Ctrl-C to stop)...');
    if (values.once) {
      await once(client, 'attendance');
    } else {
      await Promise.race([once(process, 'SIGINT'), once(process, 'SIGTERM')]);
    }
  } finally {
    await shutdown();
  }
}

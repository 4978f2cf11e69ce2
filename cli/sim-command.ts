import { once } from 'node:events';
import { parseArgs } from 'node:util';
import { pino, type Logger } from 'pino';
import {
  TerminalSimulator,
  createSimulatorSerialBinding,
  startTcpServer,
  startUdpServer,
  type SimulatorServer,
} from '../fixtures/sim/index.js';
import { CliError } from './cli-error.js';
import { numberArg } from './number-arg.js';
import { formatUtcOffset } from '../protocols/zk/time.js';
import { parseUtcOffset } from './time-args.js';

export const SIM_USAGE = `Usage: rollcall sim [options]

Runs a simulated ZK punch clock until Ctrl-C (SIGINT) or SIGTERM. Use it to try a setup before
the hardware arrives: point an agent (or any ZK client) at the address it prints.

Options:
  --tcp PORT           listen for TCP on PORT (default 4370; "off" for none)
  --udp PORT           also answer UDP on PORT (default: off)
  --host ADDR          address to listen on (default 0.0.0.0)
  --records N          attendance records stored on the terminal (default 50000)
  --users N            enrolled users, ids 1001 upward (default 300)
  --seed N             seed for the sample data, session ids and punches (default 1)
  --base-date ISO      where the sample history ends (default: now), e.g. 2026-11-02T09:00:00Z
  --utc-offset +08:00  the terminal's time zone as a UTC offset (default: this host's)
  --comm-key N         comm key the terminal demands; 0 for none (default 0)
  --punch-rate R       realtime punches per second, Poisson-spread (default 0.5; 0 for none)
  --drift S            seconds per day the terminal clock gains (negative: loses) (default 0)
  --clock-offset S     seconds the terminal clock is ahead of the host at start (default 0)
  --serial-number SN   ~SerialNumber to report (default derived from the seed)
  --record-capacity N  attendance log capacity (default max(200000, records))
  --packet-gap MS      pause after each packet written, for clients that read one packet per
                       socket read (default 2 for TCP, 1 for UDP)
  --chunk-gap MS       pause after each chunk of a TCP bulk read (default 10)
  --log-level LEVEL    pino level for the simulator's log on stderr (default warn)
  -h, --help           show this help
`;

export interface SimCommandHooks {
  /** Stops the simulator instead of a signal (for tests). */
  signal?: AbortSignal;
  /** Where the summary line goes (default process.stdout). */
  out?: (line: string) => void;
  /** Called once listening, with the servers (for tests). */
  onListening?: (servers: SimulatorServer[], sim: TerminalSimulator) => void;
  logger?: Logger;
}

function port(flag: string, raw: string | undefined): number | undefined {
  if (raw === undefined || raw === 'off') return undefined;
  const n = numberArg(flag, raw, 0);
  if (n > 65535) throw new CliError(`--${flag} must be a port 0..65535, got "${raw}"`);
  return n;
}

/** `rollcall sim ...`: serves a simulated terminal until SIGINT/SIGTERM, then closes cleanly. */
export async function runSimCommand(argv: string[], hooks: SimCommandHooks = {}): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      tcp: { type: 'string', default: '4370' },
      udp: { type: 'string' },
      host: { type: 'string', default: '0.0.0.0' },
      records: { type: 'string', default: '50000' },
      users: { type: 'string', default: '300' },
      seed: { type: 'string', default: '1' },
      'base-date': { type: 'string' },
      'utc-offset': { type: 'string' },
      'comm-key': { type: 'string', default: '0' },
      'punch-rate': { type: 'string', default: '0.5' },
      drift: { type: 'string', default: '0' },
      'clock-offset': { type: 'string', default: '0' },
      'serial-number': { type: 'string' },
      'record-capacity': { type: 'string' },
      'packet-gap': { type: 'string' },
      'chunk-gap': { type: 'string' },
      'log-level': { type: 'string', default: 'warn' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const out = hooks.out ?? ((line: string) => void process.stdout.write(`${line}\n`));
  if (values.help) {
    out(SIM_USAGE.trimEnd());
    return;
  }
  const tcpPort = port('tcp', values.tcp);
  const udpPort = port('udp', values.udp);
  if (tcpPort === undefined && udpPort === undefined) throw new CliError('nothing to listen on: give --tcp and/or --udp');
  let baseDate: Date | undefined;
  if (values['base-date'] !== undefined) {
    baseDate = new Date(values['base-date']);
    if (Number.isNaN(baseDate.getTime())) throw new CliError(`--base-date must be an ISO date, got "${values['base-date']}"`);
  }
  const records = numberArg('records', values.records, 0);
  const users = numberArg('users', values.users, records > 0 ? 1 : 0);
  if (users > 65535) throw new CliError(`--users must be at most 65535, got ${users}`);
  const commKey = numberArg('comm-key', values['comm-key'], 0);
  if (commKey > 0xffffffff) throw new CliError(`--comm-key must fit in 32 bits, got ${commKey}`);
  const gap = values['packet-gap'] === undefined ? undefined : numberArg('packet-gap', values['packet-gap'], 0, false);
  const chunkGap = values['chunk-gap'] === undefined ? undefined : numberArg('chunk-gap', values['chunk-gap'], 0, false);
  const logger = hooks.logger ?? pino({ level: values['log-level'] }, pino.destination(2));
  const sim = new TerminalSimulator({
    seed: numberArg('seed', values.seed, 0),
    users,
    records,
    ...(baseDate === undefined ? {} : { baseDate }),
    ...(values['utc-offset'] === undefined ? {} : { utcOffsetMinutes: parseUtcOffset(values['utc-offset']) }),
    commKey,
    punchRatePerSecond: numberArg('punch-rate', values['punch-rate'], 0, false),
    driftSecondsPerDay: Number.isFinite(Number(values.drift)) ? Number(values.drift) : bad('drift', values.drift),
    clockOffsetSeconds: Number.isFinite(Number(values['clock-offset'])) ? Number(values['clock-offset']) : bad('clock-offset', values['clock-offset']),
    ...(values['serial-number'] === undefined ? {} : { serialNumber: values['serial-number'] }),
    ...(values['record-capacity'] === undefined ? {} : { capacities: { records: numberArg('record-capacity', values['record-capacity'], 0) } }),
    logger,
  });
  const servers: SimulatorServer[] = [];
  const shutdown = async (): Promise<void> => {
    sim.close();
    await Promise.all(servers.map((s) => s.close()));
  };
  try {
    if (tcpPort !== undefined) servers.push(
        await startTcpServer(sim, {
          port: tcpPort,
          host: values.host,
          ...(gap === undefined ? {} : { packetGapMs: gap }),
          ...(chunkGap === undefined ? {} : { chunkGapMs: chunkGap }),
        }),
      );
    if (udpPort !== undefined) servers.push(await startUdpServer(sim, { port: udpPort, host: values.host, ...(gap === undefined ? {} : { packetGapMs: gap }) }));
  } catch (err) {
    await shutdown();
    throw new CliError(`cannot listen: ${(err as Error).message}`, 1);
  }
  const where = servers.map((s) => `${s.kind}://${values.host}:${s.port}`).join(' and ');
  const key = commKey === 0 ? 'no comm key' : `comm key ${commKey}`;
  out(
    `simulated terminal ${sim.serialNumber} on ${where}: ${sim.state.users.length} users, ${sim.state.records.length} records, ` +
      `${key}, ${sim.punchRate} punches/s, clock UTC${formatUtcOffset(sim.clock.utcOffsetMinutes)}; Ctrl-C to stop`,
  );
  hooks.onListening?.(servers, sim);
  const stop = new AbortController();
  const onSignal = (): void => stop.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const waits = [once(stop.signal, 'abort')];
    if (hooks.signal !== undefined) waits.push(hooks.signal.aborted ? Promise.resolve([]) : once(hooks.signal, 'abort'));
    await Promise.race(waits);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await shutdown();
  }
}

function bad(flag: string, raw: string): never {
  throw new CliError(`--${flag} must be a number, got "${raw}"`);
}

/** For embedding: a serial binding for a simulator (re-exported so scripts need one import). */
export { createSimulatorSerialBinding };

import { parseArgs } from 'node:util';
import { pino, type DestinationStream, type Logger } from 'pino';
import { loadConfig } from '../agent/config/load.js';
import { agentConfigJsonSchemaText } from '../agent/config/json-schema.js';
import type { AgentConfig } from '../agent/config/schema.js';
import { AgentError } from '../agent/errors.js';
import { readOutboxStatus } from '../agent/store/status.js';
import { CliError } from './cli-error.js';
import { configSummary, formatStatus, redacted } from './agent-output.js';
import { progressBar, type ProgressBar } from './output.js';

export const AGENT_USAGE = `Usage: rollcall agent [run] [--config agent.yaml]
       rollcall agent status [--config agent.yaml | --outbox FILE] [--json]
       rollcall agent check [--config agent.yaml] [--json]
       rollcall agent schema

The site gateway: reads the configured punch clocks and HID badge readers, keeps every punch in
its SQLite outbox and publishes it to the hub over MQTT until the hub acknowledges it.

Actions:
  run       start the agent (the default): JSON logs on stdout, a progress bar on stderr while
            a terminal's history is read; Ctrl-C or SIGTERM stops it cleanly
  status    what the outbox holds: epoch, next sequence number, backlog, oldest undelivered
            punch, and per terminal the records read and punches not yet delivered (safe to run
            while the agent runs: the outbox is opened read-only)
  check     validate the configuration and print a summary (exit code 2 when it is broken)
  schema    print the configuration's JSON Schema, for editors:
            npx rollcall agent schema > agent/config/agent.schema.json

Options:
  -c, --config FILE   the configuration (default: agent.yaml in the current folder);
                      fixtures/agent.example.yaml documents every setting
  --outbox FILE       status: read this outbox file instead of the configuration's outbox.path
  --json              status, check: print JSON
  -h, --help          this help
`;

export interface AgentCommandIo {
  /** Data and, for \`run\`, the JSON logs (default process.stdout). */
  stdout?: NodeJS.WritableStream;
  /** The backfill progress bar (default process.stderr; silent unless a terminal). */
  stderr?: NodeJS.WriteStream;
  /** Where SIGINT and SIGTERM come from (default process). */
  signals?: Pick<NodeJS.EventEmitter, 'once' | 'off'>;
}

export async function runAgentCommand(argv: string[], io: AgentCommandIo = {}): Promise<void> {
  const stdout = io.stdout ?? process.stdout;
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      config: { type: 'string', short: 'c', default: 'agent.yaml' },
      outbox: { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const [action = 'run', ...extra] = positionals;
  if (values.help) {
    stdout.write(AGENT_USAGE);
    return;
  }
  if (extra.length > 0) throw new CliError(`unexpected argument "${extra[0]}" (the configuration goes after --config)\n\n${AGENT_USAGE}`);
  const print = (text: string): void => void stdout.write(`${text}\n`);
  switch (action) {
    case 'run':
      return runAgent(await load(values.config), stdout, io);
    case 'status': {
      const path = values.outbox ?? (await load(values.config, false)).outbox.path;
      const status = readOutboxStatus(path);
      print(values.json ? JSON.stringify(status, null, 2) : formatStatus(status));
      return;
    }
    case 'check': {
      const config = await load(values.config);
      print(values.json ? JSON.stringify({ valid: true, config: redacted(config) }, null, 2) : configSummary(values.config, config));
      return;
    }
    case 'schema':
      stdout.write(agentConfigJsonSchemaText());
      return;
    default:
      throw new CliError(`unknown agent action "${action}"\n\n${AGENT_USAGE}`);
  }
}

/** Loads the configuration; a broken one is a usage mistake (exit code 2) listing every problem. */
async function load(path: string, readSecrets = true): Promise<AgentConfig> {
  try {
    return await loadConfig(path, { readSecrets });
  } catch (err) {
    if (err instanceof AgentError && err.code === 'CONFIG') throw new CliError(err.message, 2);
    throw err;
  }
}

async function runAgent(config: AgentConfig, stdout: NodeJS.WritableStream, io: AgentCommandIo): Promise<void> {
  const signals = io.signals ?? process;
  const logger: Logger = pino(
    { level: config.logLevel, name: 'rollcall-agent', base: { pid: process.pid }, timestamp: pino.stdTimeFunctions.isoTime },
    stdout as DestinationStream,
  );
  const progress = backfillProgress(io.stderr ?? process.stderr);
  // Loaded here, not at the top: `status`, `check` and `schema` need none of the agent's machinery.
  const { startAgent } = await import('../agent/agent.js');
  const agent = await startAgent(config, { logger, onProgress: (p) => progress.update(p) });
  const signal = await new Promise<string>((resolve) => {
    const on = (name: string) => (): void => {
      signals.off('SIGINT', onInt);
      signals.off('SIGTERM', onTerm);
      resolve(name);
    };
    const onInt = on('SIGINT');
    const onTerm = on('SIGTERM');
    signals.once('SIGINT', onInt);
    signals.once('SIGTERM', onTerm);
  });
  logger.info({ signal }, 'stopping');
  const force = (): void => {
    logger.warn('second signal: exiting without waiting for a clean stop');
    process.exit(130);
  };
  signals.once('SIGINT', force);
  signals.once('SIGTERM', force);
  try {
    await agent.stop();
  } finally {
    signals.off('SIGINT', force);
    signals.off('SIGTERM', force);
    progress.stop();
  }
  logger.info('stopped');
}

export interface BackfillProgress {
  update(p: { terminal: string; records: number; expected: number }): void;
  stop(): void;
}

/** One progress line for every terminal whose history is being read, summed; gone when all are done. */
export function backfillProgress(stream: NodeJS.WriteStream): BackfillProgress {
  const active = new Map<string, { records: number; expected: number }>();
  let bar: ProgressBar | undefined;
  return {
    update({ terminal, records, expected }) {
      if (records >= expected) active.delete(terminal);
      else active.set(terminal, { records, expected });
      if (active.size === 0) {
        bar?.update(1, 1);
        bar?.stop();
        bar = undefined;
        return;
      }
      bar ??= progressBar('backfilling', stream);
      let done = 0;
      let total = 0;
      for (const p of active.values()) {
        done += p.records;
        total += p.expected;
      }
      bar.update(done, total, [...active].map(([name, p]) => `${name} ${p.records}/${p.expected}`).join(', '));
    },
    stop() {
      bar?.stop();
      bar = undefined;
    },
  };
}

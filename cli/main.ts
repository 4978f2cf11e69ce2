#!/usr/bin/env node
import { AgentError } from '../agent/errors.js';
import { HubError } from '../hub/errors.js';
import { isProtocolError } from '../protocols/errors.js';
import { packageVersion } from '../agent/version.js';
import { CliError } from './cli-error.js';

const USAGE = `Usage: rollcall <command> [options]

Commands:
  demo        run a simulated terminal and read it with the rollcall client (the quick start)
  terminal    talk to a punch clock: info, users, records, time, set-time
  sim         run a simulated punch clock for trying a setup before hardware arrives
  agent       run the site gateway (terminals and badge readers to MQTT): run, status, check, schema
  hub         run the hub (broker, ingest, detection): run, check, status, import, user, hash-password
  report      absences, departments and no-shows from the hub's database (csv, xlsx, json)
  evidence    export a case's signed evidence bundle, or verify one: export, verify

Run "rollcall <command> --help" for a command's options.
`;

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'terminal':
      return (await import('./terminal-command.js')).runTerminalCommand(rest);
    case 'sim':
      return (await import('./sim-command.js')).runSimCommand(rest);
    case 'agent':
      return (await import('./agent-command.js')).runAgentCommand(rest);
    case 'hub':
      return (await import('./hub-command.js')).runHubCommand(rest);
    case 'report':
      return (await import('./hub-data-command.js')).runReportCommand(rest);
    case 'evidence':
      return (await import('./evidence-command.js')).runEvidenceCommand(rest);
    case 'demo':
      return (await import('./demo-command.js')).runDemoCommand(rest);
    case '--version':
    case '-v':
      process.stdout.write(`${packageVersion()}\n`);
      return;
    case undefined:
    case '--help':
    case '-h':
    case 'help':
      process.stdout.write(USAGE);
      return;
    default:
      throw new CliError(`unknown command "${command}"\n\n${USAGE}`);
  }
}

main(process.argv.slice(2)).catch((err: unknown) => {
  if (err instanceof CliError) {
    process.stderr.write(`rollcall: ${err.message}\n`);
    process.exitCode = err.exitCode;
  } else if (err instanceof HubError) {
    const problems = err.problems.slice(0, 50).map((p) => `\n  row ${p.row}, ${p.field}: ${p.message}`).join('');
    process.stderr.write(`rollcall: ${err.message}${problems} [${err.code}]\n`);
    process.exitCode = err.code === 'CONFIG' || err.code === 'INVALID_INPUT' ? 2 : 1;
  } else if (err instanceof AgentError) {
    process.stderr.write(`rollcall: ${err.message} [${err.code}]\n`);
    process.exitCode = err.code === 'CONFIG' ? 2 : 1;
  } else if (isProtocolError(err)) {
    process.stderr.write(`rollcall: ${err.message} [${err.code}]\n`);
    process.exitCode = 1;
  } else if (err instanceof Error && String((err as NodeJS.ErrnoException).code).startsWith('ERR_PARSE_ARGS_')) {
    process.stderr.write(`rollcall: ${err.message}\n`);
    process.exitCode = 2;
  } else {
    process.stderr.write(`rollcall: unexpected failure: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 1;
  }
});

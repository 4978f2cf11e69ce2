import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { Accounts, normaliseUsername, type Account } from '../hub/auth/accounts.js';
import { isRole, ROLES } from '../hub/auth/roles.js';
import { Sessions } from '../hub/auth/sessions.js';
import { HubError } from '../hub/errors.js';
import { CliError } from './cli-error.js';
import { withHubDatabase } from './hub-database.js';
import { formatTable } from './output.js';

export const USER_USAGE = `Usage: rollcall hub user add USERNAME --role hr|facilities|admin [--name "Display name"] [--password-file FILE]
       rollcall hub user passwd USERNAME [--password-file FILE]
       rollcall hub user role USERNAME hr|facilities|admin
       rollcall hub user disable USERNAME
       rollcall hub user enable USERNAME
       rollcall hub user list
       (each with [--config hub.yaml])

The hub's local accounts, who sign in to its dashboard and API (safe while the hub runs).

Actions:
  add      a new account; user names are 2-40 of a-z 0-9 . _ - (Alice is stored as alice)
  passwd   set a new password; the account's open sessions are signed out
  role     change the role (the last enabled admin cannot be demoted)
  disable  stop an account signing in and sign out its sessions (not the last enabled admin)
  enable   let a disabled account sign in again
  list     every account: user name, name, role, state, created (UTC)

Passwords are 10 to 200 characters. Without --password-file the password is the first line of
standard input:
  echo 'a long passphrase' | rollcall hub user add alice --role admin --config hub.yaml
(a password on the command line stays in the shell's history; a file or a prompt does not)

Options:
  -c, --config FILE     the hub's configuration (default hub.yaml)
  --role ROLE           add: hr, facilities or admin
  --name TEXT           add: the name shown in the dashboard (default: the user name)
  --password-file FILE  add, passwd: read the password from the first line of FILE
  -h, --help            this help
`;

export interface UserCommandIo {
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

export async function runUserCommand(argv: string[], io: UserCommandIo = { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr }): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      config: { type: 'string', short: 'c', default: 'hub.yaml' },
      role: { type: 'string' },
      name: { type: 'string' },
      'password-file': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const [action, ...args] = positionals;
  if (values.help || action === undefined) {
    io.stdout.write(USER_USAGE);
    return;
  }
  const operands = (count: number, shape: string): string[] => {
    if (args.length !== count) throw new CliError(`hub user ${action}: give ${shape}\n\n${USER_USAGE}`);
    return args;
  };
  const role = (text: string | undefined, how: string) => {
    if (text === undefined) throw new CliError(`hub user ${action}: give ${how} ${ROLES.join('|')}`);
    if (!isRole(text)) throw new CliError(`"${text}" is not a role: use ${ROLES.join(', ')}`);
    return text;
  };
  const password = (username: string) => readPassword(values['password-file'], username, io);
  const open = (fn: (accounts: Accounts, sessions: Sessions) => Promise<string> | string) => withAccounts(values.config, fn);

  let said: string;
  switch (action) {
    case 'add': {
      const [username] = operands(1, 'the user name: hub user add USERNAME --role ROLE') as [string];
      const r = role(values.role, '--role');
      said = await open(async (accounts) => {
        // A taken name is refused before the password is asked for.
        if (accounts.get(username) !== undefined) throw new HubError('CONFLICT', `the user name ${normaliseUsername(username)} is taken`);
        const pw = await password(username);
        const a = accounts.create({ username, role: r, password: pw, ...(values.name === undefined ? {} : { displayName: values.name }) }, Date.now());
        return `user ${a.username} added (${a.role}${a.displayName === a.username ? '' : `, ${a.displayName}`})`;
      });
      break;
    }
    case 'passwd': {
      const [username] = operands(1, 'the user name: hub user passwd USERNAME') as [string];
      said = await open(async (accounts, sessions) => {
        if (accounts.get(username) === undefined) throw new HubError('NOT_FOUND', `no user ${normaliseUsername(username)}; see rollcall hub user list`);
        const a = accounts.setPassword(username, await password(username), Date.now());
        const ended = sessions.closeAllOf(a.userId);
        return `password of ${a.username} changed${ended === 0 ? '' : `; ${ended} session${ended === 1 ? '' : 's'} signed out`}`;
      });
      break;
    }
    case 'role': {
      const [username, given] = operands(2, 'the user name and the role: hub user role USERNAME ROLE') as [string, string];
      const r = role(given, 'the role');
      said = await open((accounts) => {
        const a = accounts.setRole(username, r, Date.now());
        return `${a.username} is now ${a.role}`;
      });
      break;
    }
    case 'disable':
    case 'enable': {
      const [username] = operands(1, `the user name: hub user ${action} USERNAME`) as [string];
      said = await open((accounts) => {
        const a = accounts.setDisabled(username, action === 'disable', Date.now());
        return a.disabled ? `${a.username} disabled; its sessions are signed out` : `${a.username} enabled`;
      });
      break;
    }
    case 'list': {
      operands(0, 'no arguments: hub user list');
      said = await open((accounts) => listing(accounts.list()));
      break;
    }
    default:
      throw new CliError(`unknown hub user action "${action}"\n\n${USER_USAGE}`);
  }
  io.stdout.write(`${said}\n`);
}

/** Opens the hub's database for `fn`; a refused input becomes a usage error (its message says what to fix). */
async function withAccounts(configPath: string, fn: (accounts: Accounts, sessions: Sessions) => Promise<string> | string): Promise<string> {
  try {
    return await withHubDatabase(configPath, (db) => {
      const accounts = new Accounts(db);
      return fn(accounts, new Sessions(db, accounts));
    });
  } catch (err) {
    if (err instanceof HubError && err.code === 'INVALID_INPUT') throw new CliError(err.message);
    throw err;
  }
}

function listing(accounts: readonly Account[]): string {
  if (accounts.length === 0) return 'no users yet; add one with: rollcall hub user add USERNAME --role admin';
  const created = (ms: number) => new Date(ms).toISOString().replace(/:\d\d\.\d{3}Z$/, 'Z').replace('T', ' ');
  return formatTable(
    ['username', 'name', 'role', 'state', 'created'],
    accounts.map((a) => [a.username, a.displayName, a.role, a.disabled ? 'disabled' : 'enabled', created(a.createdAtMs)]),
  );
}

/** The first line of the password file, or of standard input (with a prompt when it is a terminal). */
async function readPassword(file: string | undefined, username: string, io: UserCommandIo): Promise<string> {
  let line: string;
  if (file !== undefined) {
    try {
      line = firstLine(readFileSync(file));
    } catch (err) {
      throw new CliError(`cannot read ${file}: ${(err as Error).message}`, 1);
    }
    if (line === '') throw new CliError(`${file} has no password on its first line`);
    return line;
  }
  if (io.stdin.isTTY === true) io.stderr.write(`password for ${normaliseUsername(username)} (shown as typed; --password-file avoids that): `);
  const chunks: Buffer[] = [];
  for await (const chunk of io.stdin) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    chunks.push(buffer);
    if (buffer.includes(0x0a)) break;
  }
  line = firstLine(Buffer.concat(chunks));
  if (line === '') throw new CliError(`no password: give --password-file FILE, or the password on standard input (echo 'a long passphrase' | rollcall hub user ...)`);
  return line;
}

function firstLine(bytes: Buffer): string {
  const text = bytes.toString('utf8');
  const end = text.indexOf('\n');
  return (end === -1 ? text : text.slice(0, end)).replace(/\r$/, '');
}

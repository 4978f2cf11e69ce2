import { parseArgs } from 'node:util';
import { createTransport, parseTerminalUrl } from '../protocols/transport/url.js';
import { ZkClient } from '../protocols/zk/client/client.js';
import { diffSeconds, formatLocal, formatUtcOffset, localFromDate, type LocalDateTime } from '../protocols/zk/time.js';
import { privilegeLevel, isDisabled } from '../protocols/zk/users.js';
import { CliError } from './cli-error.js';
import { numberArg } from './number-arg.js';
import { formatTable, progressBar } from './output.js';
import { parseLocalDateTime, parseUtcOffset } from './time-args.js';

export const TERMINAL_USAGE = `Usage: rollcall terminal <info|users|records|time|set-time> URL [options]

Talk to one punch clock. URL is one of
  zk+tcp://10.0.0.5:4370?commkey=123
  zk+udp://10.0.0.5:4370
  zk+serial:///dev/ttyUSB0?baud=115200&deviceId=1

Options:
  --json              print JSON instead of a table (records: one JSON object per line)
  --timeout MS        reply timeout (default 5000)
  --utc-offset +08:00 the site's offset, for clock drift and set-time (default: this machine's)
  --time T            set-time: the wall-clock time to set, YYYY-MM-DDTHH:MM:SS (default: now)
  --limit N           records: print at most the last N records
`;

export async function runTerminalCommand(argv: string[], out: NodeJS.WritableStream = process.stdout): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      json: { type: 'boolean', default: false },
      timeout: { type: 'string' },
      'utc-offset': { type: 'string' },
      time: { type: 'string' },
      limit: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const [action, url] = positionals;
  if (values.help || action === undefined) {
    out.write(TERMINAL_USAGE);
    return;
  }
  if (!['info', 'users', 'records', 'time', 'set-time'].includes(action)) throw new CliError(`unknown terminal action "${action}"\n\n${TERMINAL_USAGE}`);
  if (url === undefined) throw new CliError(`terminal ${action} needs a URL\n\n${TERMINAL_USAGE}`);
  const endpoint = parseTerminalUrl(url);
  const timeoutMs = values.timeout === undefined ? endpoint.timeoutMs : numberArg('timeout', values.timeout, 1);
  const offset = values['utc-offset'] === undefined ? -new Date().getTimezoneOffset() : parseUtcOffset(values['utc-offset']);
  const limit = values.limit === undefined ? undefined : numberArg('limit', values.limit, 1);
  // Check every argument before touching the terminal.
  const explicitTime = values.time === undefined ? undefined : parseLocalDateTime(values.time);
  const client = new ZkClient({ transport: createTransport(endpoint), commKey: endpoint.commKey, timeoutMs });
  const print = (text: string): void => void out.write(`${text}\n`);

  await client.connect();
  try {
    switch (action) {
      case 'info': {
        const info = await client.getDeviceInfo();
        const sizes = await client.getFreeSizes();
        const time = await client.getTime();
        const drift = clockDrift(time, offset);
        const result = { terminal: endpoint.display, ...info, time: formatLocal(time), clockDriftSeconds: drift, ...sizes };
        if (values.json) print(JSON.stringify(result, null, 2));
        else print(formatTable(['field', 'value'], Object.entries(result).map(([k, v]) => [k, v === undefined ? '-' : String(v)])));
        break;
      }
      case 'users': {
        const users = await client.getUsers();
        if (values.json) print(JSON.stringify(users, null, 2));
        else {
          print(formatTable(['uid', 'userId', 'name', 'card', 'level', 'disabled', 'group'], users.map((u) => [u.uid, u.userId, u.name, u.card || '', privilegeLevel(u.privilege), isDisabled(u.privilege) ? 'yes' : '', u.group])));
          print(`${users.length} users`);
        }
        break;
      }
      case 'records':
        await printRecords(client, values.json, limit, print);
        break;
      case 'time': {
        const time = await client.getTime();
        const drift = clockDrift(time, offset);
        if (values.json) print(JSON.stringify({ time: formatLocal(time), utcOffset: formatUtcOffset(offset), clockDriftSeconds: drift }));
        else print(`${formatLocal(time)} (terminal is ${describeDrift(drift)} this machine's clock at UTC${formatUtcOffset(offset)})`);
        break;
      }
      case 'set-time': {
        const target = explicitTime ?? localFromDate(new Date(), offset);
        await client.setTime(target);
        const now = await client.getTime();
        if (values.json) print(JSON.stringify({ set: formatLocal(target), readBack: formatLocal(now) }));
        else print(`terminal clock set to ${formatLocal(target)}; it now reads ${formatLocal(now)}`);
        break;
      }
    }
  } finally {
    await client.disconnect();
  }
}

async function printRecords(client: ZkClient, json: boolean, limit: number | undefined, print: (text: string) => void): Promise<void> {
  const bar = progressBar('reading records');
  const tail: string[][] = [];
  const row = (r: { uid: number | undefined; userId: string; time: LocalDateTime | undefined; rawTime: number; state: number; verify: number; workcode: number }): string[] => [
    r.userId,
    r.time === undefined ? `invalid(0x${r.rawTime.toString(16)})` : formatLocal(r.time),
    String(r.state),
    String(r.verify),
    String(r.workcode),
  ];
  const jsonTail: string[] = [];
  const summary = await client.readAttendance({
    onRecord(record) {
      if (json) {
        const line = JSON.stringify({ ...record, time: record.time === undefined ? null : formatLocal(record.time) });
        if (limit === undefined) print(line);
        else {
          jsonTail.push(line);
          if (jsonTail.length > limit) jsonTail.shift();
        }
      } else {
        tail.push(row(record));
        if (limit !== undefined && tail.length > limit) tail.shift();
      }
    },
    onProgress: (p) => bar.update(p.receivedBytes, p.totalBytes, `${p.records}/${p.expectedRecords} records`),
  });
  bar.stop();
  if (json) {
    for (const line of jsonTail) print(line);
    return;
  }
  print(formatTable(['userId', 'time', 'state', 'verify', 'workcode'], tail));
  print(`${summary.records} records (${summary.recordSize}-byte format)${limit !== undefined && summary.records > limit ? `, last ${limit} shown` : ''}`);
}

/** Seconds the terminal is ahead (+) or behind (-) of this machine, judged at the site's offset. */
export function clockDrift(terminal: LocalDateTime, offsetMinutes: number, now = new Date()): number {
  return diffSeconds(localFromDate(now, offsetMinutes), terminal);
}

function describeDrift(seconds: number): string {
  if (Math.abs(seconds) < 1) return 'in step with';
  return `${Math.abs(seconds).toFixed(0)} s ${seconds > 0 ? 'ahead of' : 'behind'}`;
}

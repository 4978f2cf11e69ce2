import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { runTerminalCommand } from '../../cli/terminal-command.js';
import { startSim, type SimHarness } from '../helpers/sim-harness.js';

let h: SimHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function run(args: string[]): Promise<string> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  await runTerminalCommand(args, out);
  return Buffer.concat(chunks).toString('utf8');
}

describe('rollcall terminal', () => {
  it('info prints the device, counts and clock drift as a table and as JSON', async () => {
    h = await startSim('tcp', { users: 7, records: 42, serialNumber: 'AEYU201260001', clockOffsetSeconds: 125 });
    const url = `zk+tcp://127.0.0.1:${h.server.port}`;
    const table = await run(['info', url, '--utc-offset', '+08:00']);
    expect(table).toMatch(/serialNumber\s+AEYU201260001/);
    expect(table).toMatch(/records\s+42/);
    const json = JSON.parse(await run(['info', url, '--json', '--utc-offset', '+08:00'])) as Record<string, unknown>;
    expect(json).toMatchObject({ serialNumber: 'AEYU201260001', users: 7, records: 42, terminal: url });
    expect(Math.abs((json.clockDriftSeconds as number) - 125)).toBeLessThanOrEqual(2);
  });

  it('users and records list what the terminal holds', async () => {
    h = await startSim('tcp', { users: 4, records: 30 });
    const url = `zk+tcp://127.0.0.1:${h.server.port}`;
    const users = await run(['users', url]);
    for (const u of h.sim.state.users) expect(users).toContain(u.userId);
    expect(users).toMatch(/4 users/);
    const lines = (await run(['records', url, '--json'])).trim().split('\n');
    expect(lines).toHaveLength(30);
    expect(JSON.parse(lines[0]!)).toMatchObject({ userId: h.sim.state.records[0]!.userId });
    const tail = await run(['records', url, '--limit', '5']);
    expect(tail).toMatch(/30 records \(40-byte format\), last 5 shown/);
  });

  it('time and set-time read and change the clock', async () => {
    h = await startSim('tcp');
    const url = `zk+tcp://127.0.0.1:${h.server.port}`;
    expect(await run(['set-time', url, '--time', '2027-01-05T07:30:00'])).toMatch(/set to 2027-01-05T07:30:00/);
    const t = JSON.parse(await run(['time', url, '--json', '--utc-offset', '+08:00'])) as { time: string };
    expect(t.time.startsWith('2027-01-05T07:3')).toBe(true);
  });

  it('explains usage mistakes', async () => {
    await expect(run(['records'])).rejects.toThrow(/needs a URL/);
    await expect(run(['reboot', 'zk+tcp://127.0.0.1'])).rejects.toThrow(/unknown terminal action "reboot"/);
    await expect(run(['info', 'tcp://127.0.0.1'])).rejects.toMatchObject({ code: 'INVALID_URL' });
    await expect(run(['set-time', 'zk+tcp://127.0.0.1:1', '--time', '2027-02-30T00:00:00'])).rejects.toThrow(/impossible time/);
    expect(await run(['--help'])).toMatch(/Usage: rollcall terminal/);
  });
});

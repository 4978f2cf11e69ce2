import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const CLI = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));
const running: ChildProcess[] = [];
afterEach(() => {
  for (const p of running.splice(0)) if (p.exitCode === null) p.kill('SIGKILL');
});

function start(args: string[]): { child: ChildProcess; stdout: () => string; stderr: () => string } {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  running.push(child);
  let out = '';
  let err = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  return { child, stdout: () => out, stderr: () => err };
}

async function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const p = start(args);
  const [code] = (await once(p.child, 'exit')) as [number | null];
  return { code, stdout: p.stdout(), stderr: p.stderr() };
}

describe('rollcall CLI (compiled, whole processes)', () => {
  it('sim serves a terminal that `terminal records` reads, and stops cleanly on SIGTERM', async () => {
    const sim = start(['sim', '--tcp', '0', '--host', '127.0.0.1', '--records', '1500', '--users', '20', '--punch-rate', '0']);
    await expect.poll(() => sim.stdout(), { timeout: 10_000 }).toMatch(/tcp:\/\/127\.0\.0\.1:\d+/);
    const port = /tcp:\/\/127\.0\.0\.1:(\d+)/.exec(sim.stdout())![1];
    const records = await run(['terminal', 'records', `zk+tcp://127.0.0.1:${port}`, '--json']);
    expect(records.code).toBe(0);
    expect(records.stdout.trim().split('\n')).toHaveLength(1500);
    const info = await run(['terminal', 'info', `zk+tcp://127.0.0.1:${port}`, '--json']);
    expect(JSON.parse(info.stdout)).toMatchObject({ records: 1500, users: 20 });
    sim.child.kill('SIGTERM');
    const [code] = (await once(sim.child, 'exit')) as [number | null];
    expect(code).toBe(0);
  });

  it('demo runs a whole site: terminal → agent → hub (embedded broker, ingest, API), and a realtime punch arrives', async () => {
    const demo = await run(['demo', '--port', '0', '--mqtt-port', '0', '--api-port', '0', '--records', '3000', '--punch-rate', '20', '--once']);
    expect(demo.stderr).toBe('');
    expect(demo.code).toBe(0);
    expect(demo.stdout).toMatch(/serial number\s+RCS\d+/);
    expect(demo.stdout).toMatch(/hub: embedded MQTT broker on mqtt:\/\/127\.0\.0\.1:\d+, API on http:\/\/127\.0\.0\.1:\d+, 300 employees/);
    // Punches keep coming while the log is read, so the count is at least what was seeded.
    const delivered = /(\d+) punches stored at the edge, published, stored by the hub and acknowledged in \d+ ms/.exec(demo.stdout);
    expect(Number(delivered?.[1])).toBeGreaterThanOrEqual(3000);
    expect(demo.stdout).toMatch(/punch delivered: user \d+ at \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d from RCS\d+/);
  });

  it('fails with a clear message and exit code on bad input', async () => {
    const badUrl = await run(['terminal', 'info', 'ftp://x']);
    expect(badUrl.code).toBe(1);
    expect(badUrl.stderr).toMatch(/unknown scheme "ftp:".*\[INVALID_URL\]/);
    const unknown = await run(['terminal', 'info', 'zk+tcp://127.0.0.1:1', '--colour']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/Unknown option '--colour'/);
    const refused = await run(['terminal', 'time', 'zk+tcp://127.0.0.1:1']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/ECONNREFUSED.*\[TRANSPORT\]/);
    const nothing = await run(['frobnicate']);
    expect(nothing.code).toBe(2);
    expect(nothing.stderr).toMatch(/unknown command "frobnicate"/);
  });
});

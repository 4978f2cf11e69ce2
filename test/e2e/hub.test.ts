import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { startTcpServer, TerminalSimulator, type SimulatorServer } from '../../fixtures/sim/index.js';
import { listen } from '../helpers/event-stream.js';
import { tempDir } from '../helpers/temp.js';

const CLI = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

interface Proc {
  child: ChildProcess;
  out: () => string;
}

function start(args: string[]): Proc {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  return { child, out: () => out };
}

function run(args: string[]): { code: number; stdout: string; stderr: string } {
  try {
    const stdout = execFileSync(process.execPath, [CLI, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return { code: 0, stdout, stderr: '' };
  } catch (err) {
    const e = err as { status: number; stdout: string; stderr: string };
    return { code: e.status, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('rollcall hub and agent as processes: embedded broker with gateway passwords, ingest, imports, reports, API', () => {
  const dir = tempDir('hub-e2e-');
  const procs: Proc[] = [];
  let sim: TerminalSimulator;
  let server: SimulatorServer;
  afterAll(async () => {
    for (const p of procs) if (p.child.exitCode === null) p.child.kill('SIGKILL');
    sim?.close();
    await server?.close();
    dir.cleanup();
  });

  it('takes a terminal\'s log through the agent into the hub, then reports on it', async () => {
    sim = new TerminalSimulator({ seed: 9, users: 20, records: 800, utcOffsetMinutes: 480, serialNumber: 'E2EHUB0001' });
    server = await startTcpServer(sim, { port: 0, host: '127.0.0.1', packetGapMs: 0, chunkGapMs: 0 });
    writeFileSync(dir.file('gw1.txt'), 'gateway-secret\n');
    writeFileSync(
      dir.file('hub.yaml'),
      [
        'database: { path: ./hub.sqlite }',
        'broker: { embedded: { host: 127.0.0.1, port: 0 } }',
        'sites:',
        '  - { id: plant, timeZone: Asia/Shanghai, gateways: [{ id: gw1, passwordFile: ./gw1.txt }] }',
        'detection: { intervalSeconds: 5 }',
        'api: { host: 127.0.0.1, port: 0 }',
      ].join('\n'),
    );
    const hub = start(['hub', '--config', dir.file('hub.yaml')]);
    procs.push(hub);
    await expect.poll(() => hub.out(), { timeout: 15_000 }).toMatch(/"msg":"API listening"/);
    const brokerUrl = /"url":"(mqtt:\/\/127\.0\.0\.1:\d+)"/.exec(hub.out())![1]!;
    const apiUrl = /"url":"(http:\/\/127\.0\.0\.1:\d+)"[^}]*"msg":"API listening"/.exec(hub.out())![1]!;

    const agentConfig = (password: string) =>
      [
        'site: plant', 'gateway: gw1', 'utcOffset: "+08:00"', 'logLevel: info',
        'outbox: { path: ./outbox.sqlite, minFreeMB: 1 }',
        `broker: { url: "${brokerUrl}", username: plant/gw1, password: ${password} }`,
        'terminals:', `  - { name: gate, url: "zk+tcp://127.0.0.1:${server.port}", pollIntervalSeconds: 5 }`,
      ].join('\n');
    // A wrong password is refused by the hub's broker, and the agent says so.
    writeFileSync(dir.file('bad.yaml'), agentConfig('guess'));
    const refused = start(['agent', '--config', dir.file('bad.yaml')]);
    procs.push(refused);
    await expect.poll(() => refused.out(), { timeout: 15_000 }).toMatch(/bad user name or password/i);
    if (refused.child.exitCode === null) {
      const exited = once(refused.child, 'exit');
      refused.child.kill('SIGTERM');
      await exited;
    }

    writeFileSync(dir.file('agent.yaml'), agentConfig('gateway-secret'));
    const agent = start(['agent', '--config', dir.file('agent.yaml')]);
    procs.push(agent);
    // An HR account made with the CLI while the hub runs, signed in over the API.
    writeFileSync(dir.file('hr-password.txt'), 'a long enough passphrase\n');
    expect(run(['hub', 'user', 'add', 'hr.li', '--role', 'hr', '--name', '李人事', '--password-file', dir.file('hr-password.txt'), '--config', dir.file('hub.yaml')]).code).toBe(0);
    const signIn = await fetch(`${apiUrl}/api/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'hr.li', password: 'a long enough passphrase' }) });
    expect(await signIn.json()).toMatchObject({ username: 'hr.li', displayName: '李人事', role: 'hr' });
    const cookie = signIn.headers.get('set-cookie')!.split(';')[0]!;
    const get = (path: string): Promise<Response> => fetch(`${apiUrl}${path}`, { headers: { cookie } });
    expect((await fetch(`${apiUrl}/api/v1/status`)).status).toBe(401);
    // The dashboard's live stream: the hub tells it when terminals report.
    const live = await get('/api/v1/events');
    expect(live.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const stream = listen(live);
    const status = async (): Promise<{ sites: Array<{ punches: number; watermark: string | null; terminals: Array<{ deviceSerial: string }> }> }> =>
      (await get('/api/v1/status')).json() as never;
    await expect.poll(async () => (await status()).sites[0]?.punches, { timeout: 30_000 }).toBe(800);
    await expect.poll(async () => (await status()).sites[0]?.watermark, { timeout: 15_000 }).toMatch(/\+08:00$/);
    expect((await status()).sites[0]!.terminals.map((t) => t.deviceSerial)).toEqual(['E2EHUB0001']);
    await expect.poll(() => stream.heard(), { timeout: 15_000 }).toMatch(/event: terminals\ndata: \{"at":\d+\}\n\n/);
    await stream.stop();

    // HR imports the directory and schedules while the hub runs.
    const employees = ['id,name,department,manager,site,hire_date,end_date,terminal_ids', ...sim.state.users.map((u) => `P${u.userId},${u.name},生产部,,plant,2020-01-01,,plant:${u.userId}`)];
    writeFileSync(dir.file('employees.csv'), employees.join('\n'));
    expect(run(['hub', 'import', 'employees', dir.file('employees.csv'), '--config', dir.file('hub.yaml')])).toMatchObject({ code: 0, stdout: 'employees: 20 created, 0 updated, 0 unchanged\n' });
    writeFileSync(dir.file('broken.csv'), 'id,name,department,manager,site,hire_date\nX1,,生产部,,plant,2020-02-30\n');
    const broken = run(['hub', 'import', 'employees', dir.file('broken.csv'), '--config', dir.file('hub.yaml')]);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/row 1, name: .*\n.*row 1, hire_date: .*\[INVALID_INPUT\]/s);

    const csv = run(['report', 'absences', '--from', '2026-11-01', '--to', '2026-11-30', '--format', 'csv', '--config', dir.file('hub.yaml')]);
    expect(csv.code).toBe(0);
    expect(csv.stdout.split('\r\n')[0]).toBe('\uFEFFEmployee,Name,Department,Site,Absent working days,Absent dates,Consecutive at end,Run since,Per month,Thresholds reached');
    const xlsx = run(['report', 'departments', '--from', '2026-11-01', '--to', '2026-11-30', '--format', 'xlsx', '--out', dir.file('departments.xlsx'), '--config', dir.file('hub.yaml')]);
    expect(xlsx.code).toBe(0);
    expect(readFileSync(dir.file('departments.xlsx')).subarray(0, 2).toString()).toBe('PK');
    expect(run(['report', 'absences', '--from', 'yesterday', '--to', '2026-11-30', '--config', dir.file('hub.yaml')])).toMatchObject({ code: 2 });

    const employee = await (await get(`/api/v1/employees/P${sim.state.users[0]!.userId}`)).json();
    expect(employee).toMatchObject({ site: 'plant', terminalIds: { plant: sim.state.users[0]!.userId } });
    const missing = await get('/api/v1/employees/nobody');
    expect(missing.status).toBe(404);
    const badQuery = await get('/api/v1/reports/absences?from=2026-13-01&to=2026-11-30');
    expect(badQuery.status).toBe(400);
    expect(await badQuery.json()).toMatchObject({ error: { code: 'INVALID_INPUT' } });

    for (const p of [agent, hub]) p.child.kill('SIGTERM');
    const codes = await Promise.all([agent, hub].map(async (p) => (p.child.exitCode ?? ((await once(p.child, 'exit')) as [number | null])[0])));
    expect(codes).toEqual([0, 0]);
  });
});

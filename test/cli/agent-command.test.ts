import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { agentConfigJsonSchema } from '../../agent/config/json-schema.js';
import { Outbox, type NewPunch } from '../../agent/store/outbox.js';
import { backfillProgress, runAgentCommand } from '../../cli/agent-command.js';
import { CliError } from '../../cli/cli-error.js';
import { silent, tempDir } from '../helpers/temp.js';

const dirs: Array<ReturnType<typeof tempDir>> = [];
afterEach(() => {
  for (const d of dirs.splice(0)) d.cleanup();
});

async function run(args: string[]): Promise<string> {
  const out = new PassThrough();
  let text = '';
  out.on('data', (c: Buffer) => (text += c.toString('utf8')));
  await runAgentCommand(args, { stdout: out });
  return text;
}

const CONFIG = `site: plant1
gateway: gw1
utcOffset: "+08:00"
broker: { url: "mqtt://gw1:hunter2@127.0.0.1:1883" }
outbox: { path: data/outbox.sqlite }
terminals:
  - { name: front-door, url: "zk+tcp://10.0.0.5:4370?commkey=123" }
hidReaders:
  - { name: gate, vendorId: "0x08ff", productId: "0x0009", terminal: gate-1, cards: { "0012": "1001" } }
`;

function setup(config = CONFIG): { dir: ReturnType<typeof tempDir>; configFile: string } {
  const dir = tempDir('agent-cli-');
  dirs.push(dir);
  writeFileSync(dir.file('agent.yaml'), config);
  return { dir, configFile: dir.file('agent.yaml') };
}

const punch = (serial: string, i: number, source: NewPunch['source'] = 'poll'): NewPunch => {
  const localTime = `2026-11-23T08:${String(i).padStart(2, '0')}:00`;
  return { deviceSerial: serial, userId: String(1000 + i), localTime, at: `${localTime}+08:00`, state: 0, verify: 1, workcode: 0, source };
};

describe('rollcall agent status', () => {
  it('reads the outbox read-only and prints epoch, next seq, backlog and per terminal numbers', async () => {
    const { dir, configFile } = setup();
    mkdirSync(dir.file('data'));
    const path = dir.file('data/outbox.sqlite');
    new Outbox({ path, logger: silent }).close(); // epoch 1
    const box = new Outbox({ path, logger: silent }); // epoch 2
    box.insertPolled([punch('SN1', 0), punch('SN1', 1), punch('SN1', 2), punch('SN1', 3)], { serial: 'SN1', recordCount: 1500, lastFingerprint: 'f1' });
    box.insertPolled([punch('SN2', 4), punch('SN2', 5)], { serial: 'SN2', recordCount: 2, lastFingerprint: 'f2' });
    box.insert([punch('gate-1', 6, 'hid')]);
    expect(box.markDelivered(1, 3)).toBe(3);
    box.markDelivered(5, 6); // all of SN2 delivered
    const json = JSON.parse(await run(['status', '--config', configFile, '--json'])) as Record<string, unknown>;
    expect(json).toMatchObject({
      path,
      epoch: 2,
      nextSeq: 8,
      backlog: 2,
      delivered: 5,
      oldestUndelivered: { seq: 4, at: '2026-11-23T08:03:00+08:00' },
      lastDeliveredAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT.*Z$/),
      terminals: [
        { serial: 'SN1', recordsRead: 1500, undelivered: 1, lastUpdate: expect.any(String) },
        { serial: 'SN2', recordsRead: 2, undelivered: 0, lastUpdate: expect.any(String) },
        { serial: 'gate-1', recordsRead: null, undelivered: 1, lastUpdate: expect.any(String) },
      ],
    });
    // The agent still has it open for writing: status reads alongside.
    const text = await run(['status', '--config', configFile]);
    expect(text).toMatch(/^outbox {14}.*outbox\.sqlite$/m);
    expect(text).toMatch(/^epoch {15}2$/m);
    expect(text).toMatch(/^next seq {12}8$/m);
    expect(text).toMatch(/^backlog {13}2 undelivered$/m);
    expect(text).toMatch(/^oldest undelivered {2}2026-11-23T08:03:00\+08:00 \(seq 4, received .*Z\)$/m);
    expect(text).toMatch(/^SN1 +1500 +1 +\d{4}-/m);
    expect(text).toMatch(/^SN2 +2 +0 +\d{4}-/m);
    expect(text).toMatch(/^gate-1 +- +1 +\d{4}-/m);
    box.close();
    expect(await run(['status', '--outbox', path, '--json'])).toContain('"backlog": 2');
  });

  it('a missing outbox is a clear error, and is not created', async () => {
    const { dir, configFile } = setup();
    await expect(run(['status', '--config', configFile])).rejects.toMatchObject({
      code: 'STORE',
      message: `no outbox at ${dir.file('data/outbox.sqlite')}; the agent creates it on its first start (check outbox.path in the configuration)`,
    });
    expect(existsSync(dir.file('data/outbox.sqlite'))).toBe(false);
  });

  it('a file that is not an outbox says so', async () => {
    const { dir } = setup();
    writeFileSync(dir.file('other.sqlite'), '');
    await expect(run(['status', '--outbox', dir.file('other.sqlite')])).rejects.toThrow(/is not a rollcall outbox/);
  });
});

describe('rollcall agent check', () => {
  it('summarises a valid configuration without showing secrets', async () => {
    const { configFile } = setup();
    const text = await run(['check', '--config', configFile]);
    expect(text).toContain(`${configFile}: valid`);
    expect(text).toContain('site plant1, gateway gw1, UTC+08:00, log level info');
    expect(text).toMatch(/broker mqtt:\/\/gw1:\*\*\*@127\.0\.0\.1:1883/);
    expect(text).toMatch(/front-door +zk\+tcp:\/\/10\.0\.0\.5:4370\?commkey=\*\*\* +60 s +yes/);
    expect(text).toMatch(/gate +0x08ff:0x0009 +gate-1 +0 +1/);
    expect(text).not.toMatch(/hunter2|commkey=123/);
    const json = JSON.parse(await run(['check', '--config', configFile, '--json'])) as { valid: boolean; config: { hidReaders: Array<{ cards: unknown }> } };
    expect(json.valid).toBe(true);
    expect(json.config.hidReaders[0]!.cards).toEqual({ '0012': '1001' });
    expect(JSON.stringify(json)).not.toMatch(/hunter2|commkey=123/);
  });

  it('a broken configuration is a usage error (exit code 2) listing every problem', async () => {
    const { configFile } = setup(CONFIG.replace('utcOffset: "+08:00"', 'utcOffset: "8"').replace('gateway: gw1', 'gatway: gw1'));
    const err = await run(['check', '--config', configFile]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CliError);
    expect((err as CliError).exitCode).toBe(2);
    expect((err as CliError).message).toBe(
      [
        `${configFile} has 3 problems:`,
        '  gateway: required; this gateway\'s id within the site, part of every MQTT topic, e.g. "gw1"',
        '  gatway: unknown key; did you mean "gateway"?',
        '  utcOffset: "8" is not allowed; write the offset like "+08:00" or "-05:30", in quotes',
      ].join('\n'),
    );
  });

  it('run refuses a broken or missing configuration before starting anything', async () => {
    const { dir } = setup();
    await expect(run(['--config', dir.file('missing.yaml')])).rejects.toMatchObject({ exitCode: 2, message: expect.stringMatching(/cannot read the configuration .*missing\.yaml: no such file/) });
    await expect(run(['run', '--config', dir.file('missing.yaml')])).rejects.toBeInstanceOf(CliError);
  });
});

describe('the compiled command', () => {
  const CLI = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));
  const exec = (args: string[]): Promise<{ code: number; stdout: string; stderr: string }> =>
    new Promise((resolve) => {
      execFile(process.execPath, [CLI, ...args], (err, stdout, stderr) => resolve({ code: err === null ? 0 : Number(err.code), stdout, stderr }));
    });

  it('exits 2 on a broken configuration, 1 on a missing outbox, 0 on a valid check', async () => {
    const { dir, configFile } = setup();
    writeFileSync(dir.file('bad.yaml'), CONFIG.replace('mqtt://gw1:hunter2@127.0.0.1:1883', 'http://x'));
    const bad = await exec(['agent', 'check', '--config', dir.file('bad.yaml')]);
    expect(bad).toMatchObject({ code: 2, stdout: '' });
    expect(bad.stderr).toBe(`rollcall: ${dir.file('bad.yaml')} has 1 problem:\n  broker.url: unknown scheme "http:" in "http://x"; use mqtt:, mqtts:, ws:, wss:, tcp: or ssl:\n`);
    const missing = await exec(['agent', 'status', '--config', configFile]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^rollcall: no outbox at .*outbox\.sqlite; .* \[STORE\]\n$/);
    expect((await exec(['agent', 'check', '--config', configFile])).code).toBe(0);
  });
});

describe('rollcall agent schema and help', () => {
  it('schema prints the JSON Schema', async () => {
    expect(JSON.parse(await run(['schema']))).toEqual(agentConfigJsonSchema());
  });

  it('help, and usage mistakes', async () => {
    expect(await run(['--help'])).toMatch(/^Usage: rollcall agent \[run\]/);
    await expect(run(['stats'])).rejects.toThrow(/unknown agent action "stats"/);
    await expect(run(['status', 'agent.yaml'])).rejects.toThrow(/unexpected argument "agent\.yaml"/);
  });
});

describe('backfill progress', () => {
  it('shows one bar summing every terminal being backfilled, and ends it when all are done', () => {
    const stream = Object.assign(new PassThrough(), { isTTY: true }) as unknown as NodeJS.WriteStream;
    let text = '';
    (stream as unknown as PassThrough).on('data', (c: Buffer) => (text += c.toString()));
    const p = backfillProgress(stream);
    p.update({ terminal: 'a', records: 0, expected: 1000 });
    expect(text).toMatch(/backfilling \[\.+\] +0% a 0\/1000/);
    p.update({ terminal: 'b', records: 500, expected: 1000 });
    p.update({ terminal: 'a', records: 1000, expected: 1000 });
    p.update({ terminal: 'b', records: 1000, expected: 1000 });
    expect(text).toMatch(/100% *\x1b\[K\n$/);
    p.stop();
  });
});

import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { openSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { punchId } from '../../agent/store/punch-id.js';
import { startHubReceiver, type HubReceiver } from '../helpers/hub-receiver.js';
import { TerminalSimulator, createRandom, startTcpServer, type SimulatorServer } from '../../fixtures/sim/index.js';
import { formatLocal } from '../../protocols/zk/time.js';
import { startEmbeddedBroker, type EmbeddedBroker } from '../helpers/broker.js';
import { silent, tempDir } from '../helpers/temp.js';

/**
 * The agent's one promise, under fire: a terminal holding 100,000 records, realtime punches arriving
 * all the while, and the agent process killed with SIGKILL at 22 random moments (connecting,
 * backfilling, inserting, publishing, waiting for acks). Afterwards the set of punches the receiver
 * acknowledged equals the terminal's set: none lost, none twice.
 */
const CLI = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));
const KILLS = 22;

let sim: TerminalSimulator;
let server: SimulatorServer;
let broker: EmbeddedBroker;
let hub: HubReceiver;
let dir: ReturnType<typeof tempDir>;
let configPath: string;
const children: ChildProcess[] = [];

beforeAll(async () => {
  dir = tempDir('agent-crash-');
  sim = new TerminalSimulator({ seed: 5, users: 300, records: 100_000, utcOffsetMinutes: 480, faults: { eventResendMs: 500 } });
  // Back to back, as a real terminal sends: the agent's client frames the stream itself.
  server = await startTcpServer(sim, { port: 0, host: '127.0.0.1', packetGapMs: 0, chunkGapMs: 0 });
  broker = await startEmbeddedBroker();
  hub = await startHubReceiver({ url: broker.url, gateways: [{ site: 'crash-site', gateway: 'gw1' }] });
  configPath = dir.file('agent.yaml');
  writeFileSync(
    configPath,
    [
      'site: crash-site',
      'gateway: gw1',
      'utcOffset: "+08:00"',
      'logLevel: info',
      'outbox: { path: ./outbox.sqlite, synchronous: FULL, minFreeMB: 1 }',
      `broker: { url: "${broker.url}" }`,
      'publish: { batchSize: 1000, ackTimeoutSeconds: 2 }',
      'terminals:',
      `  - { name: gate, url: "zk+tcp://127.0.0.1:${server.port}", pollIntervalSeconds: 5 }`,
    ].join('\n'),
  );
});

afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await hub?.close();
  await broker?.close();
  sim?.close();
  await server?.close();
  dir?.cleanup();
});

const exits: Array<{ run: number; code: number | null; signal: NodeJS.Signals | null }> = [];

function startAgent(logFile: string): ChildProcess {
  const out = openSync(logFile, 'w');
  const child = spawn(process.execPath, [CLI, 'agent', '--config', configPath], { stdio: ['ignore', out, out] });
  const run = children.length;
  child.once('exit', (code, signal) => exits.push({ run, code, signal }));
  children.push(child);
  return child;
}

async function killed(child: ChildProcess): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    const exited = once(child, 'exit');
    child.kill('SIGKILL');
    await exited;
  }
}

function tail(file: string): string {
  return readFileSync(file, 'utf8').slice(-3000);
}

describe('agent crash safety', () => {
  it(`loses and duplicates nothing through ${KILLS} SIGKILLs`, async () => {
    const random = createRandom(20261123);
    sim.setPunchRate(15);
    for (let i = 0; i < KILLS; i++) {
      const agent = startAgent(dir.file(`run-${i}.log`));
      // Early kills land in start-up and the first backfill; later ones in steady publishing.
      await new Promise((r) => setTimeout(r, 150 + Math.floor(random() * (i < KILLS / 2 ? 1200 : 3000))));
      await killed(agent);
    }
    // Every run ended by our SIGKILL, none by itself.
    expect(exits.filter((e) => e.signal !== 'SIGKILL'), readFileSync(dir.file('run-0.log'), 'utf8').slice(-2000)).toEqual([]);
    sim.setPunchRate(0);
    const last = sim.punch({ userId: sim.state.users[0]!.userId })!; // one more after the storm

    const agent = startAgent(dir.file('final.log'));
    const expected = new Set(sim.state.records.map((r) => punchId(sim.serialNumber, r.userId, formatLocal(r.time), r.state)));
    expect(expected.has(punchId(sim.serialNumber, last.userId, formatLocal(last.time), last.state))).toBe(true);
    await expect
      .poll(() => hub.count(), { timeout: 150_000, interval: 250, message: `final agent log: ${tail(dir.file('final.log'))}` })
      .toBe(expected.size);
    const received = hub.received;
    const missing = [...expected].filter((id) => !received.has(id));
    const extra = [...received.keys()].filter((id) => !expected.has(id));
    expect({ missing: missing.length, extra: extra.length }).toEqual({ missing: 0, extra: 0 });
    // Every acknowledged punch says what the terminal recorded.
    const byId = new Map(sim.state.records.map((r) => [punchId(sim.serialNumber, r.userId, formatLocal(r.time), r.state), r]));
    for (const [id, p] of received) {
      const r = byId.get(id)!;
      expect(p.userId).toBe(r.userId);
      expect(p.at).toBe(`${formatLocal(r.time)}+08:00`);
    }
    const exited = once(agent, 'exit');
    agent.kill('SIGTERM');
    const [code] = (await exited) as [number | null];
    expect(code, tail(dir.file('final.log'))).toBe(0);
    expect(readFileSync(dir.file('final.log'), 'utf8')).not.toMatch(/"level":(50|60)/); // no error or fatal logs
  }, 300_000);
});

import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TerminalSimulator, startTcpServer, type SimulatorServer } from '../../fixtures/sim/index.js';
import { formatLocal } from '../../protocols/zk/time.js';
import { startHubSide, type HubSide } from './hub-side.js';

const CLI = fileURLToPath(new URL('../../cli/main.js', import.meta.url));

export interface FleetOptions {
  terminals: number;
  recordsPerTerminal: number;
  realtimePunches: number;
  /** Options for the agent's node process (V8 flags), before the script. */
  nodeArgs: string[];
}

export interface FleetResult {
  terminals: number;
  recordsPerTerminal: number;
  nodeArgs: string[];
  backfillMs: number;
  /** CPU time (user + system) the agent process spent until every stored record was acknowledged. */
  backfillCpuMs: number;
  /** Peak and final resident memory of the agent process (from /proc). */
  agentPeakRssMB: number;
  agentRssMB: number;
  /** Realtime latencies from a punch at a terminal to its arrival at the hub, sorted. */
  realtimeMs: number[];
}

interface Fleet {
  sims: TerminalSimulator[];
  servers: SimulatorServer[];
  hub: HubSide;
  dir: string;
}

/**
 * The agent CLI in its own process reading `terminals` simulated terminals (each on its own port,
 * back to back like real terminals) and publishing to aedes, where the hub's ingest stores and
 * acks: time to deliver every stored record, the agent's memory, and realtime latency from a punch
 * at a terminal to its arrival at the hub.
 */
export async function benchFleet(options: FleetOptions): Promise<FleetResult> {
  const { terminals, recordsPerTerminal, realtimePunches, nodeArgs } = options;
  const fleet: Fleet = { sims: [], servers: [], hub: await startHubSide('bench', 'gw1'), dir: mkdtempSync(join(tmpdir(), 'rollcall-bench-fleet-')) };
  const agent = { pid: 0, kill: (): void => undefined } as { pid: number; kill(): void };
  try {
    for (let i = 0; i < terminals; i++) {
      const sim = new TerminalSimulator({ seed: 100 + i, users: 200, records: recordsPerTerminal, utcOffsetMinutes: 480, serialNumber: `FLEET${String(i).padStart(4, '0')}` });
      fleet.sims.push(sim);
      fleet.servers.push(await startTcpServer(sim, { port: 0, host: '127.0.0.1', packetGapMs: 0, chunkGapMs: 0 }));
    }
    const config = join(fleet.dir, 'agent.yaml');
    writeFileSync(config, [
      'site: bench', 'gateway: gw1', 'utcOffset: "+08:00"', 'logLevel: warn',
      'outbox: { path: ./outbox.sqlite, synchronous: FULL, minFreeMB: 1 }',
      `broker: { url: "${fleet.hub.url}" }`,
      'publish: { batchSize: 1000 }',
      'terminals:',
      ...fleet.servers.map((s, i) => `  - { name: t${i}, url: "zk+tcp://127.0.0.1:${s.port}", pollIntervalSeconds: 3600 }`),
    ].join('\n'));
    const total = terminals * recordsPerTerminal;
    const started = performance.now();
    const child = spawn(process.execPath, [...nodeArgs, CLI, 'agent', '--config', config], { stdio: 'ignore' });
    agent.pid = child.pid ?? 0;
    agent.kill = () => void child.kill('SIGTERM');
    while (fleet.hub.ingest.stats.stored < total) {
      if (child.exitCode !== null) throw new Error(`agent exited with ${child.exitCode}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    const backfillMs = performance.now() - started;
    const backfillCpuMs = procCpuMs(agent.pid);

    // Realtime: punches spread over the terminals, one every 20 ms; latency to the hub.
    const sentAt = new Map<string, number>();
    const latencies: number[] = [];
    fleet.hub.ingest.on('batch', (e) => {
      const now = performance.now();
      for (const p of e.punches) {
        const key = `${p.deviceSerial}|${p.userId}|${p.at.slice(0, 19)}`;
        const t0 = sentAt.get(key);
        if (t0 !== undefined) {
          latencies.push(now - t0);
          sentAt.delete(key);
        }
      }
    });
    for (let i = 0; i < realtimePunches; i++) {
      const sim = fleet.sims[i % terminals]!;
      const userId = sim.state.users[Math.floor(i / terminals) % sim.state.users.length]!.userId;
      const record = sim.punch({ userId });
      if (record !== undefined) sentAt.set(`${sim.serialNumber}|${record.userId}|${formatLocal(record.time)}`, performance.now());
      await new Promise((r) => setTimeout(r, 20));
    }
    const deadline = Date.now() + 30_000;
    while (latencies.length < realtimePunches && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    if (latencies.length < realtimePunches) throw new Error(`only ${latencies.length} of ${realtimePunches} realtime punches arrived`);
    const mem = procMemory(agent.pid);
    return {
      terminals,
      recordsPerTerminal,
      nodeArgs,
      backfillMs: Math.round(backfillMs),
      backfillCpuMs,
      agentPeakRssMB: mem.peak,
      agentRssMB: mem.now,
      realtimeMs: latencies.sort((a, b) => a - b),
    };
  } finally {
    agent.kill();
    await new Promise((r) => setTimeout(r, 500));
    await fleet.hub.close();
    for (const s of fleet.sims) s.close();
    await Promise.all(fleet.servers.map((s) => s.close()));
    rmSync(fleet.dir, { recursive: true, force: true });
  }
}

/** CPU time (user + system) a process has used so far, in ms (from /proc, in clock ticks of 10 ms). */
function procCpuMs(pid: number): number {
  // The command name in parentheses may hold spaces: count fields after its closing parenthesis.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** VmHWM (peak) and VmRSS of a process, in MB. */
function procMemory(pid: number): { peak: number; now: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string): number => Number(new RegExp(`${key}:\\s+(\\d+) kB`).exec(status)?.[1] ?? Number.NaN);
  return { peak: Math.round(kb('VmHWM') / 102.4) / 10, now: Math.round(kb('VmRSS') / 102.4) / 10 };
}

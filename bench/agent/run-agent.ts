import { readFileSync } from 'node:fs';
import { execStartNodeFlags } from '../../fixtures/systemd-unit.js';
import { median } from '../stats.js';
import { benchDurable, type DurableResult } from './durable.js';
import { benchFleet, type FleetResult } from './fleet.js';
import { benchOutboxInsert, type OutboxInsertResult } from './outbox-insert.js';

/** One way of running the agent's node process, measured over several rounds. */
export interface FleetSummary {
  setup: string;
  nodeArgs: string[];
  rounds: number;
  /** Medians over the rounds, and the highest peak seen. */
  backfillMs: number;
  backfillCpuMs: number;
  agentPeakRssMB: number;
  agentPeakRssMaxMB: number;
  /** Over every round's realtime punches together. */
  realtime: { punches: number; p50Ms: number; p95Ms: number; p99Ms: number; maxMs: number };
  runs: Array<Omit<FleetResult, 'realtimeMs'>>;
}

export interface AgentBenchReport {
  benchmark: 'agent';
  goals: Record<string, string>;
  outboxInsert: OutboxInsertResult[];
  durable: DurableResult[];
  fleet: { terminals: number; recordsPerTerminal: number; realtimePunchesPerRound: number; setups: FleetSummary[] };
}

const FLEET = { terminals: 10, recordsPerTerminal: 20_000, realtimePunches: 300 };

/** The agent's benchmarks: outbox inserts, durable end to end on aedes, and a 10-terminal fleet. */
export async function benchAgent(say: (line: string) => void, rounds = 3): Promise<AgentBenchReport> {
  const outboxInsert: OutboxInsertResult[] = [];
  for (const sync of ['FULL', 'NORMAL'] as const) outboxInsert.push(medianRun(Array.from({ length: rounds }, () => benchOutboxInsert(300_000, 2000, sync))));
  say(`\nagent: punches into the outbox (300,000 in transactions of 2,000), median of ${rounds}`);
  say('| synchronous | punches/s |\n|---|---:|');
  for (const r of outboxInsert) say(`| ${r.synchronous} | ${r.punchesPerSecond.toLocaleString('en-US')} |`);

  const durable: DurableResult[] = [];
  for (const [batch, sync] of [[500, 'FULL'], [1000, 'FULL'], [1000, 'NORMAL']] as const) {
    const runs: DurableResult[] = [];
    for (let round = 0; round < rounds; round++) runs.push(await benchDurable(200_000, batch, sync));
    durable.push(medianRun(runs));
  }
  say(`\nagent: durable end to end (200,000 punches: outbox → aedes → hub ingest (SQLite) → ack → marked delivered), median of ${rounds}`);
  say('| batch | synchronous | punches/s |\n|---:|---|---:|');
  for (const r of durable) say(`| ${r.batchSize} | ${r.synchronous} | ${r.punchesPerSecond.toLocaleString('en-US')} |`);

  // The agent as the systemd unit runs it, and with node's defaults; rounds interleaved.
  const unit = readFileSync(new URL('../../../fixtures/rollcall-agent.service', import.meta.url), 'utf8');
  const setups = [
    { setup: 'as deployed (fixtures/rollcall-agent.service)', nodeArgs: execStartNodeFlags(unit) },
    { setup: "node's defaults", nodeArgs: [] },
  ];
  const results = setups.map(() => [] as FleetResult[]);
  for (let round = 0; round < rounds; round++) {
    for (const [i, s] of setups.entries()) results[i]!.push(await benchFleet({ ...FLEET, nodeArgs: s.nodeArgs }));
  }
  const summaries = setups.map((s, i) => summarize(s.setup, s.nodeArgs, results[i]!));
  say(`\nagent: ${FLEET.terminals} terminals x ${FLEET.recordsPerTerminal.toLocaleString('en-US')} records, median of ${rounds} rounds`);
  say('| node options | backfill ms | agent CPU ms | peak RSS MB (median / max) | realtime p50 / p99 ms |\n|---|---:|---:|---:|---:|');
  for (const f of summaries) {
    say(`| ${f.setup}: \`${f.nodeArgs.join(' ') || '(none)'}\` | ${f.backfillMs} | ${f.backfillCpuMs} | ${f.agentPeakRssMB} / ${f.agentPeakRssMaxMB} | ${f.realtime.p50Ms} / ${f.realtime.p99Ms} |`);
  }
  return {
    benchmark: 'agent',
    goals: { outboxInsert: '150,000/s', durable: '80,000/s on aedes', agentRss: '< 80 MB with 10 terminals', realtimeP99: '< 50 ms on loopback' },
    outboxInsert,
    durable,
    fleet: { terminals: FLEET.terminals, recordsPerTerminal: FLEET.recordsPerTerminal, realtimePunchesPerRound: FLEET.realtimePunches, setups: summaries },
  };
}

/** The run with the median rate; the rates of every run ride along. */
function medianRun<T extends { punchesPerSecond: number }>(runs: T[]): T & { runsPerSecond: number[] } {
  const sorted = [...runs].sort((a, b) => a.punchesPerSecond - b.punchesPerSecond);
  return { ...sorted[Math.floor(sorted.length / 2)]!, runsPerSecond: runs.map((r) => r.punchesPerSecond) };
}

function summarize(setup: string, nodeArgs: string[], runs: FleetResult[]): FleetSummary {
  const latencies = runs.flatMap((r) => r.realtimeMs).sort((a, b) => a - b);
  const q = (p: number): number => Math.round(latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))]! * 10) / 10;
  return {
    setup,
    nodeArgs,
    rounds: runs.length,
    backfillMs: median(runs.map((r) => r.backfillMs)),
    backfillCpuMs: median(runs.map((r) => r.backfillCpuMs)),
    agentPeakRssMB: median(runs.map((r) => r.agentPeakRssMB)),
    agentPeakRssMaxMB: Math.max(...runs.map((r) => r.agentPeakRssMB)),
    realtime: { punches: latencies.length, p50Ms: q(0.5), p95Ms: q(0.95), p99Ms: q(0.99), maxMs: q(1) },
    runs: runs.map(({ realtimeMs: _latencies, ...rest }) => rest),
  };
}

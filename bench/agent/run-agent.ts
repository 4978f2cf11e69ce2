import { benchDurable, type DurableResult } from './durable.js';
import { benchFleet, type FleetResult } from './fleet.js';
import { benchOutboxInsert, type OutboxInsertResult } from './outbox-insert.js';

export interface AgentBenchReport {
  benchmark: 'agent';
  goals: Record<string, string>;
  outboxInsert: OutboxInsertResult[];
  durable: DurableResult[];
  fleet: FleetResult;
}

/** The agent's benchmarks: outbox inserts, durable end to end on aedes, and a 10-terminal fleet. */
export async function benchAgent(say: (line: string) => void): Promise<AgentBenchReport> {
  const outboxInsert = (['FULL', 'NORMAL'] as const).map((sync) => benchOutboxInsert(300_000, 2000, sync));
  say('\nagent: punches into the outbox (300,000 in transactions of 2,000)');
  say('| synchronous | punches/s |\n|---|---:|');
  for (const r of outboxInsert) say(`| ${r.synchronous} | ${r.punchesPerSecond.toLocaleString('en-US')} |`);

  const durable: DurableResult[] = [];
  for (const [batch, sync] of [[500, 'FULL'], [1000, 'FULL'], [1000, 'NORMAL']] as const) durable.push(await benchDurable(200_000, batch, sync));
  say('\nagent: durable end to end (200,000 punches: outbox → aedes → acking receiver → marked delivered)');
  say('| batch | synchronous | punches/s |\n|---:|---|---:|');
  for (const r of durable) say(`| ${r.batchSize} | ${r.synchronous} | ${r.punchesPerSecond.toLocaleString('en-US')} |`);

  const fleet = await benchFleet(10, 20_000, 300);
  say(`\nagent: 10 terminals x 20,000 records: delivered in ${fleet.backfillMs} ms; agent RSS peak ${fleet.agentPeakRssMB} MB (now ${fleet.agentRssMB} MB)`);
  say(`agent: realtime punch → receiver over ${fleet.realtime.punches} punches: p50 ${fleet.realtime.p50Ms} ms, p95 ${fleet.realtime.p95Ms} ms, p99 ${fleet.realtime.p99Ms} ms, max ${fleet.realtime.maxMs} ms`);
  return {
    benchmark: 'agent',
    goals: { outboxInsert: '150,000/s', durable: '80,000/s on aedes', agentRss: '< 80 MB with 10 terminals', realtimeP99: '< 50 ms on loopback' },
    outboxInsert,
    durable,
    fleet,
  };
}

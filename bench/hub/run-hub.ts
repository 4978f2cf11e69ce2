import { median } from '../stats.js';
import { benchDaily, type DailyReport } from './daily.js';
import { benchIngest, type IngestResult } from './ingest.js';

export interface IngestSummary {
  batchSize: number;
  synchronous: 'NORMAL' | 'FULL';
  punches: number;
  /** Median over the runs, and every run's rate. */
  punchesPerSecond: number;
  runs: number[];
}

export interface HubBenchReport {
  benchmark: 'hub';
  goals: Record<string, string>;
  ingest: IngestSummary[];
  daily: DailyReport;
}

/** The hub's benchmarks: durable ingest over the embedded broker, and the daily detection at 100,000 employees. */
export async function benchHub(say: (line: string) => void, rounds = 3, employees = 100_000): Promise<HubBenchReport> {
  const ingest: IngestSummary[] = [];
  for (const [batchSize, synchronous] of [[1000, 'FULL'], [500, 'FULL'], [1000, 'NORMAL']] as const) {
    const runs: IngestResult[] = [];
    for (let r = 0; r < rounds; r++) runs.push(await benchIngest(200_000, batchSize, synchronous));
    ingest.push({ batchSize, synchronous, punches: 200_000, punchesPerSecond: median(runs.map((r) => r.punchesPerSecond)), runs: runs.map((r) => r.punchesPerSecond) });
  }
  say(`\nhub: durable ingest, 200,000 punches from one gateway over the embedded broker (8 batches in flight), median of ${rounds}`);
  say('| batch | synchronous | punches/s | runs |\n|---:|---|---:|---|');
  for (const r of ingest) say(`| ${r.batchSize} | ${r.synchronous} | ${r.punchesPerSecond.toLocaleString('en-US')} | ${r.runs.map((x) => x.toLocaleString('en-US')).join(' / ')} |`);

  const daily = await benchDaily(employees, rounds);
  say(`\nhub: the day's detection and the month's counts, ${employees.toLocaleString('en-US')} employees (${daily.punchesStored.toLocaleString('en-US')} punches stored), median of ${rounds}`);
  say('| hub start (ms) | detection run (ms) | month counts (ms) | run + counts (ms) | peak RSS MB |\n|---:|---:|---:|---:|---:|');
  say(`| ${daily.median.startMs} | ${daily.median.detectionMs} | ${daily.median.monthCountsMs} | ${daily.median.totalMs} | ${daily.median.peakRssMB} |`);
  return {
    benchmark: 'hub',
    goals: { ingestDurablePunchesPerSecond: '>= 80,000 (FULL)', dailyDetectionAndMonthCountsMs: '< 2,000 at 100,000 employees', dailyPeakRssMB: '< 500' },
    ingest,
    daily,
  };
}

/**
 * Benchmark of detection's daily run: 100,000 employees on one site, about two punches each, a
 * month of stored history. Measures one `tick` that classifies the whole day (plus the thresholds
 * it reaches), a second tick (nothing to do), the month's absence report and one reclassification.
 * Each round runs in a fresh process on a fresh copy of the database, so the peak RSS is the run's.
 *
 *   npx tsc -p tsconfig.build.json && node dist/bench/detection/daily.js [--employees N] [--rounds N]
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { openHubDatabase } from '../../hub/db/database.js';
import { DetectionEngine } from '../../hub/detection/engine.js';
import { DetectionReports } from '../../hub/detection/reports.js';
import { DETECTION_MIGRATIONS } from '../../hub/detection/schema.js';
import { addDays } from '../../hub/time/local-date.js';
import { zone } from '../../hub/time/zone.js';
import { median } from '../stats.js';
import { BenchPorts, DAY, employeeId, fillDatabase, SITE } from './fixture.js';

const logger = pino({ level: 'silent' });

export interface DailyRound {
  tickMs: number;
  /** CPU time of the tick (user + system): less sensitive than wall time to a busy machine. */
  tickCpuMs: number;
  /** Of which inside the ports (plans generated, punches read from SQLite): the other modules' share. */
  portMs: number;
  classified: number;
  events: Record<string, number>;
  secondTickMs: number;
  reportMs: number;
  reportedEmployees: number;
  reclassifyMs: number;
  peakRssMB: number;
  /** Peak RSS when the tick was done (the rest adds the report and the reclassification). */
  tickPeakRssMB: number;
}

function measure(path: string, employees: number): DailyRound {
  const z = zone(SITE.timeZone);
  // The next morning at 10:00, when the night shift's window has closed too.
  const now = z.instant(addDays(DAY, 1), 10 * 60);
  const db = openHubDatabase({ path, logger, migrations: DETECTION_MIGRATIONS });
  const ports = new BenchPorts(db, employees, now);
  const engine = new DetectionEngine({ db, ports, logger });
  let t = performance.now();
  const cpu = process.cpuUsage();
  const result = engine.tick(now);
  const tickMs = performance.now() - t;
  const { user, system } = process.cpuUsage(cpu);
  const tickCpuMs = (user + system) / 1000;
  const tickPeakRssMB = Math.round(process.resourceUsage().maxRSS / 1024);
  const classified = result.sites[0]?.classified ?? 0;
  if (classified !== employees) throw new Error(`classified ${classified} of ${employees} instances`);
  const events: Record<string, number> = {};
  for (const e of result.events) events[`${e.kind}:${e.change}`] = (events[`${e.kind}:${e.change}`] ?? 0) + 1;

  t = performance.now();
  const second = engine.tick(now);
  const secondTickMs = performance.now() - t;
  if (second.events.length !== 0 || second.sites[0]?.classified !== 0) throw new Error('the second tick changed something');

  const reports = new DetectionReports({ db, ports });
  t = performance.now();
  const absences = reports.absences({ from: '2026-03-01', to: DAY });
  reports.departmentAbsences({ from: '2026-03-01', to: DAY });
  const reportMs = performance.now() - t;

  ports.leaveList.push({ leaveId: 1e9, employeeId: employeeId(7), startMs: z.instant(DAY, 0), endMs: z.instant(addDays(DAY, 1), 0), kind: 'sick' });
  t = performance.now();
  const changed = engine.reclassify(employeeId(7), '2026-03-01', DAY, now);
  const reclassifyMs = performance.now() - t;
  if (!changed.events.some((e) => e.kind === 'consecutive' && e.change === 'withdrawn')) throw new Error('the reclassification did not withdraw the run');
  db.close();
  return {
    tickMs: Math.round(tickMs), tickCpuMs: Math.round(tickCpuMs), portMs: Math.round(ports.portMs), classified, events, secondTickMs: Math.round(secondTickMs),
    reportMs: Math.round(reportMs), reportedEmployees: absences.length, reclassifyMs: Math.round(reclassifyMs),
    peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024), tickPeakRssMB,
  };
}

export function benchDetectionDaily(employees: number, rounds: number): { employees: number; historyRows: number; punches: number; rounds: DailyRound[]; median: Record<string, number> } {
  const dir = mkdtempSync(join(tmpdir(), 'rollcall-bench-detection-'));
  try {
    const seed = join(dir, 'seed.sqlite');
    const db = openHubDatabase({ path: seed, logger, migrations: DETECTION_MIGRATIONS, synchronous: 'NORMAL' });
    const filled = fillDatabase(db, employees);
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.close();
    const results: DailyRound[] = [];
    for (let r = 0; r < rounds; r++) {
      const path = join(dir, `round-${r}.sqlite`);
      copyFileSync(seed, path);
      const child = spawnSync(process.execPath, [fileURLToPath(import.meta.url), 'measure', path, String(employees)], { encoding: 'utf8', maxBuffer: 1 << 20 });
      if (child.status !== 0) throw new Error(`round ${r} failed: ${child.stderr}`);
      results.push(JSON.parse(child.stdout) as DailyRound);
      rmSync(path, { force: true });
    }
    const keys = ['tickMs', 'tickCpuMs', 'portMs', 'secondTickMs', 'reportMs', 'reclassifyMs', 'tickPeakRssMB', 'peakRssMB'] as const;
    return { employees, ...filled, rounds: results, median: Object.fromEntries(keys.map((k) => [k, median(results.map((x) => x[k]))])) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { employees: { type: 'string', default: '100000' }, rounds: { type: 'string', default: '3' } } });
  if (positionals[0] === 'measure') {
    process.stdout.write(JSON.stringify(measure(positionals[1]!, Number(positionals[2]))));
  } else {
    const report = benchDetectionDaily(Number(values.employees), Number(values.rounds));
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  }
}

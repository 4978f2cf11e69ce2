/**
 * The hub's daily detection at company scale, on the real modules (directory, calendar planner,
 * leave, stored punches, watermark, detection): `employees` people at one site, two punches each
 * per working day, a month's earlier days already judged. Measured in a fresh process per round on
 * a copy of the prepared database: the hub's start (modules opened, the punch prefetch worker
 * started, the directory read into memory, as the hub does once), then one detection run at 10:30
 * the next morning that judges the day for everyone (instances, no-shows, thresholds) and the new
 * day's no-shows so far, then the month's absence counts for everyone (the report HR reads).
 *
 *   node dist/bench/hub/daily.js [--employees N] [--rounds N]
 */
import { spawnSync } from 'node:child_process';
import { closeSync, copyFileSync, fsyncSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { importSchedules, setAssignment } from '../../hub/calendar/schedules-store.js';
import type { HubConfig } from '../../hub/config/load.js';
import { openHubDatabase, type HubDatabase } from '../../hub/db/database.js';
import { addDays, datesBetween, weekday, type LocalDate } from '../../hub/time/local-date.js';
import { zone } from '../../hub/time/zone.js';
import { openModules } from '../../hub/wiring/modules.js';
import { reportHealth } from './site-health.js';
import { median } from '../stats.js';

const SITE = 'plant';
const Z = zone('Asia/Shanghai');
/** The measured day (a Monday) and the month's earlier days, judged before the clock starts. */
const DAY: LocalDate = '2026-11-16';
const MONTH_START: LocalDate = '2026-11-01';
/** The night shifts' windows have closed; the next day's arrivals so far are in. */
const NOW = Z.instant(addDays(DAY, 1), 10 * 60 + 30);
const logger = pino({ level: 'silent' });

const config = (): Pick<HubConfig, 'sites' | 'detection'> => ({
  sites: [{ id: SITE, timeZone: 'Asia/Shanghai', gateways: [{ id: 'gw1', password: 'unused' }] }],
  detection: { intervalSeconds: 60, thresholds: { consecutive: 3, monthly: 5 }, restBreaksRun: false, leaveBreaksRun: true, startDate: MONTH_START },
});

const id = (i: number): string => `E${String(i).padStart(6, '0')}`;
/** Every 10th person works nights (22:00-06:00); the rest days (08:30-17:30). */
const night = (i: number): boolean => i % 10 === 0;
/** Stopped coming a week before the day: consecutive and monthly thresholds. */
const gone = (i: number, date: LocalDate): boolean => i % 250 === 7 && date >= '2026-11-09';
/** Absent now and then. */
const absent = (i: number, date: LocalDate): boolean => (i * 31 + Number(date.slice(8))) % 53 === 0 || gone(i, date);

export interface DailyRound {
  /** Opening the hub's modules, starting its punch prefetch worker and reading the directory into memory, as the hub does once at start. */
  startMs: number;
  detectionMs: number;
  instances: number;
  events: number;
  monthCountsMs: number;
  employeesReported: number;
  peakRssMB: number;
}

/** Builds the database: directory, schedules, leave, punches of the month to the day, earlier days judged. */
export async function prepare(path: string, employees: number): Promise<{ punches: number; setupMs: number }> {
  const started = performance.now();
  const db = openHubDatabase({ path, synchronous: 'NORMAL', logger });
  const hub = openModules({ db, config: config(), logger, clock: () => NOW });
  const rows = ['id,name,department,manager,site,hire_date,end_date,terminal_ids'];
  for (let i = 0; i < employees; i++) rows.push(`${id(i)},员工${i},部门${i % 40},,${SITE},2020-01-01,,${SITE}:${i + 1}`);
  hub.directory.importEmployees(rows.join('\n'), { fileName: 'bench-employees.csv' });
  importSchedules(db, [
    'shifts:',
    '  - { id: day, start: "08:30", end: "17:30" }',
    '  - { id: night, start: "22:00", end: "06:00" }',
    'patterns:',
    '  - { id: days, type: weekly, statutory: true, days: { mon: day, tue: day, wed: day, thu: day, fri: day, sat: null, sun: null } }',
    '  - { id: nights, type: weekly, statutory: true, days: { mon: night, tue: night, wed: night, thu: night, fri: night, sat: null, sun: null } }',
  ].join('\n'));
  db.transaction(() => {
    for (let i = 0; i < employees; i++) setAssignment(db, { employee: id(i), pattern: night(i) ? 'nights' : 'days', from: '2026-01-01', to: null });
  })();
  const leave = ['employee,kind,from,to,approved_by,approved_at'];
  for (let i = 3; i < employees; i += 97) leave.push(`${id(i)},年假,${DAY},${DAY},HR,2026-11-10T09:00:00+08:00`);
  hub.leave.importLeave(leave.join('\n'), { fileName: 'bench-leave.csv' });
  const punches = insertPunches(db, employees);
  // Everything up to the day before is judged, as the hub would have done day by day.
  reportHealth(db, SITE, Z.instant(DAY, 10 * 60 + 30));
  hub.runDetection(Z.instant(DAY, 10 * 60 + 30));
  reportHealth(db, SITE, NOW);
  await hub.close();
  db.close();
  return { punches, setupMs: Math.round(performance.now() - started) };
}

function insertPunches(db: HubDatabase, employees: number): number {
  const insert = db.prepare(`INSERT INTO punches (id, site, gateway, device_serial, user_id, at, at_ms, state, verify, workcode, source, epoch, received_ms)
    VALUES (?, '${SITE}', 'gw1', 'SN1', ?, '', ?, 0, 1, 0, 'poll', 1, 0)`);
  let n = 0;
  db.transaction(() => {
    // The month up to the day, and the next morning's arrivals up to the measuring moment.
    for (const date of datesBetween(MONTH_START, addDays(DAY, 1))) {
      if (weekday(date) === 0 || weekday(date) === 6) continue;
      for (let i = 0; i < employees; i++) {
        if (absent(i, date)) continue;
        const [inMin, outMin] = night(i) ? [21 * 60 + 50 + (i % 9), 24 * 60 + 6 * 60 + (i % 7)] : [8 * 60 + 15 + (i % 14), 17 * 60 + 31 + (i % 20)];
        for (const [k, minutes] of [[0, inMin], [1, outMin]] as const) {
          const atMs = Z.instant(date, minutes);
          if (atMs > NOW) continue;
          insert.run(`${date}-${i}-${k}`, String(i + 1), atMs);
          n++;
        }
      }
    }
  })();
  return n;
}

/** One round, in this (fresh) process: the day's detection run, then the month's counts. */
export async function measure(path: string): Promise<DailyRound> {
  const start = performance.now();
  // The hub's default durability (in interleaved runs FULL and NORMAL differed by less than the noise).
  const db = openHubDatabase({ path, synchronous: 'FULL', logger });
  const hub = openModules({ db, config: config(), logger, clock: () => NOW });
  hub.startWorkers();
  hub.ports.employees();
  const t0 = performance.now();
  const tick = hub.runDetection(NOW);
  const t1 = performance.now();
  const month = hub.reports.absences({ from: MONTH_START, to: DAY });
  const t2 = performance.now();
  const instances = (db.prepare('SELECT count(*) AS n FROM detection_instances WHERE date = ?').get(DAY) as { n: number }).n;
  await hub.close();
  db.close();
  return {
    startMs: Math.round(t0 - start),
    detectionMs: Math.round(t1 - t0),
    instances,
    events: tick.events.length,
    monthCountsMs: Math.round(t2 - t1),
    employeesReported: month.length,
    peakRssMB: Math.round((process.resourceUsage().maxRSS / 1024) * 10) / 10,
  };
}

export interface DailyReport {
  employees: number;
  day: LocalDate;
  punchesStored: number;
  setupMs: number;
  rounds: DailyRound[];
  median: { startMs: number; detectionMs: number; monthCountsMs: number; totalMs: number; peakRssMB: number };
}

export async function benchDaily(employees: number, rounds: number): Promise<DailyReport> {
  const dir = mkdtempSync(join(tmpdir(), 'rollcall-bench-daily-'));
  try {
    const template = join(dir, 'template.sqlite');
    const { punches, setupMs } = await prepare(template, employees);
    // The template (460 MB at 100,000 employees) written back now, not during the rounds.
    flushed(template);
    const results: DailyRound[] = [];
    for (let r = 0; r < rounds; r++) {
      const copy = join(dir, `round-${r}.sqlite`);
      copyFileSync(template, copy);
      // Written back before the clock starts: otherwise the round's first commit pays for
      // flushing the copy (its fsync of the WAL waited about 180 ms for it, measured).
      flushed(copy);
      const child = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--measure', copy], { encoding: 'utf8', maxBuffer: 1 << 20 });
      if (child.status !== 0) throw new Error(`daily round ${r} failed: ${child.stderr}`);
      results.push(JSON.parse(child.stdout) as DailyRound);
      rmSync(copy, { force: true });
    }
    return {
      employees, day: DAY, punchesStored: punches, setupMs, rounds: results,
      median: {
        startMs: median(results.map((r) => r.startMs)),
        detectionMs: median(results.map((r) => r.detectionMs)),
        monthCountsMs: median(results.map((r) => r.monthCountsMs)),
        totalMs: median(results.map((r) => r.detectionMs + r.monthCountsMs)),
        peakRssMB: median(results.map((r) => r.peakRssMB)),
      },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function flushed(path: string): void {
  const fd = openSync(path, 'r+');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { measure: { type: 'string' }, employees: { type: 'string', default: '100000' }, rounds: { type: 'string', default: '3' } } });
  if (values.measure !== undefined) process.stdout.write(JSON.stringify(await measure(values.measure)));
  else process.stdout.write(`${JSON.stringify(await benchDaily(Number(values.employees), Number(values.rounds)), null, 2)}\n`);
}

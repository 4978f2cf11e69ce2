/**
 * The case ladder at company scale: `employees` people stop coming to work on Monday 2026-06-15
 * and never come back. Detection runs as the hub runs it (no-shows at 09:06, the day judged at
 * 22:01) and the case engine after each run, through a simulated month to 2026-07-15: cases open,
 * reminders and HR tasks, daily reminders on working days (not the Dragon Boat Festival), the
 * return-to-work notices at the third absent day, approved by HR on 6.18 and delivered on 6.20,
 * the termination drafts when the deadline passed, every fact in the evidence log. Timed: the case
 * engine's runs (sync and advance) and HR's approvals and deliveries; detection is timed apart.
 * Then the storage floor: the rows the runs left, written again by SQLite alone (cases-floor.ts).
 *
 *   node dist/bench/hub/cases.js [--employees N]
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { importSchedules, setAssignment } from '../../hub/calendar/schedules-store.js';
import { defaultPolicy } from '../../hub/cases/policy-file.js';
import type { HubConfig } from '../../hub/config/load.js';
import { openHubDatabase, type HubDatabase } from '../../hub/db/database.js';
import { generateEvidenceKey } from '../../hub/evidence/keys.js';
import { EvidenceLog } from '../../hub/evidence/log.js';
import { addDays, datesBetween, type LocalDate } from '../../hub/time/local-date.js';
import { zone } from '../../hub/time/zone.js';
import { openCases } from '../../hub/wiring/case-ports.js';
import { openModules } from '../../hub/wiring/modules.js';
import { replayCaseRows, type StorageFloor } from './cases-floor.js';
import { reportHealth } from './site-health.js';

const SITE = 'plant';
const Z = zone('Asia/Shanghai');
const FIRST: LocalDate = '2026-06-15';
const LAST: LocalDate = '2026-07-15';
const logger = pino({ level: 'silent' });

const config = (): Pick<HubConfig, 'sites' | 'detection'> => ({
  sites: [{ id: SITE, timeZone: 'Asia/Shanghai', gateways: [{ id: 'gw1', password: 'unused' }] }],
  detection: { intervalSeconds: 60, thresholds: { consecutive: 3, monthly: 5 }, restBreaksRun: false, leaveBreaksRun: true, startDate: FIRST },
});

export interface CasesBench {
  employees: number;
  days: number;
  /** The case engine's runs over the month (sync + advance), summed. */
  caseRunsMs: number;
  caseRuns: number;
  /** HR approving every notice and recording every delivery. */
  hrActionsMs: number;
  detectionMs: number;
  cases: number;
  stepsFired: number;
  messagesQueued: number;
  notices: number;
  evidenceEntries: number;
  peakRssMB: number;
  /** MB the case engine's runs wrote to storage (WAL frames, checkpoints), from /proc/self/io; null where there is none. */
  caseRunsWrittenMB: number | null;
  /** The rows the case runs left, written again by SQLite alone, run by run (cases-floor.ts). */
  storageFloor: StorageFloor;
}

export async function benchCases(employees: number): Promise<CasesBench> {
  const dir = mkdtempSync(join(tmpdir(), 'rollcall-bench-cases-'));
  const db = openHubDatabase({ path: join(dir, 'hub.sqlite'), synchronous: 'FULL', logger });
  let now = Z.instant(FIRST, 0);
  const hub = openModules({ db, config: config(), logger, clock: () => now });
  try {
    setUp(db, hub.directory, employees);
    const evidence = new EvidenceLog({ db, key: generateEvidenceKey(), logger, now: () => now });
    const cases = openCases(hub, { sites: [{ id: SITE, timeZone: 'Asia/Shanghai', socialInsuranceCutoffDay: 15 }], policy: defaultPolicy(), logger, evidence, clock: () => now });
    let caseRunsMs = 0;
    let caseRuns = 0;
    let hrActionsMs = 0;
    let detectionMs = 0;
    let caseRunsWritten: number | null = 0;
    const runMoments = new Set<number>();
    const tick = (date: LocalDate, minutes: number): void => {
      now = Z.instant(date, minutes);
      runMoments.add(now);
      reportHealth(db, SITE, now);
      const t0 = performance.now();
      hub.runDetection(now);
      const w1 = writtenBytes();
      const t1 = performance.now();
      cases.run(now);
      const t2 = performance.now();
      const w2 = writtenBytes();
      caseRunsWritten = caseRunsWritten === null || w1 === null || w2 === null ? null : caseRunsWritten + w2 - w1;
      detectionMs += t1 - t0;
      caseRunsMs += t2 - t1;
      caseRuns++;
    };
    const hr = (date: LocalDate, minutes: number, act: () => void): void => {
      now = Z.instant(date, minutes);
      const t0 = performance.now();
      act();
      hrActionsMs += performance.now() - t0;
    };
    // HR's work of a day, at its time of day (minutes).
    const hrOn = new Map<LocalDate, { minutes: number; act: (date: LocalDate) => void }>([
      ['2026-06-18', { minutes: 10 * 60, act: () => forEachNotice(db, 'return_to_work', (id) => cases.notices.approve(id, 'hr.bench')) }],
      ['2026-06-20', { minutes: 15 * 60, act: (date) => forEachNotice(db, 'return_to_work', (id) => cases.notices.delivered(id, 'delivered', date)) }],
      ['2026-06-24', { minutes: 10 * 60, act: () => forEachNotice(db, 'termination', (id) => cases.notices.approve(id, 'hr.bench')) }],
    ]);
    let days = 0;
    for (const date of datesBetween(FIRST, LAST)) {
      days++;
      let work = hrOn.get(date);
      for (const minutes of [9 * 60, 9 * 60 + 6, 11 * 60, 13 * 60, 22 * 60 + 1]) {
        const due = work;
        if (due !== undefined && due.minutes < minutes) {
          hr(date, due.minutes, () => due.act(date));
          work = undefined;
        }
        tick(date, minutes);
      }
      tick(addDays(date, 1), 0);
    }
    const count = (sql: string): number => (db.prepare(sql).pluck().get() as number);
    const peakRssMB = Math.round((process.resourceUsage().maxRSS / 1024) * 10) / 10;
    return {
      employees, days, caseRunsMs: Math.round(caseRunsMs), caseRuns, hrActionsMs: Math.round(hrActionsMs), detectionMs: Math.round(detectionMs),
      cases: count('SELECT count(*) FROM cases'), stepsFired: count("SELECT count(*) FROM case_steps WHERE state = 'fired'"),
      messagesQueued: count('SELECT count(*) FROM case_messages'), notices: count('SELECT count(*) FROM case_notices'), evidenceEntries: evidence.size(),
      peakRssMB,
      caseRunsWrittenMB: caseRunsWritten === null ? null : Math.round(caseRunsWritten / 1e6),
      storageFloor: replayCaseRows(db, runMoments, logger),
    };
  } finally {
    await hub.close();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

function setUp(db: HubDatabase, directory: ReturnType<typeof openModules>['directory'], employees: number): void {
  const rows = ['id,name,department,manager,site,hire_date,end_date,terminal_ids,phone,email,chat_id,postal_address'];
  const managers = Math.ceil(employees / 50);
  for (let m = 0; m < managers; m++) rows.push(`M${m},经理${m},部门${m},,${SITE},2020-01-01,,${SITE}:M${m},1390000${String(m).padStart(4, '0')},m${m}@example.com,m${m},上海市示例路 ${m} 号`);
  for (let i = 0; i < employees; i++) rows.push(`E${i},员工${i},部门${i % managers},M${i % managers},${SITE},2021-01-01,,${SITE}:${i + 1},1380000${String(i).padStart(4, '0')},e${i}@example.com,e${i},上海市样板路 ${i} 号`);
  directory.importEmployees(rows.join('\n'), { fileName: 'bench-employees.csv' });
  importSchedules(db, [
    'shifts:',
    '  - { id: day, start: "09:00", end: "18:00" }',
    'patterns:',
    '  - { id: office, type: weekly, statutory: true, days: { mon: day, tue: day, wed: day, thu: day, fri: day, sat: null, sun: null } }',
  ].join('\n'));
  db.transaction(() => {
    for (let i = 0; i < employees; i++) setAssignment(db, { employee: `E${i}`, pattern: 'office', from: '2026-01-01', to: null });
  })();
}

/** Bytes this process has written to storage so far (Linux); null where the kernel does not say. */
function writtenBytes(): number | null {
  try {
    const bytes = /^write_bytes: (\d+)$/m.exec(readFileSync('/proc/self/io', 'utf8'))?.[1];
    return bytes === undefined ? null : Number(bytes);
  } catch {
    return null;
  }
}

function forEachNotice(db: HubDatabase, kind: string, act: (noticeId: number) => void): void {
  for (const id of db.prepare("SELECT notice_id FROM case_notices WHERE kind = ? AND state IN ('draft', 'approved') ORDER BY notice_id").pluck().all(kind) as number[]) act(id);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { employees: { type: 'string', default: '10000' } } });
  process.stdout.write(`${JSON.stringify(await benchCases(Number(values.employees)), null, 2)}\n`);
}

import { punchId } from '../../../agent/store/punch-id.js';
import { importSchedules } from '../../../hub/calendar/schedules-store.js';
import type { CaseEngine } from '../../../hub/cases/engine.js';
import { generateEvidenceKey } from '../../../hub/evidence/keys.js';
import { EvidenceLog } from '../../../hub/evidence/log.js';
import { defaultPolicy } from '../../../hub/cases/policy-file.js';
import type { Policy } from '../../../hub/cases/policy-schema.js';
import type { HubConfig } from '../../../hub/config/load.js';
import { openHubDatabase, type HubDatabase } from '../../../hub/db/database.js';
import { parseInbound } from '../../../hub/ingest/messages.js';
import { openCases } from '../../../hub/wiring/case-ports.js';
import { openModules, type HubModules } from '../../../hub/wiring/modules.js';
import type { TerminalHealth } from '../../../protocols/mqtt/contract.js';
import { silent, tempDir } from '../../helpers/temp.js';

/**
 * A health report of the story's terminal SN1 ("Gate", online, in sync, empty) at `atMs`, with
 * `fields` changed: for another terminal, pass its serial number and name.
 */
export function terminalHealth(atMs: number, fields: Partial<TerminalHealth> = {}): TerminalHealth {
  const when = new Date(atMs).toISOString();
  return {
    v: 1, gateway: 'gw1', deviceSerial: 'SN1', name: 'Gate', endpoint: 'tcp://10.0.0.5:4370', online: true, lastSeen: when, syncedThrough: when,
    clockDriftSeconds: 0, records: 0, recordCapacity: 100_000, users: 3, userCapacity: 3000, firmware: 'Ver 6.60', platform: 'ZMM220', backlog: 0, lastError: null, alarms: [], at: when,
    ...fields,
  };
}

/** A Shanghai local time (`2026-06-15T09:06`) as an instant. */
export const at = (local: string): number => Date.parse(`${local}:00+08:00`);

const CONFIG: Pick<HubConfig, 'sites' | 'detection'> = {
  sites: [{ id: 'plant', timeZone: 'Asia/Shanghai', gateways: [{ id: 'gw1', password: 'unused' }] }],
  detection: { intervalSeconds: 60, thresholds: { consecutive: 3, monthly: 5 }, restBreaksRun: false, leaveBreaksRun: true, startDate: '2026-06-01' },
};

const EMPLOYEES = `id,name,department,manager,site,hire_date,end_date,terminal_ids,phone,email,chat_id,postal_address,emergency_name,emergency_phone,emergency_relation
M1,陈经理,生产部,,plant,2020-01-06,,plant:1,13800000001,chen@example.com,chen,上海市浦东新区示例路 1 号,,,
E1,王小明,生产部,M1,plant,2021-03-01,,plant:11,13800000011,wang@example.com,wangxm,上海市闵行区样板路 12 号 301 室,王大明,13900000011,父亲
E2,李娜,生产部,M1,plant,2022-05-09,,plant:12,13800000012,li@example.com,lina,上海市徐汇区样板路 5 号,,,
`;

/** Day shift Monday to Friday, 09:00-18:00, statutory holidays off (Dragon Boat Festival: 2026-06-19..21). */
const SCHEDULES = `
shifts:
  - { id: day, start: "09:00", end: "18:00", graceLateMinutes: 5, graceEarlyMinutes: 5, windowBeforeMinutes: 120, windowAfterMinutes: 240 }
patterns:
  - { id: office, type: weekly, days: { mon: day, tue: day, wed: day, thu: day, fri: day, sat: null, sun: null }, statutory: true }
assignments:
  - { employee: M1, pattern: office, from: 2026-01-01 }
  - { employee: E1, pattern: office, from: 2026-01-01 }
  - { employee: E2, pattern: office, from: 2026-01-01 }
`;

const USER: Record<string, string> = { M1: '1', E1: '11', E2: '12' };

/**
 * One site with two workers and their manager, the real hub modules on a SQLite file, a clock the
 * story moves, and the case engine under the given policy. Each `at` step delivers the punches
 * up to then (the gateway stays in sync unless told otherwise), runs detection and then cases,
 * as the hub does every minute.
 */
export class Story {
  readonly dir = tempDir('case-story-');
  now = at('2026-06-01T00:00');
  db!: HubDatabase;
  hub!: HubModules;
  cases!: CaseEngine;
  evidence!: EvidenceLog;
  private readonly key = generateEvidenceKey();
  private readonly punches: Array<{ who: string; local: string }> = [];
  private delivered = 0;

  constructor(private readonly policy: Policy = defaultPolicy()) {
    this.open();
    this.hub.directory.importEmployees(EMPLOYEES, { fileName: 'employees.csv' });
    importSchedules(this.db, SCHEDULES, 'schedules.yaml');
  }

  /** Starts the hub's modules and the case engine on the story's database (again after `restart`). */
  private open(): void {
    this.db = openHubDatabase({ path: `${this.dir.dir}/hub.sqlite`, synchronous: 'NORMAL', logger: silent });
    this.hub = openModules({ db: this.db, config: CONFIG, logger: silent, clock: () => this.now });
    this.evidence = new EvidenceLog({ db: this.db, key: this.key, logger: silent, now: () => this.now });
    // Shanghai's cutoff for reporting leavers, as the story's HR department configured it.
    const sites = CONFIG.sites.map((site) => ({ ...site, socialInsuranceCutoffDay: 15 }));
    this.cases = openCases(this.hub, { sites, policy: this.policy, logger: silent, clock: () => this.now, evidence: this.evidence });
  }

  /** Stops everything and starts it again on the same file, as a hub restart does. */
  async restart(): Promise<void> {
    await this.hub.close();
    this.db.close();
    this.open();
  }

  /** `who` punches at the local times given (stored when the clock passes them). */
  punch(who: string, ...locals: string[]): void {
    for (const local of locals) this.punches.push({ who, local });
    this.punches.sort((a, b) => at(a.local) - at(b.local));
  }

  /** Everyone but `absent` comes to work 08:55-18:05 on the working days from `from` to `to`. */
  attend(days: readonly string[], absent: readonly string[] = []): void {
    for (const d of days) for (const who of Object.keys(USER)) if (!absent.includes(who)) this.punch(who, `${d}T08:55`, `${d}T18:05`);
  }

  /** Moves the clock to `local`, delivers, runs detection and cases; returns what cases did. */
  at(local: string): ReturnType<CaseEngine['run']> {
    this.now = at(local);
    this.deliver();
    this.hub.runDetection(this.now);
    return this.cases.run(this.now);
  }

  /** Moves the clock to `local`, delivers and runs detection only: the case engine catches up at a later `at`, taking several runs' changes in one batch. */
  detect(local: string): void {
    this.now = at(local);
    this.deliver();
    this.hub.runDetection(this.now);
  }

  private deliver(): void {
    const batch = this.punches.slice(this.delivered).filter((p) => at(p.local) <= this.now);
    if (batch.length > 0) {
      const topic = 'rollcall/v1/plant/gw1/punches';
      const payload = JSON.stringify({
        v: 1, gateway: 'gw1', epoch: 1, seqFrom: this.delivered + 1, seqTo: this.delivered + batch.length,
        punches: batch.map((p) => ({ id: punchId('SN1', USER[p.who]!, `${p.local}:00`, 0), deviceSerial: 'SN1', userId: USER[p.who]!, at: `${p.local}:00+08:00`, state: 0, verify: 1, workcode: 0, source: 'realtime' })),
      });
      const message = parseInbound(topic, Buffer.from(payload), this.now);
      if (message.kind !== 'punches' || message.rejects.length > 0) throw new Error(`bad story batch: ${JSON.stringify(message).slice(0, 300)}`);
      this.hub.punches.storeBatch(message, topic, this.now);
      this.delivered += batch.length;
    }
    this.hub.health.recordHealth('plant', terminalHealth(this.now), this.now);
  }

  /** The case's steps as `key state HH:MM` of their due time, in due order. */
  steps(caseId: number): string[] {
    return this.cases.store.steps(caseId).map((s) => `${s.stepKey} ${s.state} ${local(s.dueMs)}`);
  }

  async close(): Promise<void> {
    await this.hub.close();
    this.db.close();
    this.dir.cleanup();
  }
}

/** `2026-06-15T11:00` of an instant, in Shanghai. */
export function local(ms: number): string {
  return new Date(ms + 8 * 3_600_000).toISOString().slice(0, 16);
}

/** The working days of June 2026 before the 15th. */
export const EARLY_JUNE_WORKDAYS = ['2026-06-01', '2026-06-02', '2026-06-03', '2026-06-04', '2026-06-05', '2026-06-08', '2026-06-09', '2026-06-10', '2026-06-11', '2026-06-12'];

/** The working days of June 2026 from the 15th (the 19th-21st are the Dragon Boat Festival). */
export const JUNE_WORKDAYS = ['2026-06-15', '2026-06-16', '2026-06-17', '2026-06-18', '2026-06-22', '2026-06-23', '2026-06-24', '2026-06-25', '2026-06-26', '2026-06-29', '2026-06-30'];

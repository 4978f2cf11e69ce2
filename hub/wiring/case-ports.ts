import type { CaseEvidence, CasePorts, AbsenceCounts } from '../cases/ports.js';
import { CaseEngine } from '../cases/engine.js';
import type { Policy } from '../cases/policy-schema.js';
import type { Employee } from '../directory/types.js';
import type { DayPlan } from '../model/day-plan.js';
import { HubError } from '../errors.js';
import type { LocalDate } from '../time/local-date.js';
import { zone, type Zone } from '../time/zone.js';
import type { Logger } from 'pino';
import type { HubModules } from './modules.js';

/** A site as cases need it: its time zone, and its city's social-insurance cutoff day when configured. */
export interface CaseSite {
  id: string;
  timeZone: string;
  socialInsuranceCutoffDay?: number;
}

/**
 * The case engine's view of the hub: the directory, the calendar, detection's counts and leave.
 * Employees read are kept until the directory's revision moves (checked once per engine
 * transaction): a run firing ten thousand steps reads each employee and manager once.
 */
export class HubCasePorts implements CasePorts {
  private readonly zones: Map<string, Zone>;
  private readonly cutoffDays: Map<string, number>;
  private readonly employees = new Map<string, Employee | undefined>();
  private revision = -1;
  /** Between beginRead and endRead the revision is not checked again. */
  private reading = false;

  constructor(
    private readonly modules: HubModules,
    sites: ReadonlyArray<CaseSite>,
  ) {
    this.zones = new Map(sites.map((s) => [s.id, zone(s.timeZone)]));
    this.cutoffDays = new Map(sites.flatMap((s) => (s.socialInsuranceCutoffDay === undefined ? [] : [[s.id, s.socialInsuranceCutoffDay] as const])));
  }

  socialInsuranceCutoffDay(siteId: string): number | undefined {
    return this.cutoffDays.get(siteId);
  }

  beginRead(): void {
    this.checkRevision();
    this.reading = true;
  }

  endRead(): void {
    this.reading = false;
  }

  employee(employeeId: string): Employee | undefined {
    if (!this.reading) this.checkRevision();
    if (this.employees.has(employeeId)) return this.employees.get(employeeId);
    const e = this.modules.directory.getEmployee(employeeId);
    this.employees.set(employeeId, e);
    return e;
  }

  private checkRevision(): void {
    const revision = this.modules.directory.revision();
    if (revision === this.revision) return;
    this.employees.clear();
    this.revision = revision;
  }

  zoneOf(siteId: string): Zone {
    const z = this.zones.get(siteId);
    if (z === undefined) throw new HubError('CONFIG', `site "${siteId}" is not in the hub's configuration`);
    return z;
  }

  shiftStartMs(employee: Employee, date: LocalDate, shiftId: string): number | undefined {
    const plan = this.plan(employee, date);
    return plan.shift?.shiftId === shiftId ? plan.shift.startMs : undefined;
  }

  worksOn(employee: Employee, date: LocalDate): boolean {
    return this.plan(employee, date).kind === 'work';
  }

  /** The employee's day as the calendar plans it. */
  private plan(e: Employee, date: LocalDate): DayPlan {
    return this.modules.planner.plan({ id: e.id, site: e.site, hireDate: e.hireDate, endDate: e.endDate }, date);
  }

  absence(employeeIds: readonly string[], asOf: LocalDate): ReadonlyMap<string, AbsenceCounts> {
    return this.modules.reports.absenceOfMany(employeeIds, asOf);
  }

  punchedBetween(who: ReadonlyArray<{ employeeId: string; siteId: string }>, fromMs: number, toMs: number): Map<string, number> {
    const bySite = new Map<string, Map<string, string>>();
    for (const w of who) {
      const userId = this.employee(w.employeeId)?.terminalIds[w.siteId];
      if (userId === undefined) continue;
      let users = bySite.get(w.siteId);
      if (users === undefined) bySite.set(w.siteId, (users = new Map()));
      users.set(userId, w.employeeId);
    }
    const out = new Map<string, number>();
    for (const [site, users] of bySite) {
      for (const [userId, atMs] of this.modules.punches.firstPunches(site, [...users.keys()], fromMs, toMs)) out.set(users.get(userId)!, atMs);
    }
    return out;
  }

  onLeave(employeeIds: readonly string[], atMs: number): Set<string> {
    const on = new Set<string>();
    if (employeeIds.length === 0) return on;
    const leave = this.modules.leave.leaveIntervals({ fromMs: atMs, toMs: atMs + 1, zoneOf: (site) => this.zoneOf(site), employeeIds: [...employeeIds] });
    for (const l of leave) if (l.startMs <= atMs && atMs < l.endMs) on.add(l.employeeId);
    return on;
  }
}

/** The case engine on the hub's modules. */
export function openCases(modules: HubModules, options: { sites: ReadonlyArray<CaseSite>; policy: Policy; logger: Logger; evidence: CaseEvidence; clock?: () => number }): CaseEngine {
  return new CaseEngine({
    db: modules.db,
    ports: new HubCasePorts(modules, options.sites),
    policy: options.policy,
    logger: options.logger,
    evidence: options.evidence,
    ...(options.clock === undefined ? {} : { clock: options.clock }),
  });
}

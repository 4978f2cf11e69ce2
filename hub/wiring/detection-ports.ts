import type { Planner } from '../calendar/planner.js';
import type { PlannedEmployee } from '../calendar/model.js';
import type { HubSite } from '../config/load.js';
import type { HubDatabase } from '../db/database.js';
import type { DetectionEmployee, DetectionPorts, DetectionSite } from '../detection/ports.js';
import type { Directory } from '../directory/directory.js';
import type { HealthStore } from '../ingest/health-store.js';
import type { LeaveStore } from '../leave/store.js';
import type { DayPlan } from '../model/day-plan.js';
import type { LeaveInterval } from '../model/leave.js';
import type { EmployeePunch } from '../model/punch.js';
import type { LocalDate } from '../time/local-date.js';
import { zone, type Zone } from '../time/zone.js';

export interface PortsOptions {
  db: HubDatabase;
  sites: readonly HubSite[];
  directory: Directory;
  leave: LeaveStore;
  planner: Planner;
  health: HealthStore;
}

interface Holder {
  employeeId: string;
  hireDate: string;
  endDate: string | null;
}

/**
 * Detection's view of the hub: the directory, the calendar, leave, stored punches and each
 * site's watermark, read in bulk. Employees and who holds which terminal user id are read once
 * per `refresh()` (the hub calls it before each detection run), not once per question.
 */
export class HubDetectionPorts implements DetectionPorts {
  private employeesById = new Map<string, PlannedEmployee & { department: string | null }>();
  private holders = new Map<string, Holder[]>();
  private refreshedAt = Number.NEGATIVE_INFINITY;
  private readonly zones: Map<string, Zone>;
  private readonly punchQuery;

  constructor(private readonly options: PortsOptions) {
    this.zones = new Map(options.sites.map((s) => [s.id, zone(s.timeZone)]));
    this.punchQuery = options.db.prepare<[string, number, number], { user_id: string; at_ms: number; id: string }>(
      'SELECT user_id, at_ms, id FROM punches WHERE site = ? AND at_ms BETWEEN ? AND ? ORDER BY at_ms',
    );
    this.refresh();
  }

  /**
   * Reads employees and terminal user ids again, unless that was done less than `maxAgeMs` ago
   * (detection runs pass 0; a burst of leave changes from one import shares one read).
   */
  refresh(maxAgeMs = 0): void {
    const now = performance.now();
    if (now - this.refreshedAt < maxAgeMs) return;
    this.refreshedAt = now;
    const employees = new Map<string, PlannedEmployee & { department: string | null }>();
    for (const e of this.options.directory.listEmployees()) {
      employees.set(e.id, { id: e.id, site: e.site, hireDate: e.hireDate, endDate: e.endDate, department: e.department });
    }
    const holders = new Map<string, Holder[]>();
    const rows = this.options.db
      .prepare('SELECT t.site, t.user_id, t.employee_id, e.hire_date, e.end_date FROM directory_terminal_users t JOIN directory_employees e ON e.id = t.employee_id ORDER BY e.hire_date DESC, e.id')
      .all() as Array<{ site: string; user_id: string; employee_id: string; hire_date: string; end_date: string | null }>;
    for (const r of rows) {
      const key = `${r.site}\u0000${r.user_id}`;
      const list = holders.get(key) ?? [];
      list.push({ employeeId: r.employee_id, hireDate: r.hire_date, endDate: r.end_date });
      holders.set(key, list);
    }
    this.employeesById = employees;
    this.holders = holders;
  }

  sites(): readonly DetectionSite[] {
    return this.options.sites.map((s) => ({ siteId: s.id, timeZone: s.timeZone }));
  }

  employee(employeeId: string): DetectionEmployee | undefined {
    const e = this.employeesById.get(employeeId);
    return e === undefined ? undefined : { employeeId: e.id, siteId: e.site, department: e.department };
  }

  employees(siteId?: string): readonly DetectionEmployee[] {
    const out: DetectionEmployee[] = [];
    for (const e of this.employeesById.values()) if (siteId === undefined || e.site === siteId) out.push({ employeeId: e.id, siteId: e.site, department: e.department });
    return out;
  }

  plans(employeeIds: readonly string[], date: LocalDate): readonly DayPlan[] {
    const employees: PlannedEmployee[] = [];
    for (const id of employeeIds) {
      const e = this.employeesById.get(id);
      if (e !== undefined) employees.push(e);
    }
    return this.options.planner.planMany(employees, date);
  }

  /**
   * Stored punches resolved to employees: the terminal user id at the punch's site, held on the
   * punch's local date (ids are reused after someone leaves). Punches of unknown users are left out.
   */
  punches(fromMs: number, toMs: number, employeeIds?: readonly string[]): readonly EmployeePunch[] {
    const wanted = employeeIds === undefined ? undefined : new Set(employeeIds);
    const out: EmployeePunch[] = [];
    for (const [site, z] of this.zones) {
      for (const p of this.punchQuery.iterate(site, fromMs, toMs)) {
        const employeeId = this.holderOn(site, p.user_id, z.local(p.at_ms).date);
        if (employeeId === undefined || (wanted !== undefined && !wanted.has(employeeId))) continue;
        out.push({ employeeId, atMs: p.at_ms, punchId: p.id });
      }
    }
    return out;
  }

  leave(fromMs: number, toMs: number, employeeIds?: readonly string[]): readonly LeaveInterval[] {
    return this.options.leave.leaveIntervals({
      fromMs,
      toMs,
      zoneOf: (site) => this.zones.get(site) ?? zone('+00:00'),
      ...(employeeIds === undefined ? {} : { employeeIds }),
    });
  }

  watermark(siteId: string): number | undefined {
    const site = this.options.sites.find((s) => s.id === siteId);
    if (site === undefined) return undefined;
    return this.options.health.watermark(siteId, site.gateways.map((g) => g.id)) ?? undefined;
  }

  private holderOn(site: string, userId: string, date: LocalDate): string | undefined {
    const list = this.holders.get(`${site}\u0000${userId}`);
    if (list === undefined) return undefined;
    for (const h of list) if (h.hireDate <= date && (h.endDate === null || h.endDate >= date)) return h.employeeId;
    return undefined;
  }
}

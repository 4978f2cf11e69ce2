import type { Planner } from '../calendar/planner.js';
import type { PlannedEmployee } from '../calendar/model.js';
import { appendTo } from '../collections.js';
import type { HubSite } from '../config/load.js';
import type { HubDatabase } from '../db/database.js';
import type { DetectionEmployee, DetectionPorts, DetectionSite } from '../detection/ports.js';
import type { HealthStore } from '../ingest/health-store.js';
import type { LeaveStore } from '../leave/store.js';
import type { DayPlan } from '../model/day-plan.js';
import type { LeaveInterval } from '../model/leave.js';
import type { PunchTimes } from '../model/punch.js';
import type { LocalDate } from '../time/local-date.js';
import { zone, type Zone } from '../time/zone.js';
import type { PunchPrefetch, PunchSpan } from './punch-prefetch.js';
import { groupPunchWindow, PUNCH_WINDOW_SQL } from './punch-window.js';

export interface PortsOptions {
  db: HubDatabase;
  sites: readonly HubSite[];
  leave: LeaveStore;
  planner: Planner;
  health: HealthStore;
  /** Reads the bulk punch windows on a worker thread while plans are made (absent: read here). */
  prefetch?: PunchPrefetch;
}

/** Whoever held a terminal user id at a site, and when they were employed. */
interface Holder {
  employeeId: string;
  /** The employee's position in the view. */
  index: number;
  hireDate: LocalDate;
  endDate: LocalDate | null;
  /** This is the employee's only terminal user id (their punches come from it alone). */
  onlyId: boolean;
}

/** An employee as both the planner and detection see them (the directory always has a hire date). */
type ViewEmployee = PlannedEmployee & DetectionEmployee & { hireDate: LocalDate; index: number };

/** A list of employee ids as one run asks with it, for every batch of dates: resolved once. */
interface Listing {
  ids: readonly string[];
  view: DirectoryView;
  /** The listed employees the directory knows. */
  employees: PlannedEmployee[];
  /** By view position: 1 for a listed employee. */
  listed: Uint8Array;
}

/** The directory as detection needs it, read at one revision. */
interface DirectoryView {
  revision: number;
  byId: Map<string, ViewEmployee>;
  all: DetectionEmployee[];
  bySite: Map<string, DetectionEmployee[]>;
  /** Per site, per terminal user id: its holders, the one hired last first. */
  holders: Map<string, Map<string, Holder[]>>;
  /** Per employee, the terminal user ids they hold or held. */
  terminalIds: Map<string, Array<{ site: string; userId: string }>>;
}

/** Up to this many employees, punches are looked up per user id rather than read for the whole window. */
const FEW_EMPLOYEES = 32;

const NOBODY: readonly DetectionEmployee[] = [];

/**
 * Detection's view of the hub: the directory, the calendar, leave, stored punches and each
 * site's watermark, read in bulk. The directory is kept in memory and read again only when its
 * revision counter (bumped by triggers on every change, from any process) has moved: a detection
 * run or a leave change costs one row read, not a read of 100,000 employees.
 */
export class HubDetectionPorts implements DetectionPorts {
  private view: DirectoryView | undefined;
  private listed: Listing | undefined;
  private readonly zones: Map<string, Zone>;
  private readonly s;

  constructor(private readonly options: PortsOptions) {
    this.zones = new Map(options.sites.map((s) => [s.id, zone(s.timeZone)]));
    const { db } = options;
    const punchUsers = db.prepare<[string, number, number], string>(PUNCH_WINDOW_SQL.users).pluck();
    const punchTimes = db.prepare<[string, number, number], number>(PUNCH_WINDOW_SQL.times).pluck();
    this.s = {
      revision: db.prepare<[], number>('SELECT revision FROM directory_revision WHERE id = 1').pluck(),
      employees: db.prepare<[], [string, string, string, string | null, string | null]>('SELECT id, site, hire_date, end_date, department FROM directory_employees').raw(),
      terminalUsers: db.prepare<[], [string, string, string]>('SELECT site, user_id, employee_id FROM directory_terminal_users').raw(),
      // The user id is in the index: its entries of the window are checked without reading rows.
      userPunches: db.prepare<[string, number, number, string], number>('SELECT at_ms FROM punches WHERE site = ? AND at_ms BETWEEN ? AND ? AND user_id = ? ORDER BY at_ms').pluck(),
      readWindow: db.transaction((site: string, fromMs: number, toMs: number) => groupPunchWindow(punchUsers.all(site, fromMs, toMs), punchTimes.all(site, fromMs, toMs))),
    };
  }

  sites(): readonly DetectionSite[] {
    return this.options.sites.map((s) => ({ siteId: s.id, timeZone: s.timeZone }));
  }

  employee(employeeId: string): DetectionEmployee | undefined {
    return this.directory().byId.get(employeeId);
  }

  employeeIndex(): ReadonlyMap<string, DetectionEmployee> {
    return this.directory().byId;
  }

  employees(siteId?: string): readonly DetectionEmployee[] {
    const view = this.directory();
    return siteId === undefined ? view.all : (view.bySite.get(siteId) ?? NOBODY);
  }

  plans(employeeIds: readonly string[], date: LocalDate): readonly DayPlan[] {
    return this.options.planner.planMany(this.plannedEmployees(employeeIds), date);
  }

  workPlansReaching(employeeIds: readonly string[], date: LocalDate, fromMs: number, toMs: number): readonly DayPlan[] {
    return this.options.planner.workPlansReaching(this.plannedEmployees(employeeIds), date, fromMs, toMs);
  }

  /**
   * Starts reading the window `punches` will ask for, on the prefetch worker: the span of every
   * stored shift's window on the dates at the employees' sites, up to `untilMs`, at every site
   * (ids at several sites). Not for a few employees: they are looked up one by one.
   */
  prefetchPunches(employeeIds: readonly string[], dates: readonly LocalDate[], untilMs: number): void {
    const prefetch = this.options.prefetch;
    if (prefetch === undefined || employeeIds.length <= FEW_EMPLOYEES) return;
    const view = this.directory();
    const span = this.options.planner.windowSpan(this.listing(employeeIds, view).employees, dates);
    if (span === null || span.fromMs > Math.min(span.toMs, untilMs)) return;
    prefetch.request(windowSpans(this.zones, view.holders, span.fromMs, Math.min(span.toMs, untilMs)));
  }

  /**
   * Stored punches resolved to employees: the terminal user id at the punch's site, held on the
   * punch's local date (ids are reused after someone leaves). Punches of unknown users are left out.
   * Read grouped by user id, so who holds an id is worked out once per id, not once per punch.
   */
  punches(fromMs: number, toMs: number, employeeIds?: readonly string[]): PunchTimes {
    if (employeeIds !== undefined && employeeIds.length <= FEW_EMPLOYEES) return this.punchesOf(employeeIds, fromMs, toMs);
    // One view for holders and the listing: positions are those of the view they came from.
    const view = this.directory();
    const { holders } = view;
    const listed = employeeIds === undefined ? undefined : this.listing(employeeIds, view).listed;
    const out = new Map<string, number[]>();
    const add = (h: Holder, times: number[]): void => {
      if (listed !== undefined && listed[h.index] !== 1) return;
      // Someone with several ids (two sites): their punches from all of them, in time order.
      const before = h.onlyId ? undefined : out.get(h.employeeId);
      if (before === undefined) out.set(h.employeeId, times);
      else out.set(h.employeeId, [...before, ...times].sort((a, b) => a - b));
    };
    const prefetched = this.options.prefetch?.take(windowSpans(this.zones, holders, fromMs, toMs));
    for (const [site, z] of this.zones) {
      const siteHolders = holders.get(site);
      if (siteHolders === undefined) continue;
      const { users, ends, times } = prefetched?.get(site) ?? this.s.readWindow.deferred(site, fromMs, toMs);
      const span = { from: z.local(fromMs).date, to: z.local(toMs).date };
      for (let g = 0, start = 0; g < users.length; start = ends[g++]!) {
        const list = siteHolders.get(users[g]!);
        if (list === undefined) continue;
        // A prefetched window may be wider than the span asked for.
        let a = start;
        let b = ends[g]!;
        while (a < b && times[a]! < fromMs) a++;
        while (b > a && times[b - 1]! > toMs) b--;
        if (a === b) continue;
        const sole = soleHolder(list, span);
        if (sole !== null) {
          // Sized up front: an array grown by push from empty reserves room for 17 (100,000 lists).
          const held = new Array<number>(b - a);
          for (let i = a; i < b; i++) held[i - a] = times[i]!;
          add(sole, held);
          continue;
        }
        const byHolder = new Map<Holder, number[]>();
        for (let i = a; i < b; i++) {
          const holder = holderOn(list, z.local(times[i]!).date);
          if (holder !== undefined) appendTo(byHolder, holder, times[i]!);
        }
        for (const [holder, held] of byHolder) add(holder, held);
      }
    }
    return out;
  }


  /**
   * The same for a few employees (a reclassification): their own user ids' punches, found in the
   * (site, time, user) index without reading anyone else's, instead of the whole site's window.
   */
  private punchesOf(employeeIds: readonly string[], fromMs: number, toMs: number): PunchTimes {
    const { holders, terminalIds } = this.directory();
    const out = new Map<string, number[]>();
    for (const employeeId of new Set(employeeIds)) {
      const times: number[] = [];
      const ids = terminalIds.get(employeeId) ?? [];
      for (const { site, userId } of ids) {
        const z = this.zones.get(site);
        const list = holders.get(site)?.get(userId);
        if (z === undefined || list === undefined) continue;
        const sole = soleHolder(list, { from: z.local(fromMs).date, to: z.local(toMs).date })?.employeeId === employeeId;
        for (const atMs of this.s.userPunches.all(site, fromMs, toMs, userId)) {
          if (sole || holderOn(list, z.local(atMs).date)?.employeeId === employeeId) times.push(atMs);
        }
      }
      if (times.length > 0) out.set(employeeId, ids.length > 1 ? times.sort((a, b) => a - b) : times);
    }
    return out;
  }

  /**
   * Approved leave of the span. A few employees are named in the query; for many, everyone's
   * leave of the span is read and the list kept (a site's 100,000 ids as a JSON parameter cost
   * more than the few leaves of others read along).
   */
  leave(fromMs: number, toMs: number, employeeIds?: readonly string[]): readonly LeaveInterval[] {
    const zoneOf = (site: string): Zone => this.zones.get(site) ?? zone('+00:00');
    if (employeeIds === undefined) return this.options.leave.leaveIntervals({ fromMs, toMs, zoneOf });
    if (employeeIds.length <= FEW_EMPLOYEES) return this.options.leave.leaveIntervals({ fromMs, toMs, zoneOf, employeeIds });
    const view = this.directory();
    const { listed } = this.listing(employeeIds, view);
    const { byId } = view;
    return this.options.leave.leaveIntervals({ fromMs, toMs, zoneOf }).filter((l) => listed[byId.get(l.employeeId)?.index ?? -1] === 1);
  }

  watermark(siteId: string): number | undefined {
    const site = this.options.sites.find((s) => s.id === siteId);
    if (site === undefined) return undefined;
    return this.options.health.watermark(siteId, site.gateways.map((g) => g.id)) ?? undefined;
  }

  /** The listed employees the directory knows. */
  private plannedEmployees(employeeIds: readonly string[]): PlannedEmployee[] {
    return this.listing(employeeIds).employees;
  }

  /** The list resolved against the directory, once per list and revision (a run asks with the same list throughout). */
  private listing(employeeIds: readonly string[], view: DirectoryView = this.directory()): Listing {
    if (this.listed?.ids !== employeeIds || this.listed.view !== view) {
      const employees: PlannedEmployee[] = [];
      const listed = new Uint8Array(view.all.length);
      for (let i = 0; i < employeeIds.length; i++) {
        const e = view.byId.get(employeeIds[i]!);
        if (e === undefined) continue;
        if (listed[e.index] === 0) employees.push(e);
        listed[e.index] = 1;
      }
      this.listed = { ids: employeeIds, view, employees, listed };
    }
    return this.listed;
  }

  /** The directory at its current revision, read again only when that moved. */
  private directory(): DirectoryView {
    const revision = this.s.revision.get();
    if (this.view !== undefined && this.view.revision === revision) return this.view;
    this.view = this.options.db.transaction(() => this.readDirectory()).deferred();
    return this.view;
  }

  private readDirectory(): DirectoryView {
    const view: DirectoryView = { revision: this.s.revision.get() ?? 0, byId: new Map(), all: [], bySite: new Map(), holders: new Map(), terminalIds: new Map() };
    for (const [id, site, hireDate, endDate, department] of this.s.employees.iterate()) {
      const e: ViewEmployee = { id, site, hireDate, endDate, employeeId: id, siteId: site, department, index: view.all.length };
      view.byId.set(id, e);
      view.all.push(e);
      appendTo(view.bySite, site, e);
    }
    const shared: Holder[][] = [];
    const every: Holder[] = [];
    for (const [site, userId, employeeId] of this.s.terminalUsers.iterate()) {
      const e = view.byId.get(employeeId);
      if (e === undefined) continue;
      let siteHolders = view.holders.get(site);
      if (siteHolders === undefined) view.holders.set(site, (siteHolders = new Map()));
      appendTo(view.terminalIds, employeeId, { site, userId });
      const holder: Holder = { employeeId, index: e.index, hireDate: e.hireDate, endDate: e.endDate, onlyId: false };
      every.push(holder);
      const list = siteHolders.get(userId);
      if (list === undefined) siteHolders.set(userId, [holder]);
      else {
        if (list.length === 1) shared.push(list);
        list.push(holder);
      }
    }
    for (const list of shared) list.sort((a, b) => b.hireDate.localeCompare(a.hireDate) || a.employeeId.localeCompare(b.employeeId));
    for (const h of every) h.onlyId = view.terminalIds.get(h.employeeId)?.length === 1;
    return view;
  }
}

/** Who held the id on every date of the span; null when that is not one person. */
function soleHolder(list: readonly Holder[], span: { from: LocalDate; to: LocalDate }): Holder | null {
  const only = list.length === 1 ? list[0] : undefined;
  if (only !== undefined && only.hireDate <= span.from && (only.endDate === null || only.endDate >= span.to)) return only;
  return null;
}

function holderOn(list: readonly Holder[], date: LocalDate): Holder | undefined {
  for (const h of list) if (h.hireDate <= date && (h.endDate === null || h.endDate >= date)) return h;
  return undefined;
}

/** The same window at every configured site where someone holds a terminal user id. */
function windowSpans(zones: ReadonlyMap<string, Zone>, holders: ReadonlyMap<string, unknown>, fromMs: number, toMs: number): PunchSpan[] {
  return [...zones.keys()].filter((site) => holders.has(site)).map((site) => ({ site, fromMs, toMs }));
}
